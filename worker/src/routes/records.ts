/**
 * `GET /v1/edge/orders/:orderId`: what the Worker recorded for an order (the webhook events it
 * accepted, the handoff state, dead letters), for operators and tests; and
 * `POST /v1/edge/orders/:orderId/handoff`, which queues the order's handoff again. Both belong
 * to the order's owning tenant (`owners.ts`); any other tenant gets `404`, as if nothing existed.
 *
 * @module
 */
import { Hono } from "hono";
import { z } from "zod";
import { OrchestrationApiError } from "../../../mod.ts";
import type { AppEnv, Env } from "../env.ts";
import { EdgeError } from "../errors.ts";
import { ledger } from "../ledger.ts";
import { adoptOwner, orderOwner } from "../owners.ts";
import { orchestration } from "../sdk.ts";
import { check, pathIdSchema } from "../validation.ts";

const orderParam = check("param", z.object({ orderId: pathIdSchema }));

const noRecord = () => new EdgeError(404, "NOT_FOUND", "No record of this order at the edge");

/**
 * Whether `tenant` may replay the order. An order without an owner yet (created outside the
 * proxy, and its webhooks came before any session) is adopted here when `tenant` is the one
 * tenant holding a session for its pairing: one read of the order, and an unknown order is a
 * `404` without a job.
 */
async function mayReplay(
  env: Env,
  orderId: string,
  tenant: string,
): Promise<boolean> {
  const owner = await orderOwner(env, orderId);
  if (owner !== null) return owner === tenant;
  let agentPairingId: string;
  try {
    agentPairingId = (await orchestration(env).getMarketOrder(orderId)).item.agentPairingId;
  } catch (err) {
    if (err instanceof OrchestrationApiError && err.statusCode === 404) {
      return false;
    }
    throw err;
  }
  return await adoptOwner(env, orderId, agentPairingId, null) === tenant;
}

/** Record routes, mounted under `/v1/edge`. */
export const records = new Hono<AppEnv>()
  .get("/orders/:orderId", orderParam, async (c) => {
    const { orderId } = c.req.valid("param");
    const view = await ledger(c.env, `order:${orderId}`).view(c.get("tenant"));
    if (!view) throw noRecord();
    return c.json({ item: view });
  })
  // Replays a handoff (e.g. after a dead letter): the Ledger resumes it where it stopped and
  // never repeats a step that took effect.
  .post("/orders/:orderId/handoff", orderParam, async (c) => {
    const { orderId } = c.req.valid("param");
    if (!await mayReplay(c.env, orderId, c.get("tenant"))) throw noRecord();
    await c.env.HANDOFF_QUEUE.send({ orderId, webhookId: "replay" });
    return c.json({ queued: true }, 202);
  });
