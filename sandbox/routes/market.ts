/**
 * The market half of the sandbox: skills, services, search, orders and payments, plus webhook
 * delivery of order and payment events. `app.ts` calls {@linkcode registerMarketRoutes} once
 * per app with the `/api/v1` sub-app and the app's context.
 *
 * @module
 */
import type { Hono } from "hono";
import type { SandboxContext, SandboxEnv } from "../context.ts";
import { WebhookDispatcher } from "../webhooks.ts";
import { registerOrderRoutes } from "./orders.ts";
import { registerPaymentRoutes } from "./payments.ts";
import { registerSearchRoutes } from "./search.ts";
import { registerServiceRoutes } from "./services.ts";
import { registerSkillRoutes } from "./skills.ts";

/**
 * Registers the market routes on the `/api/v1` sub-app and points the context's `emit` hook at
 * a webhook dispatcher, closed (pending retries cancelled) when the sandbox closes.
 *
 * @example
 * ```ts ignore
 * registerMarketRoutes(api, ctx);
 * ```
 */
export function registerMarketRoutes(api: Hono<SandboxEnv>, ctx: SandboxContext): void {
  if (ctx.options.webhooks.length > 0) {
    const webhooks = new WebhookDispatcher({
      subscribers: ctx.options.webhooks,
      now: () => ctx.now(),
      retryDelayMs: ctx.options.webhookRetryDelayMs,
      fetch: ctx.options.fetch,
    });
    ctx.emit = (event) => webhooks.emit(event.type, event.data);
    ctx.onClose(() => webhooks.close());
  }
  registerSkillRoutes(api, ctx);
  registerServiceRoutes(api, ctx);
  registerSearchRoutes(api, ctx);
  registerOrderRoutes(api, ctx);
  registerPaymentRoutes(api, ctx);
}
