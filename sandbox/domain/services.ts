/**
 * Market services: which services a machine can use (those forwarded to a runtime endpoint need
 * one, live, for their provider key) and the catalogue's services narrowed by a listing's filters.
 *
 * @module
 */
import type { MarketService } from "../../src/types/mod.ts";
import { serviceRuntime } from "../catalogue.ts";
import type { SandboxContext } from "../context.ts";
import { notFound } from "../errors.ts";
import { requireMachine } from "./machines.ts";
import { findRuntimeEndpoint } from "./runtime_endpoints.ts";

/** What a service listing may be narrowed by. */
export type ServiceFilter = {
  /** Only what this machine can use (it must exist). */
  readonly machineId?: string | undefined;
  readonly serviceType?: string | undefined;
  readonly executionMode?: MarketService["executionMode"] | undefined;
  /** Case-insensitive. */
  readonly providerKey?: string | undefined;
};

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
 * The catalogue's services that pass `filter`, numbered in catalogue order (`seq`, for paging);
 * 404 `NOT_FOUND` for an unknown `filter.machineId`.
 *
 * @example
 * ```ts ignore
 * const matching = servicesMatching(ctx, { serviceType: "oracle.price-feed" });
 * ```
 */
export function servicesMatching(
  ctx: SandboxContext,
  filter: ServiceFilter,
): { readonly seq: number; readonly service: MarketService }[] {
  if (filter.machineId !== undefined) requireMachine(ctx, filter.machineId);
  const providerKey = filter.providerKey?.toLowerCase();
  const indexed = ctx.catalogue.services.map((service, index) => ({ seq: index + 1, service }));
  return indexed.filter(({ service }) =>
    (filter.serviceType === undefined || service.serviceType === filter.serviceType) &&
    (filter.executionMode === undefined || service.executionMode === filter.executionMode) &&
    (providerKey === undefined || service.providerKey === providerKey) &&
    (filter.machineId === undefined || availableTo(ctx, service, filter.machineId))
  );
}

/**
 * The service `serviceId`, or 404 `NOT_FOUND`; with `machineId` (which must exist), also 404
 * when that machine cannot use it.
 *
 * @example
 * ```ts ignore
 * const service = readService(ctx, "svc_sim_echo", "m_1");
 * ```
 */
export function readService(
  ctx: SandboxContext,
  serviceId: string,
  machineId: string | undefined,
): MarketService {
  const service = ctx.catalogue.findService(serviceId);
  if (!service) throw notFound("Service", serviceId);
  if (machineId !== undefined) {
    requireMachine(ctx, machineId);
    if (!availableTo(ctx, service, machineId)) {
      throw notFound(`Service for machine '${machineId}'`, serviceId);
    }
  }
  return service;
}
