/**
 * Mount point of the "coming next" endpoints: the audit middleware (first, so it wraps every
 * route of the API), the order extras, tasks, graph, policies and observability.
 *
 * @module
 */
import type { Hono } from "hono";
import type { SandboxContext, SandboxEnv } from "../context.ts";
import { registerOrderExtraRoutes } from "./order_extras.ts";
import { registerGraphRoutes } from "./graph.ts";
import { auditMutations, registerObservabilityRoutes } from "./observability.ts";
import { registerPolicyRoutes } from "./policies.ts";
import { registerTaskRoutes } from "./tasks.ts";

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
