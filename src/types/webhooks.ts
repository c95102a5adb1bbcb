/**
 * Webhook events the orchestration service POSTs to subscribers (Standard Webhooks signed).
 *
 * @module
 */
import type { MarketOrder } from "./market.ts";
import type { MarketPayment } from "./payments.ts";

/**
 * Event types about an order; each carries the order.
 *
 * @example Usage
 * ```ts
 * import type { OrderWebhookEventType } from "@peaqos/peaq-os-sdk";
 *
 * const type: OrderWebhookEventType = "order.delivered";
 * ```
 */
export type OrderWebhookEventType =
  | "order.created"
  | "order.executing"
  | "order.delivered"
  | "order.handoff"
  | "order.confirmed"
  | "order.disputed"
  | "order.failed"
  | "order.cancelled";

/**
 * Event types about an order's payment record; each carries the payment and its order.
 *
 * @example Usage
 * ```ts
 * import type { PaymentWebhookEventType } from "@peaqos/peaq-os-sdk";
 *
 * const type: PaymentWebhookEventType = "payment.held";
 * ```
 */
export type PaymentWebhookEventType =
  | "payment.intent_created"
  | "payment.held"
  | "payment.released"
  | "payment.refunded"
  | "payment.frozen";

/**
 * Every webhook event type.
 *
 * @example Usage
 * ```ts
 * import type { WebhookEventType } from "@peaqos/peaq-os-sdk";
 *
 * const webhookEventType: WebhookEventType = "order.executing";
 * ```
 */
export type WebhookEventType = OrderWebhookEventType | PaymentWebhookEventType;

/**
 * `data` of an order event: the order as it is after the change, and its payment record once
 * one exists (never on `order.created`, which comes before any payment intent).
 *
 * @example Usage
 * ```ts
 * import type { OrderEventData } from "@peaqos/peaq-os-sdk";
 *
 * function paid(data: OrderEventData): boolean {
 *   return data.payment?.status === "released";
 * }
 * ```
 */
export type OrderEventData = {
  readonly order: MarketOrder;
  readonly payment?: MarketPayment | undefined;
};

/**
 * `data` of a payment event: the payment record as it is after the change, and its order.
 *
 * @example Usage
 * ```ts
 * import type { PaymentEventData } from "@peaqos/peaq-os-sdk";
 *
 * function describe(data: PaymentEventData): string {
 *   return `${data.order.id}: ${data.payment.status}`;
 * }
 * ```
 */
export type PaymentEventData = {
  readonly order: MarketOrder;
  readonly payment: MarketPayment;
};

/**
 * What `data` holds for each event type.
 *
 * @example The data of one event type
 * ```ts
 * import type { WebhookEventDataByType } from "@peaqos/peaq-os-sdk";
 *
 * type Handoff = WebhookEventDataByType["order.handoff"]; // { order, payment? }
 * ```
 */
export type WebhookEventDataByType = {
  readonly "order.created": {
    readonly order: MarketOrder;
    readonly payment?: undefined;
  };
  readonly "order.executing": OrderEventData;
  readonly "order.delivered": OrderEventData;
  readonly "order.handoff": OrderEventData;
  readonly "order.confirmed": OrderEventData;
  readonly "order.disputed": OrderEventData;
  readonly "order.failed": OrderEventData;
  readonly "order.cancelled": OrderEventData;
  readonly "payment.intent_created": PaymentEventData;
  readonly "payment.held": PaymentEventData;
  readonly "payment.released": PaymentEventData;
  readonly "payment.refunded": PaymentEventData;
  readonly "payment.frozen": PaymentEventData;
};

/**
 * The JSON body of a webhook delivery: a union discriminated on `type`, so checking `type`
 * narrows `data`. `WebhookEvent<"order.handoff">` is the one member of that type.
 *
 * A server newer than this SDK may send a type not listed here; {@linkcode verifyWebhook}
 * passes such events through unchanged, so give a `switch` over `type` a `default` branch.
 *
 * @example Route by event type
 * ```ts
 * import type { WebhookEvent } from "@peaqos/peaq-os-sdk";
 *
 * function describe(event: WebhookEvent): string {
 *   switch (event.type) {
 *     case "order.handoff":
 *       return `hand off ${event.data.order.id} to ${event.data.order.handoff?.url}`;
 *     case "payment.held":
 *       return `${event.data.payment.amount} ${event.data.payment.currency} held`;
 *     default:
 *       return event.type;
 *   }
 * }
 * ```
 */
export type WebhookEvent<T extends WebhookEventType = WebhookEventType> = {
  readonly [Type in T]: {
    readonly type: Type;
    /** ISO 8601 time the event occurred. */
    readonly timestamp: string;
    readonly data: WebhookEventDataByType[Type];
  };
}[T];
