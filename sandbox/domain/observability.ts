/**
 * What the observability routes read: the audit log, runs, and a machine's readiness (identity,
 * status, policy references, an active pairing, live runtime endpoints), each check with a
 * detail a person can act on.
 *
 * @module
 */
import type { Machine, MachineReadiness } from "../../src/types/mod.ts";
import type { SandboxContext } from "../context.ts";
import { notFound } from "../errors.ts";
import type { AuditRecord, RunRecord } from "../store.ts";
import { isIdentityVerified, requireMachine } from "./machines.ts";

/**
 * The audit log, optionally of one machine.
 *
 * @example
 * ```ts ignore
 * const records = auditEventsOf(ctx, "m_1");
 * ```
 */
export function auditEventsOf(ctx: SandboxContext, machineId: string | undefined): AuditRecord[] {
  return ctx.store.audit.filter((record) =>
    machineId === undefined || record.event.machineId === machineId
  );
}

/**
 * Every run (of tasks and of orders), optionally of one machine.
 *
 * @example
 * ```ts ignore
 * const records = runsOf(ctx, "m_1");
 * ```
 */
export function runsOf(ctx: SandboxContext, machineId: string | undefined): RunRecord[] {
  return [...ctx.store.runs.values()].filter((record) =>
    machineId === undefined || record.run.machineId === machineId
  );
}

/**
 * The run `runId`, or 404 `NOT_FOUND`.
 *
 * @example
 * ```ts ignore
 * const { run } = requireRun(ctx, "run_1");
 * ```
 */
export function requireRun(ctx: SandboxContext, runId: string): RunRecord {
  const record = ctx.store.runs.get(runId);
  if (!record) throw notFound("Run", runId);
  return record;
}

function identityCheck(ctx: SandboxContext, machine: Machine): MachineReadiness["checks"][number] {
  const ok = isIdentityVerified(ctx, machine);
  const ref = machine.identityProof?.identityRef;
  let detail: string;
  if (ref === undefined) {
    detail = ok
      ? "Identity verification is off"
      : "No verified identity: create or update the machine with an identity proof";
  } else {
    detail = ok
      ? `Verified for '${ref}'`
      : `Identity no longer resolves to its verified controller: '${ref}'`;
  }
  return { name: "identity", ok, detail };
}

/**
 * Whether `machineId` is ready to work, and why not: every check with its detail.
 *
 * @example
 * ```ts ignore
 * const { ready, checks } = machineReadiness(ctx, "m_1");
 * ```
 */
export function machineReadiness(ctx: SandboxContext, machineId: string): MachineReadiness {
  const { machine } = requireMachine(ctx, machineId);
  const now = ctx.now().getTime();
  const missingPolicies = machine.policyIds.filter((id) => !ctx.store.policies.has(id));
  const pairings = [...ctx.store.pairings.values()].filter((record) =>
    record.pairing.machineId === machineId && record.pairing.status === "active"
  );
  const endpoints = [...ctx.store.runtimeEndpoints.values()]
    .map((record) => record.endpoint)
    .filter((endpoint) => endpoint.machineId === machineId);
  const stale = endpoints.filter((endpoint) =>
    endpoint.status === "unreachable" ||
    (endpoint.leaseExpiresAt !== null && Date.parse(endpoint.leaseExpiresAt) <= now)
  );
  const checks = [
    identityCheck(ctx, machine),
    {
      name: "status",
      ok: machine.status === "active",
      detail: `Machine is '${machine.status}'`,
    },
    {
      name: "policies",
      ok: missingPolicies.length === 0,
      detail: missingPolicies.length === 0
        ? `${machine.policyIds.length} policy reference(s) resolve`
        : `Unknown policies: ${missingPolicies.map((id) => `'${id}'`).join(", ")}`,
    },
    {
      name: "agent-pairing",
      ok: pairings.length > 0,
      detail: `${pairings.length} active agent pairing(s)`,
    },
    {
      name: "runtime-endpoints",
      ok: stale.length === 0,
      detail: stale.length === 0
        ? `${endpoints.length} runtime endpoint(s), none stale`
        : `Stale or unreachable: ${stale.map((e) => `'${e.providerKey}'`).join(", ")}`,
    },
  ];
  return { machineId, ready: checks.every((check) => check.ok), checks };
}
