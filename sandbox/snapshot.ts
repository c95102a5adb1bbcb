/**
 * A redacted snapshot of a sandbox's state, for the test controls' `GET /__sandbox/state`: every
 * section of the store as a list of wire records (machines, pairings, orders, payments, ...),
 * with every credential replaced by `"[REDACTED]"`.
 *
 * The SDK's `sanitizeBody` blanks any field whose name holds `key` or `auth`, which would blank
 * `providerKey`, `skillKey` and `authType`; a snapshot is for reading state, so it redacts by a
 * narrower rule: string values of fields named like a token, secret, password, credential,
 * signature, private key, API key or authorization header, and the hashes of tokens.
 *
 * @module
 */
import { REDACTED } from "../src/redact.ts";
import type { SandboxContext } from "./context.ts";

/** A snapshot: when it was taken, a count per section, and the records of each section. */
export type SandboxSnapshot = {
  readonly takenAt: string;
  readonly counts: Readonly<Record<string, number>>;
  readonly state: Readonly<Record<string, readonly unknown[]>>;
};

const SECRET_FIELD =
  /token|secret|password|credential|signature|privatekey|private_key|apikey|api_key|authorization|policyhash/i;

// The wire record inside each store record: `{ seq, machine }` is shown as the machine.
const WIRE_FIELD: Readonly<Record<string, string>> = {
  machines: "machine",
  pairings: "pairing",
  machineAgents: "agent",
  runtimeEndpoints: "endpoint",
  searches: "search",
  quotes: "quote",
  orders: "order",
  tasks: "task",
  runs: "run",
  graphNodes: "node",
  graphEdges: "edge",
  policies: "policy",
  audit: "event",
};

// Sections whose map keys are themselves proof material (spent transaction hashes, signatures).
const KEYED_BY_SECRET = new Set(["spentProofs"]);

/**
 * A JSON-safe copy of `value` with credentials redacted: bigints become decimal strings, Dates
 * ISO strings, Maps and Sets arrays.
 *
 * @example
 * ```ts ignore
 * redactState({ pairingToken: "eyJ…", providerKey: "ollama" });
 * // { pairingToken: "[REDACTED]", providerKey: "ollama" }
 * ```
 */
export function redactState(value: unknown, depth = 0): unknown {
  if (depth > 50) return "[Truncated]";
  if (typeof value === "bigint") return value.toString();
  if (value === null || typeof value !== "object") {
    return typeof value === "function" || typeof value === "symbol" ? undefined : value;
  }
  if (value instanceof Date) return value.toISOString();
  if (value instanceof Uint8Array || value instanceof ArrayBuffer) return REDACTED;
  if (value instanceof Map) return [...value.values()].map((v) => redactState(v, depth + 1));
  if (value instanceof Set) return [...value].map((v) => redactState(v, depth + 1));
  if (Array.isArray(value)) return value.map((v) => redactState(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [name, field] of Object.entries(value)) {
    const secret = SECRET_FIELD.test(name) && field !== null && typeof field !== "boolean" &&
      typeof field !== "number";
    Object.defineProperty(out, name, {
      value: secret ? REDACTED : redactState(field, depth + 1),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return out;
}

function unwrap(section: string, record: unknown): unknown {
  const field = WIRE_FIELD[section];
  if (field === undefined || record === null || typeof record !== "object") return record;
  const wire = (record as Record<string, unknown>)[field];
  return wire === undefined ? record : wire;
}

/**
 * Takes a redacted snapshot of `ctx.store`. Sections added to the store later are included as
 * they are (their records redacted by the same rule).
 *
 * @example
 * ```ts ignore
 * const { counts } = takeSnapshot(ctx); // counts.machines === 1
 * ```
 */
export function takeSnapshot(ctx: SandboxContext): SandboxSnapshot {
  const state: Record<string, unknown[]> = {};
  const counts: Record<string, number> = {};
  for (const [section, holder] of Object.entries(ctx.store) as Array<[string, unknown]>) {
    let records: unknown[];
    if (holder instanceof Map) {
      records = KEYED_BY_SECRET.has(section)
        ? [...holder.values()]
        : [...holder.values()].map((record) => unwrap(section, record));
    } else if (Array.isArray(holder)) {
      records = holder.map((record) => unwrap(section, record));
    } else if (holder instanceof Set) {
      records = [...holder];
    } else {
      continue;
    }
    state[section] = redactState(records) as unknown[];
    counts[section] = records.length;
  }
  return { takenAt: ctx.now().toISOString(), counts, state };
}

/**
 * Empties every section of `ctx.store` in place (so references held by routes stay valid) and
 * runs the context's reset hooks: the idempotency table, the identity registry and the
 * catalogue go back to their configured state.
 *
 * @example
 * ```ts ignore
 * resetState(ctx); // ctx.store.machines.size === 0
 * ```
 */
export function resetState(ctx: SandboxContext): void {
  for (const holder of Object.values(ctx.store) as unknown[]) {
    if (holder instanceof Map || holder instanceof Set) holder.clear();
    else if (Array.isArray(holder)) holder.length = 0;
  }
  ctx.identities.reset();
  ctx.catalogue.reset();
  ctx.runResetHooks();
}
