/**
 * Sandbox payments, end to end through the SDK over 127.0.0.1: idempotent intents with number
 * amounts, recorded EVM and Solana proofs, `rpc` proofs verified against a fake JSON-RPC node on
 * 127.0.0.1 (valid, wrong amount, wrong token, reverted, not mined, RPC error, RPC down), escrow
 * lock (idempotent once held), the `held → release_pending → released` flow, refund authority,
 * and every refusal code on the way. The security findings' attacks are in
 * `sandbox_payment_attacks_test.ts`.
 */
import { assertEquals, assertMatch } from "@std/assert";
import { keccak_256 } from "@noble/hashes/sha3.js";
import type { MarketOrder } from "../../mod.ts";
import { TRANSFER_TOPIC } from "../../sandbox/erc20_transfer_rpc.ts";
import { deadUrl, ids, localServer, type Market, market } from "../_market.ts";
import { assertApiError, rawRequest } from "../_sandbox_platform.ts";

const USDT = "0xdac17f958d2ee523a2206206994597c13d831ec7";
const PAYEE = "0x8ba1f109551bd432803012645ac136ddd64dba72";
const ESCROW = "0x00000000000000000000000000000000000e5c20";
const HASH = (n: number) => `0x${n.toString(16).padStart(64, "0")}`;
const SOLANA_SIGNATURE =
  "5VERv8NMvzbJMEkV8xnrLkEaWRtSz9CosKDYjCJjBRnbJLgp8uirBgmQpjKhoR4tjF3ZpRzrFmBV6UjKdiSZkQUW";

async function order(m: Market, serviceId: string, input: Record<string, unknown>) {
  const { item } = await m.api.createMarketOrder({ ...ids(m), serviceId, input }, m.token);
  return item;
}

const completeOrder = (m: Market): Promise<MarketOrder> =>
  order(m, "svc_sim_complete", { prompt: "Hi" });

function topic(address: string): string {
  return `0x${address.slice(2).toLowerCase().padStart(64, "0")}`;
}

function transferLog(from: string, to: string, amount: bigint, token = USDT) {
  return {
    address: token,
    topics: [TRANSFER_TOPIC, topic(from), topic(to)],
    data: `0x${amount.toString(16).padStart(64, "0")}`,
  };
}

/** A fake EVM node answering eth_getTransactionReceipt from a table (null = not mined). */
async function rpcNode(receipts: Map<string, unknown>, calls: string[] = []) {
  return await localServer(async (request) => {
    const body = await request.json() as { id: number; method: string; params: string[] };
    calls.push(body.method);
    const hash = body.params[0] ?? "";
    if (hash === HASH(500)) return new Response("bad gateway", { status: 502 });
    if (!receipts.has(hash)) {
      return Response.json({
        jsonrpc: "2.0",
        id: body.id,
        error: { code: -32000, message: "boom" },
      });
    }
    return Response.json({ jsonrpc: "2.0", id: body.id, result: receipts.get(hash) });
  });
}

Deno.test("TRANSFER_TOPIC is keccak256 of the ERC-20 Transfer event signature", () => {
  const digest = keccak_256(new TextEncoder().encode("Transfer(address,address,uint256)"));
  const hex = Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
  assertEquals(TRANSFER_TOPIC, `0x${hex}`);
});

Deno.test("createPaymentIntent() is idempotent and getMarketPayment() shows null until one exists", async () => {
  await using m = await market();
  const created = await completeOrder(m);
  assertEquals((await m.api.getMarketPayment(created.id)).item, null);
  const first = await m.api.createPaymentIntent(created.id, {}, m.token);
  assertEquals(first.item.status, "intent_created");
  assertEquals(first.item.rail, "wallet");
  assertEquals(first.item.amount, 0.1);
  assertEquals(first.item.currency, "USDT");
  assertEquals(first.item.token, USDT);
  assertEquals(first.item.payeeAddress, PAYEE);
  assertEquals(first.item.payerAddress, m.agent.address);
  const again = await m.api.createPaymentIntent(created.id, { rail: "x402" }, m.token);
  assertEquals(again.item, first.item);
  assertEquals((await m.api.getMarketPayment(created.id)).item, first.item);
  assertEquals((await m.api.getMarketOrder(created.id)).item.status, "payment_pending");
  await assertApiError(m.api.getMarketPayment("ord_missing"), "NOT_FOUND", 404);
});

Deno.test("createPaymentIntent() checks rail, amount and currency against the order", async () => {
  await using m = await market();
  const created = await completeOrder(m);
  const error = await assertApiError(
    m.api.createPaymentIntent(
      created.id,
      { rail: "not-required", amount: 0.09, currency: "EUR" },
      m.token,
    ),
    "VALIDATION_ERROR",
    400,
  );
  assertEquals(
    (error.details as { path: string }[]).map((issue) => issue.path),
    ["rail", "amount", "currency"],
  );
  const exact = await m.api.createPaymentIntent(
    created.id,
    { amount: 0.1, currency: "USDT" },
    m.token,
  );
  assertEquals(exact.item.amount, 0.1);
});

Deno.test("createPaymentIntent() on a free order is not_required and moves the order straight to ready", async () => {
  await using m = await market();
  const created = await order(m, "svc_sim_echo", { message: "hi" });
  assertEquals(created.status, "created");
  const { item } = await m.api.createPaymentIntent(created.id, {}, m.token);
  assertEquals(item.status, "not_required");
  assertEquals(item.rail, "not-required");
  assertEquals(item.amount, 0);
  assertEquals((await m.api.getMarketOrder(created.id)).item.status, "ready");
  const result = await m.api.executeMarketOrder(created.id, {}, m.token);
  assertEquals(result.order.status, "delivered");
});

Deno.test("submitPaymentProof() records an EVM proof as given and holds the payment", async () => {
  await using m = await market();
  const created = await completeOrder(m);
  await assertApiError(
    m.api.submitPaymentProof(created.id, { transactionHash: HASH(1) }, m.token),
    "PAYMENT_REQUIRED",
    402,
  );
  await m.api.createPaymentIntent(created.id, {}, m.token);
  const { item } = await m.api.submitPaymentProof(
    created.id,
    { transactionHash: HASH(1), verificationMode: "recorded", chain: "peaq" },
    m.token,
  );
  assertEquals(item.status, "held");
  assertEquals(item.verificationMode, "recorded");
  assertEquals(item.transactionHash, HASH(1));
  assertEquals(item.rail, "wallet");
  assertEquals((await m.api.getMarketOrder(created.id)).item.status, "ready");
  await assertApiError(
    m.api.submitPaymentProof(created.id, { transactionHash: HASH(2) }, m.token),
    "ORDER_CLOSED",
    409,
  );
  // The same transaction cannot pay for two orders.
  const second = await completeOrder(m);
  await m.api.createPaymentIntent(second.id, {}, m.token);
  const reuse = await assertApiError(
    m.api.submitPaymentProof(second.id, { transactionHash: HASH(1) }, m.token),
    "VALIDATION_ERROR",
    400,
  );
  assertEquals((reuse.details as { path: string }[])[0]?.path, "transactionHash");
});

Deno.test("submitPaymentProof() records Solana proofs and refuses rpc verification for them", async () => {
  await using m = await market();
  const created = await order(m, "svc_sim_translate", { text: "hello", targetLanguage: "de" });
  const intent = await m.api.createPaymentIntent(created.id, {}, m.token);
  assertEquals(intent.item.rail, "wallet");
  await assertApiError(
    m.api.submitPaymentProof(
      created.id,
      { transactionSignature: SOLANA_SIGNATURE, verificationMode: "rpc" },
      m.token,
    ),
    "VALIDATION_ERROR",
    400,
  );
  const { item } = await m.api.submitPaymentProof(
    created.id,
    { transactionSignature: SOLANA_SIGNATURE, chain: "solana:mainnet", amount: 1.25 },
    m.token,
  );
  assertEquals(item.status, "held");
  assertEquals(item.transactionSignature, SOLANA_SIGNATURE);
  assertEquals(item.transactionHash, null);
  assertEquals(item.chain, "solana:mainnet");
  assertEquals(item.verificationMode, "recorded");
});

Deno.test("submitPaymentProof() rejects a wrong amount or malformed proof with VALIDATION_ERROR", async () => {
  await using m = await market();
  const created = await completeOrder(m);
  await m.api.createPaymentIntent(created.id, {}, m.token);
  const amount = await assertApiError(
    m.api.submitPaymentProof(created.id, { transactionHash: HASH(3), amount: 0.11 }, m.token),
    "VALIDATION_ERROR",
    400,
  );
  assertEquals((amount.details as { path: string }[])[0]?.path, "amount");
  await assertApiError(
    m.api.submitPaymentProof(created.id, { transactionHash: "0x1234" }, m.token),
    "VALIDATION_ERROR",
    400,
  );
});

Deno.test("submitPaymentProof() with rpc verification needs the rpcUrl option: PAYMENT_RPC_REQUIRED", async () => {
  await using m = await market();
  const created = await completeOrder(m);
  await m.api.createPaymentIntent(created.id, {}, m.token);
  await assertApiError(
    m.api.submitPaymentProof(
      created.id,
      { transactionHash: HASH(4), verificationMode: "rpc" },
      m.token,
    ),
    "PAYMENT_RPC_REQUIRED",
    400,
  );
});

Deno.test("submitPaymentProof() verifies rpc proofs against the receipt's ERC-20 Transfer log", async () => {
  const receipts = new Map<string, unknown>();
  const calls: string[] = [];
  await using node = await rpcNode(receipts, calls);
  await using m = await market({ rpcUrl: node.url });
  const payer = m.agent.address;
  const amount = 100_000n; // 0.10 USDT at 6 decimals
  receipts.set(HASH(10), { status: "0x1", logs: [transferLog(payer, PAYEE, amount)] });
  receipts.set(HASH(11), { status: "0x1", logs: [transferLog(payer, PAYEE, 99_999n)] });
  receipts.set(HASH(12), { status: "0x0", logs: [transferLog(payer, PAYEE, amount)] });
  receipts.set(HASH(13), null);
  receipts.set(HASH(14), {
    status: "0x1",
    logs: [transferLog(payer, PAYEE, amount, "0x1111111111111111111111111111111111111111")],
  });
  receipts.set(HASH(15), { status: "0x1", logs: [transferLog(PAYEE, payer, amount)] });

  const created = await completeOrder(m);
  await m.api.createPaymentIntent(created.id, {}, m.token);
  const proof = (n: number) =>
    m.api.submitPaymentProof(
      created.id,
      { transactionHash: HASH(n), verificationMode: "rpc" },
      m.token,
    );
  const wrongAmount = await assertApiError(proof(11), "PAYMENT_TRANSFER_NOT_FOUND", 400);
  // Token base units, exact from the number 0.1 at USDT's 6 decimals; a string, as base units
  // may exceed a JSON number's exact range.
  assertEquals((wrongAmount.details as { baseUnits: string }).baseUnits, "100000");
  await assertApiError(proof(14), "PAYMENT_TRANSFER_NOT_FOUND", 400); // another token
  await assertApiError(proof(15), "PAYMENT_TRANSFER_NOT_FOUND", 400); // wrong direction
  await assertApiError(proof(12), "PAYMENT_TX_FAILED", 402);
  await assertApiError(proof(13), "PAYMENT_NOT_MINED", 409);
  const rpcError = await assertApiError(proof(16), "PAYMENT_RPC_ERROR", 502);
  assertMatch(rpcError.message, /boom/);
  await assertApiError(proof(500), "PAYMENT_RPC_ERROR", 502);
  assertEquals((await m.api.getMarketPayment(created.id)).item?.status, "intent_created");

  const { item } = await proof(10);
  assertEquals(item.status, "held");
  assertEquals(item.verificationMode, "rpc");
  assertEquals(item.rail, "wdk-usdt-transfer"); // a verified wallet payment is a WDK USDT transfer
  assertEquals(item.transactionHash, HASH(10));
  assertEquals(calls.every((method) => method === "eth_getTransactionReceipt"), true);
  assertEquals(calls.length, 8);
});

Deno.test("submitPaymentProof() refuses a claimed payee other than the service's", async () => {
  const receipts = new Map<string, unknown>();
  await using node = await rpcNode(receipts);
  await using m = await market({ rpcUrl: node.url });
  const created = await completeOrder(m);
  await m.api.createPaymentIntent(created.id, {}, m.token);
  const error = await assertApiError(
    m.api.submitPaymentProof(created.id, {
      transactionHash: HASH(20),
      verificationMode: "rpc",
      payeeAddress: "0x2222222222222222222222222222222222222222",
    }, m.token),
    "VALIDATION_ERROR",
    400,
  );
  assertEquals((error.details as { path: string }[])[0]?.path, "payeeAddress");
});

Deno.test("submitPaymentProof() reports PAYMENT_RPC_ERROR when the RPC node is down", async () => {
  await using m = await market({ rpcUrl: await deadUrl() });
  const created = await completeOrder(m);
  await m.api.createPaymentIntent(created.id, {}, m.token);
  await assertApiError(
    m.api.submitPaymentProof(
      created.id,
      { transactionHash: HASH(30), verificationMode: "rpc" },
      m.token,
    ),
    "PAYMENT_RPC_ERROR",
    502,
  );
});

Deno.test("lockEscrowPayment() holds an escrow-rail payment and refuses other rails", async () => {
  await using m = await market();
  const escrowOrder = await order(m, "svc_sim_route", { from: "Berlin", to: "Munich" });
  await assertApiError(
    m.api.lockEscrowPayment(escrowOrder.id, {
      transactionHash: HASH(40),
      chain: "peaq",
      escrowAddress: ESCROW,
    }, m.token),
    "PAYMENT_REQUIRED",
    402,
  );
  const intent = await m.api.createPaymentIntent(escrowOrder.id, {}, m.token);
  assertEquals(intent.item.rail, "escrow");
  assertEquals(intent.item.amount, 25);
  await assertApiError(
    m.api.submitPaymentProof(escrowOrder.id, { transactionHash: HASH(41) }, m.token),
    "VALIDATION_ERROR",
    400,
  );
  const { item } = await m.api.lockEscrowPayment(
    escrowOrder.id,
    { transactionHash: HASH(40), chain: "peaq", escrowAddress: ESCROW },
    m.token,
  );
  assertEquals(item.status, "held");
  assertEquals(item.escrowAddress, ESCROW);
  assertEquals(item.chain, "peaq");
  const executed = await m.api.executeMarketOrder(escrowOrder.id, {}, m.token);
  assertEquals(executed.order.status, "delivered");

  const walletOrder = await completeOrder(m);
  await m.api.createPaymentIntent(walletOrder.id, {}, m.token);
  await assertApiError(
    m.api.lockEscrowPayment(walletOrder.id, {
      transactionHash: HASH(42),
      chain: "peaq",
      escrowAddress: ESCROW,
    }, m.token),
    "VALIDATION_ERROR",
    400,
  );
  const onchain = await order(m, "svc_sim_geocode", { address: "Main St 1" });
  const onchainIntent = await m.api.createPaymentIntent(onchain.id, {}, m.token);
  assertEquals(onchainIntent.item.rail, "onchain-escrow");
  const locked = await m.api.lockEscrowPayment(
    onchain.id,
    { transactionHash: HASH(43), chain: "peaq", escrowAddress: ESCROW },
    m.token,
  );
  assertEquals(locked.item.status, "held");
});

Deno.test("lockEscrowPayment() repeated on a held payment returns it unchanged with 200", async () => {
  await using m = await market();
  const created = await order(m, "svc_sim_route", { from: "Berlin", to: "Munich" });
  await m.api.createPaymentIntent(created.id, {}, m.token);
  const lock = { transactionHash: HASH(44), chain: "peaq", escrowAddress: ESCROW };
  const { item: first } = await m.api.lockEscrowPayment(created.id, lock, m.token);
  assertEquals(first.status, "held");
  const again = await rawRequest(
    m.sandbox,
    `/api/v1/market/orders/${created.id}/payment/escrow-lock`,
    {
      method: "POST",
      headers: { "content-type": "application/json", "x-agent-pairing-token": m.token },
      body: JSON.stringify(lock),
    },
  );
  assertEquals(again.status, 200);
  assertEquals((again.body as { item: unknown }).item, first);
  assertEquals((await m.api.lockEscrowPayment(created.id, lock, m.token)).item, first);
});

Deno.test("releasePayment() needs release_pending: refused while held, allowed once the order is confirmed", async () => {
  await using m = await market();
  const created = await completeOrder(m);
  await m.api.createPaymentIntent(created.id, {}, m.token);
  await assertApiError(
    m.api.releasePayment(created.id, undefined, m.token),
    "PAYMENT_REQUIRED",
    402,
  );
  await m.api.submitPaymentProof(created.id, { transactionHash: HASH(50) }, m.token);
  // Held but not confirmed: releasing before the buyer confirmed delivery is refused.
  await assertApiError(
    m.api.releasePayment(created.id, undefined, m.token),
    "ORDER_NOT_DELIVERED",
    409,
  );
  await m.api.executeMarketOrder(created.id, {}, m.token);
  await assertApiError(
    m.api.releasePayment(created.id, undefined, m.token),
    "ORDER_NOT_DELIVERED",
    409,
  );
  const { payment } = await m.api.confirmMarketOrder(created.id, m.token);
  assertEquals(payment?.status, "release_pending");
  const { item } = await m.api.releasePayment(created.id, { notes: "Paid out" }, m.token);
  assertEquals(item.status, "released");
  assertEquals(item.notes, "Paid out");
  assertEquals(item.amount, 0.1);
  assertEquals(item.transactionHash, HASH(50));
  await assertApiError(m.api.releasePayment(created.id, undefined, m.token), "ORDER_CLOSED", 409);
  await assertApiError(m.api.refundPayment(created.id, undefined, m.token), "ORDER_CLOSED", 409);
  const none = await completeOrder(m);
  await assertApiError(m.api.releasePayment(none.id, undefined, m.token), "NOT_FOUND", 404);
});

/** `POST .../payment/refund` with platform auth only: the operator's refund. */
function operatorRefund(m: Market, orderId: string, body: unknown = {}, apiKey = m.sandbox.apiKey) {
  return rawRequest(m.sandbox, `/api/v1/market/orders/${orderId}/payment/refund`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-api-key": apiKey },
    body: JSON.stringify(body),
  });
}

Deno.test("refundPayment() by the buyer before execution refunds a held payment and cancels the order", async () => {
  await using m = await market();
  const held = await completeOrder(m);
  await m.api.createPaymentIntent(held.id, {}, m.token);
  await m.api.submitPaymentProof(held.id, { transactionHash: HASH(60) }, m.token);
  const refunded = await m.api.refundPayment(held.id, { reason: "Not needed" }, m.token);
  assertEquals(refunded.item.status, "refunded");
  assertEquals(refunded.item.notes, "Refunded: Not needed");
  const { item: order } = await m.api.getMarketOrder(held.id);
  assertEquals(order.status, "cancelled");
  assertEquals(order.errorMessage, "Refunded: Not needed");
  await assertApiError(m.api.executeMarketOrder(held.id, {}, m.token), "ORDER_CLOSED", 409);
  await assertApiError(m.api.refundPayment(held.id, undefined, m.token), "ORDER_CLOSED", 409);
  const pending = await completeOrder(m);
  await m.api.createPaymentIntent(pending.id, {}, m.token);
  await assertApiError(
    m.api.refundPayment(pending.id, undefined, m.token),
    "PAYMENT_REQUIRED",
    402,
  );
});

Deno.test("refundPayment() of a frozen payment after a dispute is the operator's, with platform auth", async () => {
  await using m = await market();
  const disputed = await completeOrder(m);
  await m.api.createPaymentIntent(disputed.id, {}, m.token);
  await m.api.submitPaymentProof(disputed.id, { transactionHash: HASH(61) }, m.token);
  await m.api.executeMarketOrder(disputed.id, {}, m.token);
  const { payment } = await m.api.disputeMarketOrder(disputed.id, { reason: "Wrong" }, m.token);
  assertEquals(payment?.status, "frozen");
  await assertApiError(m.api.releasePayment(disputed.id, undefined, m.token), "ORDER_CLOSED", 409);
  // The buyer's agent cannot settle its own dispute.
  await assertApiError(
    m.api.refundPayment(disputed.id, undefined, m.token),
    "AGENT_POLICY_DENIED",
    403,
  );
  const wrongKey = await operatorRefund(m, disputed.id, {}, "sk_not_a_key");
  assertEquals(wrongKey.status, 401);
  const res = await operatorRefund(m, disputed.id, { reason: "Dispute upheld" });
  assertEquals(res.status, 200);
  const item = (res.body as { item: { status: string; notes: string } }).item;
  assertEquals([item.status, item.notes], ["refunded", "Refunded: Dispute upheld"]);
  assertEquals((await m.api.getMarketPayment(disputed.id)).item?.status, "refunded");
  assertEquals((await m.api.getMarketOrder(disputed.id)).item.status, "disputed");
});

Deno.test("refundPayment() by the operator returns a release-pending payment of a confirmed order", async () => {
  await using m = await market();
  const created = await completeOrder(m);
  await m.api.createPaymentIntent(created.id, {}, m.token);
  await m.api.submitPaymentProof(created.id, { transactionHash: HASH(62) }, m.token);
  await m.api.executeMarketOrder(created.id, {}, m.token);
  await m.api.confirmMarketOrder(created.id, m.token);
  const res = await operatorRefund(m, created.id);
  assertEquals(res.status, 200);
  assertEquals((res.body as { item: { status: string } }).item.status, "refunded");
  assertEquals((await m.api.getMarketOrder(created.id)).item.status, "confirmed");
  const missing = await operatorRefund(m, "ord_missing");
  assertEquals(missing.status, 404);
});

Deno.test("createPaymentIntent() binds a declared payer, which must be a wallet address", async () => {
  await using m = await market();
  const created = await completeOrder(m);
  const bad = await assertApiError(
    m.api.createPaymentIntent(created.id, { payerAddress: "not-an-address" }, m.token),
    "VALIDATION_ERROR",
    400,
  );
  assertEquals((bad.details as { path: string }[])[0]?.path, "payerAddress");
  const wallet = "0xaaaabbbbccccddddeeeeffff0000111122223333";
  const { item } = await m.api.createPaymentIntent(created.id, { payerAddress: wallet }, m.token);
  assertEquals(item.payerAddress, wallet);
  // A proof naming another payer than the bound one is refused.
  const other = await assertApiError(
    m.api.submitPaymentProof(
      created.id,
      { transactionHash: HASH(63), payerAddress: m.agent.address },
      m.token,
    ),
    "VALIDATION_ERROR",
    400,
  );
  assertEquals((other.details as { path: string }[])[0]?.path, "payerAddress");
  const { item: proved } = await m.api.submitPaymentProof(
    created.id,
    { transactionHash: HASH(63), payerAddress: `0x${wallet.slice(2).toUpperCase()}` },
    m.token,
  );
  assertEquals([proved.status, proved.payerAddress], ["held", wallet]);
});
