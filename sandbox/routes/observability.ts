/**
 * Observability (platform auth): the audit log (`GET /audit-events?machineId`, recorded by the
 * middleware of `audit.ts`), runs (`GET /runs?machineId`, `GET /runs/:runId`) and machine
 * readiness (`GET /machines/:machineId/readiness`), read by `domain/observability.ts`.
 *
 * @module
 */
import type { Hono } from "hono";
import { idSchema } from "../../contract/fields.ts";
import { requirePlatform } from "../auth.ts";
import type { SandboxContext, SandboxEnv } from "../context.ts";
import { auditEventsOf, machineReadiness, requireRun, runsOf } from "../domain/observability.ts";
import { listQuerySchema, paginate } from "../pagination.ts";
import { readQuery } from "../validate.ts";

const machineFilter = listQuerySchema.extend({ machineId: idSchema.optional() });

/**
 * Registers the observability routes (the audit middleware is `audit.ts`, registered first).
 *
 * @example
 * ```ts ignore
 * registerObservabilityRoutes(api, ctx);
 * ```
 */
export function registerObservabilityRoutes(api: Hono<SandboxEnv>, ctx: SandboxContext): void {
  const platform = requirePlatform(ctx);

  api.get("/audit-events", platform, (c) => {
    const query = readQuery(c, machineFilter);
    return c.json(paginate(auditEventsOf(ctx, query.machineId), query, (r) => r.event));
  });

  api.get("/runs", platform, (c) => {
    const query = readQuery(c, machineFilter);
    return c.json(paginate(runsOf(ctx, query.machineId), query, (r) => r.run));
  });

  api.get("/runs/:runId", platform, (c) => {
    return c.json({ item: requireRun(ctx, c.req.param("runId")).run });
  });

  api.get("/machines/:machineId/readiness", platform, (c) => {
    return c.json({ item: machineReadiness(ctx, c.req.param("machineId")) });
  });
}
