/**
 * Edge client authentication and per-client rate limiting. Callers send
 * `Authorization: Bearer <edge key>`; the Worker keeps only SHA-256 hashes of the keys
 * (`EDGE_CLIENT_KEYS`, comma-separated lowercase hex, each optionally `label=` prefixed), hashes
 * what it is given and compares in constant time against every listed hash.
 *
 * @module
 */
import type { MiddlewareHandler } from "hono";
import { readConfig } from "./config.ts";
import { constantTimeEqual, sha256Hex } from "./crypto.ts";
import { ledger } from "./dedupe.ts";
import type { AppEnv } from "./env.ts";
import { EdgeError } from "./errors.ts";

/** Parses `EDGE_CLIENT_KEYS` into the list of allowed key hashes. */
export function clientKeyHashes(raw: string | undefined): string[] {
  return (raw ?? "").split(",").map((entry) => entry.trim()).filter((entry) => entry.length > 0)
    .map((entry) => entry.slice(entry.indexOf("=") + 1).trim().toLowerCase())
    .filter((hash) => /^[0-9a-f]{64}$/.test(hash));
}

/** Refuses requests without a known edge client key; stores the key's hash for later middleware. */
export const requireClientKey: MiddlewareHandler<AppEnv> = async (c, next) => {
  const header = c.req.header("authorization") ?? "";
  const match = /^Bearer\s+(\S+)$/i.exec(header.trim());
  if (!match) {
    throw new EdgeError(
      401,
      "AUTH_REQUIRED",
      "Missing edge client key: send 'Authorization: Bearer <key>'",
      null,
      {
        "www-authenticate": "Bearer",
      },
    );
  }
  const presented = await sha256Hex(match[1]!);
  let known = false;
  for (const hash of clientKeyHashes(c.env.EDGE_CLIENT_KEYS)) {
    if (constantTimeEqual(hash, presented)) known = true;
  }
  if (!known) {
    throw new EdgeError(401, "AUTH_INVALID", "Unknown edge client key");
  }
  c.set("clientKeyHash", presented);
  await next();
};

/** Fixed-window limit per client key (`RATE_LIMIT_PER_MINUTE`, 0 disables), counted in the Ledger. */
export const rateLimit: MiddlewareHandler<AppEnv> = async (c, next) => {
  const limit = readConfig(c.env).rateLimitPerMinute;
  if (limit > 0) {
    const verdict = await ledger(c.env, `rate:${c.get("clientKeyHash")}`).call<
      { allowed: boolean; retryAfterSeconds: number }
    >("hitRate", { limit });
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
