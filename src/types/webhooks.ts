/**
 * Webhook events the orchestration service POSTs to subscribers (Standard Webhooks signed).
 *
 * @module
 */
import type { MarketOrder } from "./market.ts";
import type { MarketPayment } from "./payments.ts";

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
export type WebhookEventType =
  | "order.created"
  | "order.executing"
  | "order.delivered"
  | "order.handoff"
  | "order.confirmed"
  | "order.disputed"
  | "order.failed"
  | "order.cancelled"
  | "payment.intent_created"
  | "payment.held"
  | "payment.released"
  | "payment.refunded"
  | "payment.frozen";

/**
 * The JSON body of a webhook delivery.
 *
 * @example Route by event type
 * ```ts
 * import type { WebhookEvent } from "@peaqos/peaq-os-sdk";
 *
 * function orderStatus(event: WebhookEvent): string | undefined {
 *   return event.type.startsWith("order.") ? event.data.order?.status : undefined;
 * }
 * ```
 */
export type WebhookEvent = {
  readonly type: WebhookEventType;
  /** ISO 8601 time the event occurred. */
  readonly timestamp: string;
  readonly data: {
    readonly order?: MarketOrder;
    readonly payment?: MarketPayment | null;
  };
};
