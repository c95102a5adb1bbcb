/**
 * Runtime endpoints: where a machine's runtime answers for one provider key. Set by hand
 * (`PUT`, `source: "manual"`) or by a machine agent's heartbeat (`source: "agent"`, with a
 * lease). `authToken` is kept server-side and never echoed (`hasAuthToken`). Like the rest of
 * the orchestration group, they exist only for active, identity-verified machines.
 *
 * @module
 */
import type { UpsertRuntimeEndpointBody } from "../../contract/agents.ts";
import type { RuntimeEndpoint } from "../../src/types/mod.ts";
import type { SandboxContext } from "../context.ts";
import { notFound } from "../errors.ts";
import { runtimeEndpointKey, type RuntimeEndpointRecord } from "../store.ts";

/** A validated upsert body. */
export type EndpointInput = UpsertRuntimeEndpointBody;

/**
 * The API's default health-check path: `/v1/models` for QVAC (an OpenAI-style API),
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

/** What execution needs to call a machine's runtime for a provider key. */
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

/**
 * The endpoints of `machineId`, in creation order, optionally from one source.
 *
 * @example
 * ```ts ignore
 * const records = runtimeEndpointsOf(ctx, machineId, "agent");
 * ```
 */
export function runtimeEndpointsOf(
  ctx: SandboxContext,
  machineId: string,
  source: RuntimeEndpoint["source"] | undefined,
): RuntimeEndpointRecord[] {
  return [...ctx.store.runtimeEndpoints.values()].filter((r) =>
    r.endpoint.machineId === machineId && (source === undefined || r.endpoint.source === source)
  );
}

/**
 * The endpoint of `machineId` for `providerKey` (lowercase), or 404 `NOT_FOUND`.
 *
 * @example
 * ```ts ignore
 * const { endpoint } = requireRuntimeEndpoint(ctx, machineId, "ollama");
 * ```
 */
export function requireRuntimeEndpoint(
  ctx: SandboxContext,
  machineId: string,
  providerKey: string,
): RuntimeEndpointRecord {
  const record = ctx.store.runtimeEndpoints.get(runtimeEndpointKey(machineId, providerKey));
  if (record === undefined) throw notFound("Runtime endpoint", providerKey);
  return record;
}

/**
 * Deletes the endpoint of `machineId` for `providerKey` (lowercase), or 404 `NOT_FOUND`.
 *
 * @example
 * ```ts ignore
 * deleteRuntimeEndpoint(ctx, machineId, "ollama");
 * ```
 */
export function deleteRuntimeEndpoint(
  ctx: SandboxContext,
  machineId: string,
  providerKey: string,
): void {
  if (!ctx.store.runtimeEndpoints.delete(runtimeEndpointKey(machineId, providerKey))) {
    throw notFound("Runtime endpoint", providerKey);
  }
}
