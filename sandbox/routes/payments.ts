/**
 * Payments of market orders: intent (idempotent), proof (`recorded` as given, or `rpc`
 * verified against the `rpcUrl` option), escrow lock, release and refund (agent auth), and
 * `GET .../payment` (platform auth, `item: null` when there is none). The state machine is
 * documented in `sandbox/README.md`.
 *
 * On-chain amounts: a payment's display amount × 10^`tokenDecimals` of the service's
 * settlement token (6 for the catalogue's USDT).
 *
 * @module
 */
import type { Hono } from "hono";
import { z } from "zod";
import type { MarketPayment } from "../../src/types/mod.ts";
import { requireAgent, requirePlatform } from "../auth.ts";
import { serviceRail, serviceSettlement } from "../catalogue.ts";
import type { SandboxContext, SandboxEnv } from "../context.ts";
import { ApiError, notFound } from "../errors.ts";
import { addressSchema, decimalSchema } from "../../contract/fields.ts";
import {
  assertOrderOpen,
  getAgentOrder,
  getOrder,
  orderView,
  paymentRequired,
  setPayment,
  updateOrder,
} from "../order_state.ts";
import { parseMoney, toBaseUnits } from "../../contract/money.ts";
import { MARKET_PAYMENT_RAILS } from "../../mod.ts";
import { verifyErc20Transfer } from "../rpc.ts";
import type { OrderRecord } from "../store.ts";
import { readJson, readOptionalJson, validationError } from "../validate.ts";

const ESCROW_RAILS: ReadonlySet<string> = new Set(["escrow", "onchain-escrow"]);

const txHashSchema = z.string().regex(/^0x[0-9a-fA-F]{64}$/, "must be 0x + 64 hex digits");
const solanaSignatureSchema = z.string().regex(
  /^[1-9A-HJ-NP-Za-km-z]{64,100}$/,
  "must be a base58 transaction signature",
);

const intentBody = z.strictObject({
  rail: z.enum(MARKET_PAYMENT_RAILS).optional(),
  amount: decimalSchema.optional(),
  currency: z.string().min(1).max(20).optional(),
});

const proofBody = z.strictObject({
  transactionHash: txHashSchema.optional(),
  transactionSignature: solanaSignatureSchema.optional(),
  verificationMode: z.enum(["recorded", "rpc"]).optional(),
  chain: z.string().min(1).max(100).optional(),
  token: z.string().min(1).max(100).optional(),
  payerAddress: z.string().min(1).max(100).optional(),
  payeeAddress: z.string().min(1).max(100).optional(),
  amount: decimalSchema.optional(),
}).superRefine((body, issue) => {
  if ((body.transactionHash === undefined) === (body.transactionSignature === undefined)) {
    issue.addIssue({
      code: "custom",
      path: ["transactionHash"],
      message: "give exactly one of 'transactionHash' (EVM) or 'transactionSignature' (Solana)",
    });
  }
});

const escrowLockBody = z.strictObject({
  transactionHash: txHashSchema,
  chain: z.string().min(1).max(100),
  escrowAddress: addressSchema,
});
const releaseBody = z.strictObject({
  transactionHash: txHashSchema.optional(),
  notes: z.string().max(2000).optional(),
});
const refundBody = z.strictObject({
  transactionHash: txHashSchema.optional(),
  reason: z.string().max(2000).optional(),
});

function paymentConflict(payment: MarketPayment, action: string): ApiError {
  return new ApiError(
    409,
    "ORDER_CLOSED",
    `Cannot ${action}: the payment of order '${payment.orderId}' is '${payment.status}'`,
  );
}

function notHeld(payment: MarketPayment, action: string): ApiError {
  return new ApiError(
    402,
    "PAYMENT_REQUIRED",
    `Cannot ${action}: the payment of order '${payment.orderId}' is not held yet`,
  );
}

// The intent every proof and escrow lock settles; it must exist and still await money.
function pendingPayment(ctx: SandboxContext, record: OrderRecord, action: string): MarketPayment {
  const payment = ctx.store.payments.get(record.order.id);
  if (!payment) {
    throw new ApiError(
      402,
      "PAYMENT_REQUIRED",
      `Create a payment intent first: order '${record.order.id}' has none`,
    );
  }
  if (payment.status !== "intent_created") throw paymentConflict(payment, action);
  return payment;
}

function assertHashUnused(ctx: SandboxContext, hash: string, field: string): void {
  for (const payment of ctx.store.payments.values()) {
    if (payment.transactionHash?.toLowerCase() === hash.toLowerCase()) {
      throw validationError([{
        path: field,
        message: `already used as the proof of order '${payment.orderId}'`,
      }]);
    }
  }
}

function createIntent(
  ctx: SandboxContext,
  record: OrderRecord,
  body: z.output<typeof intentBody>,
  payerAddress: string,
): MarketPayment {
  const free = !paymentRequired(record);
  const rail = body.rail ?? (free ? "not-required" : serviceRail(record.order.serviceSnapshot));
  const issues = [];
  if (free && rail !== "not-required") {
    issues.push({ path: "rail", message: "the order is free: only 'not-required' applies" });
  }
  if (!free && rail === "not-required") {
    issues.push({ path: "rail", message: `the order costs ${record.price.amount}` });
  }
  if (body.amount !== undefined && parseMoney(body.amount) !== record.price.units) {
    issues.push({
      path: "amount",
      message: `must equal the order's price '${record.price.amount}'`,
    });
  }
  if (body.currency !== undefined && body.currency !== record.price.currency) {
    issues.push({ path: "currency", message: `must be '${record.price.currency}'` });
  }
  if (issues.length > 0) throw validationError(issues);
  const settlement = serviceSettlement(record.order.serviceSnapshot);
  const now = ctx.now().toISOString();
  const payment: MarketPayment = {
    id: ctx.ids.nextId("pay"),
    orderId: record.order.id,
    rail,
    status: free ? "not_required" : "intent_created",
    amount: record.price.amount,
    currency: record.price.currency,
    chain: free ? null : settlement.chain,
    token: free ? null : settlement.token,
    payerAddress: free ? null : payerAddress,
    payeeAddress: free ? null : settlement.payeeAddress,
    transactionHash: null,
    transactionSignature: null,
    verificationMode: null,
    escrowAddress: null,
    notes: null,
    createdAt: now,
    updatedAt: now,
  };
  if (free) return setPayment(ctx, payment);
  const stored = setPayment(ctx, payment);
  updateOrder(ctx, record, { status: "payment_pending" });
  ctx.emit({
    type: "payment.intent_created",
    data: { order: orderView(ctx, record), payment: stored },
  });
  return stored;
}

async function submitProof(
  ctx: SandboxContext,
  record: OrderRecord,
  body: z.output<typeof proofBody>,
): Promise<MarketPayment> {
  const payment = pendingPayment(ctx, record, "submit a proof");
  if (ESCROW_RAILS.has(payment.rail)) {
    throw validationError([{
      path: "transactionHash",
      message: `'${payment.rail}' payments are locked with payment/escrow-lock`,
    }]);
  }
  if (body.amount !== undefined && parseMoney(body.amount) !== parseMoney(payment.amount)) {
    throw validationError([{ path: "amount", message: `must equal '${payment.amount}'` }]);
  }
  const mode = body.verificationMode ?? "recorded";

  if (body.transactionSignature !== undefined) {
    if (mode === "rpc") {
      throw validationError([{
        path: "verificationMode",
        message: "Solana proofs are recorded; 'rpc' verification is EVM-only",
      }]);
    }
    return held(ctx, record, {
      ...payment,
      chain: body.chain ?? "solana",
      token: body.token ?? payment.token,
      payerAddress: body.payerAddress ?? payment.payerAddress,
      payeeAddress: body.payeeAddress ?? payment.payeeAddress,
      transactionSignature: body.transactionSignature,
      verificationMode: "recorded",
    });
  }

  const transactionHash = body.transactionHash as string;
  assertHashUnused(ctx, transactionHash, "transactionHash");
  if (mode === "recorded") {
    return held(ctx, record, {
      ...payment,
      chain: body.chain ?? payment.chain,
      token: body.token ?? payment.token,
      payerAddress: body.payerAddress ?? payment.payerAddress,
      payeeAddress: body.payeeAddress ?? payment.payeeAddress,
      transactionHash,
      verificationMode: "recorded",
    });
  }

  const rpcUrl = ctx.options.rpcUrl;
  if (rpcUrl === undefined) {
    throw new ApiError(
      400,
      "PAYMENT_RPC_REQUIRED",
      "RPC verification needs the sandbox's 'rpcUrl' option; submit a 'recorded' proof instead",
    );
  }
  const issues = [];
  for (const field of ["token", "payeeAddress"] as const) {
    const claimed = body[field];
    const expected = payment[field];
    if (
      claimed !== undefined && expected !== null && claimed.toLowerCase() !== expected.toLowerCase()
    ) {
      issues.push({ path: field, message: `must be '${expected}'` });
    }
  }
  const payer = body.payerAddress ?? payment.payerAddress;
  if (payer === null || !addressSchema.safeParse(payer).success) {
    issues.push({ path: "payerAddress", message: "an EVM address is required for 'rpc' proofs" });
  }
  if (issues.length > 0) throw validationError(issues);
  const settlement = serviceSettlement(record.order.serviceSnapshot);
  const amount = toBaseUnits(payment.amount, settlement.tokenDecimals);
  if (amount === undefined || payment.token === null || payment.payeeAddress === null) {
    throw validationError([{ path: "amount", message: "not payable in the settlement token" }]);
  }
  await verifyErc20Transfer(rpcUrl, {
    transactionHash,
    token: payment.token,
    from: payer as string,
    to: payment.payeeAddress,
    amount,
  }, ctx.options.fetch);
  // Another proof may have settled the payment while the RPC call was in flight.
  const current = pendingPayment(ctx, record, "submit a proof");
  assertHashUnused(ctx, transactionHash, "transactionHash");
  return held(ctx, record, {
    ...current,
    rail: current.rail === "wallet" ? "wdk-usdt-transfer" : current.rail,
    chain: body.chain ?? current.chain,
    payerAddress: payer,
    transactionHash,
    verificationMode: "rpc",
  });
}

function held(ctx: SandboxContext, record: OrderRecord, payment: MarketPayment): MarketPayment {
  const stored = setPayment(ctx, { ...payment, status: "held" });
  if (record.order.status === "created" || record.order.status === "payment_pending") {
    updateOrder(ctx, record, { status: "ready" });
  }
  ctx.emit({ type: "payment.held", data: { order: orderView(ctx, record), payment: stored } });
  return stored;
}

function existingPayment(ctx: SandboxContext, record: OrderRecord): MarketPayment {
  const payment = ctx.store.payments.get(record.order.id);
  if (!payment) throw notFound("Payment of order", record.order.id);
  return payment;
}

/**
 * Registers the payment routes.
 *
 * @example
 * ```ts ignore
 * registerPaymentRoutes(api, ctx);
 * ```
 */
export function registerPaymentRoutes(api: Hono<SandboxEnv>, ctx: SandboxContext): void {
  const agent = requireAgent(ctx);
  const orderOf = (pairing: Parameters<typeof getAgentOrder>[1], orderId: string) =>
    getAgentOrder(ctx, pairing, orderId);

  api.post("/market/orders/:orderId/payment-intent", agent, async (c) => {
    const body = await readOptionalJson(c, intentBody);
    const pairing = c.get("pairing");
    const record = orderOf(pairing, c.req.param("orderId"));
    const existing = ctx.store.payments.get(record.order.id);
    if (existing) return c.json({ item: existing }, 200);
    assertOrderOpen(record);
    return c.json({ item: createIntent(ctx, record, body, pairing.pairing.agentAddress) }, 201);
  });

  api.get("/market/orders/:orderId/payment", requirePlatform(ctx), (c) => {
    const record = getOrder(ctx, c.req.param("orderId"));
    return c.json({ item: ctx.store.payments.get(record.order.id) ?? null });
  });

  api.post("/market/orders/:orderId/payment-proof", agent, async (c) => {
    const body = await readJson(c, proofBody);
    const record = orderOf(c.get("pairing"), c.req.param("orderId"));
    assertOrderOpen(record);
    return c.json({ item: await submitProof(ctx, record, body) });
  });

  api.post("/market/orders/:orderId/payment/escrow-lock", agent, async (c) => {
    const body = await readJson(c, escrowLockBody);
    const record = orderOf(c.get("pairing"), c.req.param("orderId"));
    assertOrderOpen(record);
    const payment = pendingPayment(ctx, record, "lock escrow");
    if (!ESCROW_RAILS.has(payment.rail)) {
      throw validationError([{
        path: "escrowAddress",
        message: `the payment's rail is '${payment.rail}', not an escrow rail`,
      }]);
    }
    assertHashUnused(ctx, body.transactionHash, "transactionHash");
    return c.json({
      item: held(ctx, record, {
        ...payment,
        chain: body.chain,
        escrowAddress: body.escrowAddress,
        transactionHash: body.transactionHash,
        verificationMode: "recorded",
      }),
    });
  });

  api.post("/market/orders/:orderId/payment/release", agent, async (c) => {
    const body = await readOptionalJson(c, releaseBody);
    const record = orderOf(c.get("pairing"), c.req.param("orderId"));
    const payment = existingPayment(ctx, record);
    if (payment.status === "intent_created") throw notHeld(payment, "release");
    if (payment.status !== "held" && payment.status !== "release_pending") {
      throw paymentConflict(payment, "release");
    }
    return c.json({
      item: setPayment(ctx, {
        ...payment,
        status: "released",
        notes: body.notes ?? payment.notes,
      }, "payment.released"),
    });
  });

  api.post("/market/orders/:orderId/payment/refund", agent, async (c) => {
    const body = await readOptionalJson(c, refundBody);
    const record = orderOf(c.get("pairing"), c.req.param("orderId"));
    const payment = existingPayment(ctx, record);
    if (payment.status === "intent_created") throw notHeld(payment, "refund");
    if (payment.status !== "held" && payment.status !== "frozen") {
      throw paymentConflict(payment, "refund");
    }
    return c.json({
      item: setPayment(ctx, {
        ...payment,
        status: "refunded",
        notes: body.reason ? `Refunded: ${body.reason}` : payment.notes,
      }, "payment.refunded"),
    });
  });
}
