/**
 * Agent pairing sessions kept at the edge, one per tenant and pairing: the pairing token sealed
 * with AES-256-GCM (`SESSION_ENCRYPTION_KEY`) in the Ledger instance
 * `session:<tenant>:<agentPairingId>`, whose name is also the additional data, so a sealed
 * token moved to another tenant or pairing does not open.
 *
 * @module
 */
import { decodeBase64Url } from "../../src/encoding.ts";
import { tenants } from "./auth.ts";
import { importSessionKey, open, seal } from "./crypto.ts";
import type { Env } from "./env.ts";
import { EdgeError } from "./errors.ts";
import { ledger } from "./ledger.ts";
import { isId } from "./validation.ts";

/** The claims of a pairing token the Worker reads (without verifying them; the API does). */
export type PairingClaims = {
  readonly pairingId: string;
  /** The paired machine, when the token names one (the API's tokens do). */
  readonly machineId: string | undefined;
  readonly exp: number | undefined;
};

/**
 * The `pairingId` (and `machineId` and `exp`, when present) claims of a pairing token (a JWT), or `undefined`
 * when the token is not a JWT with a readable JSON payload naming a pairing.
 *
 * @example
 * ```ts ignore
 * pairingClaims("not-a-jwt"); // undefined
 * ```
 */
export function pairingClaims(token: string): PairingClaims | undefined {
  const parts = token.split(".");
  const payload = parts[1];
  if (parts.length !== 3 || !payload || !/^[A-Za-z0-9_-]+$/.test(payload)) {
    return undefined;
  }
  // Only the canonical spelling, as the API reads it: a re-spelled token is not this token.
  const bytes = decodeBase64Url(payload);
  if (bytes === undefined) return undefined;
  let claims: unknown;
  try {
    claims = JSON.parse(
      new TextDecoder("utf-8", { fatal: true }).decode(bytes),
    );
  } catch {
    return undefined;
  }
  if (typeof claims !== "object" || claims === null) return undefined;
  const { pairingId, machineId, exp } = claims as {
    pairingId?: unknown;
    machineId?: unknown;
    exp?: unknown;
  };
  if (typeof pairingId !== "string") return undefined;
  return {
    pairingId,
    machineId: typeof machineId === "string" ? machineId : undefined,
    exp: typeof exp === "number" && Number.isFinite(exp) ? exp : undefined,
  };
}

const instance = (tenant: string, agentPairingId: string) => `session:${tenant}:${agentPairingId}`;

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

/** Encrypts and stores a tenant's pairing token for a pairing; answers when it was stored. */
export async function storeSession(
  env: Env,
  tenant: string,
  agentPairingId: string,
  pairingToken: string,
): Promise<number> {
  const name = instance(tenant, agentPairingId);
  const sealed = await seal(await sessionKey(env), pairingToken, name);
  return await ledger(env, name).putSession(sealed);
}

/**
 * The tenant's stored pairing token for a pairing, or `undefined` when it has none (or the
 * pairing id is not a usable id, or the token fails to open).
 */
export async function loadSession(
  env: Env,
  tenant: string,
  agentPairingId: string,
): Promise<string | undefined> {
  if (!isId(agentPairingId)) return undefined;
  const key = await sessionKey(env);
  const name = instance(tenant, agentPairingId);
  const sealed = await ledger(env, name).getSession();
  return sealed ? await open(key, sealed, name) : undefined;
}

/** When the tenant stored its session for the pairing, or `null` when it has none. */
export async function sessionStoredAt(
  env: Env,
  tenant: string,
  agentPairingId: string,
): Promise<number | null> {
  return await ledger(env, instance(tenant, agentPairingId)).sessionStoredAt();
}

/** Forgets the tenant's session for the pairing; answers whether there was one. */
export async function deleteSession(
  env: Env,
  tenant: string,
  agentPairingId: string,
): Promise<boolean> {
  return await ledger(env, instance(tenant, agentPairingId)).deleteSession();
}

/** Every configured tenant that holds a session for the pairing. */
export async function sessionHolders(
  env: Env,
  agentPairingId: string,
): Promise<string[]> {
  if (!isId(agentPairingId)) return [];
  const all = tenants(env);
  const stored = await Promise.all(
    all.map((tenant) => sessionStoredAt(env, tenant, agentPairingId)),
  );
  return all.filter((_, i) => stored[i] !== null);
}
