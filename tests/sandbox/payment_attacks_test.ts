/**
 * The sandbox's payment security findings, each performed as an attack through the SDK against
 * the real sandbox over 127.0.0.1, asserting the safe outcome:
 *
 * 5. An agent claims another agent's on-chain transfer as its own payment (`rpc` proof naming
 *    the victim as payer), which used to spend the hash and lock the real payer out.
 * 6. A buyer refunds itself after delivery and still confirms; refunded orders stopped counting
 *    against the daily limit, so five 0.10 services were delivered under a 0.20 limit.
 * 7. One Solana transaction signature pays two orders.
 */
import { assertEquals } from "@std/assert";
import { OrchestrationApiError } from "../../mod.ts";
import type { MarketOrder } from "../../mod.ts";
import { TRANSFER_TOPIC } from "../../sandbox/erc20_transfer_rpc.ts";
import { ids, localServer, type Market, market } from "../_market.ts";
import { assertApiError, pairAgent, rawRequest } from "../_sandbox_platform.ts";

const USDT = "0xdac17f958d2ee523a2206206994597c13d831ec7";
const PAYEE = "0x8ba1f109551bd432803012645ac136ddd64dba72";
const HASH = (n: number) => `0x${n.toString(16).padStart(64, "0")}`;
const SOLANA_SIGNATURE =
  "5VERv8NMvzbJMEkV8xnrLkEaWRtSz9CosKDYjCJjBRnbJLgp8uirBgmQpjKhoR4tjF3ZpRzrFmBV6UjKdiSZkQUW";

const topic = (address: string) => `0x${address.slice(2).toLowerCase().padStart(64, "0")}`;

/** A fake EVM node: every receipt succeeded and holds one USDT Transfer `from` → payee. */
async function rpcNode(transfers: Map<string, { from: string; amount: bigint }>) {
  return await localServer(async (request) => {
    const body = await request.json() as { id: number; params: string[] };
    const transfer = transfers.get(body.params[0] ?? "");
    const result = transfer && {
      status: "0x1",
      logs: [{
        address: USDT,
        topics: [TRANSFER_TOPIC, topic(transfer.from), topic(PAYEE)],
        data: `0x${transfer.amount.toString(16).padStart(64, "0")}`,
      }],
    };
    return Response.json({ jsonrpc: "2.0", id: body.id, result: result ?? null });
  });
}

/** The same market as `m`, acting as a second agent paired with the same machine. */
async function secondAgent(m: Market): Promise<Market> {
  const { pairing, agent } = await pairAgent(m.api, m.machine.id);
  return { ...m, pairing, agent, token: pairing.pairingToken };
}

async function order(
  m: Market,
  serviceId = "svc_sim_complete",
  input: Record<string, unknown> = { prompt: "Hi" },
): Promise<MarketOrder> {
  return (await m.api.createMarketOrder({ ...ids(m), serviceId, input }, m.token)).item;
}

Deno.test("submitPaymentProof() refuses an agent claiming another agent's transfer, and the real payer still proves it", async () => {
  const transfers = new Map<string, { from: string; amount: bigint }>();
  await using node = await rpcNode(transfers);
  await using victim = await market({ rpcUrl: node.url });
  const thief = await secondAgent(victim);
  // The victim pays 0.10 USDT on chain for its order.
  transfers.set(HASH(1), { from: victim.agent.address, amount: 100_000n });
  const victimOrder = await order(victim);
  await victim.api.createPaymentIntent(victimOrder.id, {}, victim.token);

  const stolen = await order(thief);
  await thief.api.createPaymentIntent(stolen.id, {}, thief.token);
  const rpcProof = { transactionHash: HASH(1), verificationMode: "rpc" } as const;
  // The attack: an rpc proof naming the victim as payer.
  const named = await assertApiError(
    thief.api.submitPaymentProof(
      stolen.id,
      { ...rpcProof, payerAddress: victim.agent.address },
      thief.token,
    ),
    "VALIDATION_ERROR",
    400,
  );
  assertEquals((named.details as { path: string }[])[0]?.path, "payerAddress");
  // Without naming a payer, the proof is checked against the thief's own address: no match.
  await assertApiError(
    thief.api.submitPaymentProof(stolen.id, rpcProof, thief.token),
    "PAYMENT_TRANSFER_NOT_FOUND",
    400,
  );
  // Declaring the victim's wallet as its payer at the intent is refused too.
  const declared = await order(thief);
  const declare = await assertApiError(
    thief.api.createPaymentIntent(
      declared.id,
      { payerAddress: victim.agent.address.toLowerCase() },
      thief.token,
    ),
    "VALIDATION_ERROR",
    400,
  );
  assertEquals((declare.details as { path: string }[])[0]?.path, "payerAddress");
  // Merely recording the hash (an unverified claim) does not lock the real payer out either.
  await thief.api.createPaymentIntent(declared.id, {}, thief.token);
  await thief.api.submitPaymentProof(declared.id, { transactionHash: HASH(1) }, thief.token);
  assertEquals((await victim.api.getMarketPayment(stolen.id)).item?.status, "intent_created");

  // The real payer proves its transfer, and the hash is spent by its order once and for all.
  const { item: paid } = await victim.api.submitPaymentProof(
    victimOrder.id,
    rpcProof,
    victim.token,
  );
  assertEquals([paid.status, paid.verificationMode], ["held", "rpc"]);
  assertEquals(paid.payerAddress, victim.agent.address);
  const again = await order(victim);
  await victim.api.createPaymentIntent(again.id, {}, victim.token);
  for (const mode of ["rpc", "recorded"] as const) {
    const reuse = await assertApiError(
      victim.api.submitPaymentProof(
        again.id,
        { transactionHash: HASH(1), verificationMode: mode },
        victim.token,
      ),
      "VALIDATION_ERROR",
      400,
    );
    assertEquals((reuse.details as { path: string }[])[0]?.path, "transactionHash");
  }
  await assertApiError(
    thief.api.submitPaymentProof(stolen.id, { transactionHash: HASH(1) }, thief.token),
    "VALIDATION_ERROR",
    400,
  );
});

Deno.test("refundPayment() by the buyer after delivery is refused, and delivered orders keep counting against the daily limit", async () => {
  await using m = await market({}, { dailySpendLimit: 0.2, currency: "USDT" });
  // The attack, as reported: buy, execute, refund yourself, confirm, five times under 0.20.
  let delivered = 0;
  let refused = 0;
  for (let i = 0; i < 5; i++) {
    const created = await order(m).catch((err: unknown) => err);
    if (created instanceof OrchestrationApiError) {
      assertEquals(created.code, "AGENT_DAILY_LIMIT_EXCEEDED");
      refused++;
      continue;
    }
    const { id } = created as MarketOrder;
    await m.api.createPaymentIntent(id, {}, m.token);
    await m.api.submitPaymentProof(id, { transactionHash: HASH(100 + i) }, m.token);
    const { order: executed } = await m.api.executeMarketOrder(id, {}, m.token);
    assertEquals(executed.status, "delivered");
    delivered++;
    await assertApiError(m.api.refundPayment(id, undefined, m.token), "AGENT_POLICY_DENIED", 403);
    const { order: confirmed, payment } = await m.api.confirmMarketOrder(id, m.token);
    assertEquals([confirmed.status, payment?.status], ["confirmed", "release_pending"]);
    await assertApiError(m.api.refundPayment(id, undefined, m.token), "AGENT_POLICY_DENIED", 403);
  }
  assertEquals({ delivered, refused }, { delivered: 2, refused: 3 });
});

Deno.test("refundPayment() by the operator after delivery closes the order, which cannot be confirmed and still counts", async () => {
  await using m = await market({}, { dailySpendLimit: 0.2, currency: "USDT" });
  const refundedOrder = await order(m);
  await m.api.createPaymentIntent(refundedOrder.id, {}, m.token);
  await m.api.submitPaymentProof(refundedOrder.id, { transactionHash: HASH(200) }, m.token);
  await m.api.executeMarketOrder(refundedOrder.id, {}, m.token);
  const res = await rawRequest(
    m.sandbox,
    `/api/v1/market/orders/${refundedOrder.id}/payment/refund`,
    {
      method: "POST",
      headers: { "content-type": "application/json", "x-api-key": m.sandbox.apiKey },
      body: JSON.stringify({ reason: "Provider could not deliver in full" }),
    },
  );
  assertEquals(res.status, 200);
  assertEquals((res.body as { item: { status: string } }).item.status, "refunded");
  assertEquals((await m.api.getMarketOrder(refundedOrder.id)).item.status, "cancelled");
  await assertApiError(m.api.confirmMarketOrder(refundedOrder.id, m.token), "ORDER_CLOSED", 409);
  // The delivered, refunded order still counts: one more 0.10 fits under 0.20, a third does not.
  await order(m);
  const over = await assertApiError(order(m), "AGENT_DAILY_LIMIT_EXCEEDED", 403);
  assertEquals((over.details as { spentToday: number }).spentToday, 0.2);
});

Deno.test("refundPayment() by the buyer before execution frees the daily budget", async () => {
  await using m = await market({}, { dailySpendLimit: 0.2, currency: "USDT" });
  const first = await order(m);
  await m.api.createPaymentIntent(first.id, {}, m.token);
  await m.api.submitPaymentProof(first.id, { transactionHash: HASH(300) }, m.token);
  await m.api.refundPayment(first.id, { reason: "Changed my mind" }, m.token);
  assertEquals((await m.api.getMarketOrder(first.id)).item.status, "cancelled");
  await order(m);
  await order(m); // 0.20 of 0.20: the refunded, never-run order no longer counts
  await assertApiError(order(m), "AGENT_DAILY_LIMIT_EXCEEDED", 403);
});

Deno.test("submitPaymentProof() spends a Solana transaction signature once, across orders and agents", async () => {
  await using m = await market();
  const other = await secondAgent(m);
  const translate = { text: "hello", targetLanguage: "de" };
  const first = await order(m, "svc_sim_translate", translate);
  const second = await order(m, "svc_sim_translate", translate);
  const foreign = await order(other, "svc_sim_translate", translate);
  for (const [who, created] of [[m, first], [m, second], [other, foreign]] as const) {
    await who.api.createPaymentIntent(created.id, {}, who.token);
  }
  const proof = { transactionSignature: SOLANA_SIGNATURE, amount: 1.25 };
  assertEquals(
    (await m.api.submitPaymentProof(first.id, proof, m.token)).item.status,
    "held",
  );
  for (const [who, created] of [[m, second], [other, foreign]] as const) {
    const reuse = await assertApiError(
      who.api.submitPaymentProof(created.id, proof, who.token),
      "VALIDATION_ERROR",
      400,
    );
    assertEquals((reuse.details as { path: string }[])[0]?.path, "transactionSignature");
    assertEquals((await m.api.getMarketPayment(created.id)).item?.status, "intent_created");
    await assertApiError(
      who.api.executeMarketOrder(created.id, {}, who.token),
      "PAYMENT_REQUIRED",
      402,
    );
  }
});

Deno.test("lockEscrowPayment() and submitPaymentProof() share the spend-once rule for a transaction hash", async () => {
  await using m = await market();
  const escrow = { transactionHash: HASH(400), chain: "peaq", escrowAddress: PAYEE };
  const route = await order(m, "svc_sim_route", { from: "A", to: "B" });
  await m.api.createPaymentIntent(route.id, {}, m.token);
  await m.api.lockEscrowPayment(route.id, escrow, m.token);
  const wallet = await order(m);
  await m.api.createPaymentIntent(wallet.id, {}, m.token);
  await assertApiError(
    m.api.submitPaymentProof(wallet.id, { transactionHash: HASH(400) }, m.token),
    "VALIDATION_ERROR",
    400,
  );
  const route2 = await order(m, "svc_sim_route", { from: "B", to: "C" });
  await m.api.createPaymentIntent(route2.id, {}, m.token);
  await assertApiError(
    m.api.lockEscrowPayment(route2.id, escrow, m.token),
    "VALIDATION_ERROR",
    400,
  );
});
