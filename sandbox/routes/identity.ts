/**
 * `POST /machine-identity/challenges` (platform auth): the challenge a machine's controller signs
 * to prove its identity (`domain/identity.ts`).
 *
 * @module
 */
import type { Hono } from "hono";
import { identityChallengeBody } from "../../contract/machines.ts";
import { requirePlatform } from "../auth.ts";
import type { SandboxContext, SandboxEnv } from "../context.ts";
import { createIdentityChallenge } from "../domain/identity.ts";
import { readJson } from "../validate.ts";

/**
 * Registers `POST /machine-identity/challenges`.
 *
 * @example
 * ```ts ignore
 * registerIdentityRoutes(api, ctx);
 * ```
 */
export function registerIdentityRoutes(api: Hono<SandboxEnv>, ctx: SandboxContext): void {
  api.post("/machine-identity/challenges", requirePlatform(ctx), async (c) => {
    const { identityRef } = await readJson(c, identityChallengeBody);
    return c.json({ item: createIdentityChallenge(ctx, identityRef) }, 201);
  });
}
