/**
 * Authentication middleware.
 *
 * - Platform routes: `x-api-key` must be one of the configured keys (`AUTH_REQUIRED` when
 *   missing, `AUTH_INVALID` when wrong). With `requireApiAuth: false` the key is not needed and
 *   any key sent is ignored.
 * - Agent routes: `x-agent-pairing-token` alone authenticates (an `x-api-key` the SDK may also
 *   send is ignored there): the HS256 signature, the pairing it names, its `sessionId` and
 *   `delegationPolicyHash` must all match the pairing's current state (`AGENT_AUTH_INVALID`
 *   otherwise), `exp` must be in the future (`AGENT_AUTH_EXPIRED`), and the pairing must be
 *   active (403 `AGENT_PAIRING_INACTIVE`). With `requireAgentPairingAuth: false` a request
 *   without a token acts for the pairing it names: the body's `agentPairingId` (search, order
 *   creation) or, on `/market/orders/:orderId/...`, the pairing the order was placed through.
 *
 * @module
 */
import type { Context, MiddlewareHandler } from "hono";
import { z } from "zod";
import { idSchema } from "../contract/fields.ts";
import { constantTimeEqual } from "../src/constant_time.ts";
import type { SandboxContext, SandboxEnv } from "./context.ts";
import { verifyJwt } from "./crypto.ts";
import { assertPairingActive } from "./domain/pairings.ts";
import { ApiError, notFound } from "./errors.ts";
import type { PairingRecord } from "./store.ts";
import { readJson } from "./validate.ts";

/**
 * Middleware for platform routes: checks `x-api-key`.
 *
 * @example
 * ```ts ignore
 * api.use("/machines/*", requirePlatform(ctx));
 * ```
 */
export function requirePlatform(ctx: SandboxContext): MiddlewareHandler<SandboxEnv> {
  return async (c, next) => {
    if (!ctx.options.requireApiAuth) return await next();
    const key = c.req.header("x-api-key");
    if (key === undefined || key === "") {
      throw new ApiError(401, "AUTH_REQUIRED", "Missing 'x-api-key' header");
    }
    // Check every key so the time taken does not tell which one was close.
    let ok = false;
    for (const candidate of ctx.options.apiKeys) ok = constantTimeEqual(key, candidate) || ok;
    if (!ok) throw new ApiError(401, "AUTH_INVALID", "Invalid API key");
    await next();
  };
}

/**
 * Verifies a pairing token and returns the pairing it speaks for; throws the `AGENT_AUTH_*`
 * codes described in the module doc. Does not check the pairing's status.
 *
 * @example
 * ```ts ignore
 * const record = await verifyPairingToken(ctx, token);
 * ```
 */
export async function verifyPairingToken(
  ctx: SandboxContext,
  token: string,
): Promise<PairingRecord> {
  const result = await verifyJwt(token, ctx.jwtSecret, ctx.now().getTime());
  if (!result.ok) {
    if (result.reason === "expired") {
      throw new ApiError(401, "AGENT_AUTH_EXPIRED", "Pairing token expired: create a new session");
    }
    throw new ApiError(401, "AGENT_AUTH_INVALID", "Invalid pairing token");
  }
  const { pairingId, machineId, sessionId, delegationPolicyHash } = result.claims;
  const record = typeof pairingId === "string" ? ctx.store.pairings.get(pairingId) : undefined;
  if (record === undefined || record.pairing.machineId !== machineId) {
    throw new ApiError(401, "AGENT_AUTH_INVALID", "Invalid pairing token: unknown pairing");
  }
  // Revoking ends the session too; its tokens still name the pairing, so the agent learns why.
  if (record.pairing.status === "revoked") return record;
  if (record.pairing.sessionId !== sessionId || record.policyHash !== delegationPolicyHash) {
    throw new ApiError(
      401,
      "AGENT_AUTH_INVALID",
      "Pairing token superseded: the session rotated or the delegation policy changed",
    );
  }
  return record;
}

const namedPairing = z.looseObject({ agentPairingId: idSchema });

// With agent auth off and no token: the pairing the request is about.
async function pairingNamedBy(
  ctx: SandboxContext,
  c: Context<SandboxEnv>,
): Promise<PairingRecord> {
  const orderId = c.req.param("orderId");
  let pairingId: string;
  if (orderId !== undefined) {
    const order = ctx.store.orders.get(orderId);
    if (order === undefined) throw notFound("Order", orderId);
    pairingId = order.order.agentPairingId;
  } else {
    pairingId = (await readJson(c, namedPairing)).agentPairingId;
  }
  const record = ctx.store.pairings.get(pairingId);
  if (record === undefined) throw notFound("Agent pairing", pairingId);
  return record;
}

async function agentPairing(ctx: SandboxContext, c: Context<SandboxEnv>): Promise<PairingRecord> {
  const token = c.req.header("x-agent-pairing-token");
  if (token !== undefined && token !== "") return await verifyPairingToken(ctx, token);
  if (!ctx.options.requireAgentPairingAuth) return await pairingNamedBy(ctx, c);
  throw new ApiError(401, "AGENT_AUTH_REQUIRED", "Missing 'x-agent-pairing-token' header");
}

/**
 * Middleware for agent routes: verifies `x-agent-pairing-token`, requires an active pairing and
 * sets it as `c.get("pairing")`.
 *
 * @example
 * ```ts ignore
 * api.post("/market/search", requireAgent(ctx), async (c) => { const record = c.get("pairing"); ... });
 * ```
 */
export function requireAgent(ctx: SandboxContext): MiddlewareHandler<SandboxEnv> {
  return async (c, next) => {
    const record = await agentPairing(ctx, c);
    assertPairingActive(record);
    c.set("pairing", record);
    await next();
  };
}

/**
 * Like {@linkcode requireAgent} but without the pairing's status: for `POST /market/orders`,
 * which checks the body first and the pairing (named, then active) after it, as the API does.
 *
 * @example
 * ```ts ignore
 * api.post("/market/orders", authenticateAgent(ctx), async (c) => { ... });
 * ```
 */
export function authenticateAgent(ctx: SandboxContext): MiddlewareHandler<SandboxEnv> {
  return async (c, next) => {
    c.set("pairing", await agentPairing(ctx, c));
    await next();
  };
}
