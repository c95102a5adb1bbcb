import { assert, assertEquals, assertMatch, assertNotMatch } from "@std/assert";
import { signWebhookHeaders } from "../../mod.ts";
import {
  type EdgeWorker,
  fakePairingToken,
  json,
  startWorker,
  WEBHOOK_SECRET,
} from "../_worker.ts";

const ORDER_ID = "ord_webhook_1";
const PAIRING_ID = "pair_webhook_1";

function eventBody(type = "order.created", orderId = ORDER_ID): string {
  return JSON.stringify({
    type,
    timestamp: new Date().toISOString(),
    data: {
      order: { id: orderId, status: "created", agentPairingId: PAIRING_ID },
    },
  });
}

/**
 * A Worker whose test tenant holds a session for the orders' pairing, so it adopts the orders
 * (created outside the proxy) when their first verified webhook arrives and may read them.
 */
async function adoptingWorker(): Promise<EdgeWorker> {
  const worker = await startWorker();
  try {
    await worker.storeSession(PAIRING_ID, fakePairingToken(PAIRING_ID));
  } catch (err) {
    await worker.stop();
    throw err;
  }
  return worker;
}

async function deliver(
  worker: { fetch(path: string, init?: RequestInit): Promise<Response> },
  body: string,
  headers: Record<string, string>,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await worker.fetch("/webhooks/orchestration", {
    method: "POST",
    headers: { ...headers, "content-type": "application/json" },
    body,
  });
  return { status: response.status, body: await json(response) };
}

Deno.test("POST /webhooks/orchestration records a verified event once and answers a replay as duplicate", async () => {
  await using worker = await adoptingWorker();
  const body = eventBody();
  const headers = {
    ...(await signWebhookHeaders({ body, id: "msg_once" }, WEBHOOK_SECRET)),
  };

  const first = await deliver(worker, body, headers);
  assertEquals(first, {
    status: 200,
    body: { received: true, duplicate: false },
  });
  const replay = await deliver(worker, body, headers);
  assertEquals(replay, {
    status: 200,
    body: { received: true, duplicate: true },
  });

  const record = await worker.orderRecord(ORDER_ID);
  assertEquals(
    record.events.map((event) => [event.webhookId, event.type, event.status]),
    [
      ["msg_once", "order.created", "created"],
    ],
  );
  assertEquals(record.handoff, null);
  assertEquals(worker.outbound, [], "a non-handoff event calls nothing");
});

Deno.test("POST /webhooks/orchestration takes concurrent deliveries of one id exactly once", async () => {
  await using worker = await adoptingWorker();
  const body = eventBody("order.delivered");
  const headers = {
    ...(await signWebhookHeaders({ body, id: "msg_race" }, WEBHOOK_SECRET)),
  };

  const results = await Promise.all(
    Array.from({ length: 8 }, () => deliver(worker, body, headers)),
  );
  const fresh = results.filter((r) => r.status === 200 && r.body.duplicate === false);
  assertEquals(fresh.length, 1, JSON.stringify(results));
  for (const result of results) {
    // The others are duplicates, or (while the first is mid-flight) 409 so the sender retries.
    assert(
      result.status === 200 || result.status === 409,
      JSON.stringify(result),
    );
  }
  const record = await worker.orderRecord(ORDER_ID);
  assertEquals(record.events.length, 1);
});

Deno.test("POST /webhooks/orchestration refuses bad, missing, stale and future signatures without recording", async () => {
  await using worker = await adoptingWorker();
  const body = eventBody();
  // A minute past the 300 s tolerance either way: the exact edges are tested against a fixed
  // clock in webhooks_test.ts, and here the Worker's clock moves on while a loaded machine works.
  const now = Math.floor(Date.now() / 1000);
  const good = {
    ...(await signWebhookHeaders({ body, id: "msg_refused" }, WEBHOOK_SECRET)),
  };
  const wrongSecret = {
    ...(await signWebhookHeaders(
      { body, id: "msg_refused" },
      "whsec_" + btoa("not-the-secret"),
    )),
  };
  const stale = {
    ...(await signWebhookHeaders({
      body,
      id: "msg_refused",
      timestamp: now - 360,
    }, WEBHOOK_SECRET)),
  };
  const future = {
    ...(await signWebhookHeaders({
      body,
      id: "msg_refused",
      timestamp: now + 360,
    }, WEBHOOK_SECRET)),
  };
  const { "webhook-signature": _, ...unsigned } = good;

  const cases: [string, string, Record<string, string>, string][] = [
    ["wrong secret", body, wrongSecret, "invalid_signature"],
    [
      "tampered body",
      body.replace("created", "confirmed"),
      good,
      "invalid_signature",
    ],
    ["stale", body, stale, "timestamp_too_old"],
    ["future", body, future, "timestamp_too_new"],
    ["unsigned", body, unsigned, "missing_headers"],
  ];
  for (const [name, sentBody, headers, reason] of cases) {
    const result = await deliver(worker, sentBody, headers);
    assertEquals(result.status, 400, name);
    const error = result.body.error as {
      code: string;
      details: { reason: string };
      message: string;
    };
    assertEquals([error.code, error.details.reason], [
      "WEBHOOK_REJECTED",
      reason,
    ], name);
    assertNotMatch(
      error.message,
      new RegExp(good["webhook-signature"]!.slice(3, 20)),
      name,
    );
  }
  // Nothing was recorded: not even an owner for the order.
  assertEquals(await worker.recordStatus(ORDER_ID), 404);

  // Nothing was recorded for the id either: the genuine delivery is still new.
  assertEquals((await deliver(worker, body, good)).body.duplicate, false);
  assertEquals(
    (await worker.orderRecord(ORDER_ID)).events.map((e) => e.webhookId),
    [
      "msg_refused",
    ],
  );
});

Deno.test("POST /webhooks/orchestration refuses ids that are not safe ids, recording nothing", async () => {
  await using worker = await adoptingWorker();
  const traversal = eventBody("order.handoff", "../machines/m_1");
  const headers = {
    ...(await signWebhookHeaders({ body: traversal }, WEBHOOK_SECRET)),
  };
  const result = await deliver(worker, traversal, headers);
  assertEquals(result.status, 400);
  assertEquals(
    (result.body.error as { code: string }).code,
    "WEBHOOK_REJECTED",
  );

  const body = eventBody();
  const badId = {
    ...(await signWebhookHeaders({ body, id: "msg_../../x" }, WEBHOOK_SECRET)),
  };
  assertEquals((await deliver(worker, body, badId)).status, 400);
  assertEquals(await worker.recordStatus(ORDER_ID), 404);
  assertEquals(worker.outbound, []);
});

Deno.test("POST /webhooks/orchestration refuses an oversize body with 413 before verifying", async () => {
  await using worker = await adoptingWorker();
  const body = JSON.stringify({
    type: "order.created",
    timestamp: new Date().toISOString(),
    data: { order: { id: ORDER_ID }, padding: "x".repeat(300 * 1024) },
  });
  const headers = { ...(await signWebhookHeaders({ body }, WEBHOOK_SECRET)) };
  const result = await deliver(worker, body, headers);
  assertEquals(result.status, 413);
  assertEquals(
    (result.body.error as { code: string }).code,
    "PAYLOAD_TOO_LARGE",
  );
  assertEquals(await worker.recordStatus(ORDER_ID), 404);
});

Deno.test("POST /webhooks/orchestration answers 500 without details when the secret is unusable", async () => {
  await using worker = await startWorker({
    vars: { PEAQOS_WEBHOOK_SECRET: "whsec_***" },
  });
  const body = eventBody();
  const headers = { ...(await signWebhookHeaders({ body }, WEBHOOK_SECRET)) };
  const result = await deliver(worker, body, headers);
  assertEquals(result.status, 500);
  assertMatch(JSON.stringify(result.body), /INTERNAL_ERROR|EDGE_MISCONFIGURED/);
  assertNotMatch(JSON.stringify(result.body), /whsec_|stack|at /);
});

Deno.test("GET /health answers without auth and without secrets", async () => {
  await using worker = await startWorker();
  const response = await worker.fetch("/health");
  const body = await json(response);
  assertEquals(response.status, 200);
  assertEquals(body.status, "ok");
  assertEquals(body.configured, true);
  assertNotMatch(JSON.stringify(body), /whsec_|sk_unused/);
});
