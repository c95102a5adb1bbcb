/**
 * Machine agents (the process on a machine that reports its local runtimes) and runtime
 * endpoints, as methods of `client.orchestration`.
 *
 * @module
 */
import type { RequestOptions } from "../transport.ts";
import type { ItemResponse, ListResponse } from "../types/common.ts";
import type {
  EnrollMachineAgentRequest,
  ListRuntimeEndpointsOptions,
  MachineAgent,
  MachineAgentHeartbeatRequest,
  MachineAgentHeartbeatResponse,
  MachineAgentWithToken,
  RuntimeEndpoint,
  UpsertRuntimeEndpointRequest,
} from "../types/agents.ts";
import type { Routes } from "./routes.ts";

/**
 * Machine agents (`/machines/:machineId/agents`, `/machine-agents/heartbeat`) and runtime
 * endpoints (`/machines/:machineId/runtime-endpoints`).
 *
 * @example Enroll an agent and keep it alive
 * ```ts
 * import { PeaqosClient } from "@peaqos/peaq-os-sdk";
 *
 * const client = new PeaqosClient({ orchestrationUrl: "https://orchestration.peaq.xyz" });
 * const { item } = await client.orchestration.enrollMachineAgent("m-1", { allowedProviderKeys: ["ollama"] });
 * // On the machine, with the one-time token only:
 * await client.orchestration.machineAgentHeartbeat({
 *   agentToken: item.provisioningToken,
 *   leaseSeconds: 60,
 *   endpoints: [{ providerKey: "ollama", endpointBaseUrl: "http://127.0.0.1:11434" }],
 * });
 * ```
 */
export interface MachineAgentsApi {
  /**
   * Lists a machine's agents (`GET /machines/:machineId/agents`).
   *
   * @example
   * ```ts
   * import { PeaqosClient } from "@peaqos/peaq-os-sdk";
   *
   * const client = new PeaqosClient({ orchestrationUrl: "https://orchestration.peaq.xyz" });
   * const { items } = await client.orchestration.listMachineAgents("m-1");
   * const alive = items.filter((agent) => agent.status === "active");
   * ```
   */
  listMachineAgents(
    machineId: string,
    requestOptions?: RequestOptions,
  ): Promise<ListResponse<MachineAgent>>;

  /**
   * Enrolls a machine agent (`POST /machines/:machineId/agents/enrollment`);
   * `item.provisioningToken` is returned once and hidden from every printed form of the
   * result (a server that names it `agentToken` is read the same way, and that field is
   * hidden too).
   *
   * @example
   * ```ts
   * import { PeaqosClient } from "@peaqos/peaq-os-sdk";
   *
   * const client = new PeaqosClient({ orchestrationUrl: "https://orchestration.peaq.xyz" });
   * const { item } = await client.orchestration.enrollMachineAgent("m-1", { label: "edge box" });
   * const agentToken = item.provisioningToken;
   * ```
   */
  enrollMachineAgent(
    machineId: string,
    params?: EnrollMachineAgentRequest,
    requestOptions?: RequestOptions,
  ): Promise<ItemResponse<MachineAgentWithToken>>;

  /**
   * Revokes a machine agent (`DELETE /machines/:machineId/agents/:agentId`).
   *
   * @example
   * ```ts
   * import { PeaqosClient } from "@peaqos/peaq-os-sdk";
   *
   * const client = new PeaqosClient({ orchestrationUrl: "https://orchestration.peaq.xyz" });
   * await client.orchestration.revokeMachineAgent("m-1", "agent-1");
   * ```
   */
  revokeMachineAgent(
    machineId: string,
    agentId: string,
    requestOptions?: RequestOptions,
  ): Promise<void>;

  /**
   * Reports a machine agent alive and upserts its endpoints (`POST /machine-agents/heartbeat`).
   * Sends no auth header: `agentToken` rides in the body.
   *
   * @example
   * ```ts
   * import { PeaqosClient } from "@peaqos/peaq-os-sdk";
   *
   * declare const agentToken: string;
   * const client = new PeaqosClient({ orchestrationUrl: "https://orchestration.peaq.xyz" });
   * const { leaseExpiresAt } = await client.orchestration.machineAgentHeartbeat({
   *   agentToken,
   *   leaseSeconds: 60,
   *   endpoints: [{ providerKey: "ollama", endpointBaseUrl: "http://127.0.0.1:11434" }],
   * });
   * ```
   */
  machineAgentHeartbeat(
    params: MachineAgentHeartbeatRequest,
    requestOptions?: RequestOptions,
  ): Promise<MachineAgentHeartbeatResponse>;

  /**
   * Lists a machine's runtime endpoints (`GET /machines/:machineId/runtime-endpoints`).
   *
   * @example Only those an agent reported
   * ```ts
   * import { PeaqosClient } from "@peaqos/peaq-os-sdk";
   *
   * const client = new PeaqosClient({ orchestrationUrl: "https://orchestration.peaq.xyz" });
   * const { items } = await client.orchestration.listRuntimeEndpoints("m-1", { source: "agent" });
   * ```
   */
  listRuntimeEndpoints(
    machineId: string,
    options?: ListRuntimeEndpointsOptions,
    requestOptions?: RequestOptions,
  ): Promise<ListResponse<RuntimeEndpoint>>;

  /**
   * Iterates every runtime endpoint of a machine across pages.
   *
   * @example
   * ```ts
   * import { PeaqosClient } from "@peaqos/peaq-os-sdk";
   *
   * const client = new PeaqosClient({ orchestrationUrl: "https://orchestration.peaq.xyz" });
   * for await (const endpoint of client.orchestration.listRuntimeEndpointsAll("m-1")) {
   *   console.log(endpoint.providerKey, endpoint.status);
   * }
   * ```
   */
  listRuntimeEndpointsAll(
    machineId: string,
    options?: Omit<ListRuntimeEndpointsOptions, "cursor">,
    requestOptions?: RequestOptions,
  ): AsyncGenerator<RuntimeEndpoint, void, undefined>;

  /**
   * Gets a machine's endpoint for one provider key
   * (`GET /machines/:machineId/runtime-endpoints/:providerKey`).
   *
   * @example
   * ```ts
   * import { PeaqosClient } from "@peaqos/peaq-os-sdk";
   *
   * const client = new PeaqosClient({ orchestrationUrl: "https://orchestration.peaq.xyz" });
   * const { item } = await client.orchestration.getRuntimeEndpoint("m-1", "ollama");
   * ```
   */
  getRuntimeEndpoint(
    machineId: string,
    providerKey: string,
    requestOptions?: RequestOptions,
  ): Promise<ItemResponse<RuntimeEndpoint>>;

  /**
   * Creates or replaces an endpoint (`PUT /machines/:machineId/runtime-endpoints/:providerKey`).
   * `endpointBaseUrl` is checked with `new URL()` first; `authToken` is never echoed back.
   *
   * @example
   * ```ts
   * import { PeaqosClient } from "@peaqos/peaq-os-sdk";
   *
   * const client = new PeaqosClient({ orchestrationUrl: "https://orchestration.peaq.xyz" });
   * await client.orchestration.upsertRuntimeEndpoint("m-1", "ollama", {
   *   endpointBaseUrl: "http://10.0.0.5:11434",
   *   authType: "bearer",
   *   authToken: "secret",
   * });
   * ```
   */
  upsertRuntimeEndpoint(
    machineId: string,
    providerKey: string,
    params: UpsertRuntimeEndpointRequest,
    requestOptions?: RequestOptions,
  ): Promise<ItemResponse<RuntimeEndpoint>>;

  /**
   * Deletes an endpoint (`DELETE /machines/:machineId/runtime-endpoints/:providerKey`).
   *
   * @example
   * ```ts
   * import { PeaqosClient } from "@peaqos/peaq-os-sdk";
   *
   * const client = new PeaqosClient({ orchestrationUrl: "https://orchestration.peaq.xyz" });
   * await client.orchestration.deleteRuntimeEndpoint("m-1", "ollama");
   * ```
   */
  deleteRuntimeEndpoint(
    machineId: string,
    providerKey: string,
    requestOptions?: RequestOptions,
  ): Promise<void>;
}

/** The routes of {@linkcode MachineAgentsApi}. @internal */
export const AGENT_ROUTES: Routes<MachineAgentsApi> = {
  listMachineAgents: "GET /machines/:machineId/agents list",
  enrollMachineAgent:
    "POST /machines/:machineId/agents/enrollment item body secret:provisioningToken",
  revokeMachineAgent: "DELETE /machines/:machineId/agents/:agentId void",
  machineAgentHeartbeat: "POST /machine-agents/heartbeat heartbeat body need:agentToken noauth",
  listRuntimeEndpoints: "GET /machines/:machineId/runtime-endpoints list query",
  getRuntimeEndpoint: "GET /machines/:machineId/runtime-endpoints/:providerKey item",
  upsertRuntimeEndpoint:
    "PUT /machines/:machineId/runtime-endpoints/:providerKey item body need:endpointBaseUrl",
  deleteRuntimeEndpoint: "DELETE /machines/:machineId/runtime-endpoints/:providerKey void",
};
