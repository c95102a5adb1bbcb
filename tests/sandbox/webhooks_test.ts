/**
 * Sandbox webhooks, end to end over 127.0.0.1: order and payment events POSTed to a local
 * receiver, signed per Standard Webhooks (the signature recomputed independently here and
 * checked with the SDK's verifyWebhook), event filters, retries with the same webhook-id after
 * a 500, and close() cancelling pending retries.
 */
import { assert, assertEquals, assertMatch } from "@std/assert";
import { verifyWebhook } from "../../mod.ts";
import type { MarketOrder, WebhookEvent } from "../../mod.ts";
import { WebhookDispatcher } from "../../sandbox/webhooks.ts";
import { deadUrl, ids, localServer, market } from "../_market.ts";
import { manualClock } from "../_sandbox_platform.ts";

type Delivery = { readonly headers: Headers; readonly body: string };

function newSecret(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(24));
  return `whsec_${btoa(String.fromCharCode(...bytes))}`;
}

/**
 * Verifies every delivery with the SDK, which refuses an event whose `data` is not what its type
 * promises (`WebhookEventDataByType`): across this file's tests, all 13 event types pass it.
 */
async function verifiedEvents(
  deliveries: readonly Delivery[],
  secret: string,
): Promise<WebhookEvent[]> {
  const events: WebhookEvent[] = [];
  for (const d of deliveries) events.push((await verifyWebhook(d.body, d.headers, secret)).event);
  return events;
}

/** A receiver that records every delivery and answers with `status(delivery, index)`. */
async function receiver(status: (delivery: Delivery, index: number) => number = () => 204) {
  const deliveries: Delivery[] = [];
  const server = await localServer(async (request) => {
    const delivery = { headers: request.headers, body: await request.text() };
    deliveries.push(delivery);
    return new Response(null, { status: status(delivery, deliveries.length - 1) });
  });
  return Object.assign(server, { deliveries });
}

async function until(condition: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 500 && !condition(); i++) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  assert(condition(), `timed out waiting for ${what}`);
}

// Standard Webhooks, computed here without the SDK: base64 HMAC-SHA256 over id.timestamp.body.
async function expectedSignature(secret: string, delivery: Delivery): Promise<string> {
  const key = Uint8Array.from(atob(secret.slice("whsec_".length)), (c) => c.charCodeAt(0));
  const hmac = await crypto.subtle.importKey(
    "raw",
    key,
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
  const id = delivery.headers.get("webhook-id");
  const timestamp = delivery.headers.get("webhook-timestamp");
  const mac = await crypto.subtle.sign(
    "HMAC",
    hmac,
    new TextEncoder().encode(`${id}.${timestamp}.${delivery.body}`),
  );
  return `v1,${btoa(String.fromCharCode(...new Uint8Array(mac)))}`;
}

Deno.test("webhooks deliver every order and payment event of a purchase, signed per Standard Webhooks", async () => {
  const secret = newSecret();
  await using hook = await receiver();
  await using m = await market({ webhooks: [{ url: hook.url, secret }] });
  const { item: order } = await m.api.createMarketOrder(
    { ...ids(m), serviceId: "svc_sim_complete", input: { prompt: "Hi" } },
    m.token,
  );
  await m.api.createPaymentIntent(order.id, {}, m.token);
  await m.api.submitPaymentProof(order.id, { transactionHash: `0x${"a".repeat(64)}` }, m.token);
  await m.api.executeMarketOrder(order.id, {}, m.token);
  await m.api.confirmMarketOrder(order.id, m.token);
  await m.api.releasePayment(order.id, undefined, m.token);
  await until(() => hook.deliveries.length >= 7, "7 deliveries");

  const events: WebhookEvent[] = [];
  for (const delivery of hook.deliveries) {
    assertEquals(delivery.headers.get("content-type"), "application/json");
    assertMatch(delivery.headers.get("webhook-id") ?? "", /^msg_[0-9a-f]+$/);
    assertEquals(
      delivery.headers.get("webhook-signature"),
      await expectedSignature(secret, delivery),
    );
    const { id, timestamp, event } = await verifyWebhook(delivery.body, delivery.headers, secret);
    assertEquals(event, JSON.parse(delivery.body));
    assertEquals(id, delivery.headers.get("webhook-id"));
    const sentAt = Number(delivery.headers.get("webhook-timestamp"));
    assertEquals(timestamp.getTime(), sentAt * 1000);
    assert(Math.abs(sentAt - Date.now() / 1000) < 60, "webhook-timestamp is the wall clock");
    events.push(event);
  }
  assertEquals(new Set(hook.deliveries.map((d) => d.headers.get("webhook-id"))).size, 7);
  assertEquals(events.map((event) => event.type).sort(), [
    "order.confirmed",
    "order.created",
    "order.delivered",
    "order.executing",
    "payment.held",
    "payment.intent_created",
    "payment.released",
  ]);
  const released = events.find((event) => event.type === "payment.released")!;
  assertEquals(released.data.payment?.status, "released");
  assertEquals(released.data.payment?.amount, 0.1);
  for (const event of events) {
    assertEquals(event.data.order.id, order.id, event.type);
    if (event.type === "order.created") assertEquals(event.data.payment, undefined);
    if (event.type.startsWith("payment.")) assertEquals(event.data.payment?.orderId, order.id);
  }
  assertEquals(released.data.order?.id, order.id);
  const delivered = events.find((event) => event.type === "order.delivered")!;
  assertEquals(delivered.data.order?.status, "delivered");
  // `data.order.payment` is the rail recommendation; `data.payment` the payment record.
  assertEquals(delivered.data.order?.payment, order.serviceSnapshot.payment);
  assertEquals(delivered.data.order?.payment?.defaultRail, "wallet");
  assertEquals(delivered.data.payment?.status, "held");
  const confirmed = events.find((event) => event.type === "order.confirmed")!;
  assertEquals(confirmed.data.order?.status, "confirmed");
  assertEquals(confirmed.data.payment?.status, "release_pending");
  const intent = events.find((event) => event.type === "payment.intent_created")!;
  assertEquals(intent.data.order?.status, "payment_pending");
  assertEquals(intent.data.payment?.amount, 0.1);
});

Deno.test("webhooks honour a subscriber's event filter and report handoff, dispute and freeze", async () => {
  const secret = newSecret();
  await using all = await receiver();
  await using some = await receiver();
  await using m = await market({
    webhooks: [
      { url: all.url, secret },
      { url: some.url, secret, events: ["order.handoff", "payment.frozen"] },
    ],
  });
  const { item: handoff } = await m.api.createMarketOrder(
    { ...ids(m), serviceId: "svc_manual_handoff", input: { topic: "tyres" } },
    m.token,
  );
  await m.api.executeMarketOrder(handoff.id, {}, m.token);
  const { item: paid } = await m.api.createMarketOrder(
    { ...ids(m), serviceId: "svc_sim_complete", input: { prompt: "Hi" } },
    m.token,
  );
  await m.api.createPaymentIntent(paid.id, {}, m.token);
  await m.api.submitPaymentProof(paid.id, { transactionHash: `0x${"b".repeat(64)}` }, m.token);
  await m.api.disputeMarketOrder(paid.id, { reason: "Never mind" }, m.token);
  await until(() => some.deliveries.length >= 2 && all.deliveries.length >= 7, "deliveries");
  const types = async (deliveries: Delivery[]) =>
    (await verifiedEvents(deliveries, secret)).map((event) => event.type).sort();
  assertEquals(await types(some.deliveries), ["order.handoff", "payment.frozen"]);
  assertEquals(await types(all.deliveries), [
    "order.created",
    "order.created",
    "order.disputed",
    "order.handoff",
    "payment.frozen",
    "payment.held",
    "payment.intent_created",
  ]);
});

Deno.test("webhooks report failed, cancelled and refunded orders", async () => {
  const secret = newSecret();
  await using hook = await receiver();
  await using m = await market({ webhooks: [{ url: hook.url, secret }] });
  const { item: failing } = await m.api.createMarketOrder(
    { ...ids(m), serviceId: "svc_sim_echo", input: { simulateFailure: true } },
    m.token,
  );
  await m.api.executeMarketOrder(failing.id, {}, m.token);
  const { item: paid } = await m.api.createMarketOrder(
    { ...ids(m), serviceId: "svc_sim_complete", input: { prompt: "Hi" } },
    m.token,
  );
  await m.api.createPaymentIntent(paid.id, {}, m.token);
  await m.api.submitPaymentProof(paid.id, { transactionHash: `0x${"c".repeat(64)}` }, m.token);
  await m.api.cancelMarketOrder(paid.id, { reason: "Not needed" }, m.token);
  await until(() => hook.deliveries.length >= 8, "8 deliveries");
  const events = await verifiedEvents(hook.deliveries, secret);
  assertEquals(events.map((event) => event.type).sort(), [
    "order.cancelled",
    "order.created",
    "order.created",
    "order.executing",
    "order.failed",
    "payment.held",
    "payment.intent_created",
    "payment.refunded",
  ]);
  const failed = events.find((event) => event.type === "order.failed")!;
  assertEquals(failed.data.order?.id, failing.id);
  assertEquals(failed.data.order?.status, "failed");
  const refunded = events.find((event) => event.type === "payment.refunded")!;
  assertEquals(refunded.data.payment?.status, "refunded");
});

Deno.test("webhooks keep the sandbox clock in the event and the wall clock in webhook-timestamp", async () => {
  const secret = newSecret();
  await using hook = await receiver();
  await using m = await market({
    now: manualClock("2026-03-01T12:00:00.000Z").now,
    webhooks: [{ url: hook.url, secret, events: ["order.created"] }],
  });
  await m.api.createMarketOrder({ ...ids(m), serviceId: "svc_sim_echo" }, m.token);
  await until(() => hook.deliveries.length >= 1, "a delivery");
  const delivery = hook.deliveries[0]!;
  // verifyWebhook's default 300 s tolerance holds even though the sandbox clock is months off.
  const { timestamp, event } = await verifyWebhook(delivery.body, delivery.headers, secret);
  assertEquals(event.timestamp, "2026-03-01T12:00:00.000Z");
  assertEquals(event.data.order.createdAt, "2026-03-01T12:00:00.000Z");
  assert(
    Math.abs(timestamp.getTime() - Date.now()) < 60_000,
    "webhook-timestamp is the wall clock",
  );
});

Deno.test("webhooks retry after a 500 with the same webhook-id, timestamp and signature", async () => {
  const secret = newSecret();
  await using hook = await receiver((_delivery, index) => (index === 0 ? 500 : 200));
  await using m = await market({
    webhooks: [{ url: hook.url, secret, events: ["order.created"] }],
    webhookRetryDelayMs: 20,
  });
  await m.api.createMarketOrder({ ...ids(m), serviceId: "svc_sim_echo" }, m.token);
  await until(() => hook.deliveries.length >= 2, "a retry");
  const [first, second] = hook.deliveries as [Delivery, Delivery];
  for (const header of ["webhook-id", "webhook-timestamp", "webhook-signature"]) {
    assertEquals(second.headers.get(header), first.headers.get(header), header);
  }
  assertEquals(second.body, first.body);
  assertEquals(second.headers.get("webhook-signature"), await expectedSignature(secret, second));
  // A 2xx ends the delivery: no third attempt arrives.
  await new Promise((resolve) => setTimeout(resolve, 100));
  assertEquals(hook.deliveries.length, 2);
});

Deno.test("WebhookDispatcher gives up after 4 attempts on network errors", async () => {
  const url = await deadUrl();
  const dispatcher = new WebhookDispatcher({
    subscribers: [{ url, secret: newSecret() }],
    now: () => new Date(),
    retryDelayMs: 1,
  });
  dispatcher.emit("order.created", { order: {} as MarketOrder });
  await dispatcher.idle();
  assertEquals(dispatcher.deliveries.length, 1);
  assertEquals(dispatcher.deliveries[0]?.attempts, 4);
  assertEquals(dispatcher.deliveries[0]?.status, "failed");
  await dispatcher.close();
});

Deno.test("sandbox close() cancels pending webhook retries without leaking timers", async () => {
  await using hook = await receiver(() => 503);
  const m = await market({
    webhooks: [{ url: hook.url, secret: newSecret(), events: ["order.created"] }],
    webhookRetryDelayMs: 60_000,
  });
  try {
    await m.api.createMarketOrder({ ...ids(m), serviceId: "svc_sim_echo" }, m.token);
    await until(() => hook.deliveries.length >= 1, "the first attempt");
  } finally {
    await m.sandbox.close(); // would hang for a minute (and trip the sanitizer) if not cancelled
  }
  assertEquals(hook.deliveries.length, 1);
});
