/**
 * The Edge Worker (workerd through Miniflare, Durable Object and Queue real) under bad input,
 * duplicate deliveries and upstream faults:
 *
 * - Fuzzed webhooks: any change to body, id, timestamp or signature is refused with 400 and
 *   nothing is recorded.
 * - 50 concurrent deliveries of one `order.handoff` (and 50 more under fresh ids) make exactly
 *   one handoff effect: one provider call, one confirmation.
 * - The orchestration API answering 5xx, garbage or nothing during a proxied call gives the
 *   caller a clear error envelope and is not repeated behind its back; during a handoff the job
 *   is retried by the queue and completes once (the provider is not called again after it
 *   accepted); an outage longer than the queue's retries loses nothing the next delivery
 *   cannot finish.
 *
 * The orchestration API is the real sandbox behind a fault-injecting forwarder on 127.0.0.1.
 *
 * @module
 */
import fc from "fast-check";
import { assert, assertEquals, assertMatch } from "@std/assert";
import { signWebhookHeaders } from "../../mod.ts";
import type { MarketOrder } from "../../mod.ts";
import { ids, type LocalServer, localServer, type Market, market } from "../_market.ts";
import {
  type EdgeWorker,
  fakePairingToken,
  json,
  startWorker,
  waitFor,
  WEBHOOK_SECRET,
} from "../_worker.ts";
import { fuzzParams } from "../_fuzz.ts";

const PROVIDER_HOST = "manualhub.example";
const HANDOFF_SERVICE = "svc_manual_handoff";

// ---- Fuzzed deliveries ----

type Edit =
  | { readonly part: "body"; readonly at: number; readonly text: string }
  | { readonly part: "id" | "timestamp" | "signature"; readonly value: string }
  | { readonly part: "signature-char"; readonly at: number };

const edits: fc.Arbitrary<Edit> = fc.oneof(
  fc.record({
    part: fc.constant("body" as const),
    at: fc.nat(),
    text: fc.string({ minLength: 1, maxLength: 4 }),
  }),
  fc.record({
    part: fc.constantFrom(
      "id" as const,
      "timestamp" as const,
      "signature" as const,
    ),
    value: fc.string({ maxLength: 40 }),
  }),
  fc.record({
    part: fc.constant("id" as const),
    value: fc.constantFrom("msg_fuzz_other", "msg_fuzz_x"),
  }),
  fc.record({
    part: fc.constant("timestamp" as const),
    value: fc.integer({ min: -900, max: 900 }).map((d) =>
      String(Math.floor(Date.now() / 1000) + d)
    ),
  }),
  fc.record({ part: fc.constant("signature-char" as const), at: fc.nat() }),
);

Deno.test("Worker refuses any changed webhook delivery with 400 and records nothing", async () => {
  await using worker = await startWorker();
  const ORDER = "ord_fuzz_target";
  // The test tenant adopts the orders when a verified event arrives (see `worker/src/owners.ts`).
  await worker.storeSession("pair_fuzz", fakePairingToken("pair_fuzz"));
  const event = (id: string) =>
    JSON.stringify({
      type: "order.delivered",
      timestamp: new Date().toISOString(),
      data: { order: { id, status: "delivered", agentPairingId: "pair_fuzz" } },
    });
  let sent = 0;
  await fc.assert(
    fc.asyncProperty(
      fc.array(edits, { minLength: 1, maxLength: 2 }),
      fc.nat(),
      async (list, n) => {
        const body = event(ORDER);
        const headers: Record<string, string> = {
          ...(await signWebhookHeaders(
            { body, id: `msg_fuzz_${n}` },
            WEBHOOK_SECRET,
          )),
        };
        const original: Record<string, string> = { body, ...headers };
        let mutated = body;
        for (const edit of list) {
          if (edit.part === "body") {
            const at = edit.at % (mutated.length + 1);
            mutated = `${mutated.slice(0, at)}${edit.text}${mutated.slice(at)}`;
          } else if (edit.part === "signature-char") {
            const sig = headers["webhook-signature"]!;
            const i = 3 + (edit.at % (sig.length - 4));
            headers["webhook-signature"] = `${sig.slice(0, i)}${sig[i] === "A" ? "B" : "A"}${
              sig.slice(i + 1)
            }`;
          } else {
            headers[`webhook-${edit.part}`] = edit.value;
          }
        }
        const same = mutated === original.body &&
          headers["webhook-id"]!.trim() === original["webhook-id"] &&
          headers["webhook-timestamp"]!.trim() ===
            original["webhook-timestamp"] &&
          // Only the canonical spelling is valid: another base64 spelling of the same bytes is a
          // change too (as in `fuzz_webhooks_test.ts`).
          headers["webhook-signature"]!.trim() ===
            original["webhook-signature"];
        if (same) return;
        let init: RequestInit;
        try {
          init = {
            method: "POST",
            headers: new Headers(headers),
            body: mutated,
          };
        } catch {
          return; // not a valid header value: cannot travel over HTTP
        }
        const response = await worker.fetch("/webhooks/orchestration", init);
        const answer = await json(response);
        sent++;
        assertEquals(response.status, 400, JSON.stringify({ list, answer }));
        assertEquals(
          (answer.error as { code: string }).code,
          "WEBHOOK_REJECTED",
        );
      },
    ),
    fuzzParams(120),
  );
  assert(sent > 0);
  assertEquals(
    await worker.recordStatus(ORDER),
    404,
    "a refused delivery was recorded",
  );
  // The pipe itself works: the same event, unchanged, is taken.
  const body = event("ord_fuzz_control");
  const ok = await worker.fetch("/webhooks/orchestration", {
    method: "POST",
    headers: await signWebhookHeaders(
      { body, id: "msg_fuzz_control" },
      WEBHOOK_SECRET,
    ),
    body,
  });
  assertEquals(ok.status, 200, JSON.stringify(await json(ok)));
  assertEquals((await worker.orderRecord("ord_fuzz_control")).events.length, 1);
  assertEquals(worker.outbound, [], "no delivery made the Worker call out");
});

// ---- Handoff fixtures: sandbox behind a fault-injecting forwarder, a provider, the Worker ----

type Fault = (request: Request, path: string) => Response | undefined;

type Rig = {
  readonly m: Market;
  readonly worker: EdgeWorker;
  /** Every request the forwarder saw, `METHOD /path` (after /api/v1). */
  readonly upstream: string[];
  /** Provider calls: their idempotency keys. */
  readonly providerCalls: string[];
  fault: Fault | undefined;
  [Symbol.asyncDispose](): Promise<void>;
};

async function rig(vars: Record<string, string> = {}): Promise<Rig> {
  const cleanup: (() => Promise<void>)[] = [];
  const close = async () => {
    for (const step of cleanup.reverse()) await step();
  };
  try {
    const m = await market();
    cleanup.push(() => m.sandbox.close());
    const providerCalls: string[] = [];
    const provider: LocalServer = await localServer(async (request) => {
      await request.text();
      providerCalls.push(request.headers.get("idempotency-key") ?? "");
      return Response.json({ accepted: true });
    });
    cleanup.push(() => provider.close());
    const upstream: string[] = [];
    const state: { fault: Fault | undefined } = { fault: undefined };
    const forwarder = await localServer(async (request) => {
      const url = new URL(request.url);
      const path = url.pathname.replace(/^\/api\/v1/, "");
      upstream.push(`${request.method} ${path}`);
      const body = request.method === "GET" || request.method === "HEAD"
        ? undefined
        : await request.text();
      const injected = state.fault?.(request, path);
      if (injected) return injected;
      const response = await fetch(
        `${m.sandbox.url}${url.pathname}${url.search}`,
        {
          method: request.method,
          headers: request.headers,
          ...(body === undefined ? {} : { body }),
        },
      );
      return new Response(
        response.status === 204 ? null : await response.text(),
        {
          status: response.status,
          headers: response.headers,
        },
      );
    });
    cleanup.push(() => forwarder.close());
    const worker = await startWorker({
      route: (
        url,
      ) => (url.hostname === PROVIDER_HOST ? `${provider.url}${url.pathname}` : undefined),
      vars: {
        PEAQOS_ORCHESTRATION_URL: forwarder.url,
        PEAQOS_API_KEY: m.sandbox.apiKey,
        HANDOFF_ALLOWED_HOSTS: PROVIDER_HOST,
        ...vars,
      },
    });
    cleanup.push(() => worker[Symbol.asyncDispose]());
    const result: Rig = {
      m,
      worker,
      upstream,
      providerCalls,
      get fault() {
        return state.fault;
      },
      set fault(value) {
        state.fault = value;
      },
      [Symbol.asyncDispose]: close,
    };
    return result;
  } catch (err) {
    await close();
    throw err;
  }
}

/** An order in `handoff` (placed and executed directly on the sandbox), with the agent's session stored at the edge. */
async function handoffOrder(r: Rig): Promise<MarketOrder> {
  const stored = await r.worker.authed(`/v1/sessions/${r.m.pairing.id}`, {
    method: "PUT",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ pairingToken: r.m.token }),
  });
  assertEquals(stored.status, 200, JSON.stringify(await json(stored)));
  const { item } = await r.m.api.createMarketOrder(
    { ...ids(r.m), serviceId: HANDOFF_SERVICE, input: { topic: "X-200" } },
    r.m.token,
  );
  const executed = await r.m.api.executeMarketOrder(item.id, {}, r.m.token);
  assertEquals(executed.execution.statusCode, 202);
  return executed.order;
}

async function deliverHandoff(
  r: Rig,
  order: MarketOrder,
  webhookId: string,
): Promise<{ status: number; duplicate: unknown }> {
  const body = JSON.stringify({
    type: "order.handoff",
    timestamp: new Date().toISOString(),
    data: { order },
  });
  const headers = await signWebhookHeaders(
    { body, id: webhookId },
    WEBHOOK_SECRET,
  );
  // A sender retries 409 (another delivery of this id is mid-flight) until it gets an answer.
  for (let attempt = 0;; attempt++) {
    const response = await r.worker.fetch("/webhooks/orchestration", {
      method: "POST",
      headers,
      body,
    });
    const answer = await json(response);
    if (response.status !== 409 || attempt >= 100) {
      return { status: response.status, duplicate: answer.duplicate };
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function settled(r: Rig, orderId: string, status: string): Promise<void> {
  await waitFor(`order '${orderId}' to be '${status}'`, async () => {
    const { item } = await r.m.api.getMarketOrder(orderId);
    return item.status === status ? true : undefined;
  });
}

const confirms = (r: Rig, orderId: string) =>
  r.upstream.filter((line) => line === `POST /market/orders/${orderId}/confirm`)
    .length;

Deno.test("Worker makes one handoff effect from 50 concurrent deliveries of one order.handoff (and 50 more ids)", async () => {
  await using r = await rig();
  const order = await handoffOrder(r);
  const results = await Promise.all(
    Array.from(
      { length: 50 },
      () => deliverHandoff(r, order, "msg_handoff_same"),
    ),
  );
  assert(results.every((x) => x.status === 200), JSON.stringify(results));
  assertEquals(
    results.filter((x) => x.duplicate === false).length,
    1,
    "exactly one delivery is new",
  );
  await settled(r, order.id, "confirmed");

  // Fifty more deliveries of the event under fresh ids (a sender re-emitting it) change nothing.
  const more = await Promise.all(
    Array.from(
      { length: 50 },
      (_, i) => deliverHandoff(r, order, `msg_handoff_${i}`),
    ),
  );
  assert(
    more.every((x) => x.status === 200 && x.duplicate === false),
    JSON.stringify(more),
  );
  await waitFor("every handoff event to be recorded", async () => {
    const view = await r.worker.orderRecord(order.id);
    return view.events.filter((e) => e.type === "order.handoff").length === 51 ? view : undefined;
  });
  // Give the queue time to run the 50 extra jobs, which must all find the handoff settled.
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  assertEquals(
    r.providerCalls,
    [`handoff_${order.id}`],
    "the provider is called exactly once",
  );
  assertEquals(confirms(r, order.id), 1, "the order is confirmed exactly once");
  const view = await r.worker.orderRecord(order.id);
  assertEquals(view.handoff?.state, "confirmed");
  assertEquals(view.handoff?.attempts, 1);
  assertEquals(
    view.events.filter((e) => e.webhookId === "msg_handoff_same").length,
    1,
  );
});

Deno.test("Worker retries a handoff while the orchestration API answers 5xx, then completes it once", async () => {
  await using r = await rig();
  const order = await handoffOrder(r);
  let failures = 0;
  r.fault = (request, path) => {
    if (
      request.method === "GET" && path === `/market/orders/${order.id}` &&
      failures < 2
    ) {
      failures++;
      return Response.json({
        error: { code: "INTERNAL", message: "down", details: null },
      }, {
        status: 503,
      });
    }
    return undefined;
  };
  assertEquals((await deliverHandoff(r, order, "msg_api_5xx")).status, 200);
  await settled(r, order.id, "confirmed");
  assertEquals(failures, 2, "both injected failures were hit");
  assertEquals(r.providerCalls.length, 1);
  assertEquals(confirms(r, order.id), 1);
  const view = await r.worker.orderRecord(order.id);
  assertEquals(view.handoff?.state, "confirmed");
});

Deno.test("Worker retries only the confirmation when it fails after the provider accepted", async () => {
  await using r = await rig();
  const order = await handoffOrder(r);
  let failed = 0;
  r.fault = (request, path) => {
    if (
      request.method === "POST" &&
      path === `/market/orders/${order.id}/confirm` && failed < 1
    ) {
      failed++;
      return new Response("<html><body>502 Bad Gateway</body></html>", {
        status: 502,
        headers: { "content-type": "text/html" },
      });
    }
    return undefined;
  };
  assertEquals((await deliverHandoff(r, order, "msg_confirm_502")).status, 200);
  await settled(r, order.id, "confirmed");
  assertEquals(failed, 1);
  assertEquals(r.providerCalls.length, 1, "the provider is not called again");
  assertEquals(
    confirms(r, order.id),
    2,
    "one failed confirmation, one that went through",
  );
  assertEquals(
    (await r.worker.orderRecord(order.id)).handoff?.state,
    "confirmed",
  );
});

Deno.test("Worker loses no handoff when the API stays down past the queue's retries", async () => {
  await using r = await rig();
  const order = await handoffOrder(r);
  r.fault = (request, path) =>
    request.method === "GET" && path === `/market/orders/${order.id}`
      ? Response.json({
        error: { code: "INTERNAL", message: "down", details: null },
      }, {
        status: 500,
      })
      : undefined;
  assertEquals((await deliverHandoff(r, order, "msg_outage_1")).status, 200);
  // The test Worker's consumer allows 4 retries: 5 attempts, then the dead-letter queue.
  const reads = () => r.upstream.filter((l) => l === `GET /market/orders/${order.id}`).length;
  await waitFor(
    "five failed attempts",
    () => Promise.resolve(reads() >= 5 ? true : undefined),
  );
  await new Promise((resolve) => setTimeout(resolve, 500));
  assertEquals(reads(), 5, "retried per policy, no more");
  assertEquals(r.providerCalls, [], "the provider was never called");
  assertEquals((await r.m.api.getMarketOrder(order.id)).item.status, "handoff");
  // The exhausted job is dead-lettered and noted on the order, for an operator to see.
  const parked = await waitFor("the dead letter to be noted", async () => {
    const view = await r.worker.orderRecord(order.id);
    return view.deadLetters.length > 0 ? view : undefined;
  });
  // Nothing was called, so nothing is recorded as done: the next job starts afresh.
  assertEquals(parked.handoff, null, JSON.stringify(parked));

  // The API is back; the next delivery of the event finishes the job, once.
  r.fault = undefined;
  assertEquals((await deliverHandoff(r, order, "msg_outage_2")).status, 200);
  await settled(r, order.id, "confirmed");
  assertEquals(r.providerCalls.length, 1);
  assertEquals(confirms(r, order.id), 1);
});

// ---- Proxied calls ----

const PROXY_FAULTS: readonly {
  name: string;
  response: () => Response;
  status: number;
  code: RegExp;
  /** What the list route answers instead (`200` and this body), when it passes it on. */
  streamed?: string;
}[] = [
  {
    name: "503 with an error envelope",
    response: () =>
      Response.json({
        error: { code: "INTERNAL", message: "maintenance", details: null },
      }, {
        status: 503,
      }),
    status: 503,
    code: /^INTERNAL$/,
  },
  {
    name: "502 with an HTML page",
    response: () =>
      new Response("<html>Bad Gateway</html>", {
        status: 502,
        headers: { "content-type": "text/html" },
      }),
    status: 502,
    code: /^BAD_RESPONSE$/,
  },
  {
    name: "200 with a body of the wrong shape",
    response: () => Response.json({ items: "nope" }),
    status: 502,
    code: /^INVALID_RESPONSE_SHAPE$/,
    // The list route passes a 2xx JSON answer on unread (`worker/src/sdk.ts`, `streamCall`): the
    // caller's own SDK checks its shape. Creating an order reads the answer, and refuses it.
    streamed: '{"items":"nope"}',
  },
];

Deno.test("Worker proxy answers a clear error, once, when the orchestration API fails", async () => {
  await using r = await rig();
  for (const fault of PROXY_FAULTS) {
    r.fault = () => fault.response();
    const before = r.upstream.length;
    const listed = await r.worker.authed(
      `/v1/market/orders?machineId=${r.m.machine.id}`,
    );
    if (fault.streamed !== undefined) {
      assertEquals([listed.status, await listed.text()], [200, fault.streamed], fault.name);
    }
    const listedBody = fault.streamed === undefined ? await json(listed) : undefined;
    const created = await r.worker.authed("/v1/market/orders", {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "x-agent-pairing-token": r.m.token,
      },
      body: JSON.stringify({
        ...ids(r.m),
        serviceId: "svc_sim_echo",
        input: { message: "hi" },
      }),
    });
    const createdBody = await json(created);
    const answers = listedBody === undefined
      ? [[created, createdBody] as const]
      : [[listed, listedBody] as const, [created, createdBody] as const];
    for (const [response, body] of answers) {
      assertEquals(
        response.status,
        fault.status,
        `${fault.name}: ${JSON.stringify(body)}`,
      );
      const error = body.error as { code: string; message: string };
      assertMatch(error.code, fault.code, fault.name);
      assert(error.message.length > 0);
      const printed = JSON.stringify(body) +
        JSON.stringify([...response.headers]);
      assert(!printed.includes(r.m.sandbox.apiKey), "the platform key leaked");
      assert(!printed.includes(r.m.token), "the pairing token leaked");
    }
    assertEquals(
      r.upstream.length - before,
      2,
      `${fault.name}: each call reached the API once`,
    );
  }
  // With the API healthy again the same calls go through.
  r.fault = undefined;
  const ok = await r.worker.authed(
    `/v1/market/orders?machineId=${r.m.machine.id}`,
  );
  assertEquals(ok.status, 200, JSON.stringify(await json(ok)));
});

// ---- Restarts on the same storage ----

type RestartRig = {
  readonly m: Market;
  readonly dir: string;
  /** The idempotency key of each provider call. */
  readonly providerCalls: string[];
  /** Everything the Worker instances wrote to their console. */
  readonly output: string[];
  readonly start: () => Promise<EdgeWorker>;
  [Symbol.asyncDispose](): Promise<void>;
};

/** A sandbox, a provider whose answers the test scripts, and a storage directory. */
async function restartRig(
  answer: (call: number) => Promise<number>,
  vars: Record<string, string> = {},
): Promise<RestartRig> {
  const m = await market();
  const providerCalls: string[] = [];
  const provider = await localServer(async (request) => {
    await request.text();
    providerCalls.push(request.headers.get("idempotency-key") ?? "");
    const status = await answer(providerCalls.length);
    return Response.json({ accepted: status < 300 }, { status });
  });
  const dir = await Deno.makeTempDir({ prefix: "edge_restart_" });
  const running = new Set<EdgeWorker>();
  const output: string[] = [];
  return {
    m,
    dir,
    providerCalls,
    output,
    async start() {
      const worker = await startWorker({
        storageDir: dir,
        route: (url) =>
          url.hostname === PROVIDER_HOST ? `${provider.url}${url.pathname}` : undefined,
        onOutput: (text) => output.push(text),
        vars: {
          PEAQOS_ORCHESTRATION_URL: m.sandbox.url,
          PEAQOS_API_KEY: m.sandbox.apiKey,
          HANDOFF_ALLOWED_HOSTS: PROVIDER_HOST,
          HANDOFF_MAX_ATTEMPTS: "3",
          // A retry waits 30 s in the queue: long enough to restart the Worker in between.
          HANDOFF_RETRY_BASE_SECONDS: "30",
          ...vars,
        },
      });
      running.add(worker);
      return worker;
    },
    async [Symbol.asyncDispose]() {
      for (const worker of running) await worker.stop();
      await provider.close();
      await m.sandbox.close();
      await Deno.remove(dir, { recursive: true });
    },
  };
}

async function placeHandoff(
  m: Market,
  worker: EdgeWorker,
): Promise<MarketOrder> {
  const stored = await worker.authed(`/v1/sessions/${m.pairing.id}`, {
    method: "PUT",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ pairingToken: m.token }),
  });
  assertEquals(stored.status, 200, JSON.stringify(await json(stored)));
  const { item } = await m.api.createMarketOrder(
    { ...ids(m), serviceId: HANDOFF_SERVICE, input: { topic: "X-200" } },
    m.token,
  );
  return (await m.api.executeMarketOrder(item.id, {}, m.token)).order;
}

async function post(worker: EdgeWorker, order: MarketOrder, webhookId: string) {
  const body = JSON.stringify({
    type: "order.handoff",
    timestamp: new Date().toISOString(),
    data: { order },
  });
  const response = await fetch(`${worker.url}/webhooks/orchestration`, {
    method: "POST",
    headers: await signWebhookHeaders({ body, id: webhookId }, WEBHOOK_SECRET),
    body,
  });
  return { status: response.status, body: await json(response) };
}

async function handoffState(worker: EdgeWorker, orderId: string) {
  const response = await worker.authed(`/v1/edge/orders/${orderId}`);
  const body = await json(response);
  return (body.item as { handoff: { state: string; attempts: number } | null })
    .handoff;
}

Deno.test("Worker restarted while a handoff waits for its retry completes it once on the same storage", async () => {
  await using r = await restartRig((call) => Promise.resolve(call === 1 ? 503 : 200));
  const first = await r.start();
  const order = await placeHandoff(r.m, first);
  assertEquals((await post(first, order, "msg_restart_retry")).status, 200);
  await waitFor("the first provider call to fail", async () => {
    const state = await handoffState(first, order.id);
    return state?.state === "retrying" ? state : undefined;
  });
  await first.stop();

  const second = await r.start();
  const kept = await handoffState(second, order.id);
  assertEquals({ state: kept?.state, attempts: kept?.attempts }, {
    state: "retrying",
    attempts: 1,
  });
  const replay = await post(second, order, "msg_restart_retry");
  assertEquals(
    replay.body.duplicate,
    true,
    "the delivery is remembered across the restart",
  );
  // The queued retry died with the first instance's in-memory queue (Cloudflare Queues would
  // redeliver it); the orchestration service re-emitting the event under a new id does the same.
  assertEquals(
    (await post(second, order, "msg_restart_retry_2")).body.duplicate,
    false,
  );
  await waitFor("the order to be confirmed", async () => {
    const { item } = await r.m.api.getMarketOrder(order.id);
    return item.status === "confirmed" ? true : undefined;
  });
  assertEquals((await handoffState(second, order.id))?.state, "confirmed");
  // A late duplicate of the job takes no effect.
  assertEquals(
    (await post(second, order, "msg_restart_retry_3")).body.duplicate,
    false,
  );
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  assertEquals(
    r.providerCalls.length,
    2,
    "one refused call before the restart, one after",
  );
  assertEquals(
    (await r.m.api.getMarketOrder(order.id)).item.status,
    "confirmed",
  );
});

// A short lease for the restart-mid-call tests: API read and write timeouts of 2 s, a provider
// timeout of 3 s and a margin of 0.5 s make the Worker's lease 7.5 s (see `handoffLeaseMs`).
const SHORT_LEASE = {
  HANDOFF_TIMEOUT_MS: "3000",
  API_READ_TIMEOUT_MS: "2000",
  API_WRITE_TIMEOUT_MS: "2000",
  HANDOFF_LEASE_MARGIN_MS: "500",
};
const SHORT_LEASE_MS = 2_000 + 3_000 + 2_000 + 500;

/** Stops a first Worker instance while its provider call is held open, and starts a second. */
async function restartMidCall(
  r: RestartRig,
  release: () => void,
  webhookId: string,
) {
  const first = await r.start();
  const order = await placeHandoff(r.m, first);
  // The lease is taken after the delivery is sent, so it cannot end before this plus its length.
  const sent = Date.now();
  assertEquals((await post(first, order, webhookId)).status, 200);
  await waitFor(
    "the provider call",
    () => Promise.resolve(r.providerCalls.length > 0 || undefined),
  );
  await first.stop(); // mid-call: the Worker never sees the provider's answer
  release();

  const second = await r.start();
  const state = await handoffState(second, order.id);
  assertEquals({ state: state?.state, attempts: state?.attempts }, {
    state: "calling",
    attempts: 1,
  });
  assertEquals((await post(second, order, webhookId)).body.duplicate, true);
  return { order, second, leaseEnds: sent + SHORT_LEASE_MS };
}

Deno.test("Worker restarted during a provider call completes the handoff once by itself after the lease lapses", async () => {
  let letGo!: () => void;
  const held = new Promise<void>((resolve) => (letGo = resolve));
  await using r = await restartRig(async (call) => {
    if (call === 1) await held;
    return 200;
  }, SHORT_LEASE);
  const { order, second, leaseEnds } = await restartMidCall(
    r,
    letGo,
    "msg_restart_inflight",
  );

  // Miniflare's queue lost the job with the first instance, and nothing new is delivered: only
  // the order's Ledger alarm, set for the end of the lease, can resume the handoff.
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  assertEquals(
    r.providerCalls.length,
    1,
    "no second call while the first may still be running",
  );
  assertEquals((await r.m.api.getMarketOrder(order.id)).item.status, "handoff");
  await waitFor("the handoff to be confirmed without a replay", async () => {
    const { item } = await r.m.api.getMarketOrder(order.id);
    return item.status === "confirmed" ? true : undefined;
  }, 20_000);
  assert(Date.now() >= leaseEnds, "resumed only after the lease lapsed");
  const state = await handoffState(second, order.id);
  assertEquals({ state: state?.state, attempts: state?.attempts }, {
    state: "confirmed",
    attempts: 2,
  });
  // The provider saw the order twice, both times under the same idempotency key: one effect.
  assertEquals(r.providerCalls, [`handoff_${order.id}`, `handoff_${order.id}`]);
  assertMatch(
    r.output.join(""),
    new RegExp(`lease of order '${order.id}' lapsed`),
  );
  // A late alarm or job changes nothing: still one confirmation, no dead letter.
  await new Promise((resolve) => setTimeout(resolve, 1_500));
  assertEquals(r.providerCalls.length, 2);
  const view = await second.authed(`/v1/edge/orders/${order.id}`);
  const item = (await json(view)).item as {
    handoff: { state: string };
    deadLetters: unknown[];
  };
  assertEquals(item.handoff.state, "confirmed");
  assertEquals(item.deadLetters, []);
});

Deno.test("Worker restarted during a provider call never calls twice inside the lease, and a job queued inside it completes the handoff once", async () => {
  let letGo!: () => void;
  const held = new Promise<void>((resolve) => (letGo = resolve));
  await using r = await restartRig(async (call) => {
    if (call === 1) await held;
    return 200;
  }, SHORT_LEASE);
  const { order, second, leaseEnds } = await restartMidCall(
    r,
    letGo,
    "msg_restart_busy",
  );
  // A new job inside the call's lease must not start a second provider call; it comes back
  // when the lease lapses (the queue's short retries would have run out before).
  assertEquals(
    (await post(second, order, "msg_restart_busy_2")).body.duplicate,
    false,
  );
  await new Promise((resolve) => setTimeout(resolve, 1_500));
  assertEquals(
    r.providerCalls.length,
    1,
    "no second call while the first may still be running",
  );
  assertEquals((await r.m.api.getMarketOrder(order.id)).item.status, "handoff");
  await waitFor("the handoff to be confirmed", async () => {
    const { item } = await r.m.api.getMarketOrder(order.id);
    return item.status === "confirmed" ? true : undefined;
  }, 20_000);
  assert(Date.now() >= leaseEnds, "resumed only after the lease lapsed");
  // Both the delayed job and the alarm may have come back: one of them runs, the other finds
  // the handoff done.
  await new Promise((resolve) => setTimeout(resolve, 2_500));
  assertEquals(r.providerCalls, [`handoff_${order.id}`, `handoff_${order.id}`]);
  const state = await handoffState(second, order.id);
  assertEquals({ state: state?.state, attempts: state?.attempts }, {
    state: "confirmed",
    attempts: 2,
  });
});
