/**
 * The machine graph: nodes (sensors, actuators, skills, …) and directed, labelled edges between
 * them, per machine.
 *
 * - `GET /machines/:machineId/graph`
 * - `POST /machines/:machineId/graph/nodes`, `PATCH|DELETE .../graph/nodes/:nodeId`
 * - `POST /machines/:machineId/graph/edges`, `PATCH|DELETE .../graph/edges/:edgeId`
 *
 * Nodes have a `status` (`draft|active|blocked|degraded`, default `active`) and a free-form
 * `data` object; a node update takes any of the fields and shallow-merges `data`. Deleting a
 * node deletes the edges touching it; an edge's ends must be nodes of the same machine
 * (`VALIDATION_ERROR` naming `fromNodeId`/`toNodeId` otherwise). The graph exists only for
 * active, identity-verified machines (`MACHINE_NOT_ACTIVE`, `MACHINE_NOT_ACTIVATED`).
 *
 * @module
 */
import type { Hono } from "hono";
import { z } from "zod";
import type {
  CreateGraphNodeRequest,
  GraphEdge,
  GraphNode,
  UpdateGraphNodeRequest,
} from "../../src/types/mod.ts";
import { requirePlatform } from "../auth.ts";
import type { SandboxContext, SandboxEnv } from "../context.ts";
import { notFound } from "../errors.ts";
import type { GraphEdgeRecord, GraphNodeRecord } from "../store.ts";
import { shortTextSchema } from "../../contract/fields.ts";
import { readJson, validationError } from "../validate.ts";
import { requireActiveMachine } from "./machines.ts";

const properties = z.record(z.string(), z.unknown());
const nodeStatus = z.enum(["draft", "active", "blocked", "degraded"]);

const createNodeSchema = z.strictObject({
  kind: shortTextSchema,
  label: shortTextSchema,
  status: nodeStatus.optional(),
  data: properties.optional(),
}) satisfies z.ZodType<CreateGraphNodeRequest>;

const updateNodeSchema = createNodeSchema.partial() satisfies z.ZodType<UpdateGraphNodeRequest>;

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

function bySeq<R extends { readonly seq: number }>(records: Iterable<R>): R[] {
  return [...records].sort((a, b) => a.seq - b.seq);
}

function getNode(ctx: SandboxContext, machineId: string, nodeId: string): GraphNodeRecord {
  requireActiveMachine(ctx, machineId);
  const record = ctx.store.graphNodes.get(nodeId);
  if (!record || record.node.machineId !== machineId) throw notFound("Graph node", nodeId);
  return record;
}

function getEdge(ctx: SandboxContext, machineId: string, edgeId: string): GraphEdgeRecord {
  requireActiveMachine(ctx, machineId);
  const record = ctx.store.graphEdges.get(edgeId);
  if (!record || record.edge.machineId !== machineId) throw notFound("Graph edge", edgeId);
  return record;
}

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
    const machineId = c.req.param("machineId");
    requireActiveMachine(ctx, machineId);
    const nodes = bySeq(ctx.store.graphNodes.values()).filter((r) =>
      r.node.machineId === machineId
    );
    const edges = bySeq(ctx.store.graphEdges.values()).filter((r) =>
      r.edge.machineId === machineId
    );
    return c.json({
      item: { machineId, nodes: nodes.map((r) => r.node), edges: edges.map((r) => r.edge) },
    });
  });

  api.post(`${base}/nodes`, platform, async (c) => {
    const machineId = c.req.param("machineId");
    requireActiveMachine(ctx, machineId);
    const body = await readJson(c, createNodeSchema);
    const now = ctx.now().toISOString();
    const node: GraphNode = {
      id: ctx.ids.nextId("node"),
      machineId,
      kind: body.kind,
      label: body.label,
      status: body.status ?? "active",
      data: body.data ?? {},
      createdAt: now,
      updatedAt: now,
    };
    ctx.store.graphNodes.set(node.id, { seq: ctx.ids.nextSeq(), node });
    return c.json({ item: node }, 201);
  });

  api.patch(`${base}/nodes/:nodeId`, platform, async (c) => {
    const record = getNode(ctx, c.req.param("machineId"), c.req.param("nodeId"));
    const body = await readJson(c, updateNodeSchema);
    const { node } = record;
    record.node = {
      ...node,
      kind: body.kind ?? node.kind,
      label: body.label ?? node.label,
      status: body.status ?? node.status,
      data: { ...node.data, ...body.data },
      updatedAt: ctx.now().toISOString(),
    };
    return c.json({ item: record.node });
  });

  api.delete(`${base}/nodes/:nodeId`, platform, (c) => {
    const record = getNode(ctx, c.req.param("machineId"), c.req.param("nodeId"));
    const { graphNodes, graphEdges } = ctx.store;
    for (const [edgeId, edge] of graphEdges) {
      if (edge.edge.fromNodeId === record.node.id || edge.edge.toNodeId === record.node.id) {
        graphEdges.delete(edgeId);
      }
    }
    graphNodes.delete(record.node.id);
    return c.body(null, 204);
  });

  api.post(`${base}/edges`, platform, async (c) => {
    const machineId = c.req.param("machineId");
    requireActiveMachine(ctx, machineId);
    const body = await readJson(c, createEdgeSchema);
    const { graphNodes } = ctx.store;
    const issues = (["fromNodeId", "toNodeId"] as const)
      .filter((end) => graphNodes.get(body[end])?.node.machineId !== machineId)
      .map((end) => ({ path: end, message: "must be a node of this machine's graph" }));
    if (issues.length > 0) throw validationError(issues);
    const now = ctx.now().toISOString();
    const edge: GraphEdge = {
      id: ctx.ids.nextId("edge"),
      machineId,
      fromNodeId: body.fromNodeId,
      toNodeId: body.toNodeId,
      relation: body.relation,
      properties: body.properties ?? {},
      createdAt: now,
      updatedAt: now,
    };
    ctx.store.graphEdges.set(edge.id, { seq: ctx.ids.nextSeq(), edge });
    return c.json({ item: edge }, 201);
  });

  api.patch(`${base}/edges/:edgeId`, platform, async (c) => {
    const record = getEdge(ctx, c.req.param("machineId"), c.req.param("edgeId"));
    const body = await readJson(c, updateEdgeSchema);
    const { edge } = record;
    record.edge = {
      ...edge,
      relation: body.relation ?? edge.relation,
      properties: body.properties ?? edge.properties,
      updatedAt: ctx.now().toISOString(),
    };
    return c.json({ item: record.edge });
  });

  api.delete(`${base}/edges/:edgeId`, platform, (c) => {
    const record = getEdge(ctx, c.req.param("machineId"), c.req.param("edgeId"));
    ctx.store.graphEdges.delete(record.edge.id);
    return c.body(null, 204);
  });
}
