/**
 * Market services: `GET /market/services` and `GET /market/services/:serviceId` (platform
 * auth). With `machineId`, the machine must exist and services that run on the machine's own
 * runtime endpoint are listed only when it has one registered for their provider key.
 *
 * @module
 */
import type { Hono } from "hono";
import { z } from "zod";
import type { MarketService } from "../../src/types/mod.ts";
import { requirePlatform } from "../auth.ts";
import { serviceRuntime } from "../catalogue.ts";
import type { SandboxContext, SandboxEnv } from "../context.ts";
import { notFound } from "../errors.ts";
import { idSchema, providerKeySchema } from "../../contract/fields.ts";
import { listQuerySchema, paginate } from "../pagination.ts";
import { readQuery } from "../validate.ts";
import { requireMachine } from "./machines.ts";
import { findRuntimeEndpoint } from "./runtime_endpoints.ts";

const listServicesQuery = listQuerySchema.extend({
  machineId: idSchema.optional(),
  serviceType: z.string().min(1).max(100).optional(),
  executionMode: z.enum(["native", "external-handoff"]).optional(),
  providerKey: providerKeySchema.optional(),
});

const getServiceQuery = z.object({ machineId: idSchema.optional() });

/**
 * Whether `machineId` can use `service`: services forwarded to a runtime endpoint need one
 * registered (and leased) for their provider key; every other service is available.
 *
 * @example
 * ```ts ignore
 * availableTo(ctx, service, "m_1");
 * ```
 */
export function availableTo(
  ctx: SandboxContext,
  service: MarketService,
  machineId: string,
): boolean {
  return serviceRuntime(service) !== "endpoint" ||
    findRuntimeEndpoint(ctx, machineId, service.providerKey) !== undefined;
}

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
    if (query.machineId !== undefined) requireMachine(ctx, query.machineId);
    const providerKey = query.providerKey?.toLowerCase();
    const indexed = ctx.catalogue.services.map((service, index) => ({ seq: index + 1, service }));
    const matching = indexed.filter(({ service }) =>
      (query.serviceType === undefined || service.serviceType === query.serviceType) &&
      (query.executionMode === undefined || service.executionMode === query.executionMode) &&
      (providerKey === undefined || service.providerKey === providerKey) &&
      (query.machineId === undefined || availableTo(ctx, service, query.machineId))
    );
    return c.json(paginate(matching, query, ({ service }) => service));
  });

  api.get("/market/services/:serviceId", platform, (c) => {
    const query = readQuery(c, getServiceQuery);
    const serviceId = c.req.param("serviceId");
    const service = ctx.catalogue.findService(serviceId);
    if (!service) throw notFound("Service", serviceId);
    if (query.machineId !== undefined) {
      requireMachine(ctx, query.machineId);
      if (!availableTo(ctx, service, query.machineId)) {
        throw notFound(`Service for machine '${query.machineId}'`, serviceId);
      }
    }
    return c.json({ item: service });
  });
}
