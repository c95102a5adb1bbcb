/**
 * Machine agents: the on-device process that reports runtime endpoints. Enrollment returns a
 * provisioning token once; the store keeps only its SHA-256 hash. Heartbeats authenticate by
 * that token (body `agentToken`, `x-agent-pairing-token` or `Authorization: Bearer`) and upsert
 * endpoints with `source: "agent"` and a lease. Agents exist only for active,
 * identity-verified machines (`MACHINE_NOT_ACTIVE`, `MACHINE_NOT_ACTIVATED`).
 *
 * @module
 */
import type { EnrollMachineAgentBody, HeartbeatBody } from "../../contract/agents.ts";
import type {
  MachineAgent,
  MachineAgentHeartbeatResponse,
  MachineAgentWithToken,
  RuntimeEndpoint,
} from "../../src/types/mod.ts";
import type { SandboxContext } from "../context.ts";
import { randomToken, sha256Hex } from "../crypto.ts";
import { ApiError, notFound } from "../errors.ts";
import type { MachineAgentRecord } from "../store.ts";
import { validationError } from "../validate.ts";
import { requireActiveMachine } from "./machines.ts";
import { upsertRuntimeEndpoint } from "./runtime_endpoints.ts";

/** Lease of heartbeat-reported endpoints when the agent names none, in seconds. */
export const DEFAULT_LEASE_SECONDS = 300;

async function findByToken(
  ctx: SandboxContext,
  token: string,
): Promise<MachineAgentRecord | undefined> {
  const hash = await sha256Hex(token);
  for (const record of ctx.store.machineAgents.values()) {
    if (record.tokenHash === hash) return record;
  }
  return undefined;
}

/**
 * The machine agents of `machineId`, in creation order.
 *
 * @example
 * ```ts ignore
 * const records = machineAgentsOf(ctx, machineId);
 * ```
 */
export function machineAgentsOf(ctx: SandboxContext, machineId: string): MachineAgentRecord[] {
  return [...ctx.store.machineAgents.values()].filter((r) => r.agent.machineId === machineId);
}

/**
 * Enrolls a machine agent (`pending` until its first heartbeat); the answer carries its
 * provisioning token once, and the store only the token's SHA-256 hash.
 *
 * @example
 * ```ts ignore
 * const agent = await enrollMachineAgent(ctx, machineId, { allowedProviderKeys: ["ollama"] });
 * ```
 */
export async function enrollMachineAgent(
  ctx: SandboxContext,
  machineId: string,
  body: EnrollMachineAgentBody,
): Promise<MachineAgentWithToken> {
  const provisioningToken = randomToken("mat");
  const agent: MachineAgent = {
    id: ctx.ids.nextId("ma"),
    machineId,
    label: body.label ?? null,
    status: "pending",
    allowedProviderKeys: [
      ...new Set((body.allowedProviderKeys ?? []).map((k) => k.toLowerCase())),
    ],
    lastSeenAt: null,
    createdAt: ctx.now().toISOString(),
  };
  ctx.store.machineAgents.set(agent.id, {
    seq: ctx.ids.nextSeq(),
    agent,
    tokenHash: await sha256Hex(provisioningToken),
  });
  return { ...agent, provisioningToken };
}

/**
 * Revokes the machine agent `agentId` of `machineId` (404 `NOT_FOUND` when it is another
 * machine's): its heartbeats answer `AGENT_PAIRING_INACTIVE`.
 *
 * @example
 * ```ts ignore
 * revokeMachineAgent(ctx, machineId, agentId);
 * ```
 */
export function revokeMachineAgent(ctx: SandboxContext, machineId: string, agentId: string): void {
  const record = ctx.store.machineAgents.get(agentId);
  if (record === undefined || record.agent.machineId !== machineId) {
    throw notFound("Machine agent", agentId);
  }
  record.agent = { ...record.agent, status: "revoked" };
}

/**
 * A heartbeat of the agent holding `token` (`undefined`: none was sent, 401
 * `AGENT_AUTH_REQUIRED`): marks the agent active and upserts the endpoints it reports with
 * `source: "agent"` and a lease, each provider key once and within its `allowedProviderKeys`.
 *
 * @example
 * ```ts ignore
 * const answer = await heartbeat(ctx, token, { endpoints: [{ providerKey: "ollama", endpointBaseUrl }] });
 * ```
 */
export async function heartbeat(
  ctx: SandboxContext,
  token: string | undefined,
  body: HeartbeatBody,
): Promise<MachineAgentHeartbeatResponse> {
  if (token === undefined) {
    throw new ApiError(
      401,
      "AGENT_AUTH_REQUIRED",
      "Missing agent token: send 'agentToken', 'x-agent-pairing-token' or 'Authorization: Bearer'",
    );
  }
  const record = await findByToken(ctx, token);
  if (record === undefined) {
    throw new ApiError(401, "AGENT_AUTH_INVALID", "Invalid agent token");
  }
  if (record.agent.status === "revoked") {
    throw new ApiError(
      403,
      "AGENT_PAIRING_INACTIVE",
      `Machine agent is revoked: '${record.agent.id}'`,
    );
  }
  requireActiveMachine(ctx, record.agent.machineId);
  const endpoints = body.endpoints ?? [];
  const keys = endpoints.map((endpoint) => endpoint.providerKey.toLowerCase());
  const duplicate = keys.findIndex((key, index) => keys.indexOf(key) !== index);
  if (duplicate >= 0) {
    throw validationError([{
      path: `endpoints.${duplicate}.providerKey`,
      message: "each provider key may appear once",
    }]);
  }
  const allowed = record.agent.allowedProviderKeys;
  const denied = allowed.length === 0 ? [] : keys.filter((key) => !allowed.includes(key));
  if (denied.length > 0) {
    throw new ApiError(
      403,
      "AGENT_POLICY_DENIED",
      `Provider keys not allowed for this agent: ${denied.map((k) => `'${k}'`).join(", ")}`,
      { deniedProviderKeys: denied, allowedProviderKeys: allowed },
    );
  }
  const now = ctx.now();
  const leaseSeconds = body.leaseSeconds ?? DEFAULT_LEASE_SECONDS;
  const leaseExpiresAt = new Date(now.getTime() + leaseSeconds * 1000).toISOString();
  const machineId = record.agent.machineId;
  const upserted: RuntimeEndpoint[] = endpoints.map(({ providerKey, ...input }) =>
    upsertRuntimeEndpoint(ctx, machineId, providerKey, input, "agent", leaseExpiresAt).endpoint
  );
  record.agent = { ...record.agent, status: "active", lastSeenAt: now.toISOString() };
  return { agent: record.agent, endpoints: upserted, leaseExpiresAt };
}
