/**
 * `GET /v1/edge/orders/:orderId`: what the Worker recorded for an order (the webhook events it
 * accepted, the handoff state, dead letters), for operators and tests; and
 * `POST /v1/edge/orders/:orderId/handoff`, which queues the order's handoff again.
 *
 * @module
 */
import { zValidator } from "@hono/zod-validator";
import { Hono } from "hono";
import { z } from "zod";
import { ledger } from "../dedupe.ts";
import type { AppEnv } from "../env.ts";
import { idSchema, validationHook } from "../validation.ts";

const orderParam = zValidator("param", z.object({ orderId: idSchema }), validationHook);

/** Record routes, mounted under `/v1/edge`. */
export const records = new Hono<AppEnv>()
  .get("/orders/:orderId", orderParam, async (c) => {
    const { orderId } = c.req.valid("param");
    return c.json({ item: await ledger(c.env, `order:${orderId}`).call("orderView") });
  })
  // Replays a handoff (e.g. after a dead letter): the Ledger resumes it where it stopped and
  // never repeats a step that took effect.
  .post("/orders/:orderId/handoff", orderParam, async (c) => {
    const { orderId } = c.req.valid("param");
    await c.env.HANDOFF_QUEUE.send({ orderId, webhookId: "replay" });
    return c.json({ queued: true }, 202);
  });
