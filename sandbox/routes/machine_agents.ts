/**
 * Machine agents: the on-device process that reports runtime endpoints. Enrollment returns a
 * provisioning token once; the store keeps only its SHA-256 hash. Heartbeats authenticate by
 * that token (body `agentToken`, `x-agent-pairing-token` or `Authorization: Bearer`) and upsert
 * endpoints with `source: "agent"` and a lease. Agents exist only for active,
 * identity-verified machines (`MACHINE_NOT_ACTIVE`, `MACHINE_NOT_ACTIVATED`).
 *
 * @module
 */
import type { Context, Hono } from "hono";
import { enrollMachineAgentBody, heartbeatBody } from "../../contract/agents.ts";
import type {
  MachineAgent,
  MachineAgentHeartbeatResponse,
  MachineAgentWithToken,
  RuntimeEndpoint,
} from "../../src/types/mod.ts";
import { requirePlatform } from "../auth.ts";
import type { SandboxContext, SandboxEnv } from "../context.ts";
import { randomToken, sha256Hex } from "../crypto.ts";
import { ApiError, notFound } from "../errors.ts";
import { listQuerySchema, paginate } from "../pagination.ts";
import type { MachineAgentRecord } from "../store.ts";
import { readJson, readQuery, validationError } from "../validate.ts";
import { requireActiveMachine } from "./machines.ts";
import { upsertRuntimeEndpoint } from "./runtime_endpoints.ts";

/** Lease of heartbeat-reported endpoints when the agent names none, in seconds. */
export const DEFAULT_LEASE_SECONDS = 300;

// The agent's token: the body field, else either header the API reference allows.
function agentTokenOf(c: Context, bodyToken: string | undefined): string {
  const bearer = /^Bearer\s+(\S+)$/i.exec(c.req.header("authorization") ?? "")?.[1];
  const token = bodyToken ?? (c.req.header("x-agent-pairing-token") || undefined) ?? bearer;
  if (token === undefined) {
    throw new ApiError(
      401,
      "AGENT_AUTH_REQUIRED",
      "Missing agent token: send 'agentToken', 'x-agent-pairing-token' or 'Authorization: Bearer'",
    );
  }
  return token;
}

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
 * Registers the machine agent routes and the heartbeat.
 *
 * @example
 * ```ts ignore
 * registerMachineAgentRoutes(api, ctx);
 * ```
 */
export function registerMachineAgentRoutes(api: Hono<SandboxEnv>, ctx: SandboxContext): void {
  const platform = requirePlatform(ctx);

  api.get("/machines/:machineId/agents", platform, (c) => {
    const machineId = c.req.param("machineId");
    requireActiveMachine(ctx, machineId);
    const query = readQuery(c, listQuerySchema);
    const records = [...ctx.store.machineAgents.values()].filter((r) =>
      r.agent.machineId === machineId
    );
    return c.json(paginate(records, query, (r) => r.agent));
  });

  api.post("/machines/:machineId/agents/enrollment", platform, async (c) => {
    const machineId = c.req.param("machineId");
    requireActiveMachine(ctx, machineId);
    const body = await readJson(c, enrollMachineAgentBody);
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
    const item: MachineAgentWithToken = { ...agent, provisioningToken };
    return c.json({ item }, 201);
  });

  api.delete("/machines/:machineId/agents/:agentId", platform, (c) => {
    const machineId = c.req.param("machineId");
    const agentId = c.req.param("agentId");
    requireActiveMachine(ctx, machineId);
    const record = ctx.store.machineAgents.get(agentId);
    if (record === undefined || record.agent.machineId !== machineId) {
      throw notFound("Machine agent", agentId);
    }
    record.agent = { ...record.agent, status: "revoked" };
    return c.body(null, 204);
  });

  api.post("/machine-agents/heartbeat", async (c) => {
    const body = await readJson(c, heartbeatBody);
    const record = await findByToken(ctx, agentTokenOf(c, body.agentToken));
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
    const response: MachineAgentHeartbeatResponse = {
      agent: record.agent,
      endpoints: upserted,
      leaseExpiresAt,
    };
    return c.json(response);
  });
}
