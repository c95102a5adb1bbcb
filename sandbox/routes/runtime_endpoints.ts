/**
 * Runtime endpoints under `/machines/:machineId/runtime-endpoints` (platform auth): list, get,
 * upsert (`PUT`, `source: "manual"`) and delete, for active, identity-verified machines only.
 * The records and their defaults are `domain/runtime_endpoints.ts`.
 *
 * @module
 */
import type { Hono } from "hono";
import { z } from "zod";
import { upsertRuntimeEndpointBody } from "../../contract/agents.ts";
import { providerKeySchema } from "../../contract/fields.ts";
import { requirePlatform } from "../auth.ts";
import type { SandboxContext, SandboxEnv } from "../context.ts";
import { requireActiveMachine } from "../domain/machines.ts";
import {
  deleteRuntimeEndpoint,
  requireRuntimeEndpoint,
  runtimeEndpointsOf,
  upsertRuntimeEndpoint,
} from "../domain/runtime_endpoints.ts";
import { listQuerySchema, paginate } from "../pagination.ts";
import { parseWith, readJson, readQuery } from "../validate.ts";

const listSchema = listQuerySchema.extend({ source: z.enum(["manual", "agent"]).optional() });

function providerKeyParam(value: string | undefined): string {
  return parseWith(z.object({ providerKey: providerKeySchema }), { providerKey: value })
    .providerKey.toLowerCase();
}

/**
 * Registers the runtime endpoint routes under `/machines/:machineId/runtime-endpoints`.
 *
 * @example
 * ```ts ignore
 * registerRuntimeEndpointRoutes(api, ctx);
 * ```
 */
export function registerRuntimeEndpointRoutes(api: Hono<SandboxEnv>, ctx: SandboxContext): void {
  const platform = requirePlatform(ctx);
  const base = "/machines/:machineId/runtime-endpoints";

  api.get(base, platform, (c) => {
    const { id: machineId } = requireActiveMachine(ctx, c.req.param("machineId"));
    const query = readQuery(c, listSchema);
    return c.json(
      paginate(runtimeEndpointsOf(ctx, machineId, query.source), query, (r) => r.endpoint),
    );
  });

  api.get(`${base}/:providerKey`, platform, (c) => {
    const { id: machineId } = requireActiveMachine(ctx, c.req.param("machineId"));
    const providerKey = providerKeyParam(c.req.param("providerKey"));
    return c.json({ item: requireRuntimeEndpoint(ctx, machineId, providerKey).endpoint });
  });

  api.put(`${base}/:providerKey`, platform, async (c) => {
    const { id: machineId } = requireActiveMachine(ctx, c.req.param("machineId"));
    const providerKey = providerKeyParam(c.req.param("providerKey"));
    const body = await readJson(c, upsertRuntimeEndpointBody);
    const { endpoint, created } = upsertRuntimeEndpoint(
      ctx,
      machineId,
      providerKey,
      body,
      "manual",
    );
    return c.json({ item: endpoint }, created ? 201 : 200);
  });

  api.delete(`${base}/:providerKey`, platform, (c) => {
    const { id: machineId } = requireActiveMachine(ctx, c.req.param("machineId"));
    deleteRuntimeEndpoint(ctx, machineId, providerKeyParam(c.req.param("providerKey")));
    return c.body(null, 204);
  });
}
