/**
 * The peaq OS Edge Worker: a Hono app on Cloudflare Workers that receives the orchestration
 * service's webhooks, runs external handoffs from a Queue, and proxies the market routes of the
 * Machine Markets API for edge clients. Where a request goes:
 *
 * - `GET /health` → `routes/health.ts`
 * - `POST /webhooks/orchestration` → `routes/webhooks.ts` (→ `ledger.ts`, the Queue)
 * - `/v1/market/...` → `routes/proxy.ts` (edge key → tenant, rate limit, `schemas.ts`, SDK)
 * - `/v1/sessions/:agentPairingId` → `routes/sessions.ts` (per tenant, AES-GCM at rest)
 * - `POST /mcp` → `routes/mcp.ts` (MCP tools for AI agents: `mcp/server.ts`, `mcp/tools.ts`,
 *   limits per tenant in `mcp/policy.ts`; edge key, rate limit)
 * - `GET /v1/edge/orders/:orderId`, `POST .../handoff` (replay) → `routes/records.ts` (the
 *   order's owning tenant only, see `owners.ts`)
 * - Queue `HANDOFF_QUEUE` → `handoff.ts` (`handleHandoffBatch`); its dead-letter queue →
 *   `handleDeadLetterBatch`
 *
 * @module
 */
import { Hono, type MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import { HTTPException } from "hono/http-exception";
import { rateLimit, requireClientKey } from "./auth.ts";
import { MAX_PROXY_BODY_BYTES, readConfig } from "./config.ts";
import type { AppEnv, Env, HandoffJob, MessageBatch } from "./env.ts";
import { errorResponse, toErrorResponse } from "./errors.ts";
import { handleDeadLetterBatch, handleHandoffBatch } from "./handoff.ts";
import { health } from "./routes/health.ts";
import { mcp } from "./routes/mcp.ts";
import { proxy } from "./routes/proxy.ts";
import { records } from "./routes/records.ts";
import { sessions } from "./routes/sessions.ts";
import { webhooks } from "./routes/webhooks.ts";

export { Ledger } from "./ledger.ts";

/** The Worker's HTTP app. */
export const app = new Hono<AppEnv>();

app.route("/health", health);
app.route("/webhooks", webhooks);

const tooLarge = () => errorResponse(413, "PAYLOAD_TOO_LARGE", "Request body is too large");
const countedBodyLimit = bodyLimit({ maxSize: MAX_PROXY_BODY_BYTES, onError: tooLarge });

/**
 * A declared `content-length` bounds the body (the HTTP framing enforces it), so it is checked
 * from the header alone; only a body without one is counted by Hono's `bodyLimit`, which turns
 * the body into a JavaScript stream first (microseconds per request).
 */
const limitBody: MiddlewareHandler<AppEnv> = (c, next) => {
  // Nothing reads the body of a GET.
  if (c.req.method === "GET") return next();
  const headers = c.req.raw.headers;
  const declared = headers.get("content-length");
  if (declared === null || headers.has("transfer-encoding")) return countedBodyLimit(c, next);
  return Number(declared) > MAX_PROXY_BODY_BYTES ? Promise.resolve(tooLarge()) : next();
};

const edgeClient = [requireClientKey, rateLimit, limitBody] as const;

app.use("/v1/*", ...edgeClient);
app.use("/mcp", ...edgeClient);
app.route("/v1/market", proxy);
app.route("/v1/sessions", sessions);
app.route("/v1/edge", records);
app.route("/mcp", mcp);

// Anything else is not ours to forward: no open proxy.
app.notFound(() => errorResponse(404, "NOT_FOUND", "Route not found"));
app.onError((err, c) => {
  if (err instanceof HTTPException) {
    return errorResponse(
      err.status,
      err.status === 400 ? "VALIDATION_ERROR" : "HTTP_ERROR",
      err.message,
    );
  }
  return toErrorResponse(err, c);
});

export default {
  fetch: app.fetch,
  async queue(batch: MessageBatch<HandoffJob>, env: Env): Promise<void> {
    if (batch.queue === readConfig(env).deadLetterQueue) {
      await handleDeadLetterBatch(batch, env);
    } else await handleHandoffBatch(batch, env);
  },
};
