/**
 * Orders over the store's market section: the payment recommendation an order carries, lookups
 * (with the agent's ownership check), whether an order is paid for, the state changes that raise
 * webhook events, and the order actions after execution: confirm, dispute, cancel and retry. The
 * state machine is drawn in `sandbox/README.md`; creation is `order_creation.ts`, execution
 * `execution.ts`, the payment's own moves `payments.ts`.
 *
 * @module
 */
import type { CancelOrderBody, DisputeOrderBody } from "../../contract/orders.ts";
import type {
  MarketDispute,
  MarketOrder,
  MarketPayment,
  MarketService,
  OrderWebhookEventType,
  PaymentRecommendation,
  PaymentWebhookEventType,
} from "../../src/types/mod.ts";
import { serviceRail } from "../catalogue.ts";
import type { SandboxContext } from "../context.ts";
import { ApiError, notFound } from "../errors.ts";
import type { OrderRecord, PairingRecord } from "../store.ts";
import { checkSpend } from "./delegation.ts";
import { requireActiveMachine, requireMachine } from "./machines.ts";

/** Order statuses after which nothing about the order may change. */
export const TERMINAL_ORDER_STATUSES: ReadonlySet<MarketOrder["status"]> = new Set([
  "confirmed",
  "disputed",
  "cancelled",
  "failed",
]);

/** Order statuses before execution: the order may still be paid for, executed or cancelled. */
export const UNEXECUTED_ORDER_STATUSES: ReadonlySet<MarketOrder["status"]> = new Set([
  "created",
  "payment_pending",
  "ready",
]);

/**
 * How `service` wants to be paid: its own `payment` when it carries one, else derived from its
 * rail metadata (`required` unless the rail is `not-required` or the list price is 0). The one
 * place an order's `payment` comes from.
 *
 * @example
 * ```ts ignore
 * paymentRecommendation(findService("svc_sim_echo")!); // { defaultRail: "not-required", required: false }
 * ```
 */
export function paymentRecommendation(service: MarketService): PaymentRecommendation {
  const own = (service as { readonly payment?: PaymentRecommendation | null }).payment;
  if (own) return own;
  const defaultRail = serviceRail(service);
  return {
    defaultRail,
    required: defaultRail !== "not-required" && service.pricing.amount !== 0,
  };
}

/**
 * The order as served. (Kept as the one view function so a later server-side field has one
 * place to be added or hidden.)
 *
 * @example
 * ```ts ignore
 * return c.json({ item: orderView(ctx, record) });
 * ```
 */
export function orderView(_ctx: SandboxContext, record: OrderRecord): MarketOrder {
  return record.order;
}

/**
 * Finds an order or throws 404 `NOT_FOUND`.
 *
 * @example
 * ```ts ignore
 * const record = getOrder(ctx, c.req.param("orderId"));
 * ```
 */
export function getOrder(ctx: SandboxContext, orderId: string): OrderRecord {
  const record = ctx.store.orders.get(orderId);
  if (!record) throw notFound("Order", orderId);
  return record;
}

/**
 * Finds an order the calling agent may act on: it must have been placed through the token's
 * pairing (else 403 `AGENT_PAIRING_REQUIRED`).
 *
 * @example
 * ```ts ignore
 * const record = getAgentOrder(ctx, c.get("pairing"), c.req.param("orderId"));
 * ```
 */
export function getAgentOrder(
  ctx: SandboxContext,
  pairing: PairingRecord,
  orderId: string,
): OrderRecord {
  const record = getOrder(ctx, orderId);
  if (record.order.agentPairingId !== pairing.pairing.id) {
    throw new ApiError(
      403,
      "AGENT_PAIRING_REQUIRED",
      `Order '${orderId}' was not placed through this agent pairing`,
    );
  }
  return record;
}

/**
 * Throws 409 `ORDER_CLOSED` when the order is terminal.
 *
 * @example
 * ```ts ignore
 * assertOrderOpen(record);
 * ```
 */
export function assertOrderOpen(record: OrderRecord): void {
  if (TERMINAL_ORDER_STATUSES.has(record.order.status)) {
    throw new ApiError(
      409,
      "ORDER_CLOSED",
      `Order is closed: '${record.order.id}' is '${record.order.status}'`,
    );
  }
}

/**
 * Replaces the order with `changes` applied (and a fresh `updatedAt`); raises `event` when given,
 * with the order and its payment record, if any. The first delivery or handoff is stamped on the
 * record (`deliveredAt`), for the spend limits.
 *
 * @example
 * ```ts ignore
 * updateOrder(ctx, record, { status: "delivered" }, "order.delivered");
 * ```
 */
export function updateOrder(
  ctx: SandboxContext,
  record: OrderRecord,
  changes: Partial<MarketOrder>,
  event?: Exclude<OrderWebhookEventType, "order.created">,
): MarketOrder {
  const now = ctx.now().toISOString();
  record.order = { ...record.order, ...changes, updatedAt: now };
  if (changes.status === "delivered" || changes.status === "handoff") record.deliveredAt ??= now;
  const view = orderView(ctx, record);
  if (event) {
    const payment = ctx.store.payments.get(record.order.id);
    ctx.emit({ type: event, data: payment ? { order: view, payment } : { order: view } });
  }
  return view;
}

/**
 * Stores the order's payment record with a fresh `updatedAt`; raises `event` when given, with
 * the order and the payment.
 *
 * @example
 * ```ts ignore
 * setPayment(ctx, { ...payment, status: "held" }, "payment.held");
 * ```
 */
export function setPayment(
  ctx: SandboxContext,
  payment: MarketPayment,
  event?: PaymentWebhookEventType,
): MarketPayment {
  const stored = { ...payment, updatedAt: ctx.now().toISOString() };
  ctx.store.payments.set(payment.orderId, stored);
  // A payment exists only for a stored order, so a payment event always carries both.
  const record = ctx.store.orders.get(payment.orderId);
  if (event && record) {
    ctx.emit({ type: event, data: { order: orderView(ctx, record), payment: stored } });
  }
  return stored;
}

/** Payment statuses that mean the money is with the platform or already paid out. */
const PAID_STATUSES: ReadonlySet<MarketPayment["status"]> = new Set([
  "held",
  "release_pending",
  "released",
]);

/**
 * Whether the order must be paid for before it runs: its recommendation's `required`.
 *
 * @example
 * ```ts ignore
 * if (paymentRequired(record)) ...
 * ```
 */
export function paymentRequired(record: OrderRecord): boolean {
  return record.order.payment?.required ?? record.price.units > 0n;
}

/**
 * Whether the order may run as far as money goes: no payment is required, or its payment is
 * held or already paid out.
 *
 * @example
 * ```ts ignore
 * if (!isPaidFor(ctx, record)) throw new ApiError(402, "PAYMENT_REQUIRED", "...");
 * ```
 */
export function isPaidFor(ctx: SandboxContext, record: OrderRecord): boolean {
  const payment = ctx.store.payments.get(record.order.id);
  return !paymentRequired(record) || (payment !== undefined && PAID_STATUSES.has(payment.status));
}

/**
 * The UTC calendar day of `date`, `YYYY-MM-DD`.
 *
 * @example
 * ```ts ignore
 * utcDay(new Date("2026-01-02T23:59:59Z")); // "2026-01-02"
 * ```
 */
export function utcDay(date: Date): string {
  return date.toISOString().slice(0, 10);
}

/** What the order actions answer: the order, and its payment record if it has one. */
export type OrderActionResult = {
  readonly order: MarketOrder;
  readonly payment: MarketPayment | null;
};

/** Payment statuses that still move money, and so are frozen by a dispute. */
const FREEZABLE: ReadonlySet<MarketPayment["status"]> = new Set([
  "intent_created",
  "held",
  "release_pending",
]);

/**
 * Confirms a delivered or handed-off order (409 `ORDER_NOT_DELIVERED` before that,
 * `ORDER_CLOSED` once its payment was refunded). Confirmation releases nothing by itself: a held
 * payment becomes `release_pending` and waits for `payment/release`.
 *
 * @example
 * ```ts ignore
 * const { order, payment } = confirmOrder(ctx, record);
 * ```
 */
export function confirmOrder(ctx: SandboxContext, record: OrderRecord): OrderActionResult {
  assertOrderOpen(record);
  if (record.order.status !== "delivered" && record.order.status !== "handoff") {
    throw new ApiError(
      409,
      "ORDER_NOT_DELIVERED",
      `Order is not delivered yet: '${record.order.id}' is '${record.order.status}'`,
    );
  }
  const current = ctx.store.payments.get(record.order.id);
  if (current?.status === "refunded") {
    throw new ApiError(
      409,
      "ORDER_CLOSED",
      `Order's payment was refunded: '${record.order.id}' cannot be confirmed`,
    );
  }
  // No webhook type exists for release_pending; order.confirmed carries the payment.
  const payment = current?.status === "held"
    ? setPayment(ctx, { ...current, status: "release_pending" })
    : current ?? null;
  const order = updateOrder(ctx, record, { status: "confirmed" }, "order.confirmed");
  return { order, payment };
}

/**
 * Opens a dispute on an open order: the order is `disputed`, and a payment still moving money
 * is frozen.
 *
 * @example
 * ```ts ignore
 * const { order, payment, dispute } = disputeOrder(ctx, record, { reason: "Wrong output" });
 * ```
 */
export function disputeOrder(
  ctx: SandboxContext,
  record: OrderRecord,
  body: DisputeOrderBody,
): OrderActionResult & { readonly dispute: MarketDispute } {
  assertOrderOpen(record);
  const dispute: MarketDispute = {
    id: ctx.ids.nextId("dsp"),
    orderId: record.order.id,
    reason: body.reason,
    evidence: body.evidence ?? null,
    status: "open",
    createdAt: ctx.now().toISOString(),
  };
  record.dispute = dispute;
  const current = ctx.store.payments.get(record.order.id);
  const payment = current && FREEZABLE.has(current.status)
    ? setPayment(ctx, { ...current, status: "frozen" }, "payment.frozen")
    : current ?? null;
  const order = updateOrder(ctx, record, { status: "disputed" }, "order.disputed");
  return { order, payment, dispute };
}

/**
 * Cancels an order not yet executed (409 `ORDER_CLOSED` after); a held payment is refunded.
 *
 * @example
 * ```ts ignore
 * const { order, payment } = cancelOrder(ctx, record, { reason: "No longer needed" });
 * ```
 */
export function cancelOrder(
  ctx: SandboxContext,
  record: OrderRecord,
  body: CancelOrderBody,
): OrderActionResult {
  assertOrderOpen(record);
  if (!UNEXECUTED_ORDER_STATUSES.has(record.order.status)) {
    throw new ApiError(
      409,
      "ORDER_CLOSED",
      `Order can no longer be cancelled: '${record.order.id}' is '${record.order.status}'`,
    );
  }
  const current = ctx.store.payments.get(record.order.id);
  const payment = current?.status === "held"
    ? setPayment(ctx, { ...current, status: "refunded" }, "payment.refunded")
    : current ?? null;
  const order = updateOrder(ctx, record, {
    status: "cancelled",
    errorMessage: body.reason ? `Cancelled: ${body.reason}` : null,
  }, "order.cancelled");
  return { order, payment };
}

/**
 * Reopens a `failed` order (any other status, or a refunded payment, is 409 `ORDER_CLOSED`):
 * `ready` when paid for, else `payment_pending` or `created`. A failed order stopped counting
 * against the pairing's spend limits, so the retry is checked against them again, on the
 * order's day, as a new order would be.
 *
 * @example
 * ```ts ignore
 * const { order } = retryOrder(ctx, c.get("pairing"), record);
 * ```
 */
export function retryOrder(
  ctx: SandboxContext,
  pairing: PairingRecord,
  record: OrderRecord,
): OrderActionResult {
  const { order } = record;
  if (order.status !== "failed") {
    throw new ApiError(
      409,
      "ORDER_CLOSED",
      `Only a failed order can be retried: '${order.id}' is '${order.status}'`,
    );
  }
  const payment = ctx.store.payments.get(order.id) ?? null;
  if (payment?.status === "refunded") {
    throw new ApiError(
      409,
      "ORDER_CLOSED",
      `Order's payment was refunded; place a new order: '${order.id}'`,
    );
  }
  // The order runs again, so the machine must still be able to take it.
  requireActiveMachine(ctx, order.machineId);
  checkSpend(ctx, pairing, record.price.units, record.price.currency, record.spendDay);
  const status = isPaidFor(ctx, record) ? "ready" : payment ? "payment_pending" : "created";
  const updated = updateOrder(ctx, record, { status, errorMessage: null });
  return { order: updated, payment: ctx.store.payments.get(order.id) ?? null };
}

/**
 * The orders placed for `machineId` (which must exist, else 404 `NOT_FOUND`).
 *
 * @example
 * ```ts ignore
 * const records = ordersOf(ctx, "m_1");
 * ```
 */
export function ordersOf(ctx: SandboxContext, machineId: string): OrderRecord[] {
  requireMachine(ctx, machineId);
  return [...ctx.store.orders.values()].filter((record) => record.order.machineId === machineId);
}
