/**
 * Builds the sandbox's Hono app: the error envelope, the 1 MiB body limit, `GET /health` at the
 * root and every route module under `/api/v1`.
 *
 * @module
 */
import { type Context, Hono, type MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import { requestId } from "hono/request-id";
import { createSandboxContext, type SandboxContext, type SandboxEnv } from "./context.ts";
import { errorBody, handleError, handleNotFound } from "./errors.ts";
import { registerExperimentalRoutes } from "./experimental_routes.ts";
import type { SandboxOptions } from "./options.ts";
import { registerIdentityRoutes } from "./routes/identity.ts";
import { registerMachineAgentRoutes } from "./routes/machine_agents.ts";
import { registerMachineRoutes } from "./routes/machines.ts";
import { registerMarketRoutes } from "./routes/market.ts";
import { registerPairingRoutes } from "./routes/pairings.ts";
import { registerRuntimeEndpointRoutes } from "./routes/runtime_endpoints.ts";

/** Largest request body accepted, in bytes (1 MiB); larger is 413. */
export const MAX_BODY_BYTES = 1024 * 1024;

function tooLarge(c: Context): Response {
  return c.json(errorBody("PAYLOAD_TOO_LARGE", "Request body too large: the limit is 1 MiB"), 413);
}

/**
 * 413 for bodies over {@linkcode MAX_BODY_BYTES}. A declared `content-length` is checked up
 * front; other bodies go through Hono's streaming `bodyLimit`, except on methods whose routes
 * never read one: it re-creates the request, and doing that for every bodiless DELETE (which
 * Deno serves with an empty stream) would touch `request.signal` for nothing.
 */
const BODILESS = new Set(["GET", "HEAD", "DELETE", "OPTIONS"]);

function limitBody(): MiddlewareHandler<SandboxEnv> {
  const streaming = bodyLimit({ maxSize: MAX_BODY_BYTES, onError: tooLarge });
  return async (c, next) => {
    const declared = c.req.header("content-length");
    if (declared !== undefined && !c.req.header("transfer-encoding")) {
      const length = Number(declared);
      if (!Number.isFinite(length) || length > MAX_BODY_BYTES) return tooLarge(c);
      return await next();
    }
    // No declared length: stream-count the body, except where no route reads one.
    if (BODILESS.has(c.req.method)) return await next();
    return await streaming(c, next);
  };
}

/** An app and the context its routes share. */
export type Sandbox = {
  readonly app: Hono<SandboxEnv>;
  readonly ctx: SandboxContext;
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
  const app = new Hono<SandboxEnv>();
  app.onError(handleError);
  app.notFound(handleNotFound);
  // Every response, errors included, carries an x-request-id (the SDK surfaces it on errors).
  app.use("*", requestId({ generator: () => ctx.ids.nextId("req") }));
  app.use("*", limitBody());
  app.get("/health", (c) => c.json({ status: "ok", time: ctx.now().toISOString() }));

  const api = new Hono<SandboxEnv>();
  registerExperimentalRoutes(api, ctx); // first: its audit middleware wraps every route
  registerMachineRoutes(api, ctx);
  registerIdentityRoutes(api, ctx);
  registerPairingRoutes(api, ctx);
  registerMachineAgentRoutes(api, ctx);
  registerRuntimeEndpointRoutes(api, ctx);
  registerMarketRoutes(api, ctx);
  app.route("/api/v1", api);
  return { app, ctx };
}
