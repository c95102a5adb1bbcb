/**
 * `POST /webhooks/orchestration`: Standard Webhooks deliveries from the orchestration service.
 *
 * 1. Verify the raw body (signature, timestamp tolerance) with the core's `verifyWebhook`;
 *    a refusal answers 400 with nothing recorded.
 * 2. Claim the delivery in the Ledger instance named for its `webhook-id`: a repeat answers
 *    200 `duplicate`, a concurrent one in flight answers 409 so the sender retries later.
 * 3. Record the event on its order (which the owning tenant sees, see `owners.ts`: an order
 *    without an owner is adopted here when one tenant holds a session for its pairing); for
 *    `order.handoff`, enqueue the handoff job.
 * 4. Complete the claim and answer 200. If step 3 fails the claim is released and the answer
 *    is 500, so the sender's retry (same `webhook-id`) does the work once.
 *
 * @module
 */
import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { OrchestrationWebhookError, verifyWebhook } from "../../../mod.ts";
import type { VerifiedWebhook, WebhookEvent } from "../../../mod.ts";
import { MAX_WEBHOOK_BODY_BYTES } from "../config.ts";
import type { AppEnv } from "../env.ts";
import { EdgeError, errorResponse } from "../errors.ts";
import { ledger } from "../ledger.ts";
import { adoptOwner } from "../owners.ts";
import { isId } from "../validation.ts";

function orderIdOf(event: WebhookEvent): unknown {
  return event.data.order?.id ?? event.data.payment?.orderId;
}

function pairingIdOf(event: WebhookEvent): unknown {
  return event.data.order?.agentPairingId;
}

/** The webhook receiver, mounted under `/webhooks`. */
export const webhooks = new Hono<AppEnv>().post(
  "/orchestration",
  bodyLimit({
    maxSize: MAX_WEBHOOK_BODY_BYTES,
    onError: () => errorResponse(413, "PAYLOAD_TOO_LARGE", "Webhook body is too large"),
  }),
  async (c) => {
    const secret = c.env.PEAQOS_WEBHOOK_SECRET;
    if (!secret) {
      throw new EdgeError(
        500,
        "EDGE_MISCONFIGURED",
        "Worker has no 'PEAQOS_WEBHOOK_SECRET'",
      );
    }
    const raw = await c.req.text();
    let verified: VerifiedWebhook;
    try {
      verified = await verifyWebhook(raw, c.req.raw.headers, secret);
    } catch (err) {
      if (!(err instanceof OrchestrationWebhookError)) throw err;
      if (err.reason === "invalid_secret") {
        const message = "Worker's 'PEAQOS_WEBHOOK_SECRET' is unusable";
        throw new EdgeError(500, "EDGE_MISCONFIGURED", message);
      }
      return errorResponse(400, "WEBHOOK_REJECTED", err.message, {
        reason: err.reason,
      });
    }
    const { id: webhookId, event } = verified;
    const orderId = orderIdOf(event);
    if (!isId(webhookId) || (orderId !== undefined && !isId(orderId))) {
      const message = "Webhook id or order id is not a valid id";
      return errorResponse(400, "WEBHOOK_REJECTED", message, {
        reason: "invalid_payload",
      });
    }
    if (event.type === "order.handoff" && orderId === undefined) {
      const message = "Handoff event has no order";
      return errorResponse(400, "WEBHOOK_REJECTED", message, {
        reason: "invalid_payload",
      });
    }

    const claim = ledger(c.env, `wh:${webhookId}`);
    const status = await claim.claimWebhook();
    if (status === "done") return c.json({ received: true, duplicate: true });
    if (status === "processing") {
      const retry = { "retry-after": "5" };
      return errorResponse(
        409,
        "CONFLICT",
        "Delivery is being processed",
        null,
        retry,
      );
    }
    try {
      if (typeof orderId === "string") {
        const { owner } = await ledger(c.env, `order:${orderId}`).recordEvent({
          webhookId,
          type: event.type,
          timestamp: event.timestamp,
          status: event.data.order?.status ?? null,
        });
        const pairingId = pairingIdOf(event);
        if (owner === null && typeof pairingId === "string") {
          await adoptOwner(c.env, orderId, pairingId, owner);
        }
        if (event.type === "order.handoff") {
          await c.env.HANDOFF_QUEUE.send({ orderId, webhookId });
        }
      }
      await claim.completeWebhook(
        event.type,
        typeof orderId === "string" ? orderId : null,
      );
    } catch (err) {
      await claim.releaseWebhook().catch(() => undefined);
      throw err;
    }
    return c.json({ received: true, duplicate: false });
  },
);
