/**
 * Machines: the lookups every machine-scoped route starts with ({@linkcode requireMachine},
 * {@linkcode requireActiveMachine}), whether a machine counts as identity-verified, and creating,
 * reading (re-verifying the stored proof), updating and archiving one. With
 * `machineIdentityVerification: "off"` identity proofs are optional: machines without one are
 * listed, activated and paired like verified ones.
 *
 * @module
 */
import type { CreateMachineBody, UpdateMachineBody } from "../../contract/machines.ts";
import type { Machine, MachineIdentityProof } from "../../src/types/mod.ts";
import type { SandboxContext } from "../context.ts";
import { ApiError, notFound } from "../errors.ts";
import { canonicalIdentityRef } from "../identities.ts";
import type { MachineRecord } from "../store.ts";
import { validationError } from "../validate.ts";
import { identityStillVerified, resolveControllers, verifyIdentityProof } from "./identity.ts";

function verificationRequired(ctx: SandboxContext): boolean {
  return ctx.options.machineIdentityVerification === "required";
}

/**
 * The machine record or 404 `NOT_FOUND`.
 *
 * @example
 * ```ts ignore
 * const { machine } = requireMachine(ctx, c.req.param("machineId"));
 * ```
 */
export function requireMachine(ctx: SandboxContext, machineId: string): MachineRecord {
  const record = ctx.store.machines.get(machineId);
  if (record === undefined) throw notFound("Machine", machineId);
  return record;
}

/**
 * Whether the machine counts as identity-verified now: its stored proof still holds (the
 * identity resolves and the signer still controls it), or verification is switched off.
 *
 * @example
 * ```ts ignore
 * const listed = machines.filter((machine) => isIdentityVerified(ctx, machine));
 * ```
 */
export function isIdentityVerified(ctx: SandboxContext, machine: Machine): boolean {
  return !verificationRequired(ctx) || identityStillVerified(ctx, machine);
}

/**
 * The machine, which must be identity-verified (409 `MACHINE_NOT_ACTIVATED`, also when its
 * identity stopped resolving) and active (409 `MACHINE_NOT_ACTIVE`); 404 when unknown. Agents
 * act only for such machines, and the orchestration group (runtime endpoints, machine agents,
 * graph, tasks) serves only them.
 *
 * @example
 * ```ts ignore
 * const machine = requireActiveMachine(ctx, body.machineId);
 * ```
 */
export function requireActiveMachine(ctx: SandboxContext, machineId: string): Machine {
  const { machine } = requireMachine(ctx, machineId);
  if (!isIdentityVerified(ctx, machine)) {
    throw new ApiError(
      409,
      "MACHINE_NOT_ACTIVATED",
      machine.identityProof
        ? `Machine identity no longer resolves to its verified controller: '${machineId}'`
        : `Machine has no verified identity: '${machineId}'`,
    );
  }
  if (machine.status !== "active") {
    throw new ApiError(409, "MACHINE_NOT_ACTIVE", `Machine is ${machine.status}: '${machineId}'`);
  }
  return machine;
}

function assertIdentityFree(ctx: SandboxContext, identityRef: string, selfId?: string): void {
  const canonical = canonicalIdentityRef(identityRef);
  for (const { machine } of ctx.store.machines.values()) {
    if (
      machine.id !== selfId && machine.identityRef &&
      canonicalIdentityRef(machine.identityRef) === canonical
    ) {
      // Archived machines keep their identity: the record, and its history, stay attributable.
      throw new ApiError(
        409,
        "MACHINE_IDENTITY_EXISTS",
        `Identity already belongs to another machine: '${identityRef}'`,
      );
    }
  }
}

function notActivated(): ApiError {
  return new ApiError(
    409,
    "MACHINE_NOT_ACTIVATED",
    "Machine cannot be active without a verified identity: send 'identityRef' and 'identityProof'",
  );
}

function proofRequired(): ApiError {
  return new ApiError(
    400,
    "MACHINE_IDENTITY_PROOF_REQUIRED",
    "'identityRef' needs an 'identityProof' over a challenge for it",
  );
}

function assertProofPaired(body: { identityRef?: unknown; identityProof?: unknown }): void {
  if (body.identityProof && !body.identityRef) {
    throw validationError([{ path: "identityRef", message: "required with 'identityProof'" }]);
  }
}

/**
 * The machines that count as identity-verified now, in creation order: what `GET /machines`
 * lists.
 *
 * @example
 * ```ts ignore
 * const records = listVerifiedMachines(ctx);
 * ```
 */
export function listVerifiedMachines(ctx: SandboxContext): MachineRecord[] {
  return [...ctx.store.machines.values()].filter((r) => isIdentityVerified(ctx, r.machine));
}

/**
 * Creates a machine: status `draft` unless `active` is asked for, which needs a verified identity
 * (with verification on); an `identityRef` needs its `identityProof`, checked last so a refused
 * request does not burn the challenge.
 *
 * @example
 * ```ts ignore
 * const machine = createMachine(ctx, { displayName: "Rover 7", machineType: "rover" });
 * ```
 */
export function createMachine(
  ctx: SandboxContext,
  body: CreateMachineBody,
): Machine {
  assertProofPaired(body);
  if (verificationRequired(ctx)) {
    if (body.identityRef && !body.identityProof) throw proofRequired();
    if (body.status === "active" && !body.identityRef) throw notActivated();
  }
  if (body.identityRef) assertIdentityFree(ctx, body.identityRef);
  let identityProof: MachineIdentityProof | null = null;
  if (body.identityRef && body.identityProof) {
    resolveControllers(ctx, body.identityRef);
    identityProof = verifyIdentityProof(ctx, body.identityRef, body.identityProof);
  }
  const now = ctx.now().toISOString();
  const machine: Machine = {
    id: ctx.ids.nextId("m"),
    displayName: body.displayName,
    status: body.status ?? "draft",
    ownerId: body.ownerId ?? ctx.options.ownerId,
    identityRef: body.identityRef ?? null,
    identityProof,
    machineType: body.machineType,
    runtimeProfile: body.runtimeProfile ?? "default",
    capabilities: body.capabilities ?? [],
    labels: body.labels ?? {},
    policyIds: body.policyIds ?? [],
    skillKeys: body.skillKeys ?? [],
    createdAt: now,
    updatedAt: now,
  };
  ctx.store.machines.set(machine.id, { seq: ctx.ids.nextSeq(), machine });
  return machine;
}

/**
 * The machine as `GET /machines/:machineId` serves it. Every read re-checks a stored proof: an
 * identity that stopped resolving (or whose controller changed) no longer vouches for the
 * machine (409 `MACHINE_NOT_ACTIVATED`).
 *
 * @example
 * ```ts ignore
 * const machine = readMachine(ctx, c.req.param("machineId"));
 * ```
 */
export function readMachine(ctx: SandboxContext, machineId: string): Machine {
  const { machine } = requireMachine(ctx, machineId);
  if (machine.identityProof && !isIdentityVerified(ctx, machine)) {
    throw new ApiError(
      409,
      "MACHINE_NOT_ACTIVATED",
      `Machine identity no longer resolves to its verified controller: '${machine.id}'`,
    );
  }
  return machine;
}

/**
 * Applies an update to the machine of `record`: a set `identityRef` is immutable, a new one needs
 * its proof, and `active` needs a verified identity (with verification on).
 *
 * @example
 * ```ts ignore
 * const machine = updateMachine(ctx, requireMachine(ctx, machineId), { status: "active" });
 * ```
 */
export function updateMachine(
  ctx: SandboxContext,
  record: MachineRecord,
  body: UpdateMachineBody,
): Machine {
  const current = record.machine;
  let identityRef = current.identityRef ?? null;
  let identityProof = current.identityProof ?? null;
  if (body.identityRef !== undefined) {
    if (
      identityRef !== null &&
      canonicalIdentityRef(identityRef) !== canonicalIdentityRef(body.identityRef)
    ) {
      throw new ApiError(
        409,
        "MACHINE_IDENTITY_IMMUTABLE",
        `Machine identity cannot change: it is '${identityRef}'`,
      );
    }
    if (identityRef === null && !body.identityProof && verificationRequired(ctx)) {
      throw proofRequired();
    }
  } else if (body.identityProof && identityRef === null) {
    throw validationError([{ path: "identityRef", message: "required with 'identityProof'" }]);
  }
  const targetRef = body.identityRef ?? identityRef;
  const nextStatus = body.status ?? current.status;
  const willBeVerified = isIdentityVerified(ctx, current) || body.identityProof !== undefined;
  if (nextStatus === "active" && current.status !== "active" && !willBeVerified) {
    throw notActivated();
  }
  if (targetRef !== null && identityRef === null) assertIdentityFree(ctx, targetRef, current.id);
  if (body.identityProof && targetRef !== null) {
    resolveControllers(ctx, targetRef);
    identityProof = verifyIdentityProof(ctx, targetRef, body.identityProof);
  }
  identityRef = identityRef ?? targetRef;
  const machine: Machine = {
    ...current,
    ...(body.displayName !== undefined && { displayName: body.displayName }),
    ...(body.machineType !== undefined && { machineType: body.machineType }),
    ...(body.runtimeProfile !== undefined && { runtimeProfile: body.runtimeProfile }),
    ...(body.capabilities !== undefined && { capabilities: body.capabilities }),
    ...(body.labels !== undefined && { labels: body.labels }),
    ...(body.policyIds !== undefined && { policyIds: body.policyIds }),
    ...(body.skillKeys !== undefined && { skillKeys: body.skillKeys }),
    status: nextStatus,
    identityRef,
    identityProof,
    updatedAt: ctx.now().toISOString(),
  };
  record.machine = machine;
  return machine;
}

/**
 * Archives the machine (idempotent). It keeps its identity, so its history stays attributable.
 *
 * @example
 * ```ts ignore
 * archiveMachine(ctx, requireMachine(ctx, machineId));
 * ```
 */
export function archiveMachine(ctx: SandboxContext, record: MachineRecord): void {
  if (record.machine.status === "archived") return;
  record.machine = { ...record.machine, status: "archived", updatedAt: ctx.now().toISOString() };
}
