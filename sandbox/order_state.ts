/**
 * What every order and payment route shares over the store's market section: the payment
 * recommendation an order carries, lookups (with the agent's ownership check), whether an order
 * is paid for, and state changes that raise webhook events.
 *
 * @module
 */
import type {
  MarketOrder,
  MarketPayment,
  MarketService,
  OrderWebhookEventType,
  PaymentRecommendation,
  PaymentWebhookEventType,
} from "../src/types/mod.ts";
import { serviceRail } from "./catalogue.ts";
import type { SandboxContext } from "./context.ts";
import { ApiError, notFound } from "./errors.ts";
import type { OrderRecord, PairingRecord } from "./store.ts";

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
