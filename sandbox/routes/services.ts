/**
 * Market services (platform auth): `GET /market/services` and `GET /market/services/:serviceId`.
 * With `machineId`, the machine must exist and services that run on the machine's own runtime
 * endpoint are listed only when it has one registered for their provider key
 * (`domain/services.ts`).
 *
 * @module
 */
import type { Hono } from "hono";
import { z } from "zod";
import { idSchema, providerKeySchema } from "../../contract/fields.ts";
import { requirePlatform } from "../auth.ts";
import type { SandboxContext, SandboxEnv } from "../context.ts";
import { readService, servicesMatching } from "../domain/services.ts";
import { listQuerySchema, paginate } from "../pagination.ts";
import { readQuery } from "../validate.ts";

const listServicesQuery = listQuerySchema.extend({
  machineId: idSchema.optional(),
  serviceType: z.string().min(1).max(100).optional(),
  executionMode: z.enum(["native", "external-handoff"]).optional(),
  providerKey: providerKeySchema.optional(),
});

const getServiceQuery = z.object({ machineId: idSchema.optional() });

/**
 * Registers the service routes.
 *
 * @example
 * ```ts ignore
 * registerServiceRoutes(api, ctx);
 * ```
 */
export function registerServiceRoutes(api: Hono<SandboxEnv>, ctx: SandboxContext): void {
  const platform = requirePlatform(ctx);

  api.get("/market/services", platform, (c) => {
    const query = readQuery(c, listServicesQuery);
    return c.json(paginate(servicesMatching(ctx, query), query, ({ service }) => service));
  });

  api.get("/market/services/:serviceId", platform, (c) => {
    const { machineId } = readQuery(c, getServiceQuery);
    return c.json({ item: readService(ctx, c.req.param("serviceId"), machineId) });
  });
}
