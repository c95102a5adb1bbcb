/**
 * Reading the process environment on whichever runtime we run on.
 *
 * @module
 */

/**
 * The environment variables {@linkcode PeaqosClient.fromEnv} reads, and `PEAQOS_PRIVATE_KEY`,
 * which `createClientFromEnv` of `@peaqos/peaq-os-sdk/signer` reads too.
 *
 * @example Usage
 * ```ts
 * import type { EnvVarName } from "@peaqos/peaq-os-sdk";
 *
 * const name: EnvVarName = "PEAQOS_ORCHESTRATION_URL";
 * ```
 */
export type EnvVarName =
  | "PEAQOS_ORCHESTRATION_URL"
  | "PEAQOS_API_KEY"
  | "PEAQOS_RPC_URL"
  | "PEAQOS_LOG"
  | "PEAQOS_PRIVATE_KEY";

/**
 * Where {@linkcode PeaqosClient.fromEnv} reads its settings: any object whose `PEAQOS_*`
 * variables, where present, are strings. A Worker's `Env` as `wrangler types` generates it fits
 * as it is (it has no index signature and holds bindings beside the variables), and so do
 * `process.env` and `Deno.env.toObject()`.
 *
 * @example A Worker's generated Env
 * ```ts
 * import { PeaqosClient } from "@peaqos/peaq-os-sdk";
 *
 * interface Env {
 *   PEAQOS_ORCHESTRATION_URL: string;
 *   PEAQOS_API_KEY: string;
 *   LEDGER: { idFromName(name: string): unknown }; // a binding, not a variable
 * }
 *
 * export default {
 *   async fetch(_request: Request, env: Env): Promise<Response> {
 *     const client = PeaqosClient.fromEnv(env);
 *     return Response.json(await client.orchestration.listMachines({ limit: 5 }));
 *   },
 * };
 * ```
 */
// `object &` keeps an `Env` that declares none of these variables (all set as secrets, so absent
// from the generated types) from being refused as having "no properties in common".
export type EnvSource =
  & object
  & { readonly [Name in EnvVarName]?: string | undefined };

type DenoLike = { env?: { get(name: string): string | undefined } };
type ProcessLike = { env?: Record<string, string | undefined> };

/**
 * Reads one variable from Deno's, Node's or Bun's environment; `undefined` where there is
 * none (Workers, browsers) or where reading is not permitted.
 *
 * @internal
 */
export function readRuntimeEnv(name: string): string | undefined {
  const deno = (globalThis as { Deno?: DenoLike }).Deno;
  try {
    if (deno?.env) return deno.env.get(name);
  } catch {
    return undefined; // Deno without --allow-env
  }
  return (globalThis as { process?: ProcessLike }).process?.env?.[name];
}
