/**
 * The core SDK client the Worker talks to the Machine Markets API through.
 *
 * @module
 */
import { type OrchestrationClient, PeaqosClient } from "../../mod.ts";
import { readConfig } from "./config.ts";
import type { Env } from "./env.ts";

// One client per isolate and configuration: building one per request costs every call a few
// microseconds, and the client keeps no per-request state (Workers get a timer per call).
let built:
  | {
    readonly url: string | undefined;
    readonly apiKey: string | undefined;
    readonly read: number;
    readonly write: number;
    readonly client: OrchestrationClient;
  }
  | undefined;

/**
 * `client.orchestration` configured from `PEAQOS_ORCHESTRATION_URL` and `PEAQOS_API_KEY`, with
 * the timeouts of `API_READ_TIMEOUT_MS` and `API_WRITE_TIMEOUT_MS` (the handoff lease is
 * computed from the same values) and no retries. Built once per isolate, again when any of
 * those settings changes.
 *
 * @example
 * ```ts ignore
 * const { item } = await orchestration(env).getMarketOrder("ord_1");
 * ```
 */
export function orchestration(env: Env): OrchestrationClient {
  const { apiReadTimeoutMs: read, apiWriteTimeoutMs: write } = readConfig(env);
  const url = env.PEAQOS_ORCHESTRATION_URL;
  const apiKey = env.PEAQOS_API_KEY;
  if (
    built !== undefined && built.url === url && built.apiKey === apiKey && built.read === read &&
    built.write === write
  ) {
    return built.client;
  }
  const client = new PeaqosClient({
    orchestrationUrl: url,
    apiKey,
    timeouts: { read, write },
  }).orchestration;
  built = { url, apiKey, read, write, client };
  return client;
}
