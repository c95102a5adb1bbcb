/**
 * Machine agents (platform auth, active identity-verified machines only): list, enroll and
 * revoke under `/machines/:machineId/agents`; and `POST /machine-agents/heartbeat`, which the
 * agent authenticates with its provisioning token (body `agentToken`, `x-agent-pairing-token` or
 * `Authorization: Bearer`). The rules are `domain/machine_agents.ts`.
 *
 * @module
 */
import type { Context, Hono } from "hono";
import { enrollMachineAgentBody, heartbeatBody } from "../../contract/agents.ts";
import { requirePlatform } from "../auth.ts";
import type { SandboxContext, SandboxEnv } from "../context.ts";
import {
  enrollMachineAgent,
  heartbeat,
  machineAgentsOf,
  revokeMachineAgent,
} from "../domain/machine_agents.ts";
import { requireActiveMachine } from "../domain/machines.ts";
import { listQuerySchema, paginate } from "../pagination.ts";
import { readJson, readQuery } from "../validate.ts";

// The agent's token: the body field, else either header the API accepts for it.
function agentTokenOf(c: Context, bodyToken: string | undefined): string | undefined {
  const bearer = /^Bearer\s+(\S+)$/i.exec(c.req.header("authorization") ?? "")?.[1];
  return bodyToken ?? (c.req.header("x-agent-pairing-token") || undefined) ?? bearer;
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
    const { id: machineId } = requireActiveMachine(ctx, c.req.param("machineId"));
    const query = readQuery(c, listQuerySchema);
    return c.json(paginate(machineAgentsOf(ctx, machineId), query, (r) => r.agent));
  });

  api.post("/machines/:machineId/agents/enrollment", platform, async (c) => {
    const { id: machineId } = requireActiveMachine(ctx, c.req.param("machineId"));
    const body = await readJson(c, enrollMachineAgentBody);
    return c.json({ item: await enrollMachineAgent(ctx, machineId, body) }, 201);
  });

  api.delete("/machines/:machineId/agents/:agentId", platform, (c) => {
    const { id: machineId } = requireActiveMachine(ctx, c.req.param("machineId"));
    revokeMachineAgent(ctx, machineId, c.req.param("agentId"));
    return c.body(null, 204);
  });

  api.post("/machine-agents/heartbeat", async (c) => {
    const body = await readJson(c, heartbeatBody);
    return c.json(await heartbeat(ctx, agentTokenOf(c, body.agentToken), body));
  });
}
