/**
 * Agent pairing sessions kept at the edge, per tenant: `PUT /v1/sessions/:agentPairingId`
 * stores the agent's pairing token AES-GCM encrypted (see `sessions.ts`), `GET` tells whether
 * the caller's tenant has one stored and since when, `DELETE` forgets it. The token is never
 * returned. Another tenant's session for the same pairing is invisible (`404`) and untouched.
 *
 * @module
 */
import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../env.ts";
import { EdgeError } from "../errors.ts";
import { deleteSession, pairingClaims, sessionStoredAt, storeSession } from "../sessions.ts";
import { check, pathIdSchema } from "../validation.ts";

const param = check("param", z.object({ agentPairingId: pathIdSchema }));
const body = check(
  "json",
  z.strictObject({
    pairingToken: z.string().min(16).max(4096).regex(/^[\x21-\x7e]+$/),
  }),
);

function refuseToken(message: string): EdgeError {
  return new EdgeError(
    400,
    "VALIDATION_ERROR",
    `Pairing token is refused: ${message}`,
    {
      fields: [{ path: "pairingToken", message }],
    },
  );
}

const noSession = () => new EdgeError(404, "NOT_FOUND", "No session stored for this pairing");

const view = (agentPairingId: string, storedAt: number) => ({
  item: { agentPairingId, storedAt: new Date(storedAt).toISOString() },
});

/** Session routes, mounted under `/v1/sessions`. */
export const sessions = new Hono<AppEnv>()
  .put("/:agentPairingId", param, body, async (c) => {
    const { agentPairingId } = c.req.valid("param");
    const { pairingToken } = c.req.valid("json");
    // The claims are read, not verified (the API verifies the token on use): enough to keep a
    // token from being filed under a pairing it does not name.
    const claims = pairingClaims(pairingToken);
    if (!claims) throw refuseToken("its claims cannot be read");
    if (claims.pairingId !== agentPairingId) {
      throw refuseToken("its pairingId claim does not match");
    }
    if (claims.exp !== undefined && claims.exp * 1000 <= Date.now()) {
      throw refuseToken("it has expired");
    }
    const storedAt = await storeSession(
      c.env,
      c.get("tenant"),
      agentPairingId,
      pairingToken,
    );
    return c.json(view(agentPairingId, storedAt));
  })
  .get("/:agentPairingId", param, async (c) => {
    const { agentPairingId } = c.req.valid("param");
    const storedAt = await sessionStoredAt(
      c.env,
      c.get("tenant"),
      agentPairingId,
    );
    if (storedAt === null) throw noSession();
    return c.json(view(agentPairingId, storedAt));
  })
  .delete("/:agentPairingId", param, async (c) => {
    const { agentPairingId } = c.req.valid("param");
    if (!await deleteSession(c.env, c.get("tenant"), agentPairingId)) {
      throw noSession();
    }
    return c.body(null, 204);
  });
