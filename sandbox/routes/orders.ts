/**
 * Market orders under `/market/orders`: list and get (platform auth); create, execute, confirm,
 * dispute, cancel and retry (agent auth). Creation is `domain/order_creation.ts`, execution
 * `domain/execution.ts`, the other actions and the state machine `domain/orders.ts`.
 *
 * @module
 */
import type { Hono } from "hono";
import { idSchema } from "../../contract/fields.ts";
import {
  cancelOrderBody,
  createOrderBody,
  disputeOrderBody,
  executeOrderBody,
} from "../../contract/orders.ts";
import { authenticateAgent, requireAgent, requirePlatform } from "../auth.ts";
import type { SandboxContext, SandboxEnv } from "../context.ts";
import { executeOrder } from "../domain/execution.ts";
import { createOrder } from "../domain/order_creation.ts";
import {
  cancelOrder,
  confirmOrder,
  disputeOrder,
  getAgentOrder,
  getOrder,
  ordersOf,
  orderView,
  retryOrder,
} from "../domain/orders.ts";
import { listQuerySchema, paginate } from "../pagination.ts";
import { readJson, readOptionalJson, readQuery } from "../validate.ts";

const listOrdersQuery = listQuerySchema.extend({ machineId: idSchema });

/**
 * Registers the order routes.
 *
 * @example
 * ```ts ignore
 * registerOrderRoutes(api, ctx);
 * ```
 */
export function registerOrderRoutes(api: Hono<SandboxEnv>, ctx: SandboxContext): void {
  const platform = requirePlatform(ctx);
  const agent = requireAgent(ctx);
  const base = "/market/orders/:orderId";

  api.get("/market/orders", platform, (c) => {
    const query = readQuery(c, listOrdersQuery);
    const records = ordersOf(ctx, query.machineId);
    return c.json(paginate(records, query, (record) => orderView(ctx, record)));
  });

  // The body is checked before the pairing (named, then active), so this route authenticates
  // the token without requiring an active pairing.
  api.post("/market/orders", authenticateAgent(ctx), async (c) => {
    const body = await readJson(c, createOrderBody);
    return c.json({ item: createOrder(ctx, body, c.get("pairing")) }, 201);
  });

  api.get(base, platform, (c) => {
    return c.json({ item: orderView(ctx, getOrder(ctx, c.req.param("orderId"))) });
  });

  api.post(`${base}/execute`, agent, async (c) => {
    const body = await readOptionalJson(c, executeOrderBody);
    const record = getAgentOrder(ctx, c.get("pairing"), c.req.param("orderId"));
    const answer = await executeOrder(ctx, record, body.input, c.req.header("payment-signature"));
    return c.json(answer.body, answer.status, answer.headers);
  });

  api.post(`${base}/confirm`, agent, (c) => {
    const record = getAgentOrder(ctx, c.get("pairing"), c.req.param("orderId"));
    return c.json(confirmOrder(ctx, record));
  });

  api.post(`${base}/dispute`, agent, async (c) => {
    const body = await readJson(c, disputeOrderBody);
    const record = getAgentOrder(ctx, c.get("pairing"), c.req.param("orderId"));
    return c.json(disputeOrder(ctx, record, body));
  });

  api.post(`${base}/cancel`, agent, async (c) => {
    const body = await readOptionalJson(c, cancelOrderBody);
    const record = getAgentOrder(ctx, c.get("pairing"), c.req.param("orderId"));
    return c.json(cancelOrder(ctx, record, body));
  });

  api.post(`${base}/retry`, agent, (c) => {
    const pairing = c.get("pairing");
    return c.json(retryOrder(ctx, pairing, getAgentOrder(ctx, pairing, c.req.param("orderId"))));
  });
}
