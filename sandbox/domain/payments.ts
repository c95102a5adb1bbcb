/**
 * Payments of market orders: intent (idempotent), proof (checked by the verifier of its
 * `verificationMode`, `proofs.ts`), escrow lock, release and refund. The state machine is drawn in
 * `sandbox/README.md`:
 *
 * `intent_created → held` (proof or escrow lock) `→ release_pending` (the order is confirmed)
 * `→ released` (`payment/release`, agent auth, only from `release_pending`). A dispute freezes
 * the payment; a refund returns a held, frozen or release-pending one. An `x402` payment's
 * intent carries the x402 challenge and its proof is a signed authorization (`x402_rail.ts`);
 * execute settles it (`released`) or, when the run fails, refunds it unsettled.
 *
 * Refund authority: with an `x-agent-pairing-token` the caller is the buyer's agent, which may
 * refund only before the order is executed (the order is then cancelled). Without one, platform
 * auth (`x-api-key`) makes it the operator's decision, allowed in any refundable state; an open
 * order is then cancelled, so it can no longer be confirmed.
 *
 * @module
 */
import { addressSchema } from "../../contract/fields.ts";
import { amountToUnits, formatMoney } from "../../contract/money.ts";
import type {
  EscrowLockBody,
  PaymentIntentBody,
  PaymentProofBody,
  RefundBody,
  ReleaseBody,
} from "../../contract/payments.ts";
import type { MarketPayment, MarketPaymentRailType } from "../../src/types/mod.ts";
import { serviceSettlement } from "../catalogue.ts";
import type { SandboxContext } from "../context.ts";
import { ApiError, notFound } from "../errors.ts";
import type { OrderRecord, PairingRecord } from "../store.ts";
import { validationError } from "../validate.ts";
import {
  assertOrderOpen,
  paymentRequired,
  setPayment,
  TERMINAL_ORDER_STATUSES,
  UNEXECUTED_ORDER_STATUSES,
  updateOrder,
} from "./orders.ts";
import { assertUnspent, evmProofKey, PROOF_VERIFIERS } from "./proofs.ts";
import { x402Intent } from "./x402_rail.ts";

const ESCROW_RAILS: ReadonlySet<string> = new Set(["escrow", "onchain-escrow"]);

/** Payment statuses a refund applies to. */
const REFUNDABLE: ReadonlySet<MarketPayment["status"]> = new Set([
  "held",
  "frozen",
  "release_pending",
]);

const SOLANA_ADDRESS = /^[1-9A-HJ-NP-Za-km-z]{32,44}$/;

/** What a rail's intent extension gets: the order and the new `intent_created` payment. */
type IntentInput = {
  readonly ctx: SandboxContext;
  readonly record: OrderRecord;
  readonly payment: MarketPayment;
  /** Where the order is executed (the x402 challenge's `resource.url`). */
  readonly resourceUrl: string;
};

/**
 * Rail-specific additions to a new payment intent, stored and answered with it (the x402 rail's
 * payment challenge). They may refuse the intent; nothing is stored then. Proofs plug in beside
 * it, in `proofs.ts`'s `PROOF_VERIFIERS`.
 */
const INTENT_EXTENSIONS: Partial<
  Record<MarketPaymentRailType, (input: IntentInput) => MarketPayment>
> = { x402: x402Intent };

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

function existingPayment(ctx: SandboxContext, record: OrderRecord): MarketPayment {
  const payment = ctx.store.payments.get(record.order.id);
  if (!payment) throw notFound("Payment of order", record.order.id);
  return payment;
}

// The payer an intent binds: the agent itself, or a wallet it declares. A wallet paired to
// another agent cannot be declared, or one agent could claim another's transfers.
function intentPayer(
  ctx: SandboxContext,
  pairing: PairingRecord,
  declared: string | undefined,
): string {
  const own = pairing.pairing.agentAddress;
  if (declared === undefined) return own;
  const evm = addressSchema.safeParse(declared).success;
  if (!evm && !SOLANA_ADDRESS.test(declared)) {
    throw validationError([{
      path: "payerAddress",
      message: "must be an EVM address (0x + 40 hex digits) or a Solana address",
    }]);
  }
  if (!evm) return declared;
  if (declared.toLowerCase() === own.toLowerCase()) return own;
  for (const other of ctx.store.pairings.values()) {
    if (other.pairing.agentAddress.toLowerCase() === declared.toLowerCase()) {
      throw validationError([{
        path: "payerAddress",
        message: "belongs to another agent pairing: an agent pays from its own wallets",
      }]);
    }
  }
  return declared;
}

/**
 * The order's payment intent: the existing payment, if any (`created: false`; a retried intent
 * changes nothing), else a new one on the requested rail (default the order's recommended one),
 * whose `amount` and `currency`, if given, must be the order's. The order must be open.
 *
 * @example
 * ```ts ignore
 * const { payment, created } = paymentIntent(ctx, record, {}, pairing, executeUrl);
 * ```
 */
export function paymentIntent(
  ctx: SandboxContext,
  record: OrderRecord,
  body: PaymentIntentBody,
  pairing: PairingRecord,
  resourceUrl: string,
): { readonly payment: MarketPayment; readonly created: boolean } {
  const existing = ctx.store.payments.get(record.order.id);
  if (existing) return { payment: existing, created: false };
  assertOrderOpen(record);
  return { payment: createIntent(ctx, record, body, pairing, resourceUrl), created: true };
}

function createIntent(
  ctx: SandboxContext,
  record: OrderRecord,
  body: PaymentIntentBody,
  pairing: PairingRecord,
  resourceUrl: string,
): MarketPayment {
  const required = paymentRequired(record);
  const recommendation = record.order.payment;
  const rail = body.rail ?? recommendation?.defaultRail ?? "not-required";
  const free = rail === "not-required";
  const issues = [];
  if (free && required) {
    issues.push({ path: "rail", message: "the order requires payment: pick a paying rail" });
  } else if (!free && record.price.units === 0n) {
    issues.push({ path: "rail", message: "the order is free: only 'not-required' applies" });
  } else if (
    !free && recommendation?.supportedRails !== undefined && rail !== recommendation.defaultRail &&
    !recommendation.supportedRails.includes(rail)
  ) {
    issues.push({ path: "rail", message: `the service does not accept '${rail}'` });
  }
  if (body.amount !== undefined && amountToUnits(body.amount) !== record.price.units) {
    issues.push({
      path: "amount",
      message: `must equal the order's price ${formatMoney(record.price.units)}`,
    });
  }
  if (body.currency !== undefined && body.currency !== record.price.currency) {
    issues.push({ path: "currency", message: `must be '${record.price.currency}'` });
  }
  if (issues.length > 0) throw validationError(issues);
  const payer = free ? null : intentPayer(ctx, pairing, body.payerAddress);
  const settlement = serviceSettlement(record.order.serviceSnapshot);
  const now = ctx.now().toISOString();
  const intent: MarketPayment = {
    id: ctx.ids.nextId("pay"),
    orderId: record.order.id,
    rail,
    status: free ? "not_required" : "intent_created",
    amount: record.price.amount,
    currency: record.price.currency,
    chain: free ? null : settlement.chain,
    token: free ? null : settlement.token,
    payerAddress: payer,
    payeeAddress: free ? null : settlement.payeeAddress,
    transactionHash: null,
    transactionSignature: null,
    verificationMode: null,
    escrowAddress: null,
    notes: null,
    createdAt: now,
    updatedAt: now,
  };
  const extend = INTENT_EXTENSIONS[rail];
  const stored = setPayment(
    ctx,
    extend ? extend({ ctx, record, payment: intent, resourceUrl }) : intent,
  );
  // A not-required rail needs nothing more: the order is ready at once.
  if (record.order.status === "created" || record.order.status === "payment_pending") {
    updateOrder(ctx, record, { status: free ? "ready" : "payment_pending" });
  }
  if (!free) {
    ctx.emit({ type: "payment.intent_created", data: { order: record.order, payment: stored } });
  }
  return stored;
}

/**
 * Checks a proof of payment with the verifier of its `verificationMode` and holds the payment;
 * what the proof spends (a transaction hash or signature) is spent once, by this order.
 *
 * @example
 * ```ts ignore
 * const payment = await submitProof(ctx, record, { transactionHash });
 * ```
 */
export async function submitProof(
  ctx: SandboxContext,
  record: OrderRecord,
  body: PaymentProofBody,
): Promise<MarketPayment> {
  assertOrderOpen(record);
  const payment = pendingPayment(ctx, record, "submit a proof");
  if (ESCROW_RAILS.has(payment.rail)) {
    throw validationError([{
      path: "transactionHash",
      message: `'${payment.rail}' payments are locked with payment/escrow-lock`,
    }]);
  }
  if (body.amount !== undefined && amountToUnits(body.amount) !== record.price.units) {
    throw validationError([{
      path: "amount",
      message: `must equal ${formatMoney(record.price.units)}`,
    }]);
  }
  const mode = body.verificationMode ?? "recorded";
  // An x402 payment is proved by its signed authorization and nothing else, and vice versa.
  if ((mode === "x402") !== (payment.rail === "x402")) {
    throw validationError([{
      path: "verificationMode",
      message: mode === "x402"
        ? `'x402' proofs are for x402 payments; this payment's rail is '${payment.rail}'`
        : "an x402 payment is proved with verificationMode 'x402' and its 'paymentSignature'",
    }]);
  }
  const verifier = PROOF_VERIFIERS[mode];
  if (verifier === undefined) {
    throw validationError([{ path: "verificationMode", message: `unknown mode '${mode}'` }]);
  }
  const key = verifier.key?.(body);
  const field = body.transactionHash !== undefined ? "transactionHash" : "transactionSignature";
  if (key !== undefined) assertUnspent(ctx, key, verifier.verified, field);
  const changes = await verifier.verify({ ctx, record, payment, body });
  // Another proof may have settled this payment, or spent the key, while the check was in flight.
  const current = pendingPayment(ctx, record, "submit a proof");
  if (key !== undefined) {
    assertUnspent(ctx, key, verifier.verified, field);
    ctx.store.spentProofs.set(key, { orderId: record.order.id, verified: verifier.verified });
  }
  return held(ctx, record, { ...current, ...changes });
}

function held(ctx: SandboxContext, record: OrderRecord, payment: MarketPayment): MarketPayment {
  const stored = setPayment(ctx, { ...payment, status: "held" });
  if (record.order.status === "created" || record.order.status === "payment_pending") {
    updateOrder(ctx, record, { status: "ready" });
  }
  ctx.emit({ type: "payment.held", data: { order: record.order, payment: stored } });
  return stored;
}

/**
 * Holds an escrow-rail payment on the lock transaction's evidence (repeating the lock on a held
 * payment changes nothing).
 *
 * @example
 * ```ts ignore
 * const payment = lockEscrow(ctx, record, { transactionHash, chain: "peaq", escrowAddress });
 * ```
 */
export function lockEscrow(
  ctx: SandboxContext,
  record: OrderRecord,
  body: EscrowLockBody,
): MarketPayment {
  assertOrderOpen(record);
  const current = ctx.store.payments.get(record.order.id);
  // A repeated lock (a retry that lost its answer) changes nothing.
  if (current?.status === "held" && ESCROW_RAILS.has(current.rail)) return current;
  const payment = pendingPayment(ctx, record, "lock escrow");
  if (!ESCROW_RAILS.has(payment.rail)) {
    throw validationError([{
      path: "escrowAddress",
      message: `the payment's rail is '${payment.rail}', not an escrow rail`,
    }]);
  }
  const key = evmProofKey(body.transactionHash);
  assertUnspent(ctx, key, false, "transactionHash");
  ctx.store.spentProofs.set(key, { orderId: record.order.id, verified: false });
  return held(ctx, record, {
    ...payment,
    chain: body.chain,
    escrowAddress: body.escrowAddress,
    transactionHash: body.transactionHash,
    verificationMode: "recorded",
  });
}

/**
 * Refunds a held, frozen or release-pending payment and closes an open order as `cancelled`.
 * The buyer's agent may refund only before execution; the `operator` (platform auth) in any
 * refundable state but while the order is executing.
 *
 * @example
 * ```ts ignore
 * const payment = refundPayment(ctx, record, { reason: "Out of stock" }, false);
 * ```
 */
export function refundPayment(
  ctx: SandboxContext,
  record: OrderRecord,
  body: RefundBody,
  operator: boolean,
): MarketPayment {
  const payment = existingPayment(ctx, record);
  if (payment.status === "intent_created") throw notHeld(payment, "refund");
  if (!REFUNDABLE.has(payment.status)) throw paymentConflict(payment, "refund");
  const { order } = record;
  if (!operator && !UNEXECUTED_ORDER_STATUSES.has(order.status)) {
    throw new ApiError(
      403,
      "AGENT_POLICY_DENIED",
      `Order was executed: refunding '${order.id}' is the operator's decision (platform auth)`,
    );
  }
  if (order.status === "executing") {
    throw new ApiError(409, "ORDER_CLOSED", `Order is executing: '${order.id}'; refund it after`);
  }
  const refunded = setPayment(ctx, {
    ...payment,
    status: "refunded",
    notes: body.reason ? `Refunded: ${body.reason}` : payment.notes,
  }, "payment.refunded");
  // A refunded order is over: it can be neither executed nor confirmed.
  if (!TERMINAL_ORDER_STATUSES.has(order.status)) {
    updateOrder(ctx, record, {
      status: "cancelled",
      errorMessage: body.reason ? `Refunded: ${body.reason}` : "Refunded",
    }, "order.cancelled");
  }
  return refunded;
}

/**
 * Pays out a `release_pending` payment (the order was confirmed): `released`.
 *
 * @example
 * ```ts ignore
 * const payment = releasePayment(ctx, record, {});
 * ```
 */
export function releasePayment(
  ctx: SandboxContext,
  record: OrderRecord,
  body: ReleaseBody,
): MarketPayment {
  const payment = existingPayment(ctx, record);
  if (payment.status === "intent_created") throw notHeld(payment, "release");
  if (payment.status === "held") {
    throw new ApiError(
      409,
      "ORDER_NOT_DELIVERED",
      `Cannot release: confirm the delivery of order '${payment.orderId}' first`,
    );
  }
  if (payment.status !== "release_pending") throw paymentConflict(payment, "release");
  return setPayment(ctx, {
    ...payment,
    status: "released",
    notes: body.notes ?? payment.notes,
  }, "payment.released");
}

/**
 * The order's payment record, or `null` when it has none yet.
 *
 * @example
 * ```ts ignore
 * const payment = paymentOf(ctx, record);
 * ```
 */
export function paymentOf(ctx: SandboxContext, record: OrderRecord): MarketPayment | null {
  return ctx.store.payments.get(record.order.id) ?? null;
}
