/**
 * The machine graph (platform auth, active identity-verified machines only):
 *
 * - `GET /machines/:machineId/graph`
 * - `POST /machines/:machineId/graph/nodes`, `PATCH|DELETE .../graph/nodes/:nodeId`
 * - `POST /machines/:machineId/graph/edges`, `PATCH|DELETE .../graph/edges/:edgeId`
 *
 * The records and their rules are `domain/graph.ts`.
 *
 * @module
 */
import type { Hono } from "hono";
import { z } from "zod";
import { shortTextSchema } from "../../contract/fields.ts";
import type { Ties } from "../../contract/ties.ts";
import type {
  CreateGraphEdgeRequest,
  CreateGraphNodeRequest,
  UpdateGraphEdgeRequest,
  UpdateGraphNodeRequest,
} from "../../src/types/mod.ts";
import { requirePlatform } from "../auth.ts";
import type { SandboxContext, SandboxEnv } from "../context.ts";
import {
  createEdge,
  createNode,
  deleteEdge,
  deleteNode,
  graphOf,
  requireEdge,
  requireNode,
  updateEdge,
  updateNode,
} from "../domain/graph.ts";
import { requireActiveMachine } from "../domain/machines.ts";
import { readJson } from "../validate.ts";

const properties = z.record(z.string(), z.unknown());
const nodeStatus = z.enum(["draft", "active", "blocked", "degraded"]);

const createNodeSchema = z.strictObject({
  kind: shortTextSchema,
  label: shortTextSchema,
  status: nodeStatus.optional(),
  data: properties.optional(),
});

const updateNodeSchema = createNodeSchema.partial();

const createEdgeSchema = z.strictObject({
  fromNodeId: shortTextSchema,
  toNodeId: shortTextSchema,
  relation: shortTextSchema,
  properties: properties.optional(),
});

const updateEdgeSchema = z.strictObject({
  relation: shortTextSchema.optional(),
  properties: properties.optional(),
});

// Compile-time ties: a drift between a schema and the SDK's type fails `deno check` here.
const _createNode: Ties<z.output<typeof createNodeSchema>, CreateGraphNodeRequest> = true;
const _updateNode: Ties<z.output<typeof updateNodeSchema>, UpdateGraphNodeRequest> = true;
const _createEdge: Ties<z.output<typeof createEdgeSchema>, CreateGraphEdgeRequest> = true;
const _updateEdge: Ties<z.output<typeof updateEdgeSchema>, UpdateGraphEdgeRequest> = true;

/**
 * Registers the graph routes.
 *
 * @example
 * ```ts ignore
 * registerGraphRoutes(api, ctx);
 * ```
 */
export function registerGraphRoutes(api: Hono<SandboxEnv>, ctx: SandboxContext): void {
  const platform = requirePlatform(ctx);
  const base = "/machines/:machineId/graph";

  api.get(base, platform, (c) => {
    return c.json({ item: graphOf(ctx, c.req.param("machineId")) });
  });

  api.post(`${base}/nodes`, platform, async (c) => {
    const { id: machineId } = requireActiveMachine(ctx, c.req.param("machineId"));
    const body = await readJson(c, createNodeSchema);
    return c.json({ item: createNode(ctx, machineId, body) }, 201);
  });

  api.patch(`${base}/nodes/:nodeId`, platform, async (c) => {
    const record = requireNode(ctx, c.req.param("machineId"), c.req.param("nodeId"));
    const body = await readJson(c, updateNodeSchema);
    return c.json({ item: updateNode(ctx, record, body) });
  });

  api.delete(`${base}/nodes/:nodeId`, platform, (c) => {
    deleteNode(ctx, requireNode(ctx, c.req.param("machineId"), c.req.param("nodeId")));
    return c.body(null, 204);
  });

  api.post(`${base}/edges`, platform, async (c) => {
    const { id: machineId } = requireActiveMachine(ctx, c.req.param("machineId"));
    const body = await readJson(c, createEdgeSchema);
    return c.json({ item: createEdge(ctx, machineId, body) }, 201);
  });

  api.patch(`${base}/edges/:edgeId`, platform, async (c) => {
    const record = requireEdge(ctx, c.req.param("machineId"), c.req.param("edgeId"));
    const body = await readJson(c, updateEdgeSchema);
    return c.json({ item: updateEdge(ctx, record, body) });
  });

  api.delete(`${base}/edges/:edgeId`, platform, (c) => {
    deleteEdge(ctx, requireEdge(ctx, c.req.param("machineId"), c.req.param("edgeId")));
    return c.body(null, 204);
  });
}
