/**
 * Machine agents (the on-device process) and runtime endpoints.
 *
 * @module
 */

/**
 * Status of a machine agent.
 *
 * @example Usage
 * ```ts
 * import type { MachineAgentStatus } from "@peaqos/peaq-os-sdk";
 *
 * const machineAgentStatus: MachineAgentStatus = "active";
 * ```
 */
export type MachineAgentStatus = "pending" | "active" | "revoked";

/**
 * The process running on a machine that reports its runtime endpoints.
 *
 * @example Find agents that stopped reporting
 * ```ts
 * import { PeaqosClient } from "@peaqos/peaq-os-sdk";
 * declare const machineId: string;
 *
 * const client = PeaqosClient.fromEnv();
 * const { items } = await client.orchestration.listMachineAgents(machineId);
 * const silent = items.filter((agent) => agent.status === "active" && agent.lastSeenAt === null);
 * ```
 */
export type MachineAgent = {
  readonly id: string;
  readonly machineId: string;
  readonly label: string | null;
  readonly status: MachineAgentStatus;
  readonly allowedProviderKeys: readonly string[];
  readonly lastSeenAt: string | null;
  readonly createdAt: string;
};

/**
 * A machine agent with its one-time provisioning token, returned once by enrollment. (The API
 * reference calls the token `agentToken`; the SDK reads either name and hides it.)
 *
 * @example From `enrollMachineAgent`
 * ```ts
 * import { PeaqosClient } from "@peaqos/peaq-os-sdk";
 * declare const machineId: string;
 *
 * const client = PeaqosClient.fromEnv();
 * const { item: agent } = await client.orchestration.enrollMachineAgent(machineId, { label: "edge-box-1" });
 * console.log(agent.id); // hand agent.provisioningToken to the device; it is shown once
 * ```
 */
export type MachineAgentWithToken = MachineAgent & {
  /** One-time token the agent sends as `agentToken` in heartbeats. */
  readonly provisioningToken: string;
};

/**
 * Body of `enrollMachineAgent`.
 *
 * @example Usage
 * ```ts
 * import type { EnrollMachineAgentRequest } from "@peaqos/peaq-os-sdk";
 *
 * const body: EnrollMachineAgentRequest = { label: "edge-box-1", allowedProviderKeys: ["ollama"] };
 * ```
 */
export type EnrollMachineAgentRequest = {
  readonly label?: string | undefined;
  /** Provider keys this agent may report endpoints for; empty or omitted allows any. */
  readonly allowedProviderKeys?: readonly string[] | undefined;
};

/**
 * How a runtime endpoint authenticates the platform's calls.
 *
 * @example Usage
 * ```ts
 * import type { RuntimeEndpointAuthType } from "@peaqos/peaq-os-sdk";
 *
 * const runtimeEndpointAuthType: RuntimeEndpointAuthType = "api-key";
 * ```
 */
export type RuntimeEndpointAuthType = "none" | "api-key" | "bearer";

/**
 * Where a runtime endpoint is reachable from.
 *
 * @example Usage
 * ```ts
 * import type { RuntimeEndpointNetworkScope } from "@peaqos/peaq-os-sdk";
 *
 * const runtimeEndpointNetworkScope: RuntimeEndpointNetworkScope = "lan";
 * ```
 */
export type RuntimeEndpointNetworkScope = "loopback" | "lan" | "vpn" | "public";

/**
 * Health of a runtime endpoint.
 *
 * @example Usage
 * ```ts
 * import type { RuntimeEndpointStatus } from "@peaqos/peaq-os-sdk";
 *
 * const runtimeEndpointStatus: RuntimeEndpointStatus = "degraded";
 * ```
 */
export type RuntimeEndpointStatus = "active" | "degraded" | "unreachable";

/**
 * Body of `upsertRuntimeEndpoint`.
 *
 * @example Usage
 * ```ts
 * import type { UpsertRuntimeEndpointRequest } from "@peaqos/peaq-os-sdk";
 *
 * // label defaults to "OLLAMA runtime", probePath to "/health"
 * const body: UpsertRuntimeEndpointRequest = {
 *   endpointBaseUrl: "http://10.0.0.7:11434",
 *   networkScope: "lan",
 *   modelAlias: "llama3.1:8b",
 * };
 * ```
 */
export type UpsertRuntimeEndpointRequest = {
  /** Base URL of the machine's runtime; must parse with `new URL()`. */
  readonly endpointBaseUrl: string;
  /** Default `"<PROVIDERKEY> runtime"` (the provider key upper-cased). */
  readonly label?: string | undefined;
  readonly authType?: RuntimeEndpointAuthType | undefined;
  /** Sent to the server, never echoed back (see `hasAuthToken`). */
  readonly authToken?: string | undefined;
  readonly modelAlias?: string | undefined;
  readonly networkScope?: RuntimeEndpointNetworkScope | undefined;
  /** Health-check path; default `"/v1/models"` for `qvac`, `"/health"` otherwise. */
  readonly probePath?: string | undefined;
  readonly status?: RuntimeEndpointStatus | undefined;
  readonly leaseExpiresAt?: string | undefined;
};

/**
 * A machine's runtime endpoint for one provider key. `authToken` is never returned.
 *
 * @example From `getRuntimeEndpoint`
 * ```ts
 * import { PeaqosClient } from "@peaqos/peaq-os-sdk";
 * declare const machineId: string;
 *
 * const client = PeaqosClient.fromEnv();
 * const { item: endpoint } = await client.orchestration.getRuntimeEndpoint(machineId, "ollama");
 * console.log(endpoint.status, endpoint.endpointBaseUrl, endpoint.hasAuthToken);
 * ```
 */
export type RuntimeEndpoint = {
  readonly machineId: string;
  readonly providerKey: string;
  readonly endpointBaseUrl: string;
  readonly label: string | null;
  readonly authType: RuntimeEndpointAuthType;
  readonly hasAuthToken: boolean;
  readonly modelAlias: string | null;
  readonly networkScope: RuntimeEndpointNetworkScope;
  readonly probePath: string | null;
  readonly status: RuntimeEndpointStatus;
  readonly source: "manual" | "agent";
  readonly leaseExpiresAt: string | null;
  readonly createdAt: string;
  readonly updatedAt: string;
};

/**
 * Options of `listRuntimeEndpoints`.
 *
 * @example Usage
 * ```ts
 * import type { ListRuntimeEndpointsOptions } from "@peaqos/peaq-os-sdk";
 *
 * const options: ListRuntimeEndpointsOptions = { source: "agent", limit: 50 };
 * ```
 */
export type ListRuntimeEndpointsOptions = {
  readonly cursor?: string | null | undefined;
  readonly limit?: number | undefined;
  readonly source?: "manual" | "agent" | undefined;
};

/**
 * One endpoint reported in a heartbeat.
 *
 * @example Usage
 * ```ts
 * import type { HeartbeatEndpoint } from "@peaqos/peaq-os-sdk";
 *
 * const endpoint: HeartbeatEndpoint = {
 *   providerKey: "ollama",
 *   endpointBaseUrl: "http://10.0.0.7:11434",
 * };
 * ```
 */
export type HeartbeatEndpoint = UpsertRuntimeEndpointRequest & {
  readonly providerKey: string;
};

/**
 * Body of `machineAgentHeartbeat`; authenticated by `agentToken` (the server also accepts the
 * token as `x-agent-pairing-token` or `Authorization: Bearer`, the SDK sends the body field).
 *
 * @example Usage
 * ```ts
 * import type { MachineAgentHeartbeatRequest } from "@peaqos/peaq-os-sdk";
 *
 * const body: MachineAgentHeartbeatRequest = {
 *   agentToken: "mat_…",
 *   endpoints: [{ providerKey: "ollama", endpointBaseUrl: "http://127.0.0.1:11434" }],
 *   leaseSeconds: 120,
 * };
 * ```
 */
export type MachineAgentHeartbeatRequest = {
  readonly agentToken: string;
  readonly endpoints?: readonly HeartbeatEndpoint[] | undefined;
  /** Lease length for the reported endpoints; the server's default is 300 seconds. */
  readonly leaseSeconds?: number | undefined;
};

/**
 * Response of `machineAgentHeartbeat`.
 *
 * @example From `machineAgentHeartbeat`
 * ```ts
 * import { PeaqosClient, type HeartbeatEndpoint } from "@peaqos/peaq-os-sdk";
 * declare const agentToken: string;
 * declare const endpoints: readonly HeartbeatEndpoint[];
 *
 * const client = PeaqosClient.fromEnv();
 * const beat = await client.orchestration.machineAgentHeartbeat({ agentToken, endpoints });
 * console.log(`lease until ${beat.leaseExpiresAt}`, beat.endpoints.length);
 * ```
 */
export type MachineAgentHeartbeatResponse = {
  readonly agent: MachineAgent;
  readonly endpoints: readonly RuntimeEndpoint[];
  readonly leaseExpiresAt: string;
};
