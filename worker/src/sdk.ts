/**
 * The core SDK client the Worker talks to the Machine Markets API through, and the stored
 * agent pairing sessions it acts with.
 *
 * @module
 */
import { type OrchestrationClient, PeaqosClient } from "../../mod.ts";
import { readConfig } from "./config.ts";
import { importSessionKey, open, seal } from "./crypto.ts";
import { ledger } from "./dedupe.ts";
import type { Env } from "./env.ts";
import { EdgeError } from "./errors.ts";

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
    timeouts: { read: config.apiReadTimeoutMs, write: config.apiWriteTimeoutMs },
  }).orchestration;
}

async function sessionKey(env: Env): Promise<CryptoKey> {
  const key = await importSessionKey(env.SESSION_ENCRYPTION_KEY);
  if (!key) {
    throw new EdgeError(
      500,
      "EDGE_MISCONFIGURED",
      "Worker is not configured for sessions: 'SESSION_ENCRYPTION_KEY' must be base64 of 32 bytes",
    );
  }
  return key;
}

/** Encrypts and stores an agent's pairing token under its pairing id. */
export async function storeSession(
  env: Env,
  agentPairingId: string,
  pairingToken: string,
): Promise<{ storedAt: number }> {
  const sealed = await seal(await sessionKey(env), pairingToken, agentPairingId);
  return await ledger(env, `pairing:${agentPairingId}`).call("putSession", sealed);
}

/** The stored pairing token of a pairing, or `undefined` when none is stored (or it fails to open). */
export async function loadSession(
  env: Env,
  agentPairingId: string,
): Promise<string | undefined> {
  const key = await sessionKey(env);
  const sealed = await ledger(env, `pairing:${agentPairingId}`).call<
    { iv: string; data: string } | null
  >("getSession");
  return sealed ? await open(key, sealed, agentPairingId) : undefined;
}
