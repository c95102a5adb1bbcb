/**
 * State of the "coming next" endpoints (tasks, routes, runs, outcomes, the machine graph,
 * policies, the audit log), one per sandbox context, beside the platform and market stores.
 * Order executions land here too: {@linkcode recordOrderExecution} turns an executed order into
 * its task, route, run and outcome records, so `GET /runs/:runId` and
 * `GET /machines/:machineId/tasks` see them.
 *
 * @module
 */
import type {
  AuditEvent,
  GraphEdge,
  GraphNode,
  MarketOrder,
  MarketOutcome,
  MarketRun,
  Policy,
  Run,
  Task,
} from "../src/types/mod.ts";
import type { SandboxContext } from "./context.ts";
import { marketStore } from "./market_state.ts";

/** A stored task. */
export type TaskRecord = { readonly seq: number; task: Task };

/** Which service and provider carry out a task: the decision `resolve` (or an order) made. */
export type RouteRecord = {
  readonly id: string;
  readonly taskId: string;
  readonly machineId: string;
  readonly serviceId: string;
  readonly skillKey: string;
  readonly providerKey: string;
  readonly operation: string;
  readonly createdAt: string;
};

/** A stored run, with the outcome it produced. */
export type RunRecord = { readonly seq: number; run: Run; outcome: MarketOutcome | null };

/** A stored graph node or edge. */
export type GraphNodeRecord = { readonly seq: number; node: GraphNode };
/** A stored graph edge. */
export type GraphEdgeRecord = { readonly seq: number; edge: GraphEdge };

/** A stored policy. */
export type PolicyRecord = { readonly seq: number; policy: Policy };

/** A recorded mutation. */
export type AuditRecord = { readonly seq: number; readonly event: AuditEvent };

/** The experimental state of one sandbox app. */
export type ExperimentalStore = {
  readonly tasks: Map<string, TaskRecord>;
  readonly routes: Map<string, RouteRecord>;
  readonly runs: Map<string, RunRecord>;
  readonly graphNodes: Map<string, GraphNodeRecord>;
  readonly graphEdges: Map<string, GraphEdgeRecord>;
  readonly policies: Map<string, PolicyRecord>;
  readonly audit: AuditRecord[];
};

const stores = new WeakMap<SandboxContext, ExperimentalStore>();

/**
 * The experimental store of `ctx`, created on first use.
 *
 * @example
 * ```ts ignore
 * const { runs } = experimentalStore(ctx);
 * ```
 */
export function experimentalStore(ctx: SandboxContext): ExperimentalStore {
  let store = stores.get(ctx);
  if (!store) {
    store = {
      tasks: new Map(),
      routes: new Map(),
      runs: new Map(),
      graphNodes: new Map(),
      graphEdges: new Map(),
      policies: new Map(),
      audit: [],
    };
    stores.set(ctx, store);
  }
  return store;
}

/** What an order's execute answered, as far as records are concerned. */
export type OrderExecution =
  | { readonly mode: "native"; readonly run: MarketRun; readonly outcome: MarketOutcome }
  | { readonly mode: "external-handoff" };

/**
 * Records an executed order: one task per order (created on the first execution, updated on a
 * retry's), its route, and for native runs the run and outcome. Returns the ids to write on the
 * order.
 *
 * @example
 * ```ts ignore
 * const ids = recordOrderExecution(ctx, order, { mode: "native", run, outcome });
 * updateOrder(ctx, record, ids);
 * ```
 */
export function recordOrderExecution(
  ctx: SandboxContext,
  order: MarketOrder,
  execution: OrderExecution,
): { readonly taskId: string; readonly routeId: string } {
  const store = experimentalStore(ctx);
  const now = ctx.now().toISOString();
  const existing = order.taskId ? store.tasks.get(order.taskId) : undefined;
  const taskId = existing?.task.id ?? ctx.ids.nextId("task");
  let routeId = existing?.task.routeId ?? null;
  if (routeId === null) {
    routeId = ctx.ids.nextId("route");
    store.routes.set(routeId, {
      id: routeId,
      taskId,
      machineId: order.machineId,
      serviceId: order.serviceId,
      skillKey: order.skillKey,
      providerKey: order.providerKey,
      operation: order.operation,
      createdAt: now,
    });
  }
  const native = execution.mode === "native" ? execution : undefined;
  if (native) {
    store.runs.set(native.run.id, {
      seq: ctx.ids.nextSeq(),
      run: {
        id: native.run.id,
        machineId: order.machineId,
        orderId: order.id,
        taskId,
        routeId,
        outcomeId: native.outcome.id,
        providerKey: native.run.providerKey,
        operation: native.run.operation,
        status: native.run.status,
        startedAt: native.run.startedAt,
        completedAt: native.run.completedAt,
      },
      outcome: native.outcome,
    });
  }
  const quoteScore = order.quoteId
    ? marketStore(ctx).quotes.get(order.quoteId)?.quote.score
    : undefined;
  const task: Task = {
    id: taskId,
    machineId: order.machineId,
    orderId: order.id,
    intent: `${order.operation} via ${order.serviceSnapshot.name}`,
    skillKey: order.skillKey,
    serviceId: order.serviceId,
    // A handoff leaves the work to the external provider: routed, but not run here.
    status: native ? native.run.status : "resolved",
    input: order.input,
    candidates: [{ serviceId: order.serviceId, skillKey: order.skillKey, score: quoteScore ?? 1 }],
    routeId,
    runId: native?.run.id ?? null,
    outcomeId: native?.outcome.id ?? null,
    createdAt: existing?.task.createdAt ?? now,
    updatedAt: now,
  };
  if (existing) existing.task = task;
  else store.tasks.set(taskId, { seq: ctx.ids.nextSeq(), task });
  return { taskId, routeId };
}
