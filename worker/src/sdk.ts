/**
 * The core SDK client the Worker talks to the Machine Markets API through.
 *
 * @module
 */
import { type OrchestrationClient, PeaqosClient } from "../../mod.ts";
import { readConfig } from "./config.ts";
import type { Env } from "./env.ts";

/**
 * `client.orchestration` configured from `PEAQOS_ORCHESTRATION_URL` and `PEAQOS_API_KEY`, with
 * the timeouts of `API_READ_TIMEOUT_MS` and `API_WRITE_TIMEOUT_MS` (the handoff lease is
 * computed from the same values) and no retries.
 */
export function orchestration(env: Env): OrchestrationClient {
  const config = readConfig(env);
  return new PeaqosClient({
    orchestrationUrl: env.PEAQOS_ORCHESTRATION_URL,
    apiKey: env.PEAQOS_API_KEY,
    timeouts: {
      read: config.apiReadTimeoutMs,
      write: config.apiWriteTimeoutMs,
    },
  }).orchestration;
}
