/**
 * Machines: list (identity-verified only), create, get, update, archive.
 *
 * @module
 */
import type { Hono } from "hono";
import { z } from "zod";
import type { Machine, MachineIdentityProof } from "../../src/types/mod.ts";
import { requirePlatform } from "../auth.ts";
import type { SandboxContext, SandboxEnv } from "../context.ts";
import { ApiError, notFound } from "../errors.ts";
import { listQuerySchema, paginate } from "../pagination.ts";
import { proofSchema, shortTextSchema } from "../../contract/fields.ts";
import type { MachineRecord } from "../store.ts";
import { readJson, readQuery, validationError } from "../validate.ts";
import {
  canonicalIdentityRef,
  identityRefSchema,
  resolveControllers,
  verifyIdentityProof,
} from "./identity.ts";

const stringList = z.array(shortTextSchema).max(100);
const labelsSchema = z.record(z.string().min(1).max(100), z.string().max(500));

const createSchema = z.strictObject({
  displayName: shortTextSchema,
  machineType: shortTextSchema,
  runtimeProfile: shortTextSchema.optional(),
  status: z.enum(["draft", "active"]).optional(),
  capabilities: stringList.optional(),
  labels: labelsSchema.optional(),
  policyIds: stringList.optional(),
  skillKeys: stringList.optional(),
  identityRef: identityRefSchema.optional(),
  identityProof: proofSchema.optional(),
});

// The same fields, all optional, and every status a machine can be moved to.
const updateSchema = createSchema.extend({
  status: z.enum(["draft", "active", "degraded", "blocked", "archived"]),
}).partial();

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
 * The machine, which must be identity-verified (409 `MACHINE_NOT_ACTIVATED`) and active
 * (409 `MACHINE_NOT_ACTIVE`); 404 when unknown. Agents act only for such machines.
 *
 * @example
 * ```ts ignore
 * const machine = requireActiveMachine(ctx, body.machineId);
 * ```
 */
export function requireActiveMachine(ctx: SandboxContext, machineId: string): Machine {
  const { machine } = requireMachine(ctx, machineId);
  if (!machine.identityProof) {
    throw new ApiError(
      409,
      "MACHINE_NOT_ACTIVATED",
      `Machine has no verified identity: '${machineId}'`,
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

/**
 * Registers the machine routes.
 *
 * @example
 * ```ts ignore
 * registerMachineRoutes(api, ctx);
 * ```
 */
export function registerMachineRoutes(api: Hono<SandboxEnv>, ctx: SandboxContext): void {
  const platform = requirePlatform(ctx);

  api.get("/machines", platform, (c) => {
    const query = readQuery(c, listQuerySchema);
    const verified = [...ctx.store.machines.values()].filter((r) => r.machine.identityProof);
    return c.json(paginate(verified, query, (r) => r.machine));
  });

  api.post("/machines", platform, async (c) => {
    const body = await readJson(c, createSchema);
    if (body.identityProof && !body.identityRef) {
      throw validationError([{ path: "identityRef", message: "required with 'identityProof'" }]);
    }
    if (body.identityRef && !body.identityProof) throw proofRequired();
    if (body.status === "active" && !body.identityRef) throw notActivated();
    let identityProof: MachineIdentityProof | null = null;
    if (body.identityRef && body.identityProof) {
      resolveControllers(ctx, body.identityRef);
      assertIdentityFree(ctx, body.identityRef);
      identityProof = verifyIdentityProof(ctx, body.identityRef, body.identityProof);
    }
    const now = ctx.now().toISOString();
    const machine: Machine = {
      id: ctx.ids.nextId("m"),
      displayName: body.displayName,
      status: body.status ?? "draft",
      ownerId: ctx.options.ownerId,
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
    return c.json({ item: machine }, 201);
  });

  api.get("/machines/:machineId", platform, (c) => {
    return c.json({ item: requireMachine(ctx, c.req.param("machineId")).machine });
  });

  api.patch("/machines/:machineId", platform, async (c) => {
    const record = requireMachine(ctx, c.req.param("machineId"));
    const body = await readJson(c, updateSchema);
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
      if (identityRef === null && !body.identityProof) throw proofRequired();
    } else if (body.identityProof && identityRef === null) {
      throw validationError([{ path: "identityRef", message: "required with 'identityProof'" }]);
    }
    const targetRef = body.identityRef ?? identityRef;
    const nextStatus = body.status ?? current.status;
    const willBeVerified = identityProof !== null || body.identityProof !== undefined;
    if (nextStatus === "active" && current.status !== "active" && !willBeVerified) {
      throw notActivated();
    }
    if (body.identityProof && targetRef !== null) {
      resolveControllers(ctx, targetRef);
      assertIdentityFree(ctx, targetRef, current.id);
      identityProof = verifyIdentityProof(ctx, targetRef, body.identityProof);
      identityRef = identityRef ?? targetRef;
    }
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
    return c.json({ item: machine });
  });

  api.delete("/machines/:machineId", platform, (c) => {
    const record = requireMachine(ctx, c.req.param("machineId"));
    if (record.machine.status !== "archived") {
      record.machine = {
        ...record.machine,
        status: "archived",
        updatedAt: ctx.now().toISOString(),
      };
    }
    return c.body(null, 204);
  });
}
