/**
 * Wire shapes of the endpoints the SDK document lists as "coming next": tasks, the machine
 * graph, policies, observability and the order-family extras. Every type here is
 * `@experimental`: treat them as shapes likely to change.
 *
 * @module
 */
import type { MarketOrder } from "./market.ts";
import type { MarketPayment } from "./payments.ts";

/**
 * Status of a task.
 * @experimental
 */
export type TaskStatus =
  | "created"
  | "discovered"
  | "resolved"
  | "executing"
  | "succeeded"
  | "failed";

/**
 * A unit of work a machine is asked to do.
 * @experimental
 */
export type Task = {
  readonly id: string;
  readonly machineId: string;
  readonly orderId: string | null;
  readonly intent: string;
  readonly skillKey: string | null;
  readonly serviceId: string | null;
  readonly status: TaskStatus;
  readonly input: Readonly<Record<string, unknown>>;
  readonly candidates: readonly {
    readonly serviceId: string;
    readonly skillKey: string;
    readonly score: number;
  }[];
  readonly routeId: string | null;
  readonly runId: string | null;
  readonly outcomeId: string | null;
  readonly createdAt: string;
  readonly updatedAt: string;
};

/**
 * Body of `createTask`.
 * @experimental
 */
export type CreateTaskRequest = {
  /** What the machine should get done, in words; `discoverTask` ranks services against it. */
  readonly intent: string;
  /** Only consider services of this skill. */
  readonly skillKey?: string;
  /** Only consider services offering this operation, and run it. */
  readonly operation?: string;
  readonly input?: Readonly<Record<string, unknown>>;
};

/**
 * Body of `resolveTask`: pick one discovered candidate (or let the server choose the best).
 * @experimental
 */
export type ResolveTaskRequest = {
  readonly serviceId?: string;
};

/**
 * Body of `executeTask`.
 * @experimental
 */
export type ExecuteTaskRequest = {
  readonly input?: Readonly<Record<string, unknown>>;
};

/**
 * Options of `listTasks`.
 * @experimental
 */
export type ListTasksOptions = {
  readonly status?: TaskStatus;
  readonly cursor?: string;
  readonly limit?: number;
};

/**
 * A node of a machine's capability graph.
 * @experimental
 */
export type GraphNode = {
  readonly id: string;
  readonly machineId: string;
  readonly kind: string;
  readonly label: string;
  readonly properties: Readonly<Record<string, unknown>>;
  readonly createdAt: string;
  readonly updatedAt: string;
};

/**
 * A directed edge between two graph nodes.
 * @experimental
 */
export type GraphEdge = {
  readonly id: string;
  readonly machineId: string;
  readonly fromNodeId: string;
  readonly toNodeId: string;
  readonly relation: string;
  readonly properties: Readonly<Record<string, unknown>>;
  readonly createdAt: string;
  readonly updatedAt: string;
};

/**
 * A machine's whole graph.
 * @experimental
 */
export type MachineGraph = {
  readonly machineId: string;
  readonly nodes: readonly GraphNode[];
  readonly edges: readonly GraphEdge[];
};

/**
 * Body of `createGraphNode`.
 * @experimental
 */
export type CreateGraphNodeRequest = {
  readonly kind: string;
  readonly label: string;
  readonly properties?: Readonly<Record<string, unknown>>;
};

/**
 * Body of `updateGraphNode`.
 * @experimental
 */
export type UpdateGraphNodeRequest = {
  readonly kind?: string;
  readonly label?: string;
  readonly properties?: Readonly<Record<string, unknown>>;
};

/**
 * Body of `createGraphEdge`.
 * @experimental
 */
export type CreateGraphEdgeRequest = {
  readonly fromNodeId: string;
  readonly toNodeId: string;
  readonly relation: string;
  readonly properties?: Readonly<Record<string, unknown>>;
};

/**
 * Body of `updateGraphEdge`.
 * @experimental
 */
export type UpdateGraphEdgeRequest = {
  readonly relation?: string;
  readonly properties?: Readonly<Record<string, unknown>>;
};

/**
 * A named set of rules machines can reference by id.
 * @experimental
 */
export type Policy = {
  readonly id: string;
  readonly name: string;
  readonly description: string | null;
  readonly rules: Readonly<Record<string, unknown>>;
  readonly version: number;
  readonly createdAt: string;
  readonly updatedAt: string;
};

/**
 * Body of `createPolicy`.
 * @experimental
 */
export type CreatePolicyRequest = {
  readonly name: string;
  readonly description?: string;
  readonly rules?: Readonly<Record<string, unknown>>;
};

/**
 * Body of `updatePolicy`.
 * @experimental
 */
export type UpdatePolicyRequest = {
  readonly name?: string;
  readonly description?: string;
  readonly rules?: Readonly<Record<string, unknown>>;
};

/**
 * Options of `listPolicies`.
 * @experimental
 */
export type ListPoliciesOptions = {
  readonly cursor?: string;
  readonly limit?: number;
};

/**
 * One recorded mutation.
 * @experimental
 */
export type AuditEvent = {
  readonly id: string;
  readonly machineId: string | null;
  /** `<resourceType>.<verb>`, e.g. `"order.execute"` or `"machine.create"`. */
  readonly action: string;
  /** Singular kebab-case kind, e.g. `"order"`, `"agent-pairing"`, `"graph-node"`. */
  readonly resourceType: string;
  readonly resourceId: string;
  readonly actor: "platform" | "agent" | "machine-agent" | "system";
  /** The route that made the change, e.g. `"POST /market/orders/:orderId/execute"`. */
  readonly route: string;
  /** HTTP status of the successful response. */
  readonly statusCode: number;
  readonly occurredAt: string;
};

/**
 * Options of `listAuditEvents`.
 * @experimental
 */
export type ListAuditEventsOptions = {
  readonly machineId?: string;
  readonly cursor?: string;
  readonly limit?: number;
};

/**
 * An execution run.
 * @experimental
 */
export type Run = {
  readonly id: string;
  readonly machineId: string;
  readonly orderId: string | null;
  readonly taskId: string | null;
  readonly routeId: string | null;
  readonly outcomeId: string | null;
  readonly providerKey: string;
  readonly operation: string;
  readonly status: "running" | "succeeded" | "failed";
  readonly startedAt: string;
  readonly completedAt: string | null;
};

/**
 * Options of `listRuns`.
 * @experimental
 */
export type ListRunsOptions = {
  readonly machineId?: string;
  readonly cursor?: string;
  readonly limit?: number;
};

/**
 * Whether a machine is ready to take orders, check by check.
 * @experimental
 */
export type MachineReadiness = {
  readonly machineId: string;
  readonly ready: boolean;
  readonly checks: readonly {
    readonly name: string;
    readonly ok: boolean;
    readonly detail: string;
  }[];
};

/**
 * The service's health, served at the host root.
 * @experimental
 */
export type HealthStatus = {
  readonly status: "ok" | "degraded";
  /** The service's version, when it reports one. */
  readonly version?: string;
  readonly time: string;
};

/**
 * Body of `cancelMarketOrder`.
 * @experimental
 */
export type CancelMarketOrderRequest = {
  readonly reason?: string;
};

/**
 * `cancelMarketOrder` and `retryMarketOrder` result.
 * @experimental
 */
export type MarketOrderActionResponse = {
  readonly order: MarketOrder;
  readonly payment: MarketPayment | null;
};
