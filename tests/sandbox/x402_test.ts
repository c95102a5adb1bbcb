/**
 * x402 purchases end to end, through the SDK over real HTTP against the sandbox on 127.0.0.1:
 * the challenge on an `x402` payment intent, the signed authorization as the proof
 * (`verificationMode: "x402"`), the same payload as the `PAYMENT-SIGNATURE` header of execute,
 * settled with a delivered run (`released`, with a transaction hash) or never settled when the
 * run fails (`refunded`). Payloads come from `signX402Payment` (privateKeySigner, a viem
 * account) and from the official `@x402/core` client with `@x402/evm`. Every refusal leaves the
 * order and its payment exactly as they were.
 *
 * The execute calls send the header with per-call `headers` (see {@linkcode withPayment}).
 */
import { assert, assertEquals, assertMatch, assertNotEquals } from "@std/assert";
import { x402Client } from "@x402/core/client";
import { decodePaymentResponseHeader, encodePaymentSignatureHeader } from "@x402/core/http";
import type { PaymentRequired } from "@x402/core/types";
import { ExactEvmScheme } from "@x402/evm/exact/client";
import { privateKeyToAccount } from "viem/accounts";
import {
  type MarketOrder,
  type MarketPayment,
  type OrchestrationApiError,
  PeaqosClient,
  type RequestOptions,
  signX402Payment,
  type SignX402PaymentOptions,
  type WebhookEvent,
  type X402PaymentRequired,
} from "../../mod.ts";
import { privateKeySigner } from "../../signer/mod.ts";
import { createWallet, type TestWallet } from "../../sandbox/mod.ts";
import { settleX402 } from "../../sandbox/x402.ts";
import { ids, localServer, type Market, market } from "../_market.ts";
import { assertApiError, manualClock } from "../_sandbox_platform.ts";
import { decodeHeader, encodeHeader } from "../_x402.ts";

const PRICE_FEED = "svc_x402_price_feed";
const USDC_BASE = "0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913";
const PAY_TO = "0x5B38Da6a701c568545dCfcB03FcB875f56beddC4";

/** Per-call options that carry the x402 payment of an execute (sent as `PAYMENT-SIGNATURE`). */
function withPayment(paymentSignature: string): RequestOptions {
  return { paymentSignature };
}

/**
 * An SDK client whose requests carry `header` as `PAYMENT-SIGNATURE` as it is: the SDK refuses
 * malformed or oversized payloads before sending, and the sandbox must refuse them too.
 */
function rawPaymentHeaderApi(m: Market, header: string): Market["api"] {
  return new PeaqosClient({
    orchestrationUrl: m.sandbox.url,
    apiKey: m.sandbox.apiKey,
    fetch: (input, init) =>
      fetch(input, {
        ...init,
        headers: { ...init.headers as Record<string, string>, "payment-signature": header },
      }),
  }).orchestration;
}

async function priceFeedOrder(m: Market, input: Record<string, unknown> = {}) {
  const { item } = await m.api.createMarketOrder(
    { ...ids(m), serviceId: PRICE_FEED, input: { pair: "ETH/USD", ...input } },
    m.token,
  );
  return item;
}

/** An x402 order with its payment intent: the challenge to sign. */
async function x402Intent(
  m: Market,
  input: Record<string, unknown> = {},
  payerAddress?: string,
): Promise<{ order: MarketOrder; challenge: X402PaymentRequired; payment: MarketPayment }> {
  const order = await priceFeedOrder(m, input);
  const { item: payment } = await m.api.createPaymentIntent(
    order.id,
    { rail: "x402", ...(payerAddress === undefined ? {} : { payerAddress }) },
    m.token,
  );
  assert(payment.x402, "an x402 intent carries its challenge");
  return { order, challenge: payment.x402, payment };
}

function sign(
  wallet: TestWallet,
  challenge: X402PaymentRequired,
  options?: SignX402PaymentOptions,
): Promise<string> {
  return signX402Payment(privateKeySigner(wallet.privateKey), challenge, options);
}

/** The challenge with its only option changed, to sign terms the server did not ask for. */
function altered(
  challenge: X402PaymentRequired,
  changes: Partial<X402PaymentRequired["accepts"][number]>,
): X402PaymentRequired {
  return { ...challenge, accepts: [{ ...challenge.accepts[0]!, ...changes }] };
}

async function prove(m: Market, order: MarketOrder, paymentSignature: string) {
  const { item } = await m.api.submitPaymentProof(
    order.id,
    { verificationMode: "x402", paymentSignature },
    m.token,
  );
  return item;
}

/** The order and its payment as the server holds them. */
async function snapshot(m: Market, orderId: string) {
  const [{ item: order }, { item: payment }] = await Promise.all([
    m.api.getMarketOrder(orderId),
    m.api.getMarketPayment(orderId),
  ]);
  return { order, payment };
}

/** Asserts that `call` is refused with `code` and leaves the order and payment unchanged. */
async function assertRefusedUnchanged(
  m: Market,
  orderId: string,
  call: () => Promise<unknown>,
  code: string,
  statusCode: number,
  reason?: string,
): Promise<OrchestrationApiError> {
  const before = await snapshot(m, orderId);
  const error = await assertApiError(call(), code, statusCode);
  if (reason !== undefined) assertEquals((error.details as { reason?: string }).reason, reason);
  assertEquals(await snapshot(m, orderId), before);
  return error;
}

/** A webhook receiver on 127.0.0.1 recording event types. */
async function eventLog() {
  const events: WebhookEvent[] = [];
  const server = await localServer(async (request) => {
    events.push(await request.json() as WebhookEvent);
    return new Response(null, { status: 204 });
  });
  return Object.assign(server, { events });
}

async function until(condition: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 500 && !condition(); i++) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  assert(condition(), `timed out waiting for ${what}`);
}

Deno.test("executeMarketOrder() settles an x402 payment signed with signX402Payment and privateKeySigner", async () => {
  await using hook = await eventLog();
  await using m = await market({
    webhooks: [{ url: hook.url, secret: `whsec_${btoa("k".repeat(24))}` }],
  });
  const { order, challenge, payment } = await x402Intent(m);
  assertEquals((await m.api.getMarketOrder(order.id)).item.status, "payment_pending");
  assertEquals([payment.rail, payment.status, payment.payerAddress], [
    "x402",
    "intent_created",
    m.agent.address,
  ]);
  assertEquals(challenge, {
    x402Version: 2,
    resource: {
      url: `${m.sandbox.url}/api/v1/market/orders/${order.id}/execute`,
      description: "Spot price feed (x402)",
      mimeType: "application/json",
    },
    accepts: [{
      scheme: "exact",
      network: "eip155:8453",
      amount: "10000", // 0.01 USDC, 6 decimals
      asset: USDC_BASE,
      payTo: PAY_TO,
      maxTimeoutSeconds: 300,
      extra: { name: "USD Coin", version: "2" },
    }],
  });

  const paymentSignature = await sign(m.agent, challenge);
  const held = await prove(m, order, paymentSignature);
  assertEquals([held.status, held.verificationMode, held.transactionHash], ["held", "x402", null]);
  assertEquals((await m.api.getMarketOrder(order.id)).item.status, "ready");
  // The authorization is spendable: the server never serves it back.
  const signature = decodeHeader(paymentSignature).payload.signature;
  assert(!JSON.stringify(await m.api.getMarketPayment(order.id)).includes(signature.slice(2, 40)));

  // The SDK's own hooks see the header redacted; the server's settlement answer is read raw.
  const sent: string[] = [];
  let paymentResponse: string | null = null;
  const client = new PeaqosClient({
    orchestrationUrl: m.sandbox.url,
    apiKey: m.sandbox.apiKey,
    onRequest: (info) => void sent.push(info.headers["payment-signature"] ?? "(none)"),
    fetch: async (input, init) => {
      const response = await fetch(input, init);
      paymentResponse = response.headers.get("payment-response");
      return response;
    },
  });
  const executed = await client.orchestration.executeMarketOrder(
    order.id,
    {},
    m.token,
    withPayment(paymentSignature),
  );
  assertEquals(executed.order.status, "delivered");
  assertEquals(sent, ["[REDACTED]"]);
  const { item: released } = await m.api.getMarketPayment(order.id);
  assertEquals(released?.status, "released");
  const settled = settleX402(decodeHeader(paymentSignature));
  assertEquals(released?.transactionHash, settled.transactionHash);
  assertMatch(settled.transactionHash, /^0x[0-9a-f]{64}$/);
  assert(paymentResponse !== null, "PAYMENT-RESPONSE header");
  assertEquals(decodePaymentResponseHeader(paymentResponse), {
    success: true,
    transaction: settled.transactionHash,
    network: "eip155:8453",
    payer: m.agent.address,
  });

  // Confirm closes the order and leaves the payment as it is.
  const confirmed = await m.api.confirmMarketOrder(order.id, m.token);
  assertEquals(confirmed.order.status, "confirmed");
  assertEquals(confirmed.payment, released);

  // Deliveries run concurrently: compare the set, not the arrival order.
  await until(() => hook.events.length >= 7, "7 webhook deliveries");
  assertEquals(hook.events.map((event) => event.type).sort(), [
    "order.confirmed",
    "order.created",
    "order.delivered",
    "order.executing",
    "payment.held",
    "payment.intent_created",
    "payment.released",
  ]);
  const releasedEvent = hook.events.find((event) => event.type === "payment.released");
  assertEquals(releasedEvent?.data.payment?.transactionHash, settled.transactionHash);
  assertEquals(releasedEvent?.data.order?.status, "delivered"); // settled with the delivered run
});

Deno.test("executeMarketOrder() settles an x402 payment signed with a viem account", async () => {
  await using m = await market();
  const { order, challenge } = await x402Intent(m);
  const account = privateKeyToAccount(m.agent.privateKey as `0x${string}`);
  const paymentSignature = await signX402Payment(account, challenge);
  assertEquals((await prove(m, order, paymentSignature)).status, "held");
  const executed = await m.api.executeMarketOrder(
    order.id,
    {},
    m.token,
    withPayment(paymentSignature),
  );
  assertEquals(executed.order.status, "delivered");
  const { item: payment } = await m.api.getMarketPayment(order.id);
  assertEquals(payment?.status, "released");
  assertMatch(payment?.transactionHash ?? "", /^0x[0-9a-f]{64}$/);
});

Deno.test("submitPaymentProof() and executeMarketOrder() accept the official @x402/core client's payload as it is", async () => {
  await using m = await market();
  const { order, challenge } = await x402Intent(m);
  const account = privateKeyToAccount(m.agent.privateKey as `0x${string}`);
  const official = new x402Client().register("eip155:*", new ExactEvmScheme(account));
  const payload = await official.createPaymentPayload(challenge as unknown as PaymentRequired);
  const paymentSignature = encodePaymentSignatureHeader(payload);
  assertEquals(decodeHeader(paymentSignature).payload.authorization.from, m.agent.address);
  assertEquals((await prove(m, order, paymentSignature)).status, "held");
  const executed = await m.api.executeMarketOrder(
    order.id,
    {},
    m.token,
    withPayment(paymentSignature),
  );
  assertEquals(executed.order.status, "delivered");
  assertEquals((await m.api.getMarketPayment(order.id)).item?.status, "released");
});

Deno.test("createPaymentIntent() binds an x402 challenge to a declared EVM payer and refuses a Solana one", async () => {
  await using m = await market();
  const wallet = createWallet();
  const { order, challenge, payment } = await x402Intent(m, {}, wallet.address);
  assertEquals(payment.payerAddress, wallet.address);
  await assertRefusedUnchanged(
    m,
    order.id,
    async () => prove(m, order, await sign(m.agent, challenge)),
    "PAYMENT_TX_FAILED",
    402,
    "payer_mismatch",
  );
  assertEquals((await prove(m, order, await sign(wallet, challenge))).status, "held");

  const solana = await priceFeedOrder(m);
  const refused = await assertApiError(
    m.api.createPaymentIntent(
      solana.id,
      { rail: "x402", payerAddress: "7EcDhSYGxXyscszYEp35KHN8vvw3svAuLKTzXwCFLtV" },
      m.token,
    ),
    "VALIDATION_ERROR",
    400,
  );
  assertEquals((refused.details as { path: string }[])[0]?.path, "payerAddress");
  assertEquals((await m.api.getMarketPayment(solana.id)).item, null);
});

Deno.test("submitPaymentProof() refuses an x402 payment that does not pay what was asked with PAYMENT_TX_FAILED", async () => {
  await using m = await market();
  const { order, challenge } = await x402Intent(m);
  const past = Math.floor(Date.now() / 1000) - 3600;
  const cases: ReadonlyArray<readonly [string, () => Promise<string>]> = [
    ["expired", () => sign(m.agent, challenge, { now: past })],
    ["amount_mismatch", () => sign(m.agent, altered(challenge, { amount: "9999" }))],
    [
      "asset_mismatch",
      () =>
        sign(m.agent, altered(challenge, { asset: "0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48" })),
    ],
    ["network_mismatch", () => sign(m.agent, altered(challenge, { network: "eip155:84532" }))],
    ["payer_mismatch", () => sign(createWallet(), challenge)],
  ];
  for (const [reason, payload] of cases) {
    const paymentSignature = await payload();
    await assertRefusedUnchanged(
      m,
      order.id,
      () => prove(m, order, paymentSignature),
      "PAYMENT_TX_FAILED",
      402,
      reason,
    );
  }
  const { order: current, payment } = await snapshot(m, order.id);
  assertEquals([current.status, payment?.status, payment?.transactionHash], [
    "payment_pending",
    "intent_created",
    null,
  ]);
});

Deno.test("submitPaymentProof() refuses bad x402 input with a clear 4xx and changes nothing", async () => {
  await using m = await market();
  const { order, challenge } = await x402Intent(m);
  const valid = decodeHeader(await sign(m.agent, challenge));
  // 65 bytes that are no signature of this authorization (r = s = 1 recovers to some other key).
  const forged = encodeHeader({
    ...valid,
    payload: { ...valid.payload, signature: `0x${"00".repeat(31)}01${"00".repeat(31)}011b` },
  });
  const cases: ReadonlyArray<readonly [string, string, number]> = [
    ["not base64 at all!", "VALIDATION_ERROR", 400],
    [btoa("{not json"), "VALIDATION_ERROR", 400],
    [encodeHeader({ hello: "world" }), "VALIDATION_ERROR", 400],
    [encodeHeader({ ...valid, x402Version: 1 }), "VALIDATION_ERROR", 400],
    [btoa("x".repeat(9000)), "VALIDATION_ERROR", 400], // over 8 KiB
    [forged, "PAYMENT_TX_FAILED", 402],
  ];
  for (const [paymentSignature, code, status] of cases) {
    await assertRefusedUnchanged(
      m,
      order.id,
      () => prove(m, order, paymentSignature),
      code,
      status,
    );
  }
  // The body itself: an x402 proof is the signature and nothing else.
  for (
    const body of [
      { verificationMode: "x402" },
      {
        verificationMode: "x402",
        paymentSignature: btoa("{}"),
        transactionHash: `0x${"1".repeat(64)}`,
      },
      { transactionHash: `0x${"1".repeat(64)}` }, // a recorded proof of an x402 payment
    ]
  ) {
    await assertRefusedUnchanged(
      m,
      order.id,
      () => m.api.submitPaymentProof(order.id, body as never, m.token),
      "VALIDATION_ERROR",
      400,
    );
  }
});

Deno.test("submitPaymentProof() refuses an x402 proof of a payment on another rail", async () => {
  await using m = await market();
  const { item: order } = await m.api.createMarketOrder(
    { ...ids(m), serviceId: "svc_sim_complete", input: { prompt: "Hi" } },
    m.token,
  );
  await m.api.createPaymentIntent(order.id, {}, m.token);
  const error = await assertApiError(
    m.api.submitPaymentProof(
      order.id,
      { verificationMode: "x402", paymentSignature: btoa("{}") },
      m.token,
    ),
    "VALIDATION_ERROR",
    400,
  );
  assertEquals((error.details as { path: string }[])[0]?.path, "verificationMode");
  assertEquals((await m.api.getMarketPayment(order.id)).item?.status, "intent_created");
});

Deno.test("submitPaymentProof() refuses an x402 payload replayed on a second order, settled or not", async () => {
  await using m = await market();
  const first = await x402Intent(m);
  const paymentSignature = await sign(m.agent, first.challenge);
  await prove(m, first.order, paymentSignature);
  const second = await x402Intent(m);
  // Same price, payee and payer: only the nonce registry tells the two payments apart.
  assertEquals(second.challenge.accepts, first.challenge.accepts);
  await assertRefusedUnchanged(
    m,
    second.order.id,
    () => prove(m, second.order, paymentSignature),
    "PAYMENT_TX_FAILED",
    402,
    "nonce_replayed",
  );
  await m.api.executeMarketOrder(first.order.id, {}, m.token, withPayment(paymentSignature));
  await assertRefusedUnchanged(
    m,
    second.order.id,
    () => prove(m, second.order, paymentSignature),
    "PAYMENT_TX_FAILED",
    402,
    "nonce_replayed",
  );
  // Proved with its own authorization, the second order still cannot execute with the first's.
  await prove(m, second.order, await sign(m.agent, second.challenge));
  await assertRefusedUnchanged(
    m,
    second.order.id,
    () => m.api.executeMarketOrder(second.order.id, {}, m.token, withPayment(paymentSignature)),
    "PAYMENT_TX_FAILED",
    402,
    "nonce_replayed",
  );
});

Deno.test("executeMarketOrder() of an x402 order needs the proved payload as PAYMENT-SIGNATURE", async () => {
  await using m = await market();
  const { order, challenge } = await x402Intent(m);
  const proved = await sign(m.agent, challenge);
  await assertRefusedUnchanged(
    m,
    order.id,
    () => m.api.executeMarketOrder(order.id, {}, m.token, withPayment(proved)),
    "PAYMENT_REQUIRED",
    402,
  ); // not proved yet
  await prove(m, order, proved);
  await assertRefusedUnchanged(
    m,
    order.id,
    () => m.api.executeMarketOrder(order.id, {}, m.token),
    "PAYMENT_REQUIRED",
    402,
  );
  const another = await sign(m.agent, challenge); // valid, fresh nonce, but not the proved one
  assertNotEquals(another, proved);
  const underpaid = await sign(m.agent, altered(challenge, { amount: "1" }));
  for (
    const [header, reason] of [
      [another, "not_proved"],
      [underpaid, "amount_mismatch"],
      ["%%%", "malformed"],
      [btoa("y".repeat(9000)), "too_large"],
    ] as const
  ) {
    await assertRefusedUnchanged(
      m,
      order.id,
      () => rawPaymentHeaderApi(m, header).executeMarketOrder(order.id, {}, m.token),
      "PAYMENT_TX_FAILED",
      402,
      reason,
    );
  }
  const executed = await m.api.executeMarketOrder(order.id, {}, m.token, withPayment(proved));
  assertEquals(executed.order.status, "delivered");
});

Deno.test("executeMarketOrder() refuses an x402 authorization that expired after its proof", async () => {
  const clock = manualClock();
  await using m = await market({ now: clock.now });
  const { order, challenge } = await x402Intent(m);
  const paymentSignature = await sign(m.agent, challenge, { now: clock.now() });
  await prove(m, order, paymentSignature);
  clock.advance(challenge.accepts[0]!.maxTimeoutSeconds);
  await assertRefusedUnchanged(
    m,
    order.id,
    () => m.api.executeMarketOrder(order.id, {}, m.token, withPayment(paymentSignature)),
    "PAYMENT_TX_FAILED",
    402,
    "expired",
  );
  assertEquals((await m.api.getMarketPayment(order.id)).item?.transactionHash, null);
});

Deno.test("executeMarketOrder() never settles an x402 payment whose run fails: the payment is refunded", async () => {
  await using hook = await eventLog();
  await using m = await market({
    webhooks: [{ url: hook.url, secret: `whsec_${btoa("k".repeat(24))}` }],
  });
  const { order, challenge } = await x402Intent(m, { simulateFailure: true });
  const paymentSignature = await sign(m.agent, challenge);
  await prove(m, order, paymentSignature);
  const executed = await m.api.executeMarketOrder(
    order.id,
    {},
    m.token,
    withPayment(paymentSignature),
  );
  assertEquals(executed.order.status, "failed");
  const { item: payment } = await m.api.getMarketPayment(order.id);
  assertEquals([payment?.status, payment?.transactionHash], ["refunded", null]);
  await until(() => hook.events.some((e) => e.type === "payment.refunded"), "payment.refunded");
  assert(!hook.events.some((event) => event.type === "payment.released"));
  // The unsettled authorization still pays for nothing else.
  const other = await x402Intent(m);
  await assertRefusedUnchanged(
    m,
    other.order.id,
    () => prove(m, other.order, paymentSignature),
    "PAYMENT_TX_FAILED",
    402,
    "nonce_replayed",
  );
});

Deno.test("createMarketOrder() counts x402 orders against the daily spend limit", async () => {
  await using m = await market({}, { dailySpendLimit: 0.02, currency: "USDC" });
  for (let i = 0; i < 2; i++) {
    const { order, challenge } = await x402Intent(m);
    const paymentSignature = await sign(m.agent, challenge);
    await prove(m, order, paymentSignature);
    await m.api.executeMarketOrder(order.id, {}, m.token, withPayment(paymentSignature));
  }
  const over = await assertApiError(priceFeedOrder(m), "AGENT_DAILY_LIMIT_EXCEEDED", 403);
  assertEquals((over.details as { spentToday: number }).spentToday, 0.02);
});
