/**
 * The API's idempotency rule for every POST: a request with an `idempotency-key` header is
 * answered once per key, route and caller. The first answer (status and body) is kept for
 * 24 hours on the sandbox clock and replayed, with `idempotent-replayed: true`, for a repeat
 * with the same body; the same key with another body is 409 `IDEMPOTENCY_KEY_REUSED`. A repeat
 * that arrives while the first is still running waits for it, so concurrent duplicates have one
 * effect. The caller is the credential (a hash of the pairing token, the API key or the
 * `Authorization` header), so two callers never see each other's answers.
 *
 * @module
 */
import type { Context, MiddlewareHandler } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { SandboxContext, SandboxEnv } from "./context.ts";
import { sha256Hex } from "./crypto.ts";
import { ApiError } from "./errors.ts";
import { validationError } from "./validate.ts";

/** How long a key's answer is kept, in milliseconds (24 h). */
export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;

/** Longest accepted `idempotency-key`. */
const MAX_KEY_LENGTH = 255;

type StoredAnswer = {
  readonly status: number;
  readonly contentType: string | null;
  readonly body: ArrayBuffer;
};

type Entry = {
  readonly bodyHash: string;
  readonly createdAtMs: number;
  /** Settles with the first answer; `undefined` when it is not kept (a 5xx). */
  readonly answer: Promise<StoredAnswer | undefined>;
};

// Through the context, so headers set by earlier middleware (x-request-id) are kept.
function replay(c: Context<SandboxEnv>, answer: StoredAnswer): Response {
  const headers: Record<string, string> = { "idempotent-replayed": "true" };
  if (answer.contentType !== null) headers["content-type"] = answer.contentType;
  if (answer.status === 204) return c.body(null, 204, headers);
  return c.body(answer.body.slice(0), answer.status as ContentfulStatusCode, headers);
}

async function callerOf(header: (name: string) => string | undefined): Promise<string> {
  for (const name of ["x-agent-pairing-token", "x-api-key", "authorization"]) {
    const value = header(name);
    // Hashed: the table keeps no credential in the clear.
    if (value !== undefined && value !== "") return `${name}:${await sha256Hex(value)}`;
  }
  return "anonymous";
}

/**
 * Middleware applying the idempotency rule to every POST that carries `idempotency-key`.
 * Register it on the API before every route (and before the audit log, so a replay is not
 * recorded as a second mutation).
 *
 * @example
 * ```ts ignore
 * api.use("*", idempotency(ctx));
 * ```
 */
export function idempotency(ctx: SandboxContext): MiddlewareHandler<SandboxEnv> {
  // Insertion order is creation order, so expired entries are found at the front.
  const entries = new Map<string, Entry>();
  ctx.onReset(() => entries.clear());

  const prune = (nowMs: number): void => {
    for (const [key, entry] of entries) {
      if (entry.createdAtMs + IDEMPOTENCY_TTL_MS > nowMs) break;
      entries.delete(key);
    }
  };

  return async (c, next) => {
    const key = c.req.header("idempotency-key");
    if (c.req.method !== "POST" || key === undefined) return await next();
    if (key.length === 0 || key.length > MAX_KEY_LENGTH) {
      throw validationError([{
        path: "idempotency-key",
        message: `must be 1-${MAX_KEY_LENGTH} characters`,
      }]);
    }
    const caller = await callerOf((name) => c.req.header(name));
    const bodyHash = await sha256Hex(await c.req.text()); // Hono caches it for the route
    // From here to the `set` below nothing awaits, so of concurrent duplicates exactly one
    // finds no entry and runs; the rest wait for its answer.
    const nowMs = ctx.now().getTime();
    prune(nowMs);
    const id = JSON.stringify([caller, new URL(c.req.url).pathname, key]);
    const existing = entries.get(id);
    if (existing !== undefined && existing.createdAtMs + IDEMPOTENCY_TTL_MS > nowMs) {
      if (existing.bodyHash !== bodyHash) {
        throw new ApiError(
          409,
          "IDEMPOTENCY_KEY_REUSED",
          "Idempotency key reused with a different request body: use a new key for a new request",
        );
      }
      const answer = await existing.answer;
      if (answer !== undefined) return replay(c, answer);
      return await next(); // the first attempt failed with a 5xx: this one runs afresh
    }
    // Not Promise.withResolvers: the npm package runs on Node 20, which lacks it.
    let resolve!: (answer: StoredAnswer | undefined) => void;
    const promise = new Promise<StoredAnswer | undefined>((settle) => (resolve = settle));
    entries.delete(id); // re-inserted at the back, keeping creation order
    entries.set(id, { bodyHash, createdAtMs: nowMs, answer: promise });
    try {
      await next();
    } finally {
      const res = c.res;
      if (res.status >= 500) {
        entries.delete(id);
        resolve(undefined);
      } else {
        resolve({
          status: res.status,
          contentType: res.headers.get("content-type"),
          body: await res.clone().arrayBuffer(),
        });
      }
    }
  };
}
