/**
 * Edge client authentication, tenants, and per-tenant rate limiting. Callers send
 * `Authorization: Bearer <edge key>`; the Worker keeps only SHA-256 hashes of the keys
 * (`EDGE_CLIENT_KEYS`, comma-separated lowercase hex, each optionally `label=` prefixed), hashes
 * what it is given and compares in constant time against every listed hash.
 *
 * A key's **tenant** is its label, or its hash when it has none. Everything the Worker stores
 * for a caller (sessions, order records, replays, the rate counter) belongs to the tenant, and
 * another tenant sees none of it. Two hashes under one label are one tenant: that is how a key
 * is rotated without losing its sessions.
 *
 * @module
 */
import type { MiddlewareHandler } from "hono";
import { readConfig } from "./config.ts";
import { constantTimeEqual, sha256Hex } from "./crypto.ts";
import type { AppEnv, Env } from "./env.ts";
import { EdgeError } from "./errors.ts";
import { ledger, type RateLease } from "./ledger.ts";

/** One entry of `EDGE_CLIENT_KEYS`: the key's hash and the tenant it stands for. */
export type ClientKey = { readonly hash: string; readonly tenant: string };

/** A label usable as a tenant: it becomes part of Durable Object names. */
const LABEL = /^[A-Za-z0-9_.-]{1,64}$/;

/**
 * Parses `EDGE_CLIENT_KEYS`: entries that are not SHA-256 hex are skipped; a label that is not
 * 1-64 letters, digits, `_ . -` is ignored (the hash is the tenant).
 *
 * @example
 * ```ts ignore
 * clientKeys("ops=ab12…"); // [{ hash: "ab12…", tenant: "ops" }]
 * ```
 */
export function clientKeys(raw: string | undefined): ClientKey[] {
  const keys: ClientKey[] = [];
  for (const entry of (raw ?? "").split(",")) {
    const at = entry.indexOf("=");
    const label = at >= 0 ? entry.slice(0, at).trim() : "";
    const hash = entry.slice(at + 1).trim().toLowerCase();
    if (!/^[0-9a-f]{64}$/.test(hash)) continue;
    keys.push({ hash, tenant: LABEL.test(label) ? label : hash });
  }
  return keys;
}

/** Parses `EDGE_CLIENT_KEYS` into the list of allowed key hashes. */
export function clientKeyHashes(raw: string | undefined): string[] {
  return clientKeys(raw).map((key) => key.hash);
}

/** Every tenant `EDGE_CLIENT_KEYS` names, once each. */
export function tenants(env: Env): string[] {
  return [
    ...new Set(clientKeys(env.EDGE_CLIENT_KEYS).map((key) => key.tenant)),
  ];
}

/**
 * `EDGE_CLIENT_KEYS` parsed, with the keys already matched: per isolate, rebuilt whenever the
 * variable's value changes, so a key removed from it stops working on the next request.
 */
type KeyTable = {
  readonly raw: string | undefined;
  readonly keys: readonly ClientKey[];
  /**
   * Presented key → its tenant, for keys whose hash is in `keys` (so at most one per hash):
   * a key seen before costs a map lookup instead of a SHA-256 and a scan. Kept in this
   * isolate's memory only, never logged or stored, like the `env` secrets beside it.
   */
  readonly matched: Map<string, string>;
};

let table: KeyTable | undefined;

function keyTable(raw: string | undefined): KeyTable {
  if (table === undefined || table.raw !== raw) {
    table = { raw, keys: clientKeys(raw), matched: new Map() };
  }
  return table;
}

/** Refuses requests without a known edge client key; sets the caller's tenant. */
export const requireClientKey: MiddlewareHandler<AppEnv> = async (c, next) => {
  const header = c.req.header("authorization") ?? "";
  const match = /^Bearer\s+(\S+)$/i.exec(header.trim());
  if (!match) {
    throw new EdgeError(
      401,
      "AUTH_REQUIRED",
      "Missing edge client key: send 'Authorization: Bearer <key>'",
      null,
      { "www-authenticate": "Bearer" },
    );
  }
  const presented = match[1]!;
  const keys = keyTable(c.env.EDGE_CLIENT_KEYS);
  let tenant = keys.matched.get(presented);
  if (tenant === undefined) {
    const hash = await sha256Hex(presented);
    // Every hash is compared, so the time taken does not tell which entry matched.
    for (const key of keys.keys) {
      if (constantTimeEqual(key.hash, hash)) tenant = key.tenant;
    }
    if (tenant === undefined) {
      throw new EdgeError(401, "AUTH_INVALID", "Unknown edge client key");
    }
    keys.matched.set(presented, tenant);
  }
  c.set("tenant", tenant);
  await next();
};

/**
 * Spare requests one lease may carry: an isolate far below its tenant's limit asks the Ledger
 * once per 64 requests instead of once per request.
 */
const RATE_LEASE_SPARE = 63;

/** What this isolate holds of a tenant's current window (see {@linkcode rateLimit}). */
type RateState = {
  readonly limit: number;
  /** When the window of `spare` ends (the Ledger's clock). */
  windowEnd: number;
  /** Requests the Ledger already counted for this isolate and it has not served yet. */
  spare: number;
  /** Until when the Ledger said the limit is reached: nothing is granted before then. */
  blockedUntil: number;
  /** A call asking for spare requests is under way (one at a time, see below). */
  leasing: boolean;
};

// Per isolate, per tenant (tenants come from `EDGE_CLIENT_KEYS`, so this stays small).
const rateStates = new Map<string, RateState>();

function rateLimited(retryAfterSeconds: number): EdgeError {
  return new EdgeError(429, "RATE_LIMITED", "Too many requests for this client key", null, {
    "retry-after": String(Math.max(1, retryAfterSeconds)),
  });
}

/**
 * Fixed-window limit per tenant (`RATE_LIMIT_PER_MINUTE`, 0 disables), counted in the Ledger
 * instance `rate:<tenant>`. While the tenant is far below its limit, one call to the Ledger
 * grants this isolate a lease: the request plus spare ones, counted there at once and served
 * from memory, so most requests make no call at all. Close to the limit the lease carries
 * nothing spare (`Ledger.leaseRate`) and every request is counted there, one by one. So no
 * window ever serves more than the limit; what an isolate leased and did not serve (it was
 * evicted, or its traffic moved to another isolate) is refused to the tenant for the rest of
 * that window: at most a 64th of what the window had left, as only one call at a time asks for
 * spare requests.
 */
export const rateLimit: MiddlewareHandler<AppEnv> = async (c, next) => {
  const limit = readConfig(c.env).rateLimitPerMinute;
  if (limit > 0) {
    const tenant = c.get("tenant");
    let state = rateStates.get(tenant);
    if (state === undefined || state.limit !== limit) {
      rateStates.set(
        tenant,
        state = { limit, windowEnd: 0, spare: 0, blockedUntil: 0, leasing: false },
      );
    }
    const now = Date.now();
    if (state.spare > 0 && now < state.windowEnd) {
      state.spare--;
    } else if (now < state.blockedUntil) {
      throw rateLimited(Math.ceil((state.blockedUntil - now) / 1000));
    } else {
      // Requests arriving while a lease is on its way count only themselves: a burst on a cold
      // isolate must not lease once per request and hold far more than it serves.
      const spare = state.leasing ? 0 : RATE_LEASE_SPARE;
      if (spare > 0) state.leasing = true;
      let lease: RateLease;
      try {
        lease = await ledger(c.env, `rate:${tenant}`).leaseRate(limit, spare);
      } finally {
        if (spare > 0) state.leasing = false;
      }
      const windowEnd = lease.windowStart + 60_000;
      if (lease.granted === 0) {
        // Another request's lease may have come back meanwhile: its spare requests go first.
        if (state.spare > 0 && Date.now() < state.windowEnd) state.spare--;
        else {
          state.blockedUntil = Math.max(state.blockedUntil, windowEnd);
          throw rateLimited(lease.retryAfterSeconds);
        }
      } else if (windowEnd >= state.windowEnd) {
        // A lease of an older window than the one held (a late answer) keeps nothing spare.
        if (windowEnd > state.windowEnd) {
          state.windowEnd = windowEnd;
          state.spare = 0;
        }
        state.spare += lease.granted - 1;
      }
    }
  }
  await next();
};
