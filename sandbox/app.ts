/**
 * The sandbox's Hono app. Every request gets an `x-request-id`, the 1 MiB body limit and (with
 * `testControls`) the fault rules; under `/api/v1`, POSTs get the idempotency rule
 * (`idempotency.ts`) and mutations the audit log (`audit.ts`). Where a request goes (route
 * module → domain module; paths under `/api/v1`):
 *
 * - `GET /health`, `GET /openapi.json` (root) → here (+ `openapi.ts`); `/__sandbox/...` →
 *   `controls.ts`
 * - `/machines[/:machineId]` → `routes/machines.ts` → `domain/machines.ts`
 * - `/machine-identity/challenges` → `routes/identity.ts` → `domain/identity.ts`
 * - `/machines/:machineId/agent-pairings/...` → `routes/pairings.ts` → `domain/pairings.ts`
 * - `/machines/:machineId/agents/...`, `/machine-agents/heartbeat` → `routes/machine_agents.ts`
 *   → `domain/machine_agents.ts`
 * - `/machines/:machineId/runtime-endpoints/...` → `routes/runtime_endpoints.ts` →
 *   `domain/runtime_endpoints.ts`
 * - `/skills/...` → `routes/skills.ts` → `domain/skills.ts`
 * - `/market/services/...` → `routes/services.ts` → `domain/services.ts`
 * - `/market/search/...` → `routes/search.ts` → `domain/search.ts`
 * - `/market/orders/...` (create, execute, confirm, dispute, cancel, retry) → `routes/orders.ts`
 *   → `domain/order_creation.ts`, `domain/execution.ts`, `domain/orders.ts`
 * - `/market/orders/:orderId/payment...` → `routes/payments.ts` → `domain/payments.ts`
 * - `/machines/:machineId/tasks/...` → `routes/tasks.ts` → `domain/tasks.ts`
 * - `/machines/:machineId/graph/...` → `routes/graph.ts` → `domain/graph.ts`
 * - `/policies/...` → `routes/policies.ts` → `domain/policies.ts`
 * - `/audit-events`, `/runs/...`, `/machines/:machineId/readiness` → `routes/observability.ts` →
 *   `domain/observability.ts`
 *
 * A route module parses the request, calls the domain layer (lookups, rules and state changes
 * over `ctx.store`) and answers; no route module imports another.
 *
 * @module
 */
import { type Context, Hono, type MiddlewareHandler } from "hono";
import { requestId } from "hono/request-id";
import { auditMutations } from "./audit.ts";
import { registerTestControls, type TestControls } from "./controls.ts";
import { createSandboxContext, type SandboxContext, type SandboxEnv } from "./context.ts";
import { errorBody, handleError, handleNotFound } from "./errors.ts";
import { idempotency } from "./idempotency.ts";
import { buildOpenApiDocument } from "./openapi.ts";
import type { SandboxOptions } from "./options.ts";
import { registerGraphRoutes } from "./routes/graph.ts";
import { registerIdentityRoutes } from "./routes/identity.ts";
import { registerMachineAgentRoutes } from "./routes/machine_agents.ts";
import { registerMachineRoutes } from "./routes/machines.ts";
import { registerObservabilityRoutes } from "./routes/observability.ts";
import { registerOrderRoutes } from "./routes/orders.ts";
import { registerPairingRoutes } from "./routes/pairings.ts";
import { registerPaymentRoutes } from "./routes/payments.ts";
import { registerPolicyRoutes } from "./routes/policies.ts";
import { registerRuntimeEndpointRoutes } from "./routes/runtime_endpoints.ts";
import { registerSearchRoutes } from "./routes/search.ts";
import { registerServiceRoutes } from "./routes/services.ts";
import { registerSkillRoutes } from "./routes/skills.ts";
import { registerTaskRoutes } from "./routes/tasks.ts";
import { connectWebhooks } from "./webhooks.ts";

/** Largest request body accepted, in bytes (1 MiB); larger is 413. */
export const MAX_BODY_BYTES = 1024 * 1024;

async function tooLarge(c: Context): Promise<Response> {
  // Drop the unread rest of the body, so no request-body resource outlives the response.
  await c.req.raw.body?.cancel().catch(() => {});
  return c.json(errorBody("PAYLOAD_TOO_LARGE", "Request body too large: the limit is 1 MiB"), 413);
}

const BODILESS = new Set(["GET", "HEAD", "DELETE", "OPTIONS"]);

/**
 * 413 for bodies over {@linkcode MAX_BODY_BYTES}. A declared `content-length` is checked up
 * front; a body without one (chunked) is read here with a running count and handed on through
 * Hono's body cache, so `c.req.text()` and `readJson` see it. Methods whose routes never read a
 * body are passed through untouched (Deno serves a bodiless DELETE with an empty stream).
 */
function limitBody(): MiddlewareHandler<SandboxEnv> {
  return async (c, next) => {
    const declared = c.req.header("content-length");
    if (declared !== undefined && !c.req.header("transfer-encoding")) {
      const length = Number(declared);
      if (!Number.isFinite(length) || length > MAX_BODY_BYTES) return await tooLarge(c);
      return await next();
    }
    const body = c.req.raw.body;
    if (body === null || BODILESS.has(c.req.method)) return await next();
    const reader = body.getReader();
    const chunks: Uint8Array[] = [];
    let size = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.length;
      if (size > MAX_BODY_BYTES) {
        await reader.cancel().catch(() => {});
        return c.json(
          errorBody("PAYLOAD_TOO_LARGE", "Request body too large: the limit is 1 MiB"),
          413,
        );
      }
      chunks.push(value);
    }
    const buffer = new Uint8Array(size);
    let offset = 0;
    for (const chunk of chunks) {
      buffer.set(chunk, offset);
      offset += chunk.length;
    }
    // Hono stores promises in its body cache (its type says otherwise); c.req.text() reads it.
    (c.req.bodyCache as Record<string, unknown>).arrayBuffer = Promise.resolve(buffer.buffer);
    await next();
  };
}

/** An app and the context its routes share. */
export type Sandbox = {
  readonly app: Hono<SandboxEnv>;
  readonly ctx: SandboxContext;
  /** The test controls, when `testControls` is on. */
  readonly controls?: TestControls | undefined;
};

/**
 * Builds the app and its context.
 *
 * @example
 * ```ts ignore
 * const { app, ctx } = createSandbox({ apiKeys: ["sk_test"] });
 * const res = await app.request("/health");
 * ```
 */
export function createSandbox(options: SandboxOptions = {}): Sandbox {
  const ctx = createSandboxContext(options);
  connectWebhooks(ctx);
  const app = new Hono<SandboxEnv>();
  app.onError(handleError);
  app.notFound(handleNotFound);
  // Every response, errors included, carries an x-request-id (the SDK surfaces it on errors).
  app.use("*", requestId({ generator: () => ctx.ids.nextId("req") }));
  app.use("*", limitBody());
  // Before every route: the fault rules see every request.
  const controls = ctx.options.testControls ? registerTestControls(app, ctx) : undefined;
  app.get("/health", (c) => c.json({ status: "ok", time: ctx.now().toISOString() }));
  // The wire's OpenAPI 3.1 document, generated from `contract/` and the route table (`openapi.ts`).
  app.get("/openapi.json", (c) => c.json(buildOpenApiDocument()));

  const api = new Hono<SandboxEnv>();
  // Before the audit log, so a replayed answer is not recorded as a second mutation.
  api.use("*", idempotency(ctx));
  // Before every route, so it wraps them all.
  api.use("*", auditMutations(ctx));
  registerMachineRoutes(api, ctx);
  registerIdentityRoutes(api, ctx);
  registerPairingRoutes(api, ctx);
  registerMachineAgentRoutes(api, ctx);
  registerRuntimeEndpointRoutes(api, ctx);
  registerSkillRoutes(api, ctx);
  registerServiceRoutes(api, ctx);
  registerSearchRoutes(api, ctx);
  registerOrderRoutes(api, ctx);
  registerPaymentRoutes(api, ctx);
  registerTaskRoutes(api, ctx);
  registerGraphRoutes(api, ctx);
  registerPolicyRoutes(api, ctx);
  registerObservabilityRoutes(api, ctx);
  app.route("/api/v1", api);
  return { app, ctx, controls };
}
