/**
 * The machine graph: nodes (sensors, actuators, skills, …) and directed, labelled edges between
 * them, per machine.
 *
 * Nodes have a `status` (`draft|active|blocked|degraded`, default `active`) and a free-form
 * `data` object; a node update takes any of the fields and shallow-merges `data`. Deleting a
 * node deletes the edges touching it; an edge's ends must be nodes of the same machine
 * (`VALIDATION_ERROR` naming `fromNodeId`/`toNodeId` otherwise). The graph exists only for
 * active, identity-verified machines (`MACHINE_NOT_ACTIVE`, `MACHINE_NOT_ACTIVATED`).
 *
 * @module
 */
import type {
  CreateGraphEdgeRequest,
  CreateGraphNodeRequest,
  GraphEdge,
  GraphNode,
  MachineGraph,
  UpdateGraphEdgeRequest,
  UpdateGraphNodeRequest,
} from "../../src/types/mod.ts";
import type { SandboxContext } from "../context.ts";
import { notFound } from "../errors.ts";
import type { GraphEdgeRecord, GraphNodeRecord } from "../store.ts";
import { validationError } from "../validate.ts";
import { requireActiveMachine } from "./machines.ts";

function bySeq<R extends { readonly seq: number }>(records: Iterable<R>): R[] {
  return [...records].sort((a, b) => a.seq - b.seq);
}

/**
 * The graph of `machineId` (which must be active and identity-verified): its nodes and edges in
 * creation order.
 *
 * @example
 * ```ts ignore
 * const graph = graphOf(ctx, machineId);
 * ```
 */
export function graphOf(ctx: SandboxContext, machineId: string): MachineGraph {
  requireActiveMachine(ctx, machineId);
  const nodes = bySeq(ctx.store.graphNodes.values()).filter((r) => r.node.machineId === machineId);
  const edges = bySeq(ctx.store.graphEdges.values()).filter((r) => r.edge.machineId === machineId);
  return { machineId, nodes: nodes.map((r) => r.node), edges: edges.map((r) => r.edge) };
}

/**
 * The node `nodeId` of `machineId` (which must be active and identity-verified), or 404
 * `NOT_FOUND`.
 *
 * @example
 * ```ts ignore
 * const record = requireNode(ctx, machineId, nodeId);
 * ```
 */
export function requireNode(
  ctx: SandboxContext,
  machineId: string,
  nodeId: string,
): GraphNodeRecord {
  requireActiveMachine(ctx, machineId);
  const record = ctx.store.graphNodes.get(nodeId);
  if (!record || record.node.machineId !== machineId) throw notFound("Graph node", nodeId);
  return record;
}

/**
 * The edge `edgeId` of `machineId` (which must be active and identity-verified), or 404
 * `NOT_FOUND`.
 *
 * @example
 * ```ts ignore
 * const record = requireEdge(ctx, machineId, edgeId);
 * ```
 */
export function requireEdge(
  ctx: SandboxContext,
  machineId: string,
  edgeId: string,
): GraphEdgeRecord {
  requireActiveMachine(ctx, machineId);
  const record = ctx.store.graphEdges.get(edgeId);
  if (!record || record.edge.machineId !== machineId) throw notFound("Graph edge", edgeId);
  return record;
}

/**
 * Adds a node to the graph of `machineId` (status default `active`).
 *
 * @example
 * ```ts ignore
 * const node = createNode(ctx, machineId, { kind: "sensor", label: "Lidar" });
 * ```
 */
export function createNode(
  ctx: SandboxContext,
  machineId: string,
  body: CreateGraphNodeRequest,
): GraphNode {
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
  return node;
}

/**
 * Updates a node: any of its fields, with `data` shallow-merged.
 *
 * @example
 * ```ts ignore
 * const node = updateNode(ctx, record, { status: "degraded" });
 * ```
 */
export function updateNode(
  ctx: SandboxContext,
  record: GraphNodeRecord,
  body: UpdateGraphNodeRequest,
): GraphNode {
  const { node } = record;
  record.node = {
    ...node,
    kind: body.kind ?? node.kind,
    label: body.label ?? node.label,
    status: body.status ?? node.status,
    data: { ...node.data, ...body.data },
    updatedAt: ctx.now().toISOString(),
  };
  return record.node;
}

/**
 * Deletes a node and every edge touching it.
 *
 * @example
 * ```ts ignore
 * deleteNode(ctx, record);
 * ```
 */
export function deleteNode(ctx: SandboxContext, record: GraphNodeRecord): void {
  const { graphNodes, graphEdges } = ctx.store;
  for (const [edgeId, edge] of graphEdges) {
    if (edge.edge.fromNodeId === record.node.id || edge.edge.toNodeId === record.node.id) {
      graphEdges.delete(edgeId);
    }
  }
  graphNodes.delete(record.node.id);
}

/**
 * Adds an edge between two nodes of the graph of `machineId` (400 `VALIDATION_ERROR` naming
 * `fromNodeId`/`toNodeId` for an end that is not one).
 *
 * @example
 * ```ts ignore
 * const edge = createEdge(ctx, machineId, { fromNodeId, toNodeId, relation: "feeds" });
 * ```
 */
export function createEdge(
  ctx: SandboxContext,
  machineId: string,
  body: CreateGraphEdgeRequest,
): GraphEdge {
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
  return edge;
}

/**
 * Updates an edge's relation or properties (properties are replaced, not merged).
 *
 * @example
 * ```ts ignore
 * const edge = updateEdge(ctx, record, { relation: "powers" });
 * ```
 */
export function updateEdge(
  ctx: SandboxContext,
  record: GraphEdgeRecord,
  body: UpdateGraphEdgeRequest,
): GraphEdge {
  const { edge } = record;
  record.edge = {
    ...edge,
    relation: body.relation ?? edge.relation,
    properties: body.properties ?? edge.properties,
    updatedAt: ctx.now().toISOString(),
  };
  return record.edge;
}

/**
 * Deletes an edge.
 *
 * @example
 * ```ts ignore
 * deleteEdge(ctx, record);
 * ```
 */
export function deleteEdge(ctx: SandboxContext, record: GraphEdgeRecord): void {
  ctx.store.graphEdges.delete(record.edge.id);
}
