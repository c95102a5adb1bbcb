/**
 * Machine agents (the on-device process) and runtime endpoints.
 *
 * @module
 */

/** Status of a machine agent. */
export type MachineAgentStatus = "pending" | "active" | "revoked";

/** The process running on a machine that reports its runtime endpoints. */
export type MachineAgent = {
  readonly id: string;
  readonly machineId: string;
  readonly label: string | null;
  readonly status: MachineAgentStatus;
  readonly allowedProviderKeys: readonly string[];
  readonly lastSeenAt: string | null;
  readonly createdAt: string;
};

/** A machine agent with its one-time provisioning token, returned once by enrollment. */
export type MachineAgentWithToken = MachineAgent & {
  /** One-time token the agent sends as `agentToken` in heartbeats. */
  readonly provisioningToken: string;
};

/** Body of `enrollMachineAgent`. */
export type EnrollMachineAgentRequest = {
  readonly label?: string;
  /** Provider keys this agent may report endpoints for; empty or omitted allows any. */
  readonly allowedProviderKeys?: readonly string[];
};

/** How a runtime endpoint authenticates the platform's calls. */
export type RuntimeEndpointAuthType = "none" | "api-key" | "bearer";

/** Where a runtime endpoint is reachable from. */
export type RuntimeEndpointNetworkScope = "loopback" | "lan" | "vpn" | "public";

/** Health of a runtime endpoint. */
export type RuntimeEndpointStatus = "active" | "degraded" | "unreachable";

/** Body of `upsertRuntimeEndpoint`. */
export type UpsertRuntimeEndpointRequest = {
  /** Base URL of the machine's runtime; must parse with `new URL()`. */
  readonly endpointBaseUrl: string;
  readonly label?: string;
  readonly authType?: RuntimeEndpointAuthType;
  /** Sent to the server, never echoed back (see `hasAuthToken`). */
  readonly authToken?: string;
  readonly modelAlias?: string;
  readonly networkScope?: RuntimeEndpointNetworkScope;
  readonly probePath?: string;
  readonly status?: RuntimeEndpointStatus;
  readonly leaseExpiresAt?: string;
};

/** A machine's runtime endpoint for one provider key. `authToken` is never returned. */
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

/** Options of `listRuntimeEndpoints`. */
export type ListRuntimeEndpointsOptions = {
  readonly cursor?: string;
  readonly limit?: number;
  readonly source?: "manual" | "agent";
};

/** One endpoint reported in a heartbeat. */
export type HeartbeatEndpoint = UpsertRuntimeEndpointRequest & {
  readonly providerKey: string;
};

/** Body of `machineAgentHeartbeat`; authenticated by `agentToken`, not by headers. */
export type MachineAgentHeartbeatRequest = {
  readonly agentToken: string;
  readonly endpoints?: readonly HeartbeatEndpoint[];
  /** Lease length for the reported endpoints; the server's default is 300 seconds. */
  readonly leaseSeconds?: number;
};

/** Response of `machineAgentHeartbeat`. */
export type MachineAgentHeartbeatResponse = {
  readonly agent: MachineAgent;
  readonly endpoints: readonly RuntimeEndpoint[];
  readonly leaseExpiresAt: string;
};
