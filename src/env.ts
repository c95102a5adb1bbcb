/**
 * Reading the process environment on whichever runtime we run on.
 *
 * @module
 */

/**
 * A plain map of environment variables, as Workers pass them in `env`.
 *
 * @example Read settings from a Worker's env
 * ```ts
 * import { type EnvSource, PeaqosClient } from "@peaqos/peaq-os-sdk";
 *
 * const env: EnvSource = { PEAQOS_ORCHESTRATION_URL: "https://orchestration.peaq.xyz" };
 * const client = PeaqosClient.fromEnv(env);
 * ```
 */
export type EnvSource = Readonly<Record<string, string | undefined>>;

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
