/**
 * The market half of the sandbox: skills, catalogue, services, search, orders, payments and
 * webhooks. Owned by the market helper.
 *
 * How to plug in: `app.ts` calls `registerMarketRoutes(api, ctx)` once per app, where `api` is
 * the Hono app mounted at `/api/v1` (register paths without that prefix, e.g.
 * `api.get("/skills", requirePlatform(ctx), handler)`) and `ctx` the per-app
 * {@linkcode SandboxContext}. Replace `ctx.emit` here to deliver webhooks, and register cleanup
 * with `ctx.onClose`. Platform helpers to reuse: `requirePlatform`/`requireAgent`/
 * `assertPairingActive`/`assertPairingMatches` (auth.ts), `readJson`/`readQuery` (validate.ts),
 * `paginate`/`listQuerySchema` (pagination.ts), `ApiError` (errors.ts),
 * `findRuntimeEndpoint` (routes/runtime_endpoints.ts), `requireActiveMachine` (routes/machines.ts).
 *
 * @module
 */
import type { Hono } from "hono";
import type { SandboxContext, SandboxEnv } from "../context.ts";

/**
 * Registers the market routes on the `/api/v1` sub-app.
 *
 * @example
 * ```ts ignore
 * registerMarketRoutes(api, ctx);
 * ```
 */
export function registerMarketRoutes(_api: Hono<SandboxEnv>, _ctx: SandboxContext): void {
  // Filled in by the market helper.
}
