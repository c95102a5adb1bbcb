/**
 * The routes marked "coming next" in the SDK document (tasks, the capability graph, policies,
 * observability, order extras), as methods of `client.orchestration`. Every one is
 * `@experimental`: its shape may still change.
 *
 * @module
 */
import type { RequestOptions } from "../transport.ts";
import type { ItemResponse, ListResponse } from "../types/common.ts";
import type {
  AuditEvent,
  CancelMarketOrderRequest,
  CreateGraphEdgeRequest,
  CreateGraphNodeRequest,
  CreatePolicyRequest,
  CreateTaskRequest,
  ExecuteTaskRequest,
  GraphEdge,
  GraphNode,
  HealthStatus,
  ListAuditEventsOptions,
  ListPoliciesOptions,
  ListRunsOptions,
  ListTasksOptions,
  MachineGraph,
  MachineReadiness,
  MarketOrderActionResponse,
  Policy,
  ResolveTaskRequest,
  Run,
  Task,
  UpdateGraphEdgeRequest,
  UpdateGraphNodeRequest,
  UpdatePolicyRequest,
} from "../types/experimental.ts";
import type { Routes } from "./routes.ts";

/**
 * Tasks, the capability graph, policies, audit events and runs, readiness and health, and
 * order cancel and retry.
 *
 * @experimental
 * @example A task from intent to result
 * ```ts
 * import { PeaqosClient } from "@peaqos/peaq-os-sdk";
 *
 * const client = new PeaqosClient({ orchestrationUrl: "https://orchestration.peaq.xyz" });
 * const api = client.orchestration;
 * const { item: task } = await api.createTask("m-1", { intent: "map the north field" });
 * const { item: discovered } = await api.discoverTask("m-1", task.id);
 * console.log(discovered.candidates.length);
 * await api.resolveTask("m-1", task.id); // the best candidate wins
 * const { item: done } = await api.executeTask("m-1", task.id, { input: { areaHectares: 12 } });
 * if (done.runId) console.log((await api.getRun(done.runId)).item.status);
 * ```
 */
export interface ExperimentalApi {
  /**
   * Creates a task for a machine (`POST /machines/:machineId/tasks`).
   *
   * @experimental
   * @example
   * ```ts
   * import { PeaqosClient } from "@peaqos/peaq-os-sdk";
   *
   * const client = new PeaqosClient({ orchestrationUrl: "https://orchestration.peaq.xyz" });
   * const { item: task } = await client.orchestration.createTask("m-1", { intent: "detect objects" });
   * ```
   */
  createTask(
    machineId: string,
    params: CreateTaskRequest,
    requestOptions?: RequestOptions,
  ): Promise<ItemResponse<Task>>;

  /**
   * Finds services able to do a task (`POST /machines/:machineId/tasks/:taskId/discover`);
   * `item.candidates` come ranked best first.
   *
   * @experimental
   * @example
   * ```ts
   * import { PeaqosClient } from "@peaqos/peaq-os-sdk";
   *
   * const client = new PeaqosClient({ orchestrationUrl: "https://orchestration.peaq.xyz" });
   * const { item: task } = await client.orchestration.discoverTask("m-1", "task-1");
   * ```
   */
  discoverTask(
    machineId: string,
    taskId: string,
    requestOptions?: RequestOptions,
  ): Promise<ItemResponse<Task>>;

  /**
   * Picks the service that will do a task (`POST /machines/:machineId/tasks/:taskId/resolve`);
   * without `serviceId` the best candidate wins.
   *
   * @experimental
   * @example
   * ```ts
   * import { PeaqosClient } from "@peaqos/peaq-os-sdk";
   *
   * const client = new PeaqosClient({ orchestrationUrl: "https://orchestration.peaq.xyz" });
   * await client.orchestration.resolveTask("m-1", "task-1", { serviceId: "svc-1" });
   * ```
   */
  resolveTask(
    machineId: string,
    taskId: string,
    params?: ResolveTaskRequest,
    requestOptions?: RequestOptions,
  ): Promise<ItemResponse<Task>>;

  /**
   * Runs a resolved task (`POST /machines/:machineId/tasks/:taskId/execute`); the task then
   * names its `runId` and `outcomeId`.
   *
   * @experimental
   * @example
   * ```ts
   * import { PeaqosClient } from "@peaqos/peaq-os-sdk";
   *
   * const client = new PeaqosClient({ orchestrationUrl: "https://orchestration.peaq.xyz" });
   * const { item: task } = await client.orchestration.executeTask("m-1", "task-1", { input: { image: "…" } });
   * ```
   */
  executeTask(
    machineId: string,
    taskId: string,
    params?: ExecuteTaskRequest,
    requestOptions?: RequestOptions,
  ): Promise<ItemResponse<Task>>;

  /**
   * Gets one task (`GET /machines/:machineId/tasks/:taskId`).
   *
   * @experimental
   * @example
   * ```ts
   * import { PeaqosClient } from "@peaqos/peaq-os-sdk";
   *
   * const client = new PeaqosClient({ orchestrationUrl: "https://orchestration.peaq.xyz" });
   * const { item: task } = await client.orchestration.getTask("m-1", "task-1");
   * ```
   */
  getTask(
    machineId: string,
    taskId: string,
    requestOptions?: RequestOptions,
  ): Promise<ItemResponse<Task>>;

  /**
   * Lists a machine's tasks, including those its orders created
   * (`GET /machines/:machineId/tasks`).
   *
   * @experimental
   * @example
   * ```ts
   * import { PeaqosClient } from "@peaqos/peaq-os-sdk";
   *
   * const client = new PeaqosClient({ orchestrationUrl: "https://orchestration.peaq.xyz" });
   * const { items } = await client.orchestration.listTasks("m-1", { status: "succeeded" });
   * ```
   */
  listTasks(
    machineId: string,
    options?: ListTasksOptions,
    requestOptions?: RequestOptions,
  ): Promise<ListResponse<Task>>;

  /**
   * Iterates every task of a machine across pages.
   *
   * @experimental
   * @example
   * ```ts
   * import { PeaqosClient } from "@peaqos/peaq-os-sdk";
   *
   * const client = new PeaqosClient({ orchestrationUrl: "https://orchestration.peaq.xyz" });
   * for await (const task of client.orchestration.listTasksAll("m-1", { status: "failed" })) {
   *   console.log(task.id, task.intent);
   * }
   * ```
   */
  listTasksAll(
    machineId: string,
    options?: Omit<ListTasksOptions, "cursor">,
    requestOptions?: RequestOptions,
  ): AsyncGenerator<Task, void, undefined>;

  /**
   * Gets a machine's whole capability graph (`GET /machines/:machineId/graph`).
   *
   * @experimental
   * @example
   * ```ts
   * import { PeaqosClient } from "@peaqos/peaq-os-sdk";
   *
   * const client = new PeaqosClient({ orchestrationUrl: "https://orchestration.peaq.xyz" });
   * const { item: graph } = await client.orchestration.getMachineGraph("m-1");
   * console.log(graph.nodes.length, graph.edges.length);
   * ```
   */
  getMachineGraph(
    machineId: string,
    requestOptions?: RequestOptions,
  ): Promise<ItemResponse<MachineGraph>>;

  /**
   * Adds a node to a machine's graph (`POST /machines/:machineId/graph/nodes`).
   *
   * @experimental
   * @example
   * ```ts
   * import { PeaqosClient } from "@peaqos/peaq-os-sdk";
   *
   * const client = new PeaqosClient({ orchestrationUrl: "https://orchestration.peaq.xyz" });
   * const { item: node } = await client.orchestration.createGraphNode("m-1", { kind: "sensor", label: "Lidar" });
   * ```
   */
  createGraphNode(
    machineId: string,
    params: CreateGraphNodeRequest,
    requestOptions?: RequestOptions,
  ): Promise<ItemResponse<GraphNode>>;

  /**
   * Updates a graph node (`PATCH /machines/:machineId/graph/nodes/:nodeId`); `data` is
   * shallow-merged into the node's.
   *
   * @experimental
   * @example
   * ```ts
   * import { PeaqosClient } from "@peaqos/peaq-os-sdk";
   *
   * const client = new PeaqosClient({ orchestrationUrl: "https://orchestration.peaq.xyz" });
   * await client.orchestration.updateGraphNode("m-1", "node-1", { status: "degraded" });
   * ```
   */
  updateGraphNode(
    machineId: string,
    nodeId: string,
    params: UpdateGraphNodeRequest,
    requestOptions?: RequestOptions,
  ): Promise<ItemResponse<GraphNode>>;

  /**
   * Deletes a graph node and every edge touching it
   * (`DELETE /machines/:machineId/graph/nodes/:nodeId`).
   *
   * @experimental
   * @example
   * ```ts
   * import { PeaqosClient } from "@peaqos/peaq-os-sdk";
   *
   * const client = new PeaqosClient({ orchestrationUrl: "https://orchestration.peaq.xyz" });
   * await client.orchestration.deleteGraphNode("m-1", "node-1");
   * ```
   */
  deleteGraphNode(
    machineId: string,
    nodeId: string,
    requestOptions?: RequestOptions,
  ): Promise<void>;

  /**
   * Links two nodes of a machine's graph (`POST /machines/:machineId/graph/edges`).
   *
   * @experimental
   * @example
   * ```ts
   * import { PeaqosClient } from "@peaqos/peaq-os-sdk";
   *
   * const client = new PeaqosClient({ orchestrationUrl: "https://orchestration.peaq.xyz" });
   * const { item: edge } = await client.orchestration.createGraphEdge("m-1", {
   *   fromNodeId: "node-lidar",
   *   toNodeId: "node-planner",
   *   relation: "feeds",
   * });
   * ```
   */
  createGraphEdge(
    machineId: string,
    params: CreateGraphEdgeRequest,
    requestOptions?: RequestOptions,
  ): Promise<ItemResponse<GraphEdge>>;

  /**
   * Updates a graph edge (`PATCH /machines/:machineId/graph/edges/:edgeId`).
   *
   * @experimental
   * @example
   * ```ts
   * import { PeaqosClient } from "@peaqos/peaq-os-sdk";
   *
   * const client = new PeaqosClient({ orchestrationUrl: "https://orchestration.peaq.xyz" });
   * await client.orchestration.updateGraphEdge("m-1", "edge-1", { relation: "controls" });
   * ```
   */
  updateGraphEdge(
    machineId: string,
    edgeId: string,
    params: UpdateGraphEdgeRequest,
    requestOptions?: RequestOptions,
  ): Promise<ItemResponse<GraphEdge>>;

  /**
   * Deletes a graph edge (`DELETE /machines/:machineId/graph/edges/:edgeId`).
   *
   * @experimental
   * @example
   * ```ts
   * import { PeaqosClient } from "@peaqos/peaq-os-sdk";
   *
   * const client = new PeaqosClient({ orchestrationUrl: "https://orchestration.peaq.xyz" });
   * await client.orchestration.deleteGraphEdge("m-1", "edge-1");
   * ```
   */
  deleteGraphEdge(
    machineId: string,
    edgeId: string,
    requestOptions?: RequestOptions,
  ): Promise<void>;

  /**
   * Lists policies (`GET /policies`).
   *
   * @experimental
   * @example
   * ```ts
   * import { PeaqosClient } from "@peaqos/peaq-os-sdk";
   *
   * const client = new PeaqosClient({ orchestrationUrl: "https://orchestration.peaq.xyz" });
   * const { items } = await client.orchestration.listPolicies({ limit: 50 });
   * ```
   */
  listPolicies(
    options?: ListPoliciesOptions,
    requestOptions?: RequestOptions,
  ): Promise<ListResponse<Policy>>;

  /**
   * Iterates every policy across pages.
   *
   * @experimental
   * @example
   * ```ts
   * import { PeaqosClient } from "@peaqos/peaq-os-sdk";
   *
   * const client = new PeaqosClient({ orchestrationUrl: "https://orchestration.peaq.xyz" });
   * for await (const policy of client.orchestration.listPoliciesAll()) console.log(policy.name);
   * ```
   */
  listPoliciesAll(
    options?: Omit<ListPoliciesOptions, "cursor">,
    requestOptions?: RequestOptions,
  ): AsyncGenerator<Policy, void, undefined>;

  /**
   * Creates a policy (`POST /policies`); machines reference it through `policyIds`.
   *
   * @experimental
   * @example
   * ```ts
   * import { PeaqosClient } from "@peaqos/peaq-os-sdk";
   *
   * const client = new PeaqosClient({ orchestrationUrl: "https://orchestration.peaq.xyz" });
   * const { item: policy } = await client.orchestration.createPolicy({ name: "night-shift", rules: { maxSpeed: 2 } });
   * await client.orchestration.updateMachine("m-1", { policyIds: [policy.id] });
   * ```
   */
  createPolicy(
    params: CreatePolicyRequest,
    requestOptions?: RequestOptions,
  ): Promise<ItemResponse<Policy>>;

  /**
   * Gets one policy (`GET /policies/:policyId`).
   *
   * @experimental
   * @example
   * ```ts
   * import { PeaqosClient } from "@peaqos/peaq-os-sdk";
   *
   * const client = new PeaqosClient({ orchestrationUrl: "https://orchestration.peaq.xyz" });
   * const { item: policy } = await client.orchestration.getPolicy("policy-1");
   * ```
   */
  getPolicy(policyId: string, requestOptions?: RequestOptions): Promise<ItemResponse<Policy>>;

  /**
   * Updates a policy (`PATCH /policies/:policyId`); every change bumps `version`.
   *
   * @experimental
   * @example
   * ```ts
   * import { PeaqosClient } from "@peaqos/peaq-os-sdk";
   *
   * const client = new PeaqosClient({ orchestrationUrl: "https://orchestration.peaq.xyz" });
   * const { item: policy } = await client.orchestration.updatePolicy("policy-1", { rules: { maxSpeed: 1 } });
   * console.log(policy.version);
   * ```
   */
  updatePolicy(
    policyId: string,
    params: UpdatePolicyRequest,
    requestOptions?: RequestOptions,
  ): Promise<ItemResponse<Policy>>;

  /**
   * Lists recorded mutations, newest last (`GET /audit-events?machineId`).
   *
   * @experimental
   * @example
   * ```ts
   * import { PeaqosClient } from "@peaqos/peaq-os-sdk";
   *
   * const client = new PeaqosClient({ orchestrationUrl: "https://orchestration.peaq.xyz" });
   * const { items } = await client.orchestration.listAuditEvents({ machineId: "m-1" });
   * ```
   */
  listAuditEvents(
    options?: ListAuditEventsOptions,
    requestOptions?: RequestOptions,
  ): Promise<ListResponse<AuditEvent>>;

  /**
   * Iterates every audit event across pages; `machineId` passes through on every page.
   *
   * @experimental
   * @example
   * ```ts
   * import { PeaqosClient } from "@peaqos/peaq-os-sdk";
   *
   * const client = new PeaqosClient({ orchestrationUrl: "https://orchestration.peaq.xyz" });
   * for await (const event of client.orchestration.listAuditEventsAll({ machineId: "m-1" })) {
   *   console.log(event.occurredAt, event.action, event.actor);
   * }
   * ```
   */
  listAuditEventsAll(
    options?: Omit<ListAuditEventsOptions, "cursor">,
    requestOptions?: RequestOptions,
  ): AsyncGenerator<AuditEvent, void, undefined>;

  /**
   * Lists execution runs, from orders and tasks alike (`GET /runs?machineId`).
   *
   * @experimental
   * @example
   * ```ts
   * import { PeaqosClient } from "@peaqos/peaq-os-sdk";
   *
   * const client = new PeaqosClient({ orchestrationUrl: "https://orchestration.peaq.xyz" });
   * const { items } = await client.orchestration.listRuns({ machineId: "m-1" });
   * ```
   */
  listRuns(options?: ListRunsOptions, requestOptions?: RequestOptions): Promise<ListResponse<Run>>;

  /**
   * Iterates every run across pages; `machineId` passes through on every page.
   *
   * @experimental
   * @example
   * ```ts
   * import { PeaqosClient } from "@peaqos/peaq-os-sdk";
   *
   * const client = new PeaqosClient({ orchestrationUrl: "https://orchestration.peaq.xyz" });
   * for await (const run of client.orchestration.listRunsAll({ machineId: "m-1" })) {
   *   if (run.status === "failed") console.log(run.id, run.operation);
   * }
   * ```
   */
  listRunsAll(
    options?: Omit<ListRunsOptions, "cursor">,
    requestOptions?: RequestOptions,
  ): AsyncGenerator<Run, void, undefined>;

  /**
   * Gets one run (`GET /runs/:runId`), e.g. the `runId` of an executed order.
   *
   * @experimental
   * @example
   * ```ts
   * import { PeaqosClient } from "@peaqos/peaq-os-sdk";
   *
   * const client = new PeaqosClient({ orchestrationUrl: "https://orchestration.peaq.xyz" });
   * const { item: order } = await client.orchestration.getMarketOrder("order-1");
   * if (order.runId) console.log((await client.orchestration.getRun(order.runId)).item.status);
   * ```
   */
  getRun(runId: string, requestOptions?: RequestOptions): Promise<ItemResponse<Run>>;

  /**
   * Checks whether a machine can take orders, check by check
   * (`GET /machines/:machineId/readiness`).
   *
   * @experimental
   * @example
   * ```ts
   * import { PeaqosClient } from "@peaqos/peaq-os-sdk";
   *
   * const client = new PeaqosClient({ orchestrationUrl: "https://orchestration.peaq.xyz" });
   * const { item } = await client.orchestration.getReadiness("m-1");
   * if (!item.ready) console.log(item.checks.filter((check) => !check.ok));
   * ```
   */
  getReadiness(
    machineId: string,
    requestOptions?: RequestOptions,
  ): Promise<ItemResponse<MachineReadiness>>;

  /**
   * Gets the service's health (`GET /health` at the root of `orchestrationUrl`, not under
   * `/api/v1`; sends no auth header).
   *
   * @experimental
   * @example
   * ```ts
   * import { PeaqosClient } from "@peaqos/peaq-os-sdk";
   *
   * const client = new PeaqosClient({ orchestrationUrl: "https://orchestration.peaq.xyz" });
   * const health = await client.orchestration.getHealth({ timeoutMs: 2_000 });
   * console.log(health.status, health.version);
   * ```
   */
  getHealth(requestOptions?: RequestOptions): Promise<HealthStatus>;

  /**
   * Cancels an order before it executes (`POST /market/orders/:orderId/cancel`, agent auth);
   * a held payment is refunded. Executed or closed orders refuse with `ORDER_CLOSED`.
   *
   * @experimental
   * @example
   * ```ts
   * import { PeaqosClient } from "@peaqos/peaq-os-sdk";
   *
   * declare const pairingToken: string;
   * const client = new PeaqosClient({ orchestrationUrl: "https://orchestration.peaq.xyz" });
   * const { order } = await client.orchestration.cancelMarketOrder(
   *   "order-1",
   *   { reason: "No longer needed" },
   *   pairingToken,
   * );
   * ```
   */
  cancelMarketOrder(
    orderId: string,
    params: CancelMarketOrderRequest | undefined,
    pairingToken: string,
    requestOptions?: RequestOptions,
  ): Promise<MarketOrderActionResponse>;

  /**
   * Makes a `failed` order executable again (`POST /market/orders/:orderId/retry`, agent
   * auth); any other status refuses with `ORDER_CLOSED`.
   *
   * @experimental
   * @example Retry, then execute again
   * ```ts
   * import { PeaqosClient } from "@peaqos/peaq-os-sdk";
   *
   * declare const pairingToken: string;
   * const client = new PeaqosClient({ orchestrationUrl: "https://orchestration.peaq.xyz" });
   * await client.orchestration.retryMarketOrder("order-1", pairingToken);
   * const result = await client.orchestration.executeMarketOrder("order-1", {}, pairingToken);
   * ```
   */
  retryMarketOrder(
    orderId: string,
    pairingToken: string,
    requestOptions?: RequestOptions,
  ): Promise<MarketOrderActionResponse>;
}

/** The routes of {@linkcode ExperimentalApi}. @internal */
export const EXPERIMENTAL_ROUTES: Routes<ExperimentalApi> = {
  createTask: "POST /machines/:machineId/tasks item body need:intent",
  discoverTask: "POST /machines/:machineId/tasks/:taskId/discover item",
  resolveTask: "POST /machines/:machineId/tasks/:taskId/resolve item body",
  executeTask: "POST /machines/:machineId/tasks/:taskId/execute item body",
  getTask: "GET /machines/:machineId/tasks/:taskId item",
  listTasks: "GET /machines/:machineId/tasks list query",
  getMachineGraph: "GET /machines/:machineId/graph item",
  createGraphNode: "POST /machines/:machineId/graph/nodes item body need:kind,label",
  updateGraphNode: "PATCH /machines/:machineId/graph/nodes/:nodeId item body",
  deleteGraphNode: "DELETE /machines/:machineId/graph/nodes/:nodeId void",
  createGraphEdge:
    "POST /machines/:machineId/graph/edges item body need:fromNodeId,toNodeId,relation",
  updateGraphEdge: "PATCH /machines/:machineId/graph/edges/:edgeId item body",
  deleteGraphEdge: "DELETE /machines/:machineId/graph/edges/:edgeId void",
  listPolicies: "GET /policies list query",
  createPolicy: "POST /policies item body need:name",
  getPolicy: "GET /policies/:policyId item",
  updatePolicy: "PATCH /policies/:policyId item body",
  listAuditEvents: "GET /audit-events list query",
  listRuns: "GET /runs list query",
  getRun: "GET /runs/:runId item",
  getReadiness: "GET /machines/:machineId/readiness item",
  getHealth: "GET /health object noauth root",
  cancelMarketOrder: "POST /market/orders/:orderId/cancel confirm body agent",
  retryMarketOrder: "POST /market/orders/:orderId/retry confirm agent",
};
