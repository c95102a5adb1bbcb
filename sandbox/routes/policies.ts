/**
 * Policies (platform auth): `GET|POST /policies`, `GET|PATCH /policies/:policyId`. Names are
 * unique and every change bumps `version` (`domain/policies.ts`).
 *
 * @module
 */
import type { Hono } from "hono";
import { z } from "zod";
import { shortTextSchema } from "../../contract/fields.ts";
import { requirePlatform } from "../auth.ts";
import type { SandboxContext, SandboxEnv } from "../context.ts";
import { createPolicy, listPolicies, requirePolicy, updatePolicy } from "../domain/policies.ts";
import { listQuerySchema, paginate } from "../pagination.ts";
import { readJson, readQuery } from "../validate.ts";

const rules = z.record(z.string(), z.unknown());

const createSchema = z.strictObject({
  name: shortTextSchema,
  description: z.string().max(1000).optional(),
  rules: rules.optional(),
});

const updateSchema = createSchema.partial();

/**
 * Registers the policy routes.
 *
 * @example
 * ```ts ignore
 * registerPolicyRoutes(api, ctx);
 * ```
 */
export function registerPolicyRoutes(api: Hono<SandboxEnv>, ctx: SandboxContext): void {
  const platform = requirePlatform(ctx);

  api.get("/policies", platform, (c) => {
    const query = readQuery(c, listQuerySchema);
    return c.json(paginate(listPolicies(ctx), query, (record) => record.policy));
  });

  api.post("/policies", platform, async (c) => {
    const body = await readJson(c, createSchema);
    return c.json({ item: createPolicy(ctx, body) }, 201);
  });

  api.get("/policies/:policyId", platform, (c) => {
    return c.json({ item: requirePolicy(ctx, c.req.param("policyId")).policy });
  });

  api.patch("/policies/:policyId", platform, async (c) => {
    const record = requirePolicy(ctx, c.req.param("policyId"));
    const body = await readJson(c, updateSchema);
    return c.json({ item: updatePolicy(ctx, record, body) });
  });
}
