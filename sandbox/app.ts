/**
 * Builds the sandbox's Hono app: the error envelope, the 1 MiB body limit, `GET /health` at the
 * root and every route module under `/api/v1`.
 *
 * @module
 */
import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { requestId } from "hono/request-id";
import { createSandboxContext, type SandboxContext, type SandboxEnv } from "./context.ts";
import { errorBody, handleError, handleNotFound } from "./errors.ts";
import type { SandboxOptions } from "./options.ts";
import { registerIdentityRoutes } from "./routes/identity.ts";
import { registerMachineAgentRoutes } from "./routes/machine_agents.ts";
import { registerMachineRoutes } from "./routes/machines.ts";
import { registerMarketRoutes } from "./routes/market.ts";
import { registerPairingRoutes } from "./routes/pairings.ts";
import { registerRuntimeEndpointRoutes } from "./routes/runtime_endpoints.ts";

/** Largest request body accepted, in bytes (1 MiB); larger is 413. */
export const MAX_BODY_BYTES = 1024 * 1024;

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
  app.use(
    "*",
    bodyLimit({
      maxSize: MAX_BODY_BYTES,
      onError: (c) =>
        c.json(errorBody("PAYLOAD_TOO_LARGE", "Request body too large: the limit is 1 MiB"), 413),
    }),
  );
  app.get("/health", (c) => c.json({ status: "ok", time: ctx.now().toISOString() }));

  const api = new Hono<SandboxEnv>();
  registerMachineRoutes(api, ctx);
  registerIdentityRoutes(api, ctx);
  registerPairingRoutes(api, ctx);
  registerMachineAgentRoutes(api, ctx);
  registerRuntimeEndpointRoutes(api, ctx);
  registerMarketRoutes(api, ctx);
  app.route("/api/v1", api);
  return { app, ctx };
}
