/**
 * Attacks on the Edge Worker, each performed against the Worker in workerd (Durable Object and
 * Queues real) in front of the real sandbox, with the safe outcome asserted:
 *
 * - A handoff replayed (or read stale) before the order reaches `handoff` leaves nothing final
 *   behind: the real handoff still runs, once.
 * - Another edge key (tenant) cannot see, use, overwrite or delete a tenant's session, see its
 *   order records or replay its handoffs; tokens whose claims cannot be read are refused; the
 *   handoff is confirmed with the owning tenant's session.
 * - A handoff job for an order the API does not know costs one read and is dropped.
 * - Caller headers: `idempotency-key` goes upstream scoped to the tenant; `PAYMENT-SIGNATURE`
 *   goes upstream on execute only, validated, never echoed or logged.
 *
 * @module
 */
import { assert, assertEquals, assertMatch } from "@std/assert";
import { type MarketOrder, signWebhookHeaders } from "../../mod.ts";
import { ids, localServer, type Market, market } from "../_market.ts";
import {
  CLIENT_KEY,
  type EdgeWorker,
  fakePairingToken,
  freePort,
  json,
  OTHER_CLIENT_KEY,
  sha256Hex,
  startWorker,
  waitFor,
  WEBHOOK_SECRET,
  type WorkerOptions,
} from "../_worker.ts";

const HANDOFF_SERVICE = "svc_manual_handoff"; // free, https://manualhub.example/search
const PROVIDER_HOST = "manualhub.example";

type Envelope = { error: { code: string; message: string; details: unknown } };

type Rig = {
  readonly m: Market;
  readonly worker: EdgeWorker;
  /** Idempotency keys of the provider calls. */
  readonly calls: string[];
  /** Everything the Worker wrote to its console. */
  readonly output: string[];
  [Symbol.asyncDispose](): Promise<void>;
};

/** The sandbox (its webhooks sent to the Worker), a provider answering 200, the Worker. */
async function rig(options: WorkerOptions = {}): Promise<Rig> {
  const calls: string[] = [];
  const output: string[] = [];
  const provider = await localServer(async (request) => {
    await request.text();
    calls.push(request.headers.get("idempotency-key") ?? "");
    return Response.json({ accepted: true });
  });
  const port = freePort();
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
      route: (url) => url.hostname === PROVIDER_HOST ? `${provider.url}${url.pathname}` : undefined,
      onOutput: (text) => output.push(text),
      ...options,
      vars: {
        PEAQOS_ORCHESTRATION_URL: m.sandbox.url,
        PEAQOS_API_KEY: m.sandbox.apiKey,
        HANDOFF_ALLOWED_HOSTS: PROVIDER_HOST,
        ...options.vars,
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
    output,
    async [Symbol.asyncDispose]() {
      await worker.stop();
      await m.sandbox.close();
      await provider.close();
    },
  };
}

const post = (worker: EdgeWorker, path: string, body: unknown, key = CLIENT_KEY, headers = {}) =>
  worker.authed(path, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  }, key);

async function call(response: Promise<Response>): Promise<{ status: number; body: Envelope }> {
  const res = await response;
  return { status: res.status, body: await json(res) as Envelope };
}

/** Creates a handoff order through the proxy for `key`'s tenant (with its stored session). */
async function createOrder(r: Rig, key = CLIENT_KEY): Promise<MarketOrder> {
  const created = await post(r.worker, "/v1/market/orders", {
    ...ids(r.m),
    serviceId: HANDOFF_SERVICE,
    input: { topic: "X-200" },
  }, key);
  const body = await json(created);
  assertEquals(created.status, 201, JSON.stringify(body));
  return (body as { item: MarketOrder }).item;
}

async function execute(r: Rig, orderId: string): Promise<void> {
  const executed = await post(r.worker, `/v1/market/orders/${orderId}/execute`, {});
  assertEquals(executed.status, 202, JSON.stringify(await json(executed)));
}

async function orderStatus(r: Rig, orderId: string, status: string): Promise<void> {
  await waitFor(`order '${orderId}' to be '${status}'`, async () => {
    const { item } = await r.m.api.getMarketOrder(orderId);
    return item.status === status ? true : undefined;
  });
}

async function handoffState(r: Rig, orderId: string, state: string) {
  return await waitFor(`the Worker to record '${state}'`, async () => {
    const view = await r.worker.orderRecord(orderId);
    return view.handoff?.state === state ? view : undefined;
  });
}

const orderReads = (r: Rig, orderId: string) =>
  r.worker.outbound.filter((o) => o.method === "GET" && o.url.endsWith(`/orders/${orderId}`))
    .length;

const settle = (ms = 500) => new Promise((resolve) => setTimeout(resolve, ms));

// ---- 1. A handoff cannot be poisoned into never running ----

Deno.test("POST /v1/edge/orders/:orderId/handoff before the order is in handoff leaves nothing, and the real handoff runs once", async () => {
  await using r = await rig();
  await r.worker.storeSession(r.m.pairing.id, r.m.token);
  const order = await createOrder(r);

  // Ten replays, five of them concurrent, while the order is still `created`.
  const replays = await Promise.all(
    Array.from(
      { length: 5 },
      () => call(r.worker.authed(`/v1/edge/orders/${order.id}/handoff`, { method: "POST" })),
    ),
  );
  for (let i = 0; i < 5; i++) {
    replays.push(
      await call(r.worker.authed(`/v1/edge/orders/${order.id}/handoff`, {
        method: "POST",
      })),
    );
  }
  assert(replays.every((x) => x.status === 202), JSON.stringify(replays));
  // Each job read the order once (or came back while another held the lease) and stopped.
  await waitFor(
    "the replayed jobs to read the order",
    () => Promise.resolve(orderReads(r, order.id) >= 1 ? true : undefined),
  );
  await settle(1_000);
  const before = await r.worker.orderRecord(order.id);
  assertEquals(before.handoff, null, "no handoff state left behind");
  assertEquals(before.deadLetters, []);
  assertEquals(r.calls, []);

  await execute(r, order.id);
  await orderStatus(r, order.id, "confirmed");
  const view = await handoffState(r, order.id, "confirmed");
  assertEquals(view.handoff?.attempts, 1);
  await settle();
  assertEquals(r.calls, [`handoff_${order.id}`], "the provider is called exactly once");
});

Deno.test("Worker runs a handoff once when its first read of the order still shows it before handoff", async () => {
  let stale = 0;
  await using r = await rig({
    // A lagging replica: the first read after the webhook still sees the order executing.
    rewrite: (url, body) => {
      if (/\/market\/orders\/[^/]+$/.test(url.pathname) && body.includes('"status":"handoff"')) {
        if (stale++ === 0) return body.replace('"status":"handoff"', '"status":"executing"');
      }
      return body;
    },
  });
  await r.worker.storeSession(r.m.pairing.id, r.m.token);
  const order = await createOrder(r);
  await execute(r, order.id);
  await orderStatus(r, order.id, "confirmed");
  const view = await handoffState(r, order.id, "confirmed");
  assert(stale >= 2, "the first read was stale, a later one was not");
  assertEquals(view.handoff?.attempts, 1);
  await settle();
  assertEquals(r.calls, [`handoff_${order.id}`]);
});

// ---- 2. Sessions, records and replays belong to the tenant ----

Deno.test("/v1/sessions of one edge key are invisible and untouchable for another key", async () => {
  await using r = await rig();
  const path = `/v1/sessions/${r.m.pairing.id}`;
  await r.worker.storeSession(r.m.pairing.id, r.m.token);

  // The other tenant cannot learn that the session exists, nor delete it.
  assertEquals((await call(r.worker.authed(path, {}, OTHER_CLIENT_KEY))).status, 404);
  assertEquals(
    (await call(r.worker.authed(path, { method: "DELETE" }, OTHER_CLIENT_KEY))).status,
    404,
  );
  assertEquals((await call(r.worker.authed(path))).status, 200);

  // Tokens whose claims cannot be read, or that name another pairing, are refused.
  for (
    const junk of [
      "x".repeat(40),
      "aaaa.bbbb.cccc.dddd.eeee",
      `${btoa("{}")}.${btoa("not json")}.sig`,
      fakePairingToken("pair_someone_else"),
      fakePairingToken(r.m.pairing.id, { exp: Math.floor(Date.now() / 1000) - 60 }),
    ]
  ) {
    const refused = await call(r.worker.authed(path, {
      method: "PUT",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ pairingToken: junk }),
    }, OTHER_CLIENT_KEY));
    assertEquals(refused.status, 400, junk);
    assertMatch(refused.body.error.message, /^Pairing token is refused: /);
  }

  // Without a token of its own, the other tenant's agent calls are refused before the API.
  const sent = r.worker.outbound.length;
  const search = await call(post(r.worker, "/v1/market/search", ids(r.m), OTHER_CLIENT_KEY));
  assertEquals([search.status, search.body.error.code], [401, "AGENT_AUTH_REQUIRED"]);
  assertEquals(r.worker.outbound.length, sent, "nothing forwarded");

  // A forged token for the victim's pairing is filed under the other tenant only.
  await r.worker.storeSession(r.m.pairing.id, fakePairingToken(r.m.pairing.id), OTHER_CLIENT_KEY);
  const forged = await call(post(r.worker, "/v1/market/search", ids(r.m), OTHER_CLIENT_KEY));
  assertEquals(forged.status, 401, "the API refuses the forged token");
  assert(r.worker.outbound.at(-1)!.headers["x-agent-pairing-token"] !== r.m.token);
  const own = await call(post(r.worker, "/v1/market/search", { ...ids(r.m), query: "manual" }));
  assertEquals(own.status, 200, JSON.stringify(own.body));
  assertEquals(r.worker.outbound.at(-1)!.headers["x-agent-pairing-token"], r.m.token);

  // Deleting its own copy leaves the victim's session in place.
  assertEquals(
    (await call(r.worker.authed(path, { method: "DELETE" }, OTHER_CLIENT_KEY))).status,
    204,
  );
  assertEquals((await call(r.worker.authed(path))).status, 200);
  assert(
    !r.output.join("").includes(r.m.token),
    "the token never reaches the Worker's console",
  );
});

Deno.test("Another edge key cannot spend a tenant's stored session, read its records or replay its handoff; the handoff confirms with the owner's session", async () => {
  await using r = await rig();
  await r.worker.storeSession(r.m.pairing.id, r.m.token);
  const order = await createOrder(r);
  const statusBefore = (await r.m.api.getMarketOrder(order.id)).item.status;

  // Every agent route on the victim's order, from the other tenant, without a token.
  const attempts: [string, unknown][] = [
    [`/v1/market/orders/${order.id}/execute`, {}],
    [`/v1/market/orders/${order.id}/confirm`, {}],
    [`/v1/market/orders/${order.id}/dispute`, { reason: "mine now" }],
    [`/v1/market/orders/${order.id}/payment-intent`, { rail: "not-required" }],
    [`/v1/market/orders/${order.id}/payment/refund`, {}],
    ["/v1/market/orders", { ...ids(r.m), serviceId: HANDOFF_SERVICE }],
  ];
  for (const [path, body] of attempts) {
    const refused = await call(post(r.worker, path, body, OTHER_CLIENT_KEY));
    assertEquals([refused.status, refused.body.error.code], [401, "AGENT_AUTH_REQUIRED"], path);
  }
  assert(
    !r.worker.outbound.some((o) =>
      o.method === "POST" && o.url.includes("/market/orders") &&
      o.headers["x-agent-pairing-token"] !== r.m.token
    ),
    "no agent call left the Worker for the other tenant",
  );
  assertEquals((await r.m.api.getMarketOrder(order.id)).item.status, statusBefore);

  // The victim's records and replays do not exist for the other tenant.
  assertEquals(await r.worker.recordStatus(order.id, OTHER_CLIENT_KEY), 404);
  const reads = orderReads(r, order.id);
  const replay = await call(
    r.worker.authed(`/v1/edge/orders/${order.id}/handoff`, { method: "POST" }, OTHER_CLIENT_KEY),
  );
  assertEquals([replay.status, replay.body.error.code], [404, "NOT_FOUND"]);
  assertEquals(orderReads(r, order.id), reads, "an owned order's replay is refused without a read");

  // Even with its own forged session for the pairing stored, the handoff is the owner's.
  await r.worker.storeSession(r.m.pairing.id, fakePairingToken(r.m.pairing.id), OTHER_CLIENT_KEY);
  await execute(r, order.id);
  await orderStatus(r, order.id, "confirmed");
  await handoffState(r, order.id, "confirmed");
  const confirm = r.worker.outbound.find((o) => o.url.endsWith(`/orders/${order.id}/confirm`));
  assertEquals(confirm?.headers["x-agent-pairing-token"], r.m.token);
  assertEquals(await r.worker.recordStatus(order.id, OTHER_CLIENT_KEY), 404);
});

// ---- 3. Unknown orders ----

Deno.test("Worker reads an order the API does not know once per handoff job and drops the job", async () => {
  await using r = await rig();
  const pairingId = "pair_ghost";
  await r.worker.storeSession(pairingId, fakePairingToken(pairingId));
  const ghost = "ord_ghost_1";
  const body = JSON.stringify({
    type: "order.handoff",
    timestamp: new Date().toISOString(),
    data: { order: { id: ghost, status: "handoff", agentPairingId: pairingId } },
  });
  const delivered = await r.worker.fetch("/webhooks/orchestration", {
    method: "POST",
    headers: await signWebhookHeaders({ body, id: "msg_ghost" }, WEBHOOK_SECRET),
    body,
  });
  assertEquals(delivered.status, 200, JSON.stringify(await json(delivered)));
  await waitFor(
    "the job to read the order",
    () => Promise.resolve(orderReads(r, ghost) >= 1 ? true : undefined),
  );
  await settle(1_000);
  assertEquals(orderReads(r, ghost), 1, "a 404 is final: no retries");
  const view = await r.worker.orderRecord(ghost);
  assertEquals([view.handoff, view.deadLetters], [null, []]);

  // The owner's replay: one more read, no more.
  const replay = await call(
    r.worker.authed(`/v1/edge/orders/${ghost}/handoff`, { method: "POST" }),
  );
  assertEquals(replay.status, 202);
  await waitFor(
    "the replay to read the order",
    () => Promise.resolve(orderReads(r, ghost) >= 2 ? true : undefined),
  );
  await settle(1_000);
  assertEquals(orderReads(r, ghost), 2);

  // A replay of an order nobody owns and the API does not know: one read, 404, no job.
  const unknown = "ord_never_existed";
  const refused = await call(
    r.worker.authed(`/v1/edge/orders/${unknown}/handoff`, { method: "POST" }),
  );
  assertEquals([refused.status, refused.body.error.code], [404, "NOT_FOUND"]);
  await settle();
  assertEquals(orderReads(r, unknown), 1);
});

// ---- Caller headers ----

Deno.test("/v1 proxy forwards idempotency-key scoped to the caller's tenant and refuses malformed keys", async () => {
  await using r = await rig();
  const headers = { "x-agent-pairing-token": r.m.token, "idempotency-key": "order-42" };
  const body = { ...ids(r.m), serviceId: HANDOFF_SERVICE, input: { topic: "X-200" } };
  const first = await post(r.worker, "/v1/market/orders", body, CLIENT_KEY, headers);
  assertEquals(first.status, 201, JSON.stringify(await json(first)));
  const second = await post(r.worker, "/v1/market/orders", body, OTHER_CLIENT_KEY, headers);
  assertEquals(second.status, 201, JSON.stringify(await json(second)));
  const keys = r.worker.outbound.filter((o) => o.method === "POST").map((o) =>
    o.headers["idempotency-key"]
  );
  const tag = async (tenant: string) => (await sha256Hex(`tenant:${tenant}`)).slice(0, 16);
  assertEquals(keys, [
    `edge-${await tag("test")}.order-42`,
    `edge-${await tag("other")}.order-42`,
  ]);

  const sent = r.worker.outbound.length;
  for (const bad of ["has space", "x".repeat(201), "tab\tinside"]) {
    const refused = await call(
      post(r.worker, "/v1/market/orders", body, CLIENT_KEY, { ...headers, "idempotency-key": bad }),
    );
    assertEquals([refused.status, refused.body.error.code], [400, "VALIDATION_ERROR"], bad);
  }
  assertEquals(r.worker.outbound.length, sent, "nothing forwarded");
});

Deno.test("/v1 proxy forwards PAYMENT-SIGNATURE on execute only, validated, never echoed or logged", async () => {
  await using r = await rig();
  await r.worker.storeSession(r.m.pairing.id, r.m.token);
  const signature = btoa(JSON.stringify({ x402Version: 2, payload: { signature: "0xfeed" } }));
  const order = await createOrder(r);

  // Stripped from every other route.
  for (
    const [path, body] of [
      ["/v1/market/search", { ...ids(r.m), query: "manual" }],
      [`/v1/market/orders/${order.id}/payment-intent`, {}],
    ] as const
  ) {
    const response = await post(r.worker, path, body, CLIENT_KEY, {
      "PAYMENT-SIGNATURE": signature,
    });
    await response.body?.cancel();
    const upstream = r.worker.outbound.at(-1)!;
    assert(upstream.url.includes(path.replace("/v1/", "/api/v1/")), upstream.url);
    assertEquals(upstream.headers["payment-signature"], undefined, path);
  }

  // Refused when malformed or oversize, without echoing the value and without forwarding.
  const sent = r.worker.outbound.length;
  const oversize = btoa("x".repeat(6_200)); // 8 268 characters
  for (const bad of ["not base64!", "abc", oversize]) {
    const refused = await call(
      post(r.worker, `/v1/market/orders/${order.id}/execute`, {}, CLIENT_KEY, {
        "PAYMENT-SIGNATURE": bad,
      }),
    );
    assertEquals([refused.status, refused.body.error.code], [400, "VALIDATION_ERROR"]);
    assert(!JSON.stringify(refused.body).includes(bad.slice(0, 12)), "the value is not echoed");
  }
  assertEquals(r.worker.outbound.length, sent, "nothing forwarded");

  // Forwarded as is on execute.
  const executed = await post(r.worker, `/v1/market/orders/${order.id}/execute`, {}, CLIENT_KEY, {
    "PAYMENT-SIGNATURE": signature,
  });
  const answer = await json(executed);
  assertEquals(executed.status, 202, JSON.stringify(answer));
  assert(!JSON.stringify(answer).includes(signature), "not echoed");
  const upstream = r.worker.outbound.find((o) => o.url.endsWith(`/orders/${order.id}/execute`));
  assertEquals(upstream?.headers["payment-signature"], signature);
  await orderStatus(r, order.id, "confirmed");
  assert(!r.output.join("").includes(signature), "never logged");
});
