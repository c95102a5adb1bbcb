/**
 * Policies: named rule sets machines reference through `policyIds` (readiness checks that every
 * reference resolves). Names are unique; every change bumps `version`.
 *
 * @module
 */
import type { Policy } from "../../src/types/mod.ts";
import type { SandboxContext } from "../context.ts";
import { notFound } from "../errors.ts";
import type { PolicyRecord } from "../store.ts";
import { validationError } from "../validate.ts";

/** The fields of a policy a request may set (all but `name` optional on create). */
export type PolicyChanges = {
  readonly name?: string | undefined;
  readonly description?: string | undefined;
  readonly rules?: Readonly<Record<string, unknown>> | undefined;
};

function assertNameFree(ctx: SandboxContext, name: string, selfId?: string): void {
  for (const { policy } of ctx.store.policies.values()) {
    if (policy.id !== selfId && policy.name === name) {
      throw validationError([{ path: "name", message: `a policy named '${name}' exists` }]);
    }
  }
}

/**
 * The policy `policyId`, or 404 `NOT_FOUND`.
 *
 * @example
 * ```ts ignore
 * const { policy } = requirePolicy(ctx, policyId);
 * ```
 */
export function requirePolicy(ctx: SandboxContext, policyId: string): PolicyRecord {
  const record = ctx.store.policies.get(policyId);
  if (!record) throw notFound("Policy", policyId);
  return record;
}

/**
 * Every policy, in creation order.
 *
 * @example
 * ```ts ignore
 * const records = listPolicies(ctx);
 * ```
 */
export function listPolicies(ctx: SandboxContext): PolicyRecord[] {
  return [...ctx.store.policies.values()];
}

/**
 * Creates a policy at version 1 (400 `VALIDATION_ERROR` naming `name` when one is taken).
 *
 * @example
 * ```ts ignore
 * const policy = createPolicy(ctx, { name: "night-shift", rules: { maxSpeed: 2 } });
 * ```
 */
export function createPolicy(
  ctx: SandboxContext,
  body: PolicyChanges & { readonly name: string },
): Policy {
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
  return policy;
}

/**
 * Updates a policy; a change of name, description or rules bumps its `version`, an update that
 * changes nothing leaves it as it is.
 *
 * @example
 * ```ts ignore
 * const policy = updatePolicy(ctx, record, { rules: { maxSpeed: 3 } });
 * ```
 */
export function updatePolicy(
  ctx: SandboxContext,
  record: PolicyRecord,
  body: PolicyChanges,
): Policy {
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
  return record.policy;
}
