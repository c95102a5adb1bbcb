/**
 * Mount point of the "coming next" endpoints: the audit middleware (first, so it wraps every
 * route of the API), the order extras, tasks, graph, policies and observability.
 *
 * @module
 */
import type { Hono } from "hono";
import type { SandboxContext, SandboxEnv } from "./context.ts";
import { registerOrderExtraRoutes } from "./experimental_orders.ts";
import { registerGraphRoutes } from "./routes/graph.ts";
import { auditMutations, registerObservabilityRoutes } from "./routes/observability.ts";
import { registerPolicyRoutes } from "./routes/policies.ts";
import { registerTaskRoutes } from "./routes/tasks.ts";

/**
 * Registers the experimental routes on the `/api/v1` sub-app. Call it before any other route
 * module: its audit middleware and execution recorder must run around theirs.
 *
 * @example
 * ```ts ignore
 * registerExperimentalRoutes(api, ctx);
 * registerMachineRoutes(api, ctx);
 * ```
 */
export function registerExperimentalRoutes(api: Hono<SandboxEnv>, ctx: SandboxContext): void {
  api.use("*", auditMutations(ctx));
  registerOrderExtraRoutes(api, ctx);
  registerTaskRoutes(api, ctx);
  registerGraphRoutes(api, ctx);
  registerPolicyRoutes(api, ctx);
  registerObservabilityRoutes(api, ctx);
}
