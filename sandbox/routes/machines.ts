/**
 * Machines (platform auth): `GET|POST /machines`, `GET|PATCH|DELETE /machines/:machineId`. The
 * rules (identity proofs, activation, archiving) are `domain/machines.ts`.
 *
 * @module
 */
import type { Hono } from "hono";
import { createMachineBody, updateMachineBody } from "../../contract/machines.ts";
import { requirePlatform } from "../auth.ts";
import type { SandboxContext, SandboxEnv } from "../context.ts";
import {
  archiveMachine,
  createMachine,
  listVerifiedMachines,
  readMachine,
  requireMachine,
  updateMachine,
} from "../domain/machines.ts";
import { listQuerySchema, paginate } from "../pagination.ts";
import { readJson, readQuery } from "../validate.ts";

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
    return c.json(paginate(listVerifiedMachines(ctx), query, (r) => r.machine));
  });

  api.post("/machines", platform, async (c) => {
    const body = await readJson(c, createMachineBody);
    return c.json({ item: createMachine(ctx, body) }, 201);
  });

  api.get("/machines/:machineId", platform, (c) => {
    return c.json({ item: readMachine(ctx, c.req.param("machineId")) });
  });

  api.patch("/machines/:machineId", platform, async (c) => {
    const record = requireMachine(ctx, c.req.param("machineId"));
    const body = await readJson(c, updateMachineBody);
    return c.json({ item: updateMachine(ctx, record, body) });
  });

  api.delete("/machines/:machineId", platform, (c) => {
    archiveMachine(ctx, requireMachine(ctx, c.req.param("machineId")));
    return c.body(null, 204);
  });
}
