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
import { ledger } from "./ledger.ts";

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
  const presented = await sha256Hex(match[1]!);
  let tenant: string | undefined;
  // Every hash is compared, so the time taken does not tell which entry matched.
  for (const key of clientKeys(c.env.EDGE_CLIENT_KEYS)) {
    if (constantTimeEqual(key.hash, presented)) tenant = key.tenant;
  }
  if (tenant === undefined) {
    throw new EdgeError(401, "AUTH_INVALID", "Unknown edge client key");
  }
  c.set("tenant", tenant);
  await next();
};

/** Fixed-window limit per tenant (`RATE_LIMIT_PER_MINUTE`, 0 disables), counted in the Ledger. */
export const rateLimit: MiddlewareHandler<AppEnv> = async (c, next) => {
  const limit = readConfig(c.env).rateLimitPerMinute;
  if (limit > 0) {
    const verdict = await ledger(c.env, `rate:${c.get("tenant")}`).hitRate(
      limit,
    );
    if (!verdict.allowed) {
      throw new EdgeError(
        429,
        "RATE_LIMITED",
        "Too many requests for this client key",
        null,
        {
          "retry-after": String(verdict.retryAfterSeconds),
        },
      );
    }
  }
  await next();
};
