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
 * ```ts
 * import { PeaqosClient } from "@peaqos/peaq-os-sdk";
 * declare const machineId: string;
 *
 * const client = PeaqosClient.fromEnv();
 * const { item: task } = await client.orchestration.createTask(machineId, { intent: "map the north field" });
 * console.log(task.status, task.candidates.length);
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
 * const body: CreateTaskRequest = {
 *   intent: "map the north field",
 *   operation: "survey",
 *   input: { areaHectares: 12 },
 * };
 * ```
 */
export type CreateTaskRequest = {
  /** What the machine should get done, in words; `discoverTask` ranks services against it. */
  readonly intent: string;
  /** Only consider services of this skill. */
  readonly skillKey?: string | undefined;
  /** Only consider services offering this operation, and run it. */
  readonly operation?: string | undefined;
  readonly input?: Readonly<Record<string, unknown>> | undefined;
};

/**
 * Body of `resolveTask`: pick one discovered candidate (or let the server choose the best).
 * @experimental
 *
 * @example Usage
 * ```ts
 * import type { ResolveTaskRequest } from "@peaqos/peaq-os-sdk";
 *
 * const body: ResolveTaskRequest = { serviceId: "svc_aerial_mapping" };
 * ```
 */
export type ResolveTaskRequest = {
  readonly serviceId?: string | undefined;
};

/**
 * Body of `executeTask`.
 * @experimental
 *
 * @example Usage
 * ```ts
 * import type { ExecuteTaskRequest } from "@peaqos/peaq-os-sdk";
 *
 * const body: ExecuteTaskRequest = { input: { areaHectares: 12, resolutionCm: 5 } };
 * ```
 */
export type ExecuteTaskRequest = {
  readonly input?: Readonly<Record<string, unknown>> | undefined;
};

/**
 * Options of `listTasks`.
 * @experimental
 *
 * @example Usage
 * ```ts
 * import type { ListTasksOptions } from "@peaqos/peaq-os-sdk";
 *
 * const options: ListTasksOptions = { status: "failed", limit: 20 };
 * ```
 */
export type ListTasksOptions = {
  readonly status?: TaskStatus | undefined;
  readonly cursor?: string | null | undefined;
  readonly limit?: number | undefined;
};

/**
 * Status of a graph node.
 * @experimental
 *
 * @example Usage
 * ```ts
 * import type { GraphNodeStatus } from "@peaqos/peaq-os-sdk";
 *
 * const graphNodeStatus: GraphNodeStatus = "degraded";
 * ```
 */
export type GraphNodeStatus = "draft" | "active" | "blocked" | "degraded";

/**
 * A node of a machine's capability graph; `data` is free-form.
 * @experimental
 *
 * @example From `createGraphNode`
 * ```ts
 * import { PeaqosClient } from "@peaqos/peaq-os-sdk";
 * declare const machineId: string;
 *
 * const client = PeaqosClient.fromEnv();
 * const { item: node } = await client.orchestration.createGraphNode(machineId, {
 *   kind: "sensor",
 *   label: "Lidar",
 *   data: { rangeM: 120 },
 * });
 * console.log(node.id, node.status, node.data);
 * ```
 */
export type GraphNode = {
  readonly id: string;
  readonly machineId: string;
  readonly kind: string;
  readonly label: string;
  readonly status: GraphNodeStatus;
  readonly data: Readonly<Record<string, unknown>>;
  readonly createdAt: string;
  readonly updatedAt: string;
};

/**
 * A directed edge between two graph nodes.
 * @experimental
 *
 * @example From `createGraphEdge`
 * ```ts
 * import { PeaqosClient, type GraphNode } from "@peaqos/peaq-os-sdk";
 * declare const machineId: string;
 * declare const lidar: GraphNode;
 * declare const planner: GraphNode;
 *
 * const client = PeaqosClient.fromEnv();
 * const { item: edge } = await client.orchestration.createGraphEdge(machineId, {
 *   fromNodeId: lidar.id,
 *   toNodeId: planner.id,
 *   relation: "feeds",
 * });
 * console.log(edge.relation);
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
 * ```ts
 * import { PeaqosClient } from "@peaqos/peaq-os-sdk";
 * declare const machineId: string;
 *
 * const client = PeaqosClient.fromEnv();
 * const { item: graph } = await client.orchestration.getMachineGraph(machineId);
 * console.log(`${graph.nodes.length} nodes, ${graph.edges.length} edges`);
 * ```
 */
export type MachineGraph = {
  readonly machineId: string;
  readonly nodes: readonly GraphNode[];
  readonly edges: readonly GraphEdge[];
};

/**
 * Body of `createGraphNode`; `status` defaults to `"active"`, `data` to `{}`.
 * @experimental
 *
 * @example Usage
 * ```ts
 * import type { CreateGraphNodeRequest } from "@peaqos/peaq-os-sdk";
 *
 * const body: CreateGraphNodeRequest = { kind: "sensor", label: "Lidar", data: { rangeM: 120 } };
 * ```
 */
export type CreateGraphNodeRequest = {
  readonly kind: string;
  readonly label: string;
  readonly status?: GraphNodeStatus | undefined;
  readonly data?: Readonly<Record<string, unknown>> | undefined;
};

/**
 * Body of `updateGraphNode`: any of the fields; `data` is shallow-merged into the node's (a key
 * set to `null` stays, as `null`).
 * @experimental
 *
 * @example Mark a sensor degraded and record why
 * ```ts
 * import type { UpdateGraphNodeRequest } from "@peaqos/peaq-os-sdk";
 *
 * const body: UpdateGraphNodeRequest = { status: "degraded", data: { lastError: "no signal" } };
 * ```
 */
export type UpdateGraphNodeRequest = {
  readonly kind?: string | undefined;
  readonly label?: string | undefined;
  readonly status?: GraphNodeStatus | undefined;
  readonly data?: Readonly<Record<string, unknown>> | undefined;
};

/**
 * Body of `createGraphEdge`.
 * @experimental
 *
 * @example Usage
 * ```ts
 * import type { CreateGraphEdgeRequest } from "@peaqos/peaq-os-sdk";
 *
 * const body: CreateGraphEdgeRequest = {
 *   fromNodeId: "node_lidar",
 *   toNodeId: "node_planner",
 *   relation: "feeds",
 * };
 * ```
 */
export type CreateGraphEdgeRequest = {
  readonly fromNodeId: string;
  readonly toNodeId: string;
  readonly relation: string;
  readonly properties?: Readonly<Record<string, unknown>> | undefined;
};

/**
 * Body of `updateGraphEdge`.
 * @experimental
 *
 * @example Usage
 * ```ts
 * import type { UpdateGraphEdgeRequest } from "@peaqos/peaq-os-sdk";
 *
 * const body: UpdateGraphEdgeRequest = { properties: { latencyMs: 15 } };
 * ```
 */
export type UpdateGraphEdgeRequest = {
  readonly relation?: string | undefined;
  readonly properties?: Readonly<Record<string, unknown>> | undefined;
};

/**
 * A named set of rules machines can reference by id.
 * @experimental
 *
 * @example From `listPolicies`
 * ```ts
 * import { PeaqosClient } from "@peaqos/peaq-os-sdk";
 *
 * const client = PeaqosClient.fromEnv();
 * const { items } = await client.orchestration.listPolicies();
 * for (const policy of items) console.log(policy.name, `v${policy.version}`);
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
 * const body: CreatePolicyRequest = {
 *   name: "Night shift",
 *   description: "No purchases between 22:00 and 06:00",
 *   rules: { quietHours: ["22:00", "06:00"] },
 * };
 * ```
 */
export type CreatePolicyRequest = {
  readonly name: string;
  readonly description?: string | undefined;
  readonly rules?: Readonly<Record<string, unknown>> | undefined;
};

/**
 * Body of `updatePolicy`.
 * @experimental
 *
 * @example Usage
 * ```ts
 * import type { UpdatePolicyRequest } from "@peaqos/peaq-os-sdk";
 *
 * const body: UpdatePolicyRequest = { description: "No purchases between 23:00 and 06:00" };
 * ```
 */
export type UpdatePolicyRequest = {
  readonly name?: string | undefined;
  readonly description?: string | undefined;
  readonly rules?: Readonly<Record<string, unknown>> | undefined;
};

/**
 * Options of `listPolicies`.
 * @experimental
 *
 * @example Usage
 * ```ts
 * import type { ListPoliciesOptions } from "@peaqos/peaq-os-sdk";
 *
 * const options: ListPoliciesOptions = { limit: 25 };
 * ```
 */
export type ListPoliciesOptions = {
  readonly cursor?: string | null | undefined;
  readonly limit?: number | undefined;
};

/**
 * One recorded mutation.
 * @experimental
 *
 * @example From `listAuditEvents`
 * ```ts
 * import { PeaqosClient } from "@peaqos/peaq-os-sdk";
 * declare const machineId: string;
 *
 * const client = PeaqosClient.fromEnv();
 * const { items } = await client.orchestration.listAuditEvents({ machineId });
 * for (const event of items) console.log(event.occurredAt, event.actor, event.action, event.statusCode);
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
 * const options: ListAuditEventsOptions = { machineId: "mach_4821", limit: 100 };
 * ```
 */
export type ListAuditEventsOptions = {
  readonly machineId?: string | undefined;
  readonly cursor?: string | null | undefined;
  readonly limit?: number | undefined;
};

/**
 * An execution run.
 * @experimental
 *
 * @example From `listRuns`
 * ```ts
 * import { PeaqosClient } from "@peaqos/peaq-os-sdk";
 * declare const machineId: string;
 *
 * const client = PeaqosClient.fromEnv();
 * const { items } = await client.orchestration.listRuns({ machineId });
 * const failed = items.filter((run) => run.status === "failed");
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
 * const options: ListRunsOptions = { machineId: "mach_4821", limit: 20 };
 * ```
 */
export type ListRunsOptions = {
  readonly machineId?: string | undefined;
  readonly cursor?: string | null | undefined;
  readonly limit?: number | undefined;
};

/**
 * Whether a machine is ready to take orders, check by check.
 * @experimental
 *
 * @example From `getReadiness`
 * ```ts
 * import { PeaqosClient } from "@peaqos/peaq-os-sdk";
 * declare const machineId: string;
 *
 * const client = PeaqosClient.fromEnv();
 * const { item: readiness } = await client.orchestration.getReadiness(machineId);
 * for (const check of readiness.checks) if (!check.ok) console.warn(check.name, check.detail);
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
 * ```ts
 * import { PeaqosClient } from "@peaqos/peaq-os-sdk";
 *
 * const client = PeaqosClient.fromEnv();
 * const health = await client.orchestration.getHealth();
 * if (health.status !== "ok") console.warn("orchestration degraded at", health.time);
 * ```
 */
export type HealthStatus = {
  readonly status: "ok" | "degraded";
  /** The service's version, when it reports one. */
  readonly version?: string | undefined;
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
 * const body: CancelMarketOrderRequest = { reason: "Mission aborted" };
 * ```
 */
export type CancelMarketOrderRequest = {
  readonly reason?: string | undefined;
};

/**
 * `cancelMarketOrder` and `retryMarketOrder` result.
 * @experimental
 *
 * @example From `cancelMarketOrder`
 * ```ts
 * import { PeaqosClient } from "@peaqos/peaq-os-sdk";
 * declare const pairingToken: string;
 * declare const orderId: string;
 *
 * const client = PeaqosClient.fromEnv();
 * const { order, payment } = await client.orchestration.cancelMarketOrder(orderId, {}, pairingToken);
 * console.log(order.status, payment?.status);
 * ```
 */
export type MarketOrderActionResponse = {
  readonly order: MarketOrder;
  readonly payment: MarketPayment | null;
};
