/**
 * `client.orchestration`: the Machine Markets API as flat methods, one per HTTP route. Each
 * method states its route, auth and envelope; the transport does the rest.
 *
 * @module
 */
import { paginate } from "./pagination.ts";
import type { RequestOptions, Transport } from "./transport.ts";
import type {
  AgentPairing,
  AgentPairingChallengeResponse,
  AgentPairingWithToken,
  CreateAgentPairingChallengeRequest,
  CreateAgentPairingRequest,
  CreateAgentPairingSessionRequest,
  ListAgentPairingsOptions,
  UpdateAgentPairingRequest,
} from "./types/pairings.ts";
import type { ItemResponse, ListResponse } from "./types/common.ts";
import type {
  CreateMachineIdentityChallengeRequest,
  CreateMachineRequest,
  ListMachinesOptions,
  Machine,
  MachineIdentityChallengeResponse,
  UpdateMachineRequest,
} from "./types/machines.ts";
import type {
  EnrollMachineAgentRequest,
  ListRuntimeEndpointsOptions,
  MachineAgent,
  MachineAgentHeartbeatRequest,
  MachineAgentHeartbeatResponse,
  MachineAgentWithToken,
  RuntimeEndpoint,
  UpsertRuntimeEndpointRequest,
} from "./types/agents.ts";
import type {
  ListSkillsOptions,
  SkillConfigResponse,
  SkillManifest,
  SkillSummary,
  UpdateSkillConfigRequest,
} from "./types/skills.ts";
import type {
  ConfirmMarketOrderResponse,
  CreateMarketOrderRequest,
  DisputeMarketOrderRequest,
  DisputeMarketOrderResponse,
  ExecuteMarketOrderRequest,
  ExecuteMarketOrderResponse,
  GetMarketServiceOptions,
  ListMarketOrdersOptions,
  ListMarketServicesOptions,
  MarketOrder,
  MarketSearch,
  MarketSearchRequest,
  MarketService,
} from "./types/market.ts";
import type {
  CreatePaymentIntentRequest,
  LockEscrowPaymentRequest,
  MarketPayment,
  RefundPaymentRequest,
  ReleasePaymentRequest,
  SubmitPaymentProofRequest,
} from "./types/payments.ts";
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
} from "./types/experimental.ts";

/**
 * The Machine Markets API namespace. Get it from {@linkcode PeaqosClient.orchestration};
 * every method returns a Promise (or an async iterator) and reports failures as rejections
 * with an `OrchestrationError` subclass. The last argument of every method is an optional
 * {@linkcode RequestOptions} (`signal`, `timeoutMs`, `headers`, `paymentSignature`).
 *
 * Auth per call: the client's `apiKey`, when configured, rides as `x-api-key` on every call
 * (the API is public unless the deployment turns API-key auth on; then a call without one is
 * answered `AUTH_REQUIRED`). Methods that take a `pairingToken` also send it as
 * `x-agent-pairing-token`; `machineAgentHeartbeat` sends no auth header.
 *
 * @example List machines
 * ```ts ignore
 * import { PeaqosClient } from "@peaqos/peaq-os-sdk";
 *
 * const client = PeaqosClient.fromEnv();
 * const { items } = await client.orchestration.listMachines({ limit: 20 });
 * ```
 */
export class OrchestrationClient {
  readonly #transport: Transport;

  /** Use `client.orchestration` rather than constructing this directly. */
  constructor(transport: Transport) {
    this.#transport = transport;
  }

  // ---- Machines ----

  /**
   * Lists identity-verified machines, one page at a time (`GET /machines`).
   *
   * @example
   * ```ts ignore
   * const page = await client.orchestration.listMachines({ limit: 50 });
   * ```
   */
  listMachines(
    options?: ListMachinesOptions,
    requestOptions?: RequestOptions,
  ): Promise<ListResponse<Machine>> {
    return this.#transport.request({
      route: "GET /machines",
      query: options,
      paginated: true,
      expect: "list",
    }, requestOptions);
  }

  /**
   * Creates a machine (`POST /machines`); pass `identityRef` and `identityProof` to verify it.
   *
   * @example
   * ```ts ignore
   * const { item } = await client.orchestration.createMachine({ displayName: "Rover 7", machineType: "rover" });
   * ```
   */
  createMachine(
    params: CreateMachineRequest,
    requestOptions?: RequestOptions,
  ): Promise<ItemResponse<Machine>> {
    return this.#transport.request({
      route: "POST /machines",
      body: params,
      required: ["displayName", "machineType"],
      expect: "item",
    }, requestOptions);
  }

  /**
   * Gets one machine (`GET /machines/:machineId`).
   *
   * @example
   * ```ts ignore
   * const { item: machine } = await client.orchestration.getMachine("m-1");
   * ```
   */
  getMachine(
    machineId: string,
    requestOptions?: RequestOptions,
  ): Promise<ItemResponse<Machine>> {
    return this.#transport.request({
      route: "GET /machines/:machineId",
      params: { machineId },
      expect: "item",
    }, requestOptions);
  }

  /**
   * Updates a machine (`PATCH /machines/:machineId`); `identityRef` cannot change once set.
   *
   * @example
   * ```ts ignore
   * await client.orchestration.updateMachine("m-1", { status: "active" });
   * ```
   */
  updateMachine(
    machineId: string,
    params: UpdateMachineRequest,
    requestOptions?: RequestOptions,
  ): Promise<ItemResponse<Machine>> {
    return this.#transport.request({
      route: "PATCH /machines/:machineId",
      params: { machineId },
      body: params,
      expect: "item",
    }, requestOptions);
  }

  /**
   * Archives a machine (`DELETE /machines/:machineId`); the record is kept with status `archived`.
   *
   * @example
   * ```ts ignore
   * await client.orchestration.archiveMachine("m-1");
   * ```
   */
  archiveMachine(
    machineId: string,
    requestOptions?: RequestOptions,
  ): Promise<void> {
    return this.#transport.request({
      route: "DELETE /machines/:machineId",
      params: { machineId },
      expect: "void",
    }, requestOptions);
  }

  /**
   * Requests an identity challenge for a `did:peaq:0x…` or `peaqos:machine:<id>` reference
   * (`POST /machine-identity/challenges`). A controller signs `item.message` with EIP-191 and
   * submits `{ challengeId, signature }` as `identityProof`.
   *
   * @example
   * ```ts ignore
   * const { item } = await client.orchestration.createMachineIdentityChallenge({ identityRef: `did:peaq:${address}` });
   * const signature = await wallet.signMessage(item.message);
   * ```
   */
  createMachineIdentityChallenge(
    params: CreateMachineIdentityChallengeRequest,
    requestOptions?: RequestOptions,
  ): Promise<ItemResponse<MachineIdentityChallengeResponse>> {
    return this.#transport.request({
      route: "POST /machine-identity/challenges",
      body: params,
      required: ["identityRef"],
      expect: "item",
    }, requestOptions);
  }

  // ---- Agent pairings ----

  /**
   * Lists a machine's agent pairings (`GET /machines/:machineId/agent-pairings`).
   *
   * @example
   * ```ts ignore
   * const { items } = await client.orchestration.listAgentPairings("m-1", { status: "active" });
   * ```
   */
  listAgentPairings(
    machineId: string,
    options?: ListAgentPairingsOptions,
    requestOptions?: RequestOptions,
  ): Promise<ListResponse<AgentPairing>> {
    return this.#transport.request({
      route: "GET /machines/:machineId/agent-pairings",
      params: { machineId },
      query: options,
      paginated: true,
      expect: "list",
    }, requestOptions);
  }

  /**
   * Requests a pairing challenge keyed to the agent (`POST /machines/:machineId/agent-pairings/challenges`);
   * the agent signs `item.message` with the key behind `agentAddress`.
   *
   * @example
   * ```ts ignore
   * const { item } = await client.orchestration.createAgentPairingChallenge("m-1", {
   *   agentAddress: agent.address, agentProvider: "anthropic", agentRole: "buyer",
   * });
   * ```
   */
  createAgentPairingChallenge(
    machineId: string,
    params: CreateAgentPairingChallengeRequest,
    requestOptions?: RequestOptions,
  ): Promise<ItemResponse<AgentPairingChallengeResponse>> {
    return this.#transport.request({
      route: "POST /machines/:machineId/agent-pairings/challenges",
      params: { machineId },
      body: params,
      required: ["agentAddress", "agentProvider", "agentRole"],
      expect: "item",
    }, requestOptions);
  }

  /**
   * Pairs an agent with a signed proof (`POST /machines/:machineId/agent-pairings`). The
   * session token in `item.pairingToken` is returned once; it is hidden from
   * `JSON.stringify` and `console.log` but readable as a property.
   *
   * @example
   * ```ts ignore
   * const { item } = await client.orchestration.createAgentPairing("m-1", {
   *   agentAddress, agentProvider: "anthropic", agentRole: "buyer",
   *   agentProof: { challengeId, signature },
   *   delegationPolicy: { dailySpendLimit: 100, currency: "USDT" },
   * });
   * const pairingToken = item.pairingToken;
   * ```
   */
  createAgentPairing(
    machineId: string,
    params: CreateAgentPairingRequest,
    requestOptions?: RequestOptions,
  ): Promise<ItemResponse<AgentPairingWithToken>> {
    return this.#transport.request({
      route: "POST /machines/:machineId/agent-pairings",
      params: { machineId },
      body: params,
      required: ["agentAddress", "agentProvider", "agentRole", "agentProof"],
      expect: "item",
      secret: "pairingToken",
    }, requestOptions);
  }

  /**
   * Rotates a pairing's session token with a fresh proof
   * (`POST /machines/:machineId/agent-pairings/:pairingId/sessions`). Required after a policy change.
   *
   * @example
   * ```ts ignore
   * const { item } = await client.orchestration.createAgentPairingSession("m-1", pairingId, { agentProof });
   * ```
   */
  createAgentPairingSession(
    machineId: string,
    pairingId: string,
    params: CreateAgentPairingSessionRequest,
    requestOptions?: RequestOptions,
  ): Promise<ItemResponse<AgentPairingWithToken>> {
    return this.#transport.request({
      route: "POST /machines/:machineId/agent-pairings/:pairingId/sessions",
      params: { machineId, pairingId },
      body: params,
      required: ["agentProof"],
      expect: "item",
      secret: "pairingToken",
    }, requestOptions);
  }

  /**
   * Updates a pairing's description, status or delegation policy
   * (`PATCH /machines/:machineId/agent-pairings/:pairingId`). A policy change invalidates the current token.
   *
   * @example
   * ```ts ignore
   * await client.orchestration.updateAgentPairing("m-1", pairingId, { status: "paused" });
   * ```
   */
  updateAgentPairing(
    machineId: string,
    pairingId: string,
    params: UpdateAgentPairingRequest,
    requestOptions?: RequestOptions,
  ): Promise<ItemResponse<AgentPairing>> {
    return this.#transport.request({
      route: "PATCH /machines/:machineId/agent-pairings/:pairingId",
      params: { machineId, pairingId },
      body: params,
      expect: "item",
    }, requestOptions);
  }

  /**
   * Revokes a pairing (`DELETE /machines/:machineId/agent-pairings/:pairingId`).
   *
   * @example
   * ```ts ignore
   * await client.orchestration.revokeAgentPairing("m-1", pairingId);
   * ```
   */
  revokeAgentPairing(
    machineId: string,
    pairingId: string,
    requestOptions?: RequestOptions,
  ): Promise<void> {
    return this.#transport.request({
      route: "DELETE /machines/:machineId/agent-pairings/:pairingId",
      params: { machineId, pairingId },
      expect: "void",
    }, requestOptions);
  }

  // ---- Machine agents ----

  /**
   * Lists a machine's agents (`GET /machines/:machineId/agents`).
   *
   * @example
   * ```ts ignore
   * const { items } = await client.orchestration.listMachineAgents("m-1");
   * ```
   */
  listMachineAgents(
    machineId: string,
    requestOptions?: RequestOptions,
  ): Promise<ListResponse<MachineAgent>> {
    return this.#transport.request({
      route: "GET /machines/:machineId/agents",
      params: { machineId },
      expect: "list",
    }, requestOptions);
  }

  /**
   * Enrolls a machine agent (`POST /machines/:machineId/agents/enrollment`); `item.provisioningToken`
   * is returned once and hidden from every printed form of the result (a server that names it
   * `agentToken` is read the same way, and that field is hidden too).
   *
   * @example
   * ```ts ignore
   * const { item } = await client.orchestration.enrollMachineAgent("m-1", { allowedProviderKeys: ["ollama"] });
   * const agentToken = item.provisioningToken;
   * ```
   */
  enrollMachineAgent(
    machineId: string,
    params?: EnrollMachineAgentRequest,
    requestOptions?: RequestOptions,
  ): Promise<ItemResponse<MachineAgentWithToken>> {
    return this.#transport.request({
      route: "POST /machines/:machineId/agents/enrollment",
      params: { machineId },
      body: params,
      expect: "item",
      secret: "provisioningToken",
    }, requestOptions);
  }

  /**
   * Revokes a machine agent (`DELETE /machines/:machineId/agents/:agentId`).
   *
   * @example
   * ```ts ignore
   * await client.orchestration.revokeMachineAgent("m-1", agentId);
   * ```
   */
  revokeMachineAgent(
    machineId: string,
    agentId: string,
    requestOptions?: RequestOptions,
  ): Promise<void> {
    return this.#transport.request({
      route: "DELETE /machines/:machineId/agents/:agentId",
      params: { machineId, agentId },
      expect: "void",
    }, requestOptions);
  }

  /**
   * Reports a machine agent alive and upserts its endpoints (`POST /machine-agents/heartbeat`).
   * Sends no auth header: `agentToken` rides in the body.
   *
   * @example
   * ```ts ignore
   * await client.orchestration.machineAgentHeartbeat({
   *   agentToken, leaseSeconds: 60,
   *   endpoints: [{ providerKey: "ollama", endpointBaseUrl: "http://127.0.0.1:11434" }],
   * });
   * ```
   */
  machineAgentHeartbeat(
    params: MachineAgentHeartbeatRequest,
    requestOptions?: RequestOptions,
  ): Promise<MachineAgentHeartbeatResponse> {
    return this.#transport.request({
      route: "POST /machine-agents/heartbeat",
      body: params,
      required: ["agentToken"],
      auth: "none",
      expect: "heartbeat",
    }, requestOptions);
  }

  // ---- Runtime endpoints ----

  /**
   * Lists a machine's runtime endpoints (`GET /machines/:machineId/runtime-endpoints`).
   *
   * @example
   * ```ts ignore
   * const { items } = await client.orchestration.listRuntimeEndpoints("m-1");
   * ```
   */
  listRuntimeEndpoints(
    machineId: string,
    options?: ListRuntimeEndpointsOptions,
    requestOptions?: RequestOptions,
  ): Promise<ListResponse<RuntimeEndpoint>> {
    return this.#transport.request({
      route: "GET /machines/:machineId/runtime-endpoints",
      params: { machineId },
      query: options,
      paginated: true,
      expect: "list",
    }, requestOptions);
  }

  /**
   * Gets a machine's endpoint for one provider key (`GET /machines/:machineId/runtime-endpoints/:providerKey`).
   *
   * @example
   * ```ts ignore
   * const { item } = await client.orchestration.getRuntimeEndpoint("m-1", "ollama");
   * ```
   */
  getRuntimeEndpoint(
    machineId: string,
    providerKey: string,
    requestOptions?: RequestOptions,
  ): Promise<ItemResponse<RuntimeEndpoint>> {
    return this.#transport.request({
      route: "GET /machines/:machineId/runtime-endpoints/:providerKey",
      params: { machineId, providerKey },
      expect: "item",
    }, requestOptions);
  }

  /**
   * Creates or replaces an endpoint (`PUT /machines/:machineId/runtime-endpoints/:providerKey`).
   * `endpointBaseUrl` is checked with `new URL()` first; `authToken` is never echoed back.
   *
   * @example
   * ```ts ignore
   * await client.orchestration.upsertRuntimeEndpoint("m-1", "ollama", { endpointBaseUrl: "http://10.0.0.5:11434" });
   * ```
   */
  upsertRuntimeEndpoint(
    machineId: string,
    providerKey: string,
    params: UpsertRuntimeEndpointRequest,
    requestOptions?: RequestOptions,
  ): Promise<ItemResponse<RuntimeEndpoint>> {
    return this.#transport.request({
      route: "PUT /machines/:machineId/runtime-endpoints/:providerKey",
      params: { machineId, providerKey },
      body: params,
      required: ["endpointBaseUrl"],
      expect: "item",
    }, requestOptions);
  }

  /**
   * Deletes an endpoint (`DELETE /machines/:machineId/runtime-endpoints/:providerKey`).
   *
   * @example
   * ```ts ignore
   * await client.orchestration.deleteRuntimeEndpoint("m-1", "ollama");
   * ```
   */
  deleteRuntimeEndpoint(
    machineId: string,
    providerKey: string,
    requestOptions?: RequestOptions,
  ): Promise<void> {
    return this.#transport.request({
      route: "DELETE /machines/:machineId/runtime-endpoints/:providerKey",
      params: { machineId, providerKey },
      expect: "void",
    }, requestOptions);
  }

  // ---- Skills ----

  /**
   * Lists skills, filtered by scope, direction and source (`GET /skills`).
   *
   * @example
   * ```ts ignore
   * const { items } = await client.orchestration.listSkills({ direction: "provide" });
   * ```
   */
  listSkills(
    options?: ListSkillsOptions,
    requestOptions?: RequestOptions,
  ): Promise<ListResponse<SkillSummary>> {
    return this.#transport.request({
      route: "GET /skills",
      query: options,
      paginated: true,
      expect: "list",
    }, requestOptions);
  }

  /**
   * Gets one skill (`GET /skills/:skillKey`).
   *
   * @example
   * ```ts ignore
   * const { item } = await client.orchestration.getSkill("vision.detect");
   * ```
   */
  getSkill(
    skillKey: string,
    requestOptions?: RequestOptions,
  ): Promise<ItemResponse<SkillSummary>> {
    return this.#transport.request({
      route: "GET /skills/:skillKey",
      params: { skillKey },
      expect: "item",
    }, requestOptions);
  }

  /**
   * Gets a skill's manifest (`GET /skills/:skillKey/manifest`).
   *
   * @example
   * ```ts ignore
   * const { item: manifest } = await client.orchestration.getSkillManifest("vision.detect");
   * ```
   */
  getSkillManifest(
    skillKey: string,
    requestOptions?: RequestOptions,
  ): Promise<ItemResponse<SkillManifest>> {
    return this.#transport.request({
      route: "GET /skills/:skillKey/manifest",
      params: { skillKey },
      expect: "item",
    }, requestOptions);
  }

  /**
   * Updates a skill's configuration (`PATCH /skills/:skillKey/config`).
   *
   * @example
   * ```ts ignore
   * await client.orchestration.updateSkillConfig("vision.detect", { enabled: true });
   * ```
   */
  updateSkillConfig(
    skillKey: string,
    params: UpdateSkillConfigRequest,
    requestOptions?: RequestOptions,
  ): Promise<ItemResponse<SkillConfigResponse>> {
    return this.#transport.request({
      route: "PATCH /skills/:skillKey/config",
      params: { skillKey },
      body: params,
      expect: "item",
    }, requestOptions);
  }

  // ---- Market services and search ----

  /**
   * Lists market services with optional filters (`GET /market/services`).
   *
   * @example
   * ```ts ignore
   * const { items } = await client.orchestration.listMarketServices({ executionMode: "native" });
   * ```
   */
  listMarketServices(
    options?: ListMarketServicesOptions,
    requestOptions?: RequestOptions,
  ): Promise<ListResponse<MarketService>> {
    return this.#transport.request({
      route: "GET /market/services",
      query: options,
      paginated: true,
      expect: "list",
    }, requestOptions);
  }

  /**
   * Gets one market service (`GET /market/services/:serviceId`), optionally as seen by a machine.
   *
   * @example
   * ```ts ignore
   * const { item } = await client.orchestration.getMarketService("svc-1", { machineId: "m-1" });
   * ```
   */
  getMarketService(
    serviceId: string,
    options?: GetMarketServiceOptions,
    requestOptions?: RequestOptions,
  ): Promise<ItemResponse<MarketService>> {
    return this.#transport.request({
      route: "GET /market/services/:serviceId",
      params: { serviceId },
      query: options,
      expect: "item",
    }, requestOptions);
  }

  /**
   * Searches the market for a paired agent (`POST /market/search`, agent auth); quotes come
   * ranked with scores and reasons.
   *
   * @example
   * ```ts ignore
   * const { item: search } = await client.orchestration.searchMarket(
   *   { machineId: "m-1", agentPairingId: pairingId, query: "object detection" },
   *   pairingToken,
   * );
   * ```
   */
  searchMarket(
    params: MarketSearchRequest,
    pairingToken: string,
    requestOptions?: RequestOptions,
  ): Promise<ItemResponse<MarketSearch>> {
    return this.#transport.request({
      route: "POST /market/search",
      body: params,
      required: ["machineId", "agentPairingId"],
      agent: pairingToken,
      expect: "item",
    }, requestOptions);
  }

  /**
   * Gets a past search (`GET /market/search/:searchId`, platform auth).
   *
   * @example
   * ```ts ignore
   * const { item } = await client.orchestration.getMarketSearch(searchId);
   * ```
   */
  getMarketSearch(
    searchId: string,
    requestOptions?: RequestOptions,
  ): Promise<ItemResponse<MarketSearch>> {
    return this.#transport.request({
      route: "GET /market/search/:searchId",
      params: { searchId },
      expect: "item",
    }, requestOptions);
  }

  // ---- Market orders ----

  /**
   * Lists a machine's orders (`GET /market/orders?machineId`).
   *
   * @example
   * ```ts ignore
   * const { items } = await client.orchestration.listMarketOrders({ machineId: "m-1", limit: 50 });
   * ```
   */
  listMarketOrders(
    options: ListMarketOrdersOptions,
    requestOptions?: RequestOptions,
  ): Promise<ListResponse<MarketOrder>> {
    return this.#transport.request({
      route: "GET /market/orders",
      query: options,
      paginated: true,
      required: ["machineId"],
      expect: "list",
    }, requestOptions);
  }

  /**
   * Places an order (`POST /market/orders`, agent auth), checked against the pairing's
   * delegation policy and spend limits.
   *
   * @example
   * ```ts ignore
   * const { item: order } = await client.orchestration.createMarketOrder(
   *   { machineId: "m-1", agentPairingId: pairingId, serviceId: quote.serviceId, quoteId: quote.id, searchId },
   *   pairingToken,
   * );
   * ```
   */
  createMarketOrder(
    params: CreateMarketOrderRequest,
    pairingToken: string,
    requestOptions?: RequestOptions,
  ): Promise<ItemResponse<MarketOrder>> {
    return this.#transport.request({
      route: "POST /market/orders",
      body: params,
      required: ["machineId", "agentPairingId", "serviceId"],
      agent: pairingToken,
      expect: "item",
    }, requestOptions);
  }

  /**
   * Gets one order (`GET /market/orders/:orderId`).
   *
   * @example
   * ```ts ignore
   * const { item: order } = await client.orchestration.getMarketOrder(orderId);
   * ```
   */
  getMarketOrder(
    orderId: string,
    requestOptions?: RequestOptions,
  ): Promise<ItemResponse<MarketOrder>> {
    return this.#transport.request({
      route: "GET /market/orders/:orderId",
      params: { orderId },
      expect: "item",
    }, requestOptions);
  }

  /**
   * Executes an order (`POST /market/orders/:orderId/execute`, agent auth). The result is
   * discriminated on `execution.statusCode`: 200 native (`run`, `outcome`) or 202 external
   * handoff (`handoff`); {@linkcode isNativeExecution} and {@linkcode isHandoffExecution}
   * narrow it. An x402 purchase passes its signed payload as `requestOptions.paymentSignature`.
   *
   * @example
   * ```ts ignore
   * const result = await client.orchestration.executeMarketOrder(orderId, {}, pairingToken);
   * if (isNativeExecution(result)) console.log(result.execution.outcome.output);
   * else console.log(result.execution.handoff.url);
   * ```
   */
  executeMarketOrder(
    orderId: string,
    params: ExecuteMarketOrderRequest,
    pairingToken: string,
    requestOptions?: RequestOptions,
  ): Promise<ExecuteMarketOrderResponse> {
    return this.#transport.request({
      route: "POST /market/orders/:orderId/execute",
      params: { orderId },
      body: params,
      agent: pairingToken,
      expect: "execute",
    }, requestOptions);
  }

  /**
   * Confirms delivery and releases a held payment (`POST /market/orders/:orderId/confirm`, agent auth).
   *
   * @example
   * ```ts ignore
   * const { order, payment } = await client.orchestration.confirmMarketOrder(orderId, pairingToken);
   * ```
   */
  confirmMarketOrder(
    orderId: string,
    pairingToken: string,
    requestOptions?: RequestOptions,
  ): Promise<ConfirmMarketOrderResponse> {
    return this.#transport.request({
      route: "POST /market/orders/:orderId/confirm",
      params: { orderId },
      agent: pairingToken,
      expect: "confirm",
    }, requestOptions);
  }

  /**
   * Disputes an order and freezes its payment (`POST /market/orders/:orderId/dispute`, agent auth).
   *
   * @example
   * ```ts ignore
   * const { dispute } = await client.orchestration.disputeMarketOrder(orderId, { reason: "No delivery" }, pairingToken);
   * ```
   */
  disputeMarketOrder(
    orderId: string,
    params: DisputeMarketOrderRequest,
    pairingToken: string,
    requestOptions?: RequestOptions,
  ): Promise<DisputeMarketOrderResponse> {
    return this.#transport.request({
      route: "POST /market/orders/:orderId/dispute",
      params: { orderId },
      body: params,
      required: ["reason"],
      agent: pairingToken,
      expect: "dispute",
    }, requestOptions);
  }

  // ---- Payments ----

  /**
   * Creates (or returns the existing) payment intent of an order
   * (`POST /market/orders/:orderId/payment-intent`, agent auth, idempotent).
   *
   * @example
   * ```ts ignore
   * const { item: payment } = await client.orchestration.createPaymentIntent(orderId, { rail: "wallet" }, pairingToken);
   * ```
   */
  createPaymentIntent(
    orderId: string,
    params: CreatePaymentIntentRequest,
    pairingToken: string,
    requestOptions?: RequestOptions,
  ): Promise<ItemResponse<MarketPayment>> {
    return this.#transport.request({
      route: "POST /market/orders/:orderId/payment-intent",
      params: { orderId },
      body: params,
      agent: pairingToken,
      expect: "item",
    }, requestOptions);
  }

  /**
   * Gets an order's payment (`GET /market/orders/:orderId/payment`); `item` is `null` when none exists.
   *
   * @example
   * ```ts ignore
   * const { item: payment } = await client.orchestration.getMarketPayment(orderId);
   * ```
   */
  getMarketPayment(
    orderId: string,
    requestOptions?: RequestOptions,
  ): Promise<ItemResponse<MarketPayment | null>> {
    return this.#transport.request({
      route: "GET /market/orders/:orderId/payment",
      params: { orderId },
      expect: "nullableItem",
    }, requestOptions);
  }

  /**
   * Submits an EVM (`transactionHash`) or Solana (`transactionSignature`) payment proof
   * (`POST /market/orders/:orderId/payment-proof`, agent auth).
   *
   * @example
   * ```ts ignore
   * await client.orchestration.submitPaymentProof(orderId, { transactionHash: "0x…", verificationMode: "rpc" }, pairingToken);
   * ```
   */
  submitPaymentProof(
    orderId: string,
    params: SubmitPaymentProofRequest,
    pairingToken: string,
    requestOptions?: RequestOptions,
  ): Promise<ItemResponse<MarketPayment>> {
    return this.#transport.request({
      route: "POST /market/orders/:orderId/payment-proof",
      params: { orderId },
      body: params,
      agent: pairingToken,
      expect: "item",
    }, requestOptions);
  }

  /**
   * Records an on-chain escrow lock (`POST /market/orders/:orderId/payment/escrow-lock`, agent auth).
   *
   * @example
   * ```ts ignore
   * await client.orchestration.lockEscrowPayment(orderId, { transactionHash, chain: "peaq", escrowAddress }, pairingToken);
   * ```
   */
  lockEscrowPayment(
    orderId: string,
    params: LockEscrowPaymentRequest,
    pairingToken: string,
    requestOptions?: RequestOptions,
  ): Promise<ItemResponse<MarketPayment>> {
    return this.#transport.request({
      route: "POST /market/orders/:orderId/payment/escrow-lock",
      params: { orderId },
      body: params,
      required: ["transactionHash", "chain", "escrowAddress"],
      agent: pairingToken,
      expect: "item",
    }, requestOptions);
  }

  /**
   * Releases a held payment to the provider (`POST /market/orders/:orderId/payment/release`, agent auth).
   *
   * @example
   * ```ts ignore
   * await client.orchestration.releasePayment(orderId, undefined, pairingToken);
   * ```
   */
  releasePayment(
    orderId: string,
    params: ReleasePaymentRequest | undefined,
    pairingToken: string,
    requestOptions?: RequestOptions,
  ): Promise<ItemResponse<MarketPayment>> {
    return this.#transport.request({
      route: "POST /market/orders/:orderId/payment/release",
      params: { orderId },
      body: params,
      agent: pairingToken,
      expect: "item",
    }, requestOptions);
  }

  /**
   * Refunds a held or frozen payment (`POST /market/orders/:orderId/payment/refund`, agent auth).
   *
   * @example
   * ```ts ignore
   * await client.orchestration.refundPayment(orderId, { reason: "Provider offline" }, pairingToken);
   * ```
   */
  refundPayment(
    orderId: string,
    params: RefundPaymentRequest | undefined,
    pairingToken: string,
    requestOptions?: RequestOptions,
  ): Promise<ItemResponse<MarketPayment>> {
    return this.#transport.request({
      route: "POST /market/orders/:orderId/payment/refund",
      params: { orderId },
      body: params,
      agent: pairingToken,
      expect: "item",
    }, requestOptions);
  }

  // ---- Auto-pagination ----

  /**
   * Iterates every machine across pages; `break` stops fetching.
   *
   * @example
   * ```ts ignore
   * for await (const machine of client.orchestration.listMachinesAll({ limit: 200 })) console.log(machine.id);
   * ```
   */
  listMachinesAll(
    options: Omit<ListMachinesOptions, "cursor"> = {},
    requestOptions?: RequestOptions,
  ): AsyncGenerator<Machine, void, undefined> {
    return paginate(
      (query) => this.listMachines(query, requestOptions),
      options,
    );
  }

  /**
   * Iterates every skill across pages; filters pass through on every page.
   *
   * @example
   * ```ts ignore
   * for await (const skill of client.orchestration.listSkillsAll({ scope: "platform" })) console.log(skill.key);
   * ```
   */
  listSkillsAll(
    options: Omit<ListSkillsOptions, "cursor"> = {},
    requestOptions?: RequestOptions,
  ): AsyncGenerator<SkillSummary, void, undefined> {
    return paginate((query) => this.listSkills(query, requestOptions), options);
  }

  /**
   * Iterates every market service across pages; filters pass through on every page.
   *
   * @example
   * ```ts ignore
   * for await (const service of client.orchestration.listMarketServicesAll({ executionMode: "native" })) console.log(service.name);
   * ```
   */
  listMarketServicesAll(
    options: Omit<ListMarketServicesOptions, "cursor"> = {},
    requestOptions?: RequestOptions,
  ): AsyncGenerator<MarketService, void, undefined> {
    return paginate(
      (query) => this.listMarketServices(query, requestOptions),
      options,
    );
  }

  /**
   * Iterates every order of a machine across pages.
   *
   * @example
   * ```ts ignore
   * for await (const order of client.orchestration.listMarketOrdersAll({ machineId: "m-1" })) console.log(order.status);
   * ```
   */
  listMarketOrdersAll(
    options: Omit<ListMarketOrdersOptions, "cursor">,
    requestOptions?: RequestOptions,
  ): AsyncGenerator<MarketOrder, void, undefined> {
    return paginate(
      (query) => this.listMarketOrders(query, requestOptions),
      options,
    );
  }

  /**
   * Iterates every pairing of a machine across pages.
   *
   * @example
   * ```ts ignore
   * for await (const pairing of client.orchestration.listAgentPairingsAll("m-1")) console.log(pairing.agentAddress);
   * ```
   */
  listAgentPairingsAll(
    machineId: string,
    options: Omit<ListAgentPairingsOptions, "cursor"> = {},
    requestOptions?: RequestOptions,
  ): AsyncGenerator<AgentPairing, void, undefined> {
    return paginate(
      (query) => this.listAgentPairings(machineId, query, requestOptions),
      options,
    );
  }

  /**
   * Iterates every runtime endpoint of a machine across pages.
   *
   * @example
   * ```ts ignore
   * for await (const endpoint of client.orchestration.listRuntimeEndpointsAll("m-1")) console.log(endpoint.providerKey);
   * ```
   */
  listRuntimeEndpointsAll(
    machineId: string,
    options: Omit<ListRuntimeEndpointsOptions, "cursor"> = {},
    requestOptions?: RequestOptions,
  ): AsyncGenerator<RuntimeEndpoint, void, undefined> {
    return paginate(
      (query) => this.listRuntimeEndpoints(machineId, query, requestOptions),
      options,
    );
  }

  // ---- Coming next (experimental): tasks, graph, policies, observability, order extras ----

  /**
   * Creates a task for a machine (`POST /machines/:machineId/tasks`).
   *
   * @experimental
   * @example
   * ```ts ignore
   * const { item: task } = await client.orchestration.createTask("m-1", { intent: "detect objects" });
   * ```
   */
  createTask(
    machineId: string,
    params: CreateTaskRequest,
    requestOptions?: RequestOptions,
  ): Promise<ItemResponse<Task>> {
    return this.#transport.request({
      route: "POST /machines/:machineId/tasks",
      params: { machineId },
      body: params,
      required: ["intent"],
      expect: "item",
    }, requestOptions);
  }

  /**
   * Finds services able to do a task (`POST /machines/:machineId/tasks/:taskId/discover`);
   * `item.candidates` come ranked best first.
   *
   * @experimental
   * @example
   * ```ts ignore
   * const { item: task } = await client.orchestration.discoverTask("m-1", taskId);
   * ```
   */
  discoverTask(
    machineId: string,
    taskId: string,
    requestOptions?: RequestOptions,
  ): Promise<ItemResponse<Task>> {
    return this.#transport.request({
      route: "POST /machines/:machineId/tasks/:taskId/discover",
      params: { machineId, taskId },
      expect: "item",
    }, requestOptions);
  }

  /**
   * Picks the service that will do a task (`POST /machines/:machineId/tasks/:taskId/resolve`);
   * without `serviceId` the best candidate wins.
   *
   * @experimental
   * @example
   * ```ts ignore
   * const { item: task } = await client.orchestration.resolveTask("m-1", taskId, { serviceId });
   * ```
   */
  resolveTask(
    machineId: string,
    taskId: string,
    params?: ResolveTaskRequest,
    requestOptions?: RequestOptions,
  ): Promise<ItemResponse<Task>> {
    return this.#transport.request({
      route: "POST /machines/:machineId/tasks/:taskId/resolve",
      params: { machineId, taskId },
      body: params,
      expect: "item",
    }, requestOptions);
  }

  /**
   * Runs a resolved task (`POST /machines/:machineId/tasks/:taskId/execute`); the task then
   * names its `runId` and `outcomeId`.
   *
   * @experimental
   * @example
   * ```ts ignore
   * const { item: task } = await client.orchestration.executeTask("m-1", taskId, { input: { image: "…" } });
   * ```
   */
  executeTask(
    machineId: string,
    taskId: string,
    params?: ExecuteTaskRequest,
    requestOptions?: RequestOptions,
  ): Promise<ItemResponse<Task>> {
    return this.#transport.request({
      route: "POST /machines/:machineId/tasks/:taskId/execute",
      params: { machineId, taskId },
      body: params,
      expect: "item",
    }, requestOptions);
  }

  /**
   * Gets one task (`GET /machines/:machineId/tasks/:taskId`).
   *
   * @experimental
   * @example
   * ```ts ignore
   * const { item: task } = await client.orchestration.getTask("m-1", taskId);
   * ```
   */
  getTask(
    machineId: string,
    taskId: string,
    requestOptions?: RequestOptions,
  ): Promise<ItemResponse<Task>> {
    return this.#transport.request({
      route: "GET /machines/:machineId/tasks/:taskId",
      params: { machineId, taskId },
      expect: "item",
    }, requestOptions);
  }

  /**
   * Lists a machine's tasks, including those its orders created (`GET /machines/:machineId/tasks`).
   *
   * @experimental
   * @example
   * ```ts ignore
   * const { items } = await client.orchestration.listTasks("m-1", { status: "succeeded" });
   * ```
   */
  listTasks(
    machineId: string,
    options?: ListTasksOptions,
    requestOptions?: RequestOptions,
  ): Promise<ListResponse<Task>> {
    return this.#transport.request({
      route: "GET /machines/:machineId/tasks",
      params: { machineId },
      query: options,
      paginated: true,
      expect: "list",
    }, requestOptions);
  }

  /**
   * Gets a machine's whole capability graph (`GET /machines/:machineId/graph`).
   *
   * @experimental
   * @example
   * ```ts ignore
   * const { item: graph } = await client.orchestration.getMachineGraph("m-1");
   * ```
   */
  getMachineGraph(
    machineId: string,
    requestOptions?: RequestOptions,
  ): Promise<ItemResponse<MachineGraph>> {
    return this.#transport.request({
      route: "GET /machines/:machineId/graph",
      params: { machineId },
      expect: "item",
    }, requestOptions);
  }

  /**
   * Adds a node to a machine's graph (`POST /machines/:machineId/graph/nodes`).
   *
   * @experimental
   * @example
   * ```ts ignore
   * const { item: node } = await client.orchestration.createGraphNode("m-1", { kind: "sensor", label: "Lidar" });
   * ```
   */
  createGraphNode(
    machineId: string,
    params: CreateGraphNodeRequest,
    requestOptions?: RequestOptions,
  ): Promise<ItemResponse<GraphNode>> {
    return this.#transport.request({
      route: "POST /machines/:machineId/graph/nodes",
      params: { machineId },
      body: params,
      required: ["kind", "label"],
      expect: "item",
    }, requestOptions);
  }

  /**
   * Updates a graph node (`PATCH /machines/:machineId/graph/nodes/:nodeId`).
   *
   * @experimental
   * @example
   * ```ts ignore
   * await client.orchestration.updateGraphNode("m-1", nodeId, { label: "Front lidar" });
   * ```
   */
  updateGraphNode(
    machineId: string,
    nodeId: string,
    params: UpdateGraphNodeRequest,
    requestOptions?: RequestOptions,
  ): Promise<ItemResponse<GraphNode>> {
    return this.#transport.request({
      route: "PATCH /machines/:machineId/graph/nodes/:nodeId",
      params: { machineId, nodeId },
      body: params,
      expect: "item",
    }, requestOptions);
  }

  /**
   * Deletes a graph node and every edge touching it (`DELETE /machines/:machineId/graph/nodes/:nodeId`).
   *
   * @experimental
   * @example
   * ```ts ignore
   * await client.orchestration.deleteGraphNode("m-1", nodeId);
   * ```
   */
  deleteGraphNode(
    machineId: string,
    nodeId: string,
    requestOptions?: RequestOptions,
  ): Promise<void> {
    return this.#transport.request({
      route: "DELETE /machines/:machineId/graph/nodes/:nodeId",
      params: { machineId, nodeId },
      expect: "void",
    }, requestOptions);
  }

  /**
   * Links two nodes of a machine's graph (`POST /machines/:machineId/graph/edges`).
   *
   * @experimental
   * @example
   * ```ts ignore
   * const { item: edge } = await client.orchestration.createGraphEdge("m-1", { fromNodeId, toNodeId, relation: "feeds" });
   * ```
   */
  createGraphEdge(
    machineId: string,
    params: CreateGraphEdgeRequest,
    requestOptions?: RequestOptions,
  ): Promise<ItemResponse<GraphEdge>> {
    return this.#transport.request({
      route: "POST /machines/:machineId/graph/edges",
      params: { machineId },
      body: params,
      required: ["fromNodeId", "toNodeId", "relation"],
      expect: "item",
    }, requestOptions);
  }

  /**
   * Updates a graph edge (`PATCH /machines/:machineId/graph/edges/:edgeId`).
   *
   * @experimental
   * @example
   * ```ts ignore
   * await client.orchestration.updateGraphEdge("m-1", edgeId, { relation: "controls" });
   * ```
   */
  updateGraphEdge(
    machineId: string,
    edgeId: string,
    params: UpdateGraphEdgeRequest,
    requestOptions?: RequestOptions,
  ): Promise<ItemResponse<GraphEdge>> {
    return this.#transport.request({
      route: "PATCH /machines/:machineId/graph/edges/:edgeId",
      params: { machineId, edgeId },
      body: params,
      expect: "item",
    }, requestOptions);
  }

  /**
   * Deletes a graph edge (`DELETE /machines/:machineId/graph/edges/:edgeId`).
   *
   * @experimental
   * @example
   * ```ts ignore
   * await client.orchestration.deleteGraphEdge("m-1", edgeId);
   * ```
   */
  deleteGraphEdge(
    machineId: string,
    edgeId: string,
    requestOptions?: RequestOptions,
  ): Promise<void> {
    return this.#transport.request({
      route: "DELETE /machines/:machineId/graph/edges/:edgeId",
      params: { machineId, edgeId },
      expect: "void",
    }, requestOptions);
  }

  /**
   * Lists policies (`GET /policies`).
   *
   * @experimental
   * @example
   * ```ts ignore
   * const { items } = await client.orchestration.listPolicies({ limit: 50 });
   * ```
   */
  listPolicies(
    options?: ListPoliciesOptions,
    requestOptions?: RequestOptions,
  ): Promise<ListResponse<Policy>> {
    return this.#transport.request({
      route: "GET /policies",
      query: options,
      paginated: true,
      expect: "list",
    }, requestOptions);
  }

  /**
   * Creates a policy (`POST /policies`); machines reference it through `policyIds`.
   *
   * @experimental
   * @example
   * ```ts ignore
   * const { item: policy } = await client.orchestration.createPolicy({ name: "night-shift", rules: { maxSpeed: 2 } });
   * ```
   */
  createPolicy(
    params: CreatePolicyRequest,
    requestOptions?: RequestOptions,
  ): Promise<ItemResponse<Policy>> {
    return this.#transport.request({
      route: "POST /policies",
      body: params,
      required: ["name"],
      expect: "item",
    }, requestOptions);
  }

  /**
   * Gets one policy (`GET /policies/:policyId`).
   *
   * @experimental
   * @example
   * ```ts ignore
   * const { item: policy } = await client.orchestration.getPolicy(policyId);
   * ```
   */
  getPolicy(
    policyId: string,
    requestOptions?: RequestOptions,
  ): Promise<ItemResponse<Policy>> {
    return this.#transport.request({
      route: "GET /policies/:policyId",
      params: { policyId },
      expect: "item",
    }, requestOptions);
  }

  /**
   * Updates a policy (`PATCH /policies/:policyId`); every change bumps `version`.
   *
   * @experimental
   * @example
   * ```ts ignore
   * const { item: policy } = await client.orchestration.updatePolicy(policyId, { rules: { maxSpeed: 1 } });
   * ```
   */
  updatePolicy(
    policyId: string,
    params: UpdatePolicyRequest,
    requestOptions?: RequestOptions,
  ): Promise<ItemResponse<Policy>> {
    return this.#transport.request({
      route: "PATCH /policies/:policyId",
      params: { policyId },
      body: params,
      expect: "item",
    }, requestOptions);
  }

  /**
   * Lists recorded mutations, newest last (`GET /audit-events?machineId`).
   *
   * @experimental
   * @example
   * ```ts ignore
   * const { items } = await client.orchestration.listAuditEvents({ machineId: "m-1" });
   * ```
   */
  listAuditEvents(
    options?: ListAuditEventsOptions,
    requestOptions?: RequestOptions,
  ): Promise<ListResponse<AuditEvent>> {
    return this.#transport.request({
      route: "GET /audit-events",
      query: options,
      paginated: true,
      expect: "list",
    }, requestOptions);
  }

  /**
   * Lists execution runs, from orders and tasks alike (`GET /runs?machineId`).
   *
   * @experimental
   * @example
   * ```ts ignore
   * const { items } = await client.orchestration.listRuns({ machineId: "m-1" });
   * ```
   */
  listRuns(
    options?: ListRunsOptions,
    requestOptions?: RequestOptions,
  ): Promise<ListResponse<Run>> {
    return this.#transport.request({
      route: "GET /runs",
      query: options,
      paginated: true,
      expect: "list",
    }, requestOptions);
  }

  /**
   * Gets one run (`GET /runs/:runId`), e.g. the `runId` of an executed order.
   *
   * @experimental
   * @example
   * ```ts ignore
   * const { item: run } = await client.orchestration.getRun(order.runId!);
   * ```
   */
  getRun(
    runId: string,
    requestOptions?: RequestOptions,
  ): Promise<ItemResponse<Run>> {
    return this.#transport.request({
      route: "GET /runs/:runId",
      params: { runId },
      expect: "item",
    }, requestOptions);
  }

  /**
   * Checks whether a machine can take orders, check by check (`GET /machines/:machineId/readiness`).
   *
   * @experimental
   * @example
   * ```ts ignore
   * const { item } = await client.orchestration.getReadiness("m-1");
   * if (!item.ready) console.log(item.checks.filter((check) => !check.ok));
   * ```
   */
  getReadiness(
    machineId: string,
    requestOptions?: RequestOptions,
  ): Promise<ItemResponse<MachineReadiness>> {
    return this.#transport.request({
      route: "GET /machines/:machineId/readiness",
      params: { machineId },
      expect: "item",
    }, requestOptions);
  }

  /**
   * Gets the service's health (`GET /health` at the root of `orchestrationUrl`, not under
   * `/api/v1`; sends no auth header).
   *
   * @experimental
   * @example
   * ```ts ignore
   * const health = await client.orchestration.getHealth();
   * console.log(health.status, health.version);
   * ```
   */
  getHealth(requestOptions?: RequestOptions): Promise<HealthStatus> {
    return this.#transport.request({
      route: "GET /health",
      unversioned: true,
      auth: "none",
      expect: "object",
    }, requestOptions);
  }

  /**
   * Cancels an order before it executes (`POST /market/orders/:orderId/cancel`, agent auth);
   * a held payment is refunded. Executed or closed orders refuse with `ORDER_CLOSED`.
   *
   * @experimental
   * @example
   * ```ts ignore
   * const { order } = await client.orchestration.cancelMarketOrder(orderId, { reason: "No longer needed" }, pairingToken);
   * ```
   */
  cancelMarketOrder(
    orderId: string,
    params: CancelMarketOrderRequest | undefined,
    pairingToken: string,
    requestOptions?: RequestOptions,
  ): Promise<MarketOrderActionResponse> {
    return this.#transport.request({
      route: "POST /market/orders/:orderId/cancel",
      params: { orderId },
      body: params,
      agent: pairingToken,
      expect: "confirm",
    }, requestOptions);
  }

  /**
   * Makes a `failed` order executable again (`POST /market/orders/:orderId/retry`, agent auth);
   * any other status refuses with `ORDER_CLOSED`.
   *
   * @experimental
   * @example
   * ```ts ignore
   * await client.orchestration.retryMarketOrder(orderId, pairingToken);
   * const result = await client.orchestration.executeMarketOrder(orderId, {}, pairingToken);
   * ```
   */
  retryMarketOrder(
    orderId: string,
    pairingToken: string,
    requestOptions?: RequestOptions,
  ): Promise<MarketOrderActionResponse> {
    return this.#transport.request({
      route: "POST /market/orders/:orderId/retry",
      params: { orderId },
      agent: pairingToken,
      expect: "confirm",
    }, requestOptions);
  }

  /**
   * Iterates every task of a machine across pages.
   *
   * @experimental
   * @example
   * ```ts ignore
   * for await (const task of client.orchestration.listTasksAll("m-1")) console.log(task.status);
   * ```
   */
  listTasksAll(
    machineId: string,
    options: Omit<ListTasksOptions, "cursor"> = {},
    requestOptions?: RequestOptions,
  ): AsyncGenerator<Task, void, undefined> {
    return paginate(
      (query) => this.listTasks(machineId, query, requestOptions),
      options,
    );
  }

  /**
   * Iterates every policy across pages.
   *
   * @experimental
   * @example
   * ```ts ignore
   * for await (const policy of client.orchestration.listPoliciesAll()) console.log(policy.name);
   * ```
   */
  listPoliciesAll(
    options: Omit<ListPoliciesOptions, "cursor"> = {},
    requestOptions?: RequestOptions,
  ): AsyncGenerator<Policy, void, undefined> {
    return paginate(
      (query) => this.listPolicies(query, requestOptions),
      options,
    );
  }

  /**
   * Iterates every audit event across pages; `machineId` passes through on every page.
   *
   * @experimental
   * @example
   * ```ts ignore
   * for await (const event of client.orchestration.listAuditEventsAll({ machineId: "m-1" })) console.log(event.action);
   * ```
   */
  listAuditEventsAll(
    options: Omit<ListAuditEventsOptions, "cursor"> = {},
    requestOptions?: RequestOptions,
  ): AsyncGenerator<AuditEvent, void, undefined> {
    return paginate(
      (query) => this.listAuditEvents(query, requestOptions),
      options,
    );
  }

  /**
   * Iterates every run across pages; `machineId` passes through on every page.
   *
   * @experimental
   * @example
   * ```ts ignore
   * for await (const run of client.orchestration.listRunsAll({ machineId: "m-1" })) console.log(run.status);
   * ```
   */
  listRunsAll(
    options: Omit<ListRunsOptions, "cursor"> = {},
    requestOptions?: RequestOptions,
  ): AsyncGenerator<Run, void, undefined> {
    return paginate((query) => this.listRuns(query, requestOptions), options);
  }
}
