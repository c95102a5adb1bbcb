/**
 * `GET /v1/edge/orders/:orderId`: what the Worker recorded for an order (the webhook events it
 * accepted and the handoff state), for operators and tests.
 *
 * @module
 */
import { zValidator } from "@hono/zod-validator";
import { Hono } from "hono";
import { z } from "zod";
import { ledger } from "../dedupe.ts";
import type { AppEnv } from "../env.ts";
import { idSchema, validationHook } from "../validation.ts";

/** Record routes, mounted under `/v1/edge`. */
export const records = new Hono<AppEnv>().get(
  "/orders/:orderId",
  zValidator("param", z.object({ orderId: idSchema }), validationHook),
  async (c) => {
    const { orderId } = c.req.valid("param");
    return c.json({
      item: await ledger(c.env, `order:${orderId}`).call("orderView"),
    });
  },
);
