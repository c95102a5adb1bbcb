/**
 * Policies: named rule sets machines reference through `policyIds` (readiness checks that every
 * reference resolves). Names are unique; every change bumps `version`.
 *
 * - `GET|POST /policies`, `GET|PATCH /policies/:policyId`
 *
 * @module
 */
import type { Hono } from "hono";
import { z } from "zod";
import type { Policy } from "../../src/types/mod.ts";
import { requirePlatform } from "../auth.ts";
import type { SandboxContext, SandboxEnv } from "../context.ts";
import { notFound } from "../errors.ts";
import type { PolicyRecord } from "../store.ts";
import { shortTextSchema } from "../../contract/fields.ts";
import { listQuerySchema, paginate } from "../pagination.ts";
import { readJson, readQuery, validationError } from "../validate.ts";

const rules = z.record(z.string(), z.unknown());

const createSchema = z.strictObject({
  name: shortTextSchema,
  description: z.string().max(1000).optional(),
  rules: rules.optional(),
});

const updateSchema = z.strictObject({
  name: shortTextSchema.optional(),
  description: z.string().max(1000).optional(),
  rules: rules.optional(),
});

function assertNameFree(ctx: SandboxContext, name: string, selfId?: string): void {
  for (const { policy } of ctx.store.policies.values()) {
    if (policy.id !== selfId && policy.name === name) {
      throw validationError([{ path: "name", message: `a policy named '${name}' exists` }]);
    }
  }
}

function getPolicy(ctx: SandboxContext, policyId: string): PolicyRecord {
  const record = ctx.store.policies.get(policyId);
  if (!record) throw notFound("Policy", policyId);
  return record;
}

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
    const records = ctx.store.policies.values();
    return c.json(paginate(records, query, (record) => record.policy));
  });

  api.post("/policies", platform, async (c) => {
    const body = await readJson(c, createSchema);
    assertNameFree(ctx, body.name);
    const now = ctx.now().toISOString();
    const policy: Policy = {
      id: ctx.ids.nextId("pol"),
      name: body.name,
      description: body.description ?? null,
      rules: body.rules ?? {},
      version: 1,
      createdAt: now,
      updatedAt: now,
    };
    ctx.store.policies.set(policy.id, { seq: ctx.ids.nextSeq(), policy });
    return c.json({ item: policy }, 201);
  });

  api.get("/policies/:policyId", platform, (c) => {
    return c.json({ item: getPolicy(ctx, c.req.param("policyId")).policy });
  });

  api.patch("/policies/:policyId", platform, async (c) => {
    const record = getPolicy(ctx, c.req.param("policyId"));
    const body = await readJson(c, updateSchema);
    if (body.name !== undefined) assertNameFree(ctx, body.name, record.policy.id);
    const { policy } = record;
    const changed = (body.name !== undefined && body.name !== policy.name) ||
      (body.description !== undefined && body.description !== policy.description) ||
      (body.rules !== undefined && JSON.stringify(body.rules) !== JSON.stringify(policy.rules));
    if (changed) {
      record.policy = {
        ...policy,
        name: body.name ?? policy.name,
        description: body.description ?? policy.description,
        rules: body.rules ?? policy.rules,
        version: policy.version + 1,
        updatedAt: ctx.now().toISOString(),
      };
    }
    return c.json({ item: record.policy });
  });
}
