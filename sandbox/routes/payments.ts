/**
 * Payments of market orders under `/market/orders/:orderId`: `payment-intent`, `payment-proof`,
 * `payment/escrow-lock` and `payment/release` (agent auth), `payment/refund` (agent or platform
 * auth) and `GET .../payment` (platform auth, `item: null` when there is none). The state machine
 * and its rules are `domain/payments.ts`.
 *
 * Refund authority: with an `x-agent-pairing-token` the caller is the buyer's agent, which may
 * refund only before the order is executed. Without one, platform auth (`x-api-key`) makes it
 * the operator's decision, allowed in any refundable state.
 *
 * @module
 */
import type { Context, Hono } from "hono";
import {
  escrowLockBody,
  paymentIntentBody,
  paymentProofBody,
  refundBody,
  releaseBody,
} from "../../contract/payments.ts";
import { requireAgent, requirePlatform } from "../auth.ts";
import type { SandboxContext, SandboxEnv } from "../context.ts";
import { getAgentOrder, getOrder } from "../domain/orders.ts";
import {
  lockEscrow,
  paymentIntent,
  paymentOf,
  refundPayment,
  releasePayment,
  submitProof,
} from "../domain/payments.ts";
import { readJson, readOptionalJson } from "../validate.ts";

const hasAgentToken = (c: Context<SandboxEnv>): boolean =>
  (c.req.header("x-agent-pairing-token") ?? "") !== "";

// Where the order is executed: the x402 challenge's `resource.url`.
function executeUrl(c: Context<SandboxEnv>): string {
  const resource = new URL(c.req.url);
  resource.pathname = resource.pathname.replace(/\/payment-intent$/, "/execute");
  resource.search = "";
  return resource.href;
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
  const platform = requirePlatform(ctx);
  const base = "/market/orders/:orderId";

  api.post(`${base}/payment-intent`, agent, async (c) => {
    const body = await readOptionalJson(c, paymentIntentBody);
    const pairing = c.get("pairing");
    const record = getAgentOrder(ctx, pairing, c.req.param("orderId"));
    const { payment, created } = paymentIntent(ctx, record, body, pairing, executeUrl(c));
    return c.json({ item: payment }, created ? 201 : 200);
  });

  api.get(`${base}/payment`, platform, (c) => {
    return c.json({ item: paymentOf(ctx, getOrder(ctx, c.req.param("orderId"))) });
  });

  api.post(`${base}/payment-proof`, agent, async (c) => {
    const body = await readJson(c, paymentProofBody);
    const record = getAgentOrder(ctx, c.get("pairing"), c.req.param("orderId"));
    return c.json({ item: await submitProof(ctx, record, body) });
  });

  api.post(`${base}/payment/escrow-lock`, agent, async (c) => {
    const body = await readJson(c, escrowLockBody);
    const record = getAgentOrder(ctx, c.get("pairing"), c.req.param("orderId"));
    return c.json({ item: lockEscrow(ctx, record, body) });
  });

  api.post(`${base}/payment/release`, agent, async (c) => {
    const body = await readOptionalJson(c, releaseBody);
    const record = getAgentOrder(ctx, c.get("pairing"), c.req.param("orderId"));
    return c.json({ item: releasePayment(ctx, record, body) });
  });

  // An agent token makes it the buyer's refund; without one, platform auth the operator's.
  api.post(
    `${base}/payment/refund`,
    (c, next) => hasAgentToken(c) ? agent(c, next) : platform(c, next),
    async (c) => {
      const body = await readOptionalJson(c, refundBody);
      const operator = !hasAgentToken(c);
      const orderId = c.req.param("orderId");
      const record = operator
        ? getOrder(ctx, orderId)
        : getAgentOrder(ctx, c.get("pairing"), orderId);
      return c.json({ item: refundPayment(ctx, record, body, operator) });
    },
  );
}
