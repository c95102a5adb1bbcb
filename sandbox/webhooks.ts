/**
 * Webhook delivery for the sandbox: each order/payment event is POSTed to every subscriber
 * that wants it, signed per Standard Webhooks, retried with bounded exponential backoff on a
 * non-2xx answer or a network error (signatures from the core's `signWebhook`), always with the same `webhook-id`. Deliveries run in
 * the background but are tracked, so {@linkcode WebhookDispatcher.idle} can await them and
 * {@linkcode WebhookDispatcher.close} cancels them without leaving a timer or socket open.
 *
 * @module
 */
import type { WebhookEvent, WebhookEventType } from "../src/types/mod.ts";
import { bytesToHex } from "../src/encoding.ts";
import { signWebhook } from "../src/webhooks.ts";
import type { SandboxContext } from "./context.ts";

/** A webhook subscriber (the sandbox's `webhooks` option). */
export type WebhookSubscriber = {
  readonly url: string;
  /** `whsec_<base64 key>` as in Standard Webhooks. */
  readonly secret: string;
  /** Event types to receive; omitted or empty means every event. */
  readonly events?: readonly string[];
};

/** Options of {@linkcode WebhookDispatcher}. */
export type WebhookDispatcherOptions = {
  readonly subscribers: readonly WebhookSubscriber[];
  /** Clock of the events' `timestamp` (the sandbox clock). */
  readonly now: () => Date;
  /**
   * Clock of the `webhook-timestamp` header, in milliseconds; default `Date.now`. The wall clock,
   * so receivers' tolerance checks pass even when the sandbox runs on a test clock.
   */
  readonly sendClock?: () => number;
  /** Attempts per delivery, first included; default 4. */
  readonly maxAttempts?: number;
  /** Delay before the first retry; doubles on each retry. Default 500 ms. */
  readonly retryDelayMs?: number;
  /** Per-attempt timeout; default 5 000 ms. */
  readonly timeoutMs?: number;
  /** fetch used to deliver; default the global fetch. */
  readonly fetch?: typeof fetch;
};

/** What happened to one delivery, for inspection in tests and logs (no secrets). */
export type WebhookDelivery = {
  readonly id: string;
  readonly type: WebhookEventType;
  readonly url: string;
  attempts: number;
  status: "pending" | "delivered" | "failed" | "cancelled";
  lastStatusCode: number | null;
};

function messageId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(12));
  return `msg_${bytesToHex(bytes)}`;
}

/**
 * Sends events to subscribers in the background and keeps track of every delivery.
 *
 * @example
 * ```ts ignore
 * const webhooks = new WebhookDispatcher({ subscribers, now: () => new Date() });
 * webhooks.emit("order.created", { order });
 * await webhooks.idle();
 * await webhooks.close();
 * ```
 */
export class WebhookDispatcher {
  readonly #options: WebhookDispatcherOptions;
  readonly #inFlight = new Set<Promise<void>>();
  readonly #closing = new AbortController();
  readonly #deliveries: WebhookDelivery[] = [];

  /** Creates a dispatcher; nothing is sent until {@linkcode emit}. */
  constructor(options: WebhookDispatcherOptions) {
    this.#options = options;
  }

  /** Every delivery so far, oldest first. */
  get deliveries(): readonly WebhookDelivery[] {
    return this.#deliveries;
  }

  /**
   * Queues `type` with `data` for each subscriber that wants it and returns at once; the
   * request that caused the event never waits for delivery.
   */
  emit(type: WebhookEventType, data: WebhookEvent["data"]): void {
    if (this.#closing.signal.aborted) return;
    const timestamp = this.#options.now();
    const body = JSON.stringify({ type, timestamp: timestamp.toISOString(), data });
    const timestampSeconds = Math.floor((this.#options.sendClock ?? Date.now)() / 1000);
    for (const subscriber of this.#options.subscribers) {
      if (subscriber.events?.length && !subscriber.events.includes(type)) continue;
      const delivery: WebhookDelivery = {
        id: messageId(),
        type,
        url: subscriber.url,
        attempts: 0,
        status: "pending",
        lastStatusCode: null,
      };
      this.#deliveries.push(delivery);
      const task = this.#deliver(subscriber, delivery, body, timestampSeconds)
        .finally(() => this.#inFlight.delete(task));
      this.#inFlight.add(task);
    }
  }

  /** Resolves once every delivery queued so far has succeeded, failed for good, or been cancelled. */
  async idle(): Promise<void> {
    while (this.#inFlight.size > 0) await Promise.all([...this.#inFlight]);
  }

  /** Cancels pending retries and in-flight requests, then waits for them to settle. */
  async close(): Promise<void> {
    this.#closing.abort();
    await this.idle();
  }

  async #deliver(
    subscriber: WebhookSubscriber,
    delivery: WebhookDelivery,
    body: string,
    timestampSeconds: number,
  ): Promise<void> {
    const maxAttempts = this.#options.maxAttempts ?? 4;
    const baseDelay = this.#options.retryDelayMs ?? 500;
    let signature: string;
    try {
      signature = await signWebhook(
        { id: delivery.id, timestamp: timestampSeconds, body },
        subscriber.secret,
      );
    } catch {
      delivery.status = "failed"; // an unusable secret is a configuration error; nothing to retry
      return;
    }
    for (let attempt = 1; attempt <= maxAttempts; attempt++) {
      if (this.#closing.signal.aborted) break;
      delivery.attempts = attempt;
      if (await this.#attempt(subscriber.url, delivery, body, timestampSeconds, signature)) {
        delivery.status = "delivered";
        return;
      }
      if (attempt < maxAttempts) await this.#sleep(baseDelay * 2 ** (attempt - 1));
    }
    delivery.status = this.#closing.signal.aborted ? "cancelled" : "failed";
  }

  async #attempt(
    url: string,
    delivery: WebhookDelivery,
    body: string,
    timestampSeconds: number,
    signature: string,
  ): Promise<boolean> {
    const controller = new AbortController();
    const onClose = () => controller.abort();
    this.#closing.signal.addEventListener("abort", onClose, { once: true });
    const timer = setTimeout(() => controller.abort(), this.#options.timeoutMs ?? 5_000);
    try {
      const response = await (this.#options.fetch ?? fetch)(url, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "user-agent": "peaqos-sandbox-webhooks",
          "webhook-id": delivery.id,
          "webhook-timestamp": String(timestampSeconds),
          "webhook-signature": signature,
        },
        body,
        signal: controller.signal,
      });
      delivery.lastStatusCode = response.status;
      // Read the answer to its end rather than cancelling it: a cancel drops the connection while
      // the receiver may still be writing, which workerd logs as "Broken pipe" under load.
      await response.arrayBuffer().catch(() => undefined);
      return response.ok;
    } catch {
      return false;
    } finally {
      clearTimeout(timer);
      this.#closing.signal.removeEventListener("abort", onClose);
    }
  }

  #sleep(ms: number): Promise<void> {
    const signal = this.#closing.signal;
    if (signal.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        signal.removeEventListener("abort", done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      signal.addEventListener("abort", done, { once: true });
    });
  }
}

/**
 * Points the context's `emit` hook at a webhook dispatcher for the configured subscribers (none
 * configured: events go nowhere), closed, pending retries cancelled, when the sandbox closes.
 *
 * @example
 * ```ts ignore
 * connectWebhooks(ctx);
 * ```
 */
export function connectWebhooks(ctx: SandboxContext): void {
  if (ctx.options.webhooks.length === 0) return;
  const webhooks = new WebhookDispatcher({
    subscribers: ctx.options.webhooks,
    now: () => ctx.now(),
    retryDelayMs: ctx.options.webhookRetryDelayMs,
    fetch: ctx.options.fetch,
  });
  ctx.emit = (event) => webhooks.emit(event.type, event.data);
  ctx.onClose(() => webhooks.close());
}
