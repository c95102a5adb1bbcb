/**
 * Agent pairings under `/machines/:machineId/agent-pairings` (platform auth): list, challenges,
 * create, sessions, update and revoke. The rules (proofs, sessions, policy hashes) are
 * `domain/pairings.ts`.
 *
 * @module
 */
import type { Hono } from "hono";
import { z } from "zod";
import {
  createPairingBody,
  pairingChallengeBody,
  pairingSessionBody,
  updatePairingBody,
} from "../../contract/pairings.ts";
import { requirePlatform } from "../auth.ts";
import type { SandboxContext, SandboxEnv } from "../context.ts";
import { requireMachine } from "../domain/machines.ts";
import {
  assertPairingEnabled,
  createPairing,
  createPairingChallenge,
  pairingsOf,
  requirePairableMachine,
  requirePairing,
  revokePairing,
  startPairingSession,
  updatePairing,
} from "../domain/pairings.ts";
import { listQuerySchema, paginate } from "../pagination.ts";
import { readJson, readQuery } from "../validate.ts";

const listSchema = listQuerySchema.extend({
  status: z.enum(["active", "paused", "revoked"]).optional(),
});

/**
 * Registers the agent pairing routes under `/machines/:machineId/agent-pairings`.
 *
 * @example
 * ```ts ignore
 * registerPairingRoutes(api, ctx);
 * ```
 */
export function registerPairingRoutes(api: Hono<SandboxEnv>, ctx: SandboxContext): void {
  const platform = requirePlatform(ctx);
  const base = "/machines/:machineId/agent-pairings";

  api.get(base, platform, (c) => {
    const machineId = c.req.param("machineId");
    requireMachine(ctx, machineId);
    const query = readQuery(c, listSchema);
    return c.json(paginate(pairingsOf(ctx, machineId, query.status), query, (r) => r.pairing));
  });

  api.post(`${base}/challenges`, platform, async (c) => {
    assertPairingEnabled(ctx);
    const machineId = c.req.param("machineId");
    requirePairableMachine(ctx, machineId);
    const body = await readJson(c, pairingChallengeBody);
    return c.json({ item: createPairingChallenge(ctx, machineId, body) }, 201);
  });

  api.post(base, platform, async (c) => {
    assertPairingEnabled(ctx);
    const machineId = c.req.param("machineId");
    requirePairableMachine(ctx, machineId);
    const body = await readJson(c, createPairingBody);
    return c.json({ item: await createPairing(ctx, machineId, body) }, 201);
  });

  api.post(`${base}/:pairingId/sessions`, platform, async (c) => {
    assertPairingEnabled(ctx);
    const record = requirePairing(ctx, c.req.param("machineId"), c.req.param("pairingId"));
    const body = await readJson(c, pairingSessionBody);
    return c.json({ item: await startPairingSession(ctx, record, body) }, 201);
  });

  api.patch(`${base}/:pairingId`, platform, async (c) => {
    const record = requirePairing(ctx, c.req.param("machineId"), c.req.param("pairingId"));
    const body = await readJson(c, updatePairingBody);
    return c.json({ item: await updatePairing(ctx, record, body) });
  });

  api.delete(`${base}/:pairingId`, platform, (c) => {
    revokePairing(ctx, requirePairing(ctx, c.req.param("machineId"), c.req.param("pairingId")));
    return c.body(null, 204);
  });
}
