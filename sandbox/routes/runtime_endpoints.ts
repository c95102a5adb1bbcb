/**
 * Runtime endpoints: where a machine's runtime answers for one provider key. Set by hand
 * (`PUT`, `source: "manual"`) or by a machine agent's heartbeat (`source: "agent"`, with a
 * lease). `authToken` is kept server-side and never echoed (`hasAuthToken`). Like the rest of
 * the orchestration group, they exist only for active, identity-verified machines.
 *
 * @module
 */
import type { Hono } from "hono";
import { z } from "zod";
import { upsertRuntimeEndpointBody } from "../../contract/agents.ts";
import { providerKeySchema } from "../../contract/fields.ts";
import type { RuntimeEndpoint } from "../../src/types/mod.ts";
import { requirePlatform } from "../auth.ts";
import type { SandboxContext, SandboxEnv } from "../context.ts";
import { notFound } from "../errors.ts";
import { listQuerySchema, paginate } from "../pagination.ts";
import { runtimeEndpointKey } from "../store.ts";
import { parseWith, readJson, readQuery } from "../validate.ts";
import { requireActiveMachine } from "./machines.ts";

/** A validated upsert body. */
export type EndpointInput = z.output<typeof upsertRuntimeEndpointBody>;

/**
 * The contract's default health-check path: `/v1/models` for QVAC (an OpenAI-style API),
 * `/health` for everything else.
 *
 * @example
 * ```ts ignore
 * defaultProbePath("qvac"); // "/v1/models"
 * ```
 */
export function defaultProbePath(providerKey: string): string {
  return providerKey.toLowerCase() === "qvac" ? "/v1/models" : "/health";
}

const listSchema = listQuerySchema.extend({ source: z.enum(["manual", "agent"]).optional() });

/** A network scope guessed from the host when the caller names none. */
function guessScope(url: URL): RuntimeEndpoint["networkScope"] {
  const host = url.hostname;
  if (host === "localhost" || host.startsWith("127.") || host === "[::1]") return "loopback";
  if (/^(10\.|192\.168\.|172\.(1[6-9]|2\d|3[01])\.)/.test(host)) return "lan";
  return "public";
}

/**
 * Creates or replaces the endpoint of `machineId` for `providerKey` (lowercased). The base URL
 * keeps only its origin (path, query, hash and credentials are dropped). Returns the view and
 * whether it was new.
 *
 * @example
 * ```ts ignore
 * const { endpoint, created } = upsertRuntimeEndpoint(ctx, machineId, "ollama", body, "manual");
 * ```
 */
export function upsertRuntimeEndpoint(
  ctx: SandboxContext,
  machineId: string,
  providerKey: string,
  input: EndpointInput,
  source: RuntimeEndpoint["source"],
  leaseExpiresAt?: string,
): { readonly endpoint: RuntimeEndpoint; readonly created: boolean } {
  const key = runtimeEndpointKey(machineId, providerKey);
  const existing = ctx.store.runtimeEndpoints.get(key);
  const url = new URL(input.endpointBaseUrl);
  const now = ctx.now().toISOString();
  const endpoint: RuntimeEndpoint = {
    machineId,
    providerKey: providerKey.toLowerCase(),
    endpointBaseUrl: url.origin,
    label: input.label ?? `${providerKey.toUpperCase()} runtime`,
    authType: input.authType ?? (input.authToken ? "bearer" : "none"),
    hasAuthToken: input.authToken !== undefined,
    modelAlias: input.modelAlias ?? null,
    networkScope: input.networkScope ?? guessScope(url),
    probePath: input.probePath ?? defaultProbePath(providerKey),
    status: input.status ?? "active",
    source,
    leaseExpiresAt: leaseExpiresAt ?? input.leaseExpiresAt ?? null,
    createdAt: existing?.endpoint.createdAt ?? now,
    updatedAt: now,
  };
  ctx.store.runtimeEndpoints.set(key, {
    seq: existing?.seq ?? ctx.ids.nextSeq(),
    endpoint,
    authToken: input.authToken ?? null,
  });
  return { endpoint, created: existing === undefined };
}

/** What the market routes need to call a machine's runtime for a provider key. */
export type RuntimeEndpointTarget = {
  readonly endpointBaseUrl: string;
  readonly authType: RuntimeEndpoint["authType"];
  /** The stored secret; send it per `authType` (`authorization: Bearer` or `x-api-key`). */
  readonly authToken: string | null;
  readonly endpoint: RuntimeEndpoint;
};

/**
 * The runtime endpoint of `machineId` for `providerKey` (case-insensitive), or `undefined` when
 * none is registered, it is marked `unreachable`, or its lease has expired.
 *
 * @example
 * ```ts ignore
 * const target = findRuntimeEndpoint(ctx, order.machineId, order.providerKey);
 * if (!target) throw new ApiError(502, "ENDPOINT_UNREACHABLE", "No runtime endpoint");
 * ```
 */
export function findRuntimeEndpoint(
  ctx: SandboxContext,
  machineId: string,
  providerKey: string,
): RuntimeEndpointTarget | undefined {
  const record = ctx.store.runtimeEndpoints.get(runtimeEndpointKey(machineId, providerKey));
  if (record === undefined || record.endpoint.status === "unreachable") return undefined;
  const lease = record.endpoint.leaseExpiresAt;
  if (lease !== null && Date.parse(lease) <= ctx.now().getTime()) return undefined;
  return {
    endpointBaseUrl: record.endpoint.endpointBaseUrl,
    authType: record.endpoint.authType,
    authToken: record.authToken,
    endpoint: record.endpoint,
  };
}

function providerKeyParam(value: string | undefined): string {
  return parseWith(z.object({ providerKey: providerKeySchema }), { providerKey: value })
    .providerKey.toLowerCase();
}

/**
 * Registers the runtime endpoint routes under `/machines/:machineId/runtime-endpoints`.
 *
 * @example
 * ```ts ignore
 * registerRuntimeEndpointRoutes(api, ctx);
 * ```
 */
export function registerRuntimeEndpointRoutes(api: Hono<SandboxEnv>, ctx: SandboxContext): void {
  const platform = requirePlatform(ctx);
  const base = "/machines/:machineId/runtime-endpoints";

  api.get(base, platform, (c) => {
    const machineId = c.req.param("machineId");
    requireActiveMachine(ctx, machineId);
    const query = readQuery(c, listSchema);
    const records = [...ctx.store.runtimeEndpoints.values()].filter((r) =>
      r.endpoint.machineId === machineId &&
      (query.source === undefined || r.endpoint.source === query.source)
    );
    return c.json(paginate(records, query, (r) => r.endpoint));
  });

  api.get(`${base}/:providerKey`, platform, (c) => {
    const machineId = c.req.param("machineId");
    requireActiveMachine(ctx, machineId);
    const providerKey = providerKeyParam(c.req.param("providerKey"));
    const record = ctx.store.runtimeEndpoints.get(runtimeEndpointKey(machineId, providerKey));
    if (record === undefined) throw notFound("Runtime endpoint", providerKey);
    return c.json({ item: record.endpoint });
  });

  api.put(`${base}/:providerKey`, platform, async (c) => {
    const machineId = c.req.param("machineId");
    requireActiveMachine(ctx, machineId);
    const providerKey = providerKeyParam(c.req.param("providerKey"));
    const body = await readJson(c, upsertRuntimeEndpointBody);
    const { endpoint, created } = upsertRuntimeEndpoint(
      ctx,
      machineId,
      providerKey,
      body,
      "manual",
    );
    return c.json({ item: endpoint }, created ? 201 : 200);
  });

  api.delete(`${base}/:providerKey`, platform, (c) => {
    const machineId = c.req.param("machineId");
    requireActiveMachine(ctx, machineId);
    const providerKey = providerKeyParam(c.req.param("providerKey"));
    if (!ctx.store.runtimeEndpoints.delete(runtimeEndpointKey(machineId, providerKey))) {
      throw notFound("Runtime endpoint", providerKey);
    }
    return c.body(null, 204);
  });
}
