/**
 * Request bodies of the machine agent and runtime endpoint routes, tied to the SDK's request
 * types at compile time.
 *
 * @module
 */
import { z } from "zod";
import type {
  EnrollMachineAgentRequest,
  HeartbeatEndpoint,
  MachineAgentHeartbeatRequest,
  UpsertRuntimeEndpointRequest,
} from "../src/types/mod.ts";
import { isoDateTimeSchema, providerKeySchema, shortTextSchema } from "./fields.ts";
import type { Ties } from "./ties.ts";

const endpointFields = {
  endpointBaseUrl: z.string().max(2048).refine((value) => {
    try {
      const url = new URL(value);
      return url.protocol === "http:" || url.protocol === "https:";
    } catch {
      return false;
    }
  }, "must be an absolute http: or https: URL"),
  label: shortTextSchema.optional(),
  authType: z.enum(["none", "api-key", "bearer"]).optional(),
  authToken: z.string().min(1).max(4096).optional(),
  modelAlias: shortTextSchema.optional(),
  networkScope: z.enum(["loopback", "lan", "vpn", "public"]).optional(),
  probePath: z.string().max(500).regex(/^\//, "must start with '/'").optional(),
  status: z.enum(["active", "degraded", "unreachable"]).optional(),
  leaseExpiresAt: isoDateTimeSchema.optional(),
};

/** `PUT /machines/:machineId/runtime-endpoints/:providerKey`. */
export const upsertRuntimeEndpointBody = z.strictObject(endpointFields);
/** A validated body of `PUT .../runtime-endpoints/:providerKey`. */
export type UpsertRuntimeEndpointBody = z.output<typeof upsertRuntimeEndpointBody>;

/** One endpoint of a heartbeat: an upsert body plus its provider key. */
export const heartbeatEndpointBody = z.strictObject({
  providerKey: providerKeySchema,
  ...endpointFields,
});

/** `POST /machines/:machineId/agents/enrollment`. */
export const enrollMachineAgentBody = z.strictObject({
  label: shortTextSchema.optional(),
  allowedProviderKeys: z.array(providerKeySchema).max(100).optional(),
});
/** A validated body of `POST .../agents/enrollment`. */
export type EnrollMachineAgentBody = z.output<typeof enrollMachineAgentBody>;

/**
 * `POST /machine-agents/heartbeat`. `agentToken` is optional on the wire: the agent may
 * authenticate with `x-agent-pairing-token` or `Authorization: Bearer` instead (the SDK always
 * sends the body field, so its type requires it).
 */
export const heartbeatBody = z.strictObject({
  agentToken: z.string().min(1).max(512).optional(),
  endpoints: z.array(heartbeatEndpointBody).max(100).optional(),
  leaseSeconds: z.number().int().min(1).max(86_400).optional(),
});
/** A validated body of `POST /machine-agents/heartbeat`. */
export type HeartbeatBody = z.output<typeof heartbeatBody>;

// Compile-time ties: a drift between a schema and the SDK's type fails `deno check` here.
const _upsert: Ties<UpsertRuntimeEndpointBody, UpsertRuntimeEndpointRequest> = true;
const _endpoint: Ties<z.output<typeof heartbeatEndpointBody>, HeartbeatEndpoint> = true;
const _enroll: Ties<EnrollMachineAgentBody, EnrollMachineAgentRequest> = true;
const _heartbeat: Ties<
  HeartbeatBody,
  Omit<MachineAgentHeartbeatRequest, "agentToken"> & { readonly agentToken?: string | undefined }
> = true;
