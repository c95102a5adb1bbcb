/**
 * End to end: the sandbox emits `order.handoff` to the Worker (real signed webhooks over HTTP)
 * → verified, deduped, queued → the runner calls the provider → the order is confirmed (or
 * disputed) in the sandbox with the agent's stored session. The catalogue's handoff host
 * (`manualhub.example`) is routed to a provider on 127.0.0.1 by the test's outbound handler,
 * so the Worker runs with its production policy: https only, host allowlisted.
 */
import { assert, assertEquals, assertExists, assertMatch } from "@std/assert";
import { signWebhookHeaders } from "../../mod.ts";
import type { MarketOrder } from "../../mod.ts";
import { ids, localServer, type Market, market } from "../_market.ts";
import {
  type EdgeWorker,
  freePort,
  json,
  startWorker,
  waitFor,
  WEBHOOK_SECRET,
  type WorkerOptions,
} from "../_worker.ts";

const HANDOFF_SERVICE = "svc_manual_handoff"; // free, https://manualhub.example/search
const PROVIDER_HOST = "manualhub.example";
const PAID_SERVICE = "svc_charging_handoff"; // 7.50 USDT, https://chargenet.example/reserve
const PAID_PROVIDER_HOST = "chargenet.example";
const CREDENTIALS = { manualhub: { apiKey: "mh_secret_key_1" } };

type ProviderCall = { headers: Headers; body: Record<string, unknown> };

async function setup(
  providerStatus: number,
  workerOptions: WorkerOptions = {},
) {
  const calls: ProviderCall[] = [];
  const provider = await localServer(async (request) => {
    calls.push({ headers: request.headers, body: await request.json() });
    return Response.json({ accepted: providerStatus < 300 }, {
      status: providerStatus,
    });
  });
  const port = freePort();
  const faults = { apiDown: false };
  let m: Market;
  try {
    m = await market({
      webhooks: [{
        url: `http://127.0.0.1:${port}/webhooks/orchestration`,
        secret: WEBHOOK_SECRET,
      }],
      webhookRetryDelayMs: 50,
    });
  } catch (err) {
    await provider.close();
    throw err;
  }
  let worker: EdgeWorker;
  try {
    worker = await startWorker({
      port,
      route: (url) => {
        if ([PROVIDER_HOST, PAID_PROVIDER_HOST].includes(url.hostname)) {
          return `${provider.url}${url.pathname}`;
        }
        // An outage of the API's order routes: nothing listens on port 9.
        return faults.apiDown && url.pathname.includes("/market/orders/")
          ? "http://127.0.0.1:9/"
          : undefined;
      },
      ...workerOptions,
      vars: {
        PEAQOS_ORCHESTRATION_URL: m.sandbox.url,
        PEAQOS_API_KEY: m.sandbox.apiKey,
        HANDOFF_ALLOWED_HOSTS: `${PROVIDER_HOST},${PAID_PROVIDER_HOST}`,
        PROVIDER_CREDENTIALS: JSON.stringify(CREDENTIALS),
        ...workerOptions.vars,
      },
    });
  } catch (err) {
    await m.sandbox.close();
    await provider.close();
    throw err;
  }
  return {
    m,
    worker,
    calls,
    faults,
    async [Symbol.asyncDispose]() {
      // The Worker first, so the sandbox's close cancels deliveries it can no longer make.
      await worker[Symbol.asyncDispose]();
      await m.sandbox.close();
      await provider.close();
    },
  };
}

/** Stores the agent's session at the edge, then places and executes the order via the proxy. */
async function placeAndExecute(
  m: Market,
  worker: EdgeWorker,
): Promise<MarketOrder> {
  const stored = await worker.authed(`/v1/sessions/${m.pairing.id}`, {
    method: "PUT",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ pairingToken: m.token }),
  });
  const storedBody = await json(stored);
  assertEquals(stored.status, 200, JSON.stringify(storedBody));
  assert(
    !JSON.stringify(storedBody).includes(m.token),
    "the token is never returned",
  );

  const created = await worker.authed("/v1/market/orders", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      ...ids(m),
      serviceId: HANDOFF_SERVICE,
      input: { topic: "X-200 maintenance" },
    }),
  });
  const createdBody = await json(created);
  assertEquals(created.status, 201, JSON.stringify(createdBody));
  const order = (createdBody as { item: MarketOrder }).item;

  const executed = await worker.authed(
    `/v1/market/orders/${order.id}/execute`,
    {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{}",
    },
  );
  const executedBody = await json(executed);
  assertEquals(executed.status, 202, JSON.stringify(executedBody));
  assertEquals(
    (executedBody as { execution: { mode: string } }).execution.mode,
    "external-handoff",
  );
  return order;
}

async function settledStatus(
  m: Market,
  orderId: string,
  status: string,
): Promise<MarketOrder> {
  return await waitFor(`order '${orderId}' to be '${status}'`, async () => {
    const { item } = await m.api.getMarketOrder(orderId);
    return item.status === status ? item : undefined;
  });
}

Deno.test("Worker runs an order.handoff from the sandbox against the provider and confirms the order", async () => {
  await using t = await setup(200);
  const order = await placeAndExecute(t.m, t.worker);

  const confirmed = await settledStatus(t.m, order.id, "confirmed");
  assertEquals(confirmed.status, "confirmed");

  assertEquals(t.calls.length, 1, "the provider is called exactly once");
  const call = t.calls[0]!;
  assertEquals(call.body, {
    orderId: order.id,
    serviceId: HANDOFF_SERVICE,
    providerKey: "manualhub",
    operation: order.operation,
    input: { topic: "X-200 maintenance" },
    credentials: CREDENTIALS.manualhub,
  });
  assertEquals(call.headers.get("idempotency-key"), `handoff_${order.id}`);
  // The call left the Worker as https to the allowlisted host.
  assert(
    t.worker.outbound.some((r) => r.url === "https://manualhub.example/search"),
  );

  // The API's order.confirmed event can overtake the Worker's own note of the confirmation.
  const record = await waitFor("the confirmed event and state", async () => {
    const view = await t.worker.orderRecord(order.id);
    return view.events.some((e) => e.type === "order.confirmed") &&
        view.handoff?.state === "confirmed"
      ? view
      : undefined;
  });
  assertEquals(record.handoff?.statusCode, 200);
  const types = record.events.map((e) => e.type);
  for (const type of ["order.created", "order.handoff", "order.confirmed"]) {
    assertEquals(
      types.filter((t) => t === type).length,
      1,
      `${type} recorded once`,
    );
  }

  // A second order.handoff for the same order (a new webhook id) takes no effect.
  const body = JSON.stringify({
    type: "order.handoff",
    timestamp: new Date().toISOString(),
    data: { order: confirmed },
  });
  const again = await t.worker.fetch("/webhooks/orchestration", {
    method: "POST",
    headers: {
      ...(await signWebhookHeaders(
        { body, id: "msg_second_handoff" },
        WEBHOOK_SECRET,
      )),
      "content-type": "application/json",
    },
    body,
  });
  assertEquals((await json(again)).duplicate, false);
  await waitFor("the second job to settle", async () => {
    const view = await t.worker.orderRecord(order.id);
    return view.events.some((e) => e.webhookId === "msg_second_handoff") ? view : undefined;
  });
  // Give the queue time to run the job, then check nothing happened again.
  await new Promise((resolve) => setTimeout(resolve, 500));
  assertEquals(t.calls.length, 1);
  assertEquals(
    (await t.worker.orderRecord(order.id)).handoff?.state,
    "confirmed",
  );
  assertEquals(
    (await t.m.api.getMarketOrder(order.id)).item.status,
    "confirmed",
  );
});

Deno.test("Worker disputes the order after the provider keeps failing past HANDOFF_MAX_ATTEMPTS", async () => {
  await using t = await setup(503, { vars: { HANDOFF_MAX_ATTEMPTS: "2" } });
  const order = await placeAndExecute(t.m, t.worker);

  const disputed = await settledStatus(t.m, order.id, "disputed");
  assertEquals(disputed.status, "disputed");
  assertEquals(t.calls.length, 2, "one call, one retry, then the dispute");

  // The Worker records the dispute once the API has answered it, a moment after the sandbox
  // shows the order disputed.
  const record = await waitFor("the handoff recorded as disputed", async () => {
    const view = await t.worker.orderRecord(order.id);
    return view.handoff?.state === "disputed" ? view : undefined;
  });
  assertEquals(record.handoff?.attempts, 2);
  assertMatch(record.handoff?.detail ?? "", /Provider answered 503/);
  const dispute = t.worker.outbound.find((r) => r.url.endsWith(`/orders/${order.id}/dispute`));
  assertExists(dispute);
  assertMatch(
    JSON.parse(dispute.body).reason,
    /Handoff failed: Provider answered 503/,
  );
  // The dispute used the stored session; the Worker never put credentials in the body.
  assert(!dispute.body.includes("mh_secret_key_1"));
});

Deno.test("Worker disputes at once when the provider refuses the order (4xx)", async () => {
  await using t = await setup(422, { vars: { HANDOFF_MAX_ATTEMPTS: "5" } });
  const order = await placeAndExecute(t.m, t.worker);
  await settledStatus(t.m, order.id, "disputed");
  assertEquals(t.calls.length, 1, "a refusal is not retried");
});

Deno.test("Worker never calls a handoff host outside HANDOFF_ALLOWED_HOSTS and leaves the order open", async () => {
  await using t = await setup(200, {
    vars: { HANDOFF_ALLOWED_HOSTS: "partners.example" },
  });
  const order = await placeAndExecute(t.m, t.worker);

  const record = await waitFor("the refusal", async () => {
    const view = await t.worker.orderRecord(order.id);
    return view.handoff?.state === "refused" ? view : undefined;
  });
  assertMatch(
    record.handoff?.detail ?? "",
    /not in HANDOFF_ALLOWED_HOSTS: 'manualhub.example'/,
  );
  assertEquals(t.calls, []);
  assert(
    !t.worker.outbound.some((r) => new URL(r.url).hostname === PROVIDER_HOST),
  );
  assert(!t.worker.outbound.some((r) => /\/(confirm|dispute)$/.test(r.url)));
  assertEquals((await t.m.api.getMarketOrder(order.id)).item.status, "handoff");
  // The refused job sits in the dead-letter queue, noted on the order with the reason.
  const dead = await waitFor("the dead letter", async () => {
    const view = await t.worker.orderRecord(order.id);
    return view.deadLetters.length > 0 ? view.deadLetters : undefined;
  });
  assertMatch(dead[0]!.reason, /not in HANDOFF_ALLOWED_HOSTS/);
});

Deno.test("Worker refuses a handoff URL on a metadata or private address even when allowlisted", async () => {
  for (
    const target of [
      "https://169.254.169.254/latest/meta-data/",
      "https://10.0.0.5/x",
      "https://[fd00::1]/x",
      // Spellings the policy once let through.
      "https://metadata.google.internal./computeMetadata/v1/",
      "https://[::ffff:a9fe:a9fe]/latest/meta-data/",
      "https://[2002:a9fe:a9fe::1]/x",
      "https://[fec0::1]/x",
    ]
  ) {
    const host = new URL(target).hostname;
    // A compromised upstream: the order's handoff URL is rewritten on its way to the Worker.
    await using t = await setup(200, {
      vars: { HANDOFF_ALLOWED_HOSTS: `${host},${PROVIDER_HOST}` },
      rewrite: (url, body) =>
        url.pathname.includes("/market/orders/")
          ? body.replaceAll("https://manualhub.example/search", target)
          : body,
    });
    const order = await placeAndExecute(t.m, t.worker);
    const record = await waitFor("the refusal", async () => {
      const view = await t.worker.orderRecord(order.id);
      return view.handoff?.state === "refused" ? view : undefined;
    });
    assertMatch(
      record.handoff?.detail ?? "",
      /private or reserved address|must use https/,
      target,
    );
    assertEquals(t.calls, [], target);
    assert(
      !t.worker.outbound.some((r) => new URL(r.url).hostname === host),
      target,
    );
    assertEquals(
      (await t.m.api.getMarketOrder(order.id)).item.status,
      "handoff",
      target,
    );
  }
});

/** Places a paid order through the proxy, pays it (recorded proof) and executes it. */
async function placePayAndExecute(
  m: Market,
  worker: EdgeWorker,
): Promise<MarketOrder> {
  const post = (path: string, body: unknown) =>
    worker.authed(path, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
  const stored = await worker.authed(`/v1/sessions/${m.pairing.id}`, {
    method: "PUT",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ pairingToken: m.token }),
  });
  assertEquals(stored.status, 200, JSON.stringify(await json(stored)));
  const created = await post("/v1/market/orders", {
    ...ids(m),
    serviceId: PAID_SERVICE,
    input: { location: "Munich HQ" },
  });
  const createdBody = await json(created);
  assertEquals(created.status, 201, JSON.stringify(createdBody));
  const order = (createdBody as { item: MarketOrder }).item;
  // Agent routes without a token header: the Worker finds the order's pairing and its session.
  const intent = await post(`/v1/market/orders/${order.id}/payment-intent`, {
    rail: "offchain-record",
  });
  assertEquals(intent.status, 200, JSON.stringify(await json(intent)));
  const proof = await post(`/v1/market/orders/${order.id}/payment-proof`, {
    transactionHash: `0x${"ab".repeat(32)}`,
    verificationMode: "recorded",
  });
  const proofBody = await json(proof);
  assertEquals(proof.status, 200, JSON.stringify(proofBody));
  assertEquals((proofBody as { item: { status: string } }).item.status, "held");
  const executed = await post(`/v1/market/orders/${order.id}/execute`, {});
  assertEquals(executed.status, 202, JSON.stringify(await json(executed)));
  return order;
}

async function paymentStatus(
  worker: EdgeWorker,
  orderId: string,
): Promise<string> {
  const response = await worker.authed(`/v1/market/orders/${orderId}/payment`);
  const body = await json(response);
  assertEquals(response.status, 200, JSON.stringify(body));
  return (body as { item: { status: string } }).item.status;
}

Deno.test("Worker confirming a paid handoff order leaves its held payment release_pending", async () => {
  await using t = await setup(200);
  const order = await placePayAndExecute(t.m, t.worker);
  await settledStatus(t.m, order.id, "confirmed");
  // Contract revision 2: confirming moves a held payment to release_pending; payment/release pays out.
  assertEquals(await paymentStatus(t.worker, order.id), "release_pending");
  assertEquals(t.calls.length, 1);
  assertEquals(t.calls[0]!.body.input, { location: "Munich HQ" });
  assertEquals(
    t.calls[0]!.body.credentials,
    undefined,
    "no credentials configured for chargenet",
  );
  const record = await waitFor("payment events", async () => {
    const view = await t.worker.orderRecord(order.id);
    return view.events.some((e) => e.type === "order.confirmed") ? view : undefined;
  });
  for (const type of ["payment.intent_created", "payment.held", "order.confirmed"]) {
    assert(record.events.some((e) => e.type === type), type);
  }
});

Deno.test("Worker disputing a paid handoff order freezes its payment", async () => {
  await using t = await setup(400);
  const order = await placePayAndExecute(t.m, t.worker);
  await settledStatus(t.m, order.id, "disputed");
  assertEquals(await paymentStatus(t.worker, order.id), "frozen");
  assertEquals(t.calls.length, 1);
});

Deno.test("Worker dead-letters a handoff after the queue's retries while the API is down, and a replay completes it once", async () => {
  await using t = await setup(200);
  const stored = await t.worker.authed(`/v1/sessions/${t.m.pairing.id}`, {
    method: "PUT",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ pairingToken: t.m.token }),
  });
  assertEquals(stored.status, 200, JSON.stringify(await json(stored)));
  const { item: order } = await t.m.api.createMarketOrder(
    { ...ids(t.m), serviceId: HANDOFF_SERVICE, input: { topic: "pumps" } },
    t.m.token,
  );

  t.faults.apiDown = true;
  await t.m.api.executeMarketOrder(order.id, {}, t.m.token); // the sandbox emits order.handoff
  const dead = await waitFor("the dead letter", async () => {
    const view = await t.worker.orderRecord(order.id);
    return view.deadLetters.length > 0 ? view : undefined;
  });
  assertEquals(dead.deadLetters.map((d) => d.reason), [
    "Queue retries exhausted",
  ]);
  // 1 delivery + the harness queue's 4 retries, each stopped at loading the order.
  const loads = t.worker.outbound.filter((r) => r.method === "GET" && r.url.endsWith(order.id));
  assertEquals(loads.length, 5);
  assertEquals(t.calls, [], "the provider was never called");

  t.faults.apiDown = false;
  const replay = await t.worker.authed(`/v1/edge/orders/${order.id}/handoff`, {
    method: "POST",
  });
  assertEquals([replay.status, await json(replay)], [202, { queued: true }]);
  await settledStatus(t.m, order.id, "confirmed");
  assertEquals(t.calls.length, 1);
  assertEquals(
    (await waitFor("the Worker's note of the confirmation", async () => {
      const view = await t.worker.orderRecord(order.id);
      return view.handoff?.state === "confirmed" ? view : undefined;
    })).handoff?.state,
    "confirmed",
  );
});
