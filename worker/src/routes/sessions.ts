/**
 * Agent pairing sessions kept at the edge: `PUT /v1/sessions/:agentPairingId` stores the
 * agent's pairing token AES-GCM encrypted (key from `SESSION_ENCRYPTION_KEY`), `GET` tells
 * whether one is stored and since when, `DELETE` forgets it. The token is never returned.
 *
 * @module
 */
import { zValidator } from "@hono/zod-validator";
import { Hono } from "hono";
import { z } from "zod";
import { ledger } from "../dedupe.ts";
import type { AppEnv } from "../env.ts";
import { EdgeError } from "../errors.ts";
import { storeSession } from "../sdk.ts";
import { idSchema, validationHook } from "../validation.ts";

const param = zValidator("param", z.object({ agentPairingId: idSchema }), validationHook);
const body = zValidator(
  "json",
  z.strictObject({
    pairingToken: z.string().min(16).max(4096).regex(/^[\x21-\x7e]+$/),
  }),
  validationHook,
);

/** The `pairingId` claim of a JWT, read without verifying it (the API verifies it on use). */
function pairingClaim(token: string): unknown {
  const payload = token.split(".")[1];
  if (!payload) return undefined;
  try {
    const json = atob(
      payload.replace(/-/g, "+").replace(/_/g, "/").padEnd(Math.ceil(payload.length / 4) * 4, "="),
    );
    return (JSON.parse(json) as { pairingId?: unknown }).pairingId;
  } catch {
    return undefined;
  }
}

/** Session routes, mounted under `/v1/sessions`. */
export const sessions = new Hono<AppEnv>()
  .put("/:agentPairingId", param, body, async (c) => {
    const { agentPairingId } = c.req.valid("param");
    const { pairingToken } = c.req.valid("json");
    const claim = pairingClaim(pairingToken);
    if (claim !== undefined && claim !== agentPairingId) {
      throw new EdgeError(
        400,
        "VALIDATION_ERROR",
        "Pairing token belongs to another pairing",
        {
          fields: [{
            path: "pairingToken",
            message: "pairingId claim does not match",
          }],
        },
      );
    }
    const { storedAt } = await storeSession(c.env, agentPairingId, pairingToken);
    return c.json({
      item: { agentPairingId, storedAt: new Date(storedAt).toISOString() },
    });
  })
  .get("/:agentPairingId", param, async (c) => {
    const { agentPairingId } = c.req.valid("param");
    const stored = await ledger(c.env, `pairing:${agentPairingId}`).call<
      { storedAt: number } | null
    >("getSession");
    if (!stored) {
      throw new EdgeError(404, "NOT_FOUND", "No session stored for this pairing");
    }
    return c.json({
      item: {
        agentPairingId,
        storedAt: new Date(stored.storedAt).toISOString(),
      },
    });
  })
  .delete("/:agentPairingId", param, async (c) => {
    const { agentPairingId } = c.req.valid("param");
    const { deleted } = await ledger(c.env, `pairing:${agentPairingId}`).call<
      { deleted: boolean }
    >("deleteSession");
    if (!deleted) {
      throw new EdgeError(404, "NOT_FOUND", "No session stored for this pairing");
    }
    return c.body(null, 204);
  });
