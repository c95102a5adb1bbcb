/**
 * Runtime endpoints (in progress).
 *
 * @module
 */
import type { Hono } from "hono";
import type { SandboxContext, SandboxEnv } from "../context.ts";

/** Registers the runtime endpoint routes. */
export function registerRuntimeEndpointRoutes(_api: Hono<SandboxEnv>, _ctx: SandboxContext): void {}

/** What the market routes need to call a machine's runtime for a provider key. */
export type RuntimeEndpointTarget = {
  readonly endpointBaseUrl: string;
  readonly authType: "none" | "api-key" | "bearer";
  readonly authToken: string | null;
};

/**
 * The runtime endpoint of `machineId` for `providerKey` (case-insensitive), or `undefined` when
 * none is registered or its lease has expired.
 *
 * @example
 * ```ts ignore
 * const target = findRuntimeEndpoint(ctx, order.machineId, order.providerKey);
 * ```
 */
export function findRuntimeEndpoint(
  _ctx: SandboxContext,
  _machineId: string,
  _providerKey: string,
): RuntimeEndpointTarget | undefined {
  return undefined;
}
