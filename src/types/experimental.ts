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
 *
 * @example Usage
 * ```ts
 * import type { TaskStatus } from "@peaqos/peaq-os-sdk";
 *
 * const taskStatus: TaskStatus = "discovered";
 * ```
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
 *
 * @example From `createTask`
 * ```ts ignore
 * import { PeaqosClient } from "@peaqos/peaq-os-sdk";
 *
 * const client = PeaqosClient.fromEnv();
 * const { item } = await client.orchestration.createTask(machineId, params);
 * console.log(item.status);
 * ```
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
 *
 * @example Usage
 * ```ts
 * import type { CreateTaskRequest } from "@peaqos/peaq-os-sdk";
 *
 * const createTaskRequest: CreateTaskRequest = { intent: "intent" };
 * ```
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
 *
 * @example Usage
 * ```ts
 * import type { ResolveTaskRequest } from "@peaqos/peaq-os-sdk";
 *
 * const resolveTaskRequest: ResolveTaskRequest = { serviceId: "service_123" };
 * ```
 */
export type ResolveTaskRequest = {
  readonly serviceId?: string;
};

/**
 * Body of `executeTask`.
 * @experimental
 *
 * @example Usage
 * ```ts
 * import type { ExecuteTaskRequest } from "@peaqos/peaq-os-sdk";
 *
 * const executeTaskRequest: ExecuteTaskRequest = {};
 * ```
 */
export type ExecuteTaskRequest = {
  readonly input?: Readonly<Record<string, unknown>>;
};

/**
 * Options of `listTasks`.
 * @experimental
 *
 * @example Usage
 * ```ts
 * import type { ListTasksOptions } from "@peaqos/peaq-os-sdk";
 *
 * const listTasksOptions: ListTasksOptions = { limit: 50 };
 * ```
 */
export type ListTasksOptions = {
  readonly status?: TaskStatus;
  readonly cursor?: string;
  readonly limit?: number;
};

/**
 * A node of a machine's capability graph.
 * @experimental
 *
 * @example From `createGraphNode`
 * ```ts ignore
 * import { PeaqosClient } from "@peaqos/peaq-os-sdk";
 *
 * const client = PeaqosClient.fromEnv();
 * const { item } = await client.orchestration.createGraphNode(machineId, params);
 * console.log(item.label);
 * ```
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
 *
 * @example From `createGraphEdge`
 * ```ts ignore
 * import { PeaqosClient } from "@peaqos/peaq-os-sdk";
 *
 * const client = PeaqosClient.fromEnv();
 * const { item } = await client.orchestration.createGraphEdge(machineId, params);
 * console.log(item.machineId);
 * ```
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
 *
 * @example From `getMachineGraph`
 * ```ts ignore
 * import { PeaqosClient } from "@peaqos/peaq-os-sdk";
 *
 * const client = PeaqosClient.fromEnv();
 * const { item } = await client.orchestration.getMachineGraph(machineId);
 * console.log(item.machineId);
 * ```
 */
export type MachineGraph = {
  readonly machineId: string;
  readonly nodes: readonly GraphNode[];
  readonly edges: readonly GraphEdge[];
};

/**
 * Body of `createGraphNode`.
 * @experimental
 *
 * @example Usage
 * ```ts
 * import type { CreateGraphNodeRequest } from "@peaqos/peaq-os-sdk";
 *
 * const createGraphNodeRequest: CreateGraphNodeRequest = { kind: "kind", label: "Survey" };
 * ```
 */
export type CreateGraphNodeRequest = {
  readonly kind: string;
  readonly label: string;
  readonly properties?: Readonly<Record<string, unknown>>;
};

/**
 * Body of `updateGraphNode`.
 * @experimental
 *
 * @example Usage
 * ```ts
 * import type { UpdateGraphNodeRequest } from "@peaqos/peaq-os-sdk";
 *
 * const updateGraphNodeRequest: UpdateGraphNodeRequest = { kind: "kind" };
 * ```
 */
export type UpdateGraphNodeRequest = {
  readonly kind?: string;
  readonly label?: string;
  readonly properties?: Readonly<Record<string, unknown>>;
};

/**
 * Body of `createGraphEdge`.
 * @experimental
 *
 * @example Usage
 * ```ts
 * import type { CreateGraphEdgeRequest } from "@peaqos/peaq-os-sdk";
 *
 * const createGraphEdgeRequest: CreateGraphEdgeRequest = { fromNodeId: "fromNode_123", toNodeId: "toNode_123", relation: "relation" };
 * ```
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
 *
 * @example Usage
 * ```ts
 * import type { UpdateGraphEdgeRequest } from "@peaqos/peaq-os-sdk";
 *
 * const updateGraphEdgeRequest: UpdateGraphEdgeRequest = { relation: "relation" };
 * ```
 */
export type UpdateGraphEdgeRequest = {
  readonly relation?: string;
  readonly properties?: Readonly<Record<string, unknown>>;
};

/**
 * A named set of rules machines can reference by id.
 * @experimental
 *
 * @example From `listPolicies`
 * ```ts ignore
 * import { PeaqosClient } from "@peaqos/peaq-os-sdk";
 *
 * const client = PeaqosClient.fromEnv();
 * const { items } = await client.orchestration.listPolicies();
 * for (const policy of items) console.log(policy.name);
 * ```
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
 *
 * @example Usage
 * ```ts
 * import type { CreatePolicyRequest } from "@peaqos/peaq-os-sdk";
 *
 * const createPolicyRequest: CreatePolicyRequest = { name: "Nightly survey" };
 * ```
 */
export type CreatePolicyRequest = {
  readonly name: string;
  readonly description?: string;
  readonly rules?: Readonly<Record<string, unknown>>;
};

/**
 * Body of `updatePolicy`.
 * @experimental
 *
 * @example Usage
 * ```ts
 * import type { UpdatePolicyRequest } from "@peaqos/peaq-os-sdk";
 *
 * const updatePolicyRequest: UpdatePolicyRequest = { name: "Nightly survey" };
 * ```
 */
export type UpdatePolicyRequest = {
  readonly name?: string;
  readonly description?: string;
  readonly rules?: Readonly<Record<string, unknown>>;
};

/**
 * Options of `listPolicies`.
 * @experimental
 *
 * @example Usage
 * ```ts
 * import type { ListPoliciesOptions } from "@peaqos/peaq-os-sdk";
 *
 * const listPoliciesOptions: ListPoliciesOptions = { limit: 50 };
 * ```
 */
export type ListPoliciesOptions = {
  readonly cursor?: string;
  readonly limit?: number;
};

/**
 * One recorded mutation.
 * @experimental
 *
 * @example From `listAuditEvents`
 * ```ts ignore
 * import { PeaqosClient } from "@peaqos/peaq-os-sdk";
 *
 * const client = PeaqosClient.fromEnv();
 * const { items } = await client.orchestration.listAuditEvents();
 * for (const auditEvent of items) console.log(auditEvent.machineId);
 * ```
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
 *
 * @example Usage
 * ```ts
 * import type { ListAuditEventsOptions } from "@peaqos/peaq-os-sdk";
 *
 * const listAuditEventsOptions: ListAuditEventsOptions = { limit: 50 };
 * ```
 */
export type ListAuditEventsOptions = {
  readonly machineId?: string;
  readonly cursor?: string;
  readonly limit?: number;
};

/**
 * An execution run.
 * @experimental
 *
 * @example From `listRuns`
 * ```ts ignore
 * import { PeaqosClient } from "@peaqos/peaq-os-sdk";
 *
 * const client = PeaqosClient.fromEnv();
 * const { items } = await client.orchestration.listRuns();
 * for (const run of items) console.log(run.status);
 * ```
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
 *
 * @example Usage
 * ```ts
 * import type { ListRunsOptions } from "@peaqos/peaq-os-sdk";
 *
 * const listRunsOptions: ListRunsOptions = { limit: 50 };
 * ```
 */
export type ListRunsOptions = {
  readonly machineId?: string;
  readonly cursor?: string;
  readonly limit?: number;
};

/**
 * Whether a machine is ready to take orders, check by check.
 * @experimental
 *
 * @example From `getReadiness`
 * ```ts ignore
 * import { PeaqosClient } from "@peaqos/peaq-os-sdk";
 *
 * const client = PeaqosClient.fromEnv();
 * const { item } = await client.orchestration.getReadiness(machineId);
 * console.log(item.machineId);
 * ```
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
 *
 * @example From `getHealth`
 * ```ts ignore
 * import { PeaqosClient } from "@peaqos/peaq-os-sdk";
 *
 * const client = PeaqosClient.fromEnv();
 * const healthStatus = await client.orchestration.getHealth();
 * console.log(healthStatus.status);
 * ```
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
 *
 * @example Usage
 * ```ts
 * import type { CancelMarketOrderRequest } from "@peaqos/peaq-os-sdk";
 *
 * const cancelMarketOrderRequest: CancelMarketOrderRequest = { reason: "Customer changed plans" };
 * ```
 */
export type CancelMarketOrderRequest = {
  readonly reason?: string;
};

/**
 * `cancelMarketOrder` and `retryMarketOrder` result.
 * @experimental
 *
 * @example From `cancelMarketOrder`
 * ```ts ignore
 * import { PeaqosClient } from "@peaqos/peaq-os-sdk";
 *
 * const client = PeaqosClient.fromEnv();
 * const marketOrderActionResponse = await client.orchestration.cancelMarketOrder(orderId, params, pairingToken);
 * console.log(marketOrderActionResponse.order);
 * ```
 */
export type MarketOrderActionResponse = {
  readonly order: MarketOrder;
  readonly payment: MarketPayment | null;
};
