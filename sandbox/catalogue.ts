/**
 * The sandbox's market catalogue, loaded from `catalogue.json`: skills with their manifests,
 * and the services machines can buy. Service records are served exactly as stored (they are
 * `MarketService` shapes); how a service settles and runs lives in its `metadata`.
 *
 * @module
 */
import type {
  MarketPaymentRailType,
  MarketService,
  SkillManifest,
  SkillSummary,
} from "../src/types/mod.ts";
import data from "./catalogue.json" with { type: "json" };

/** A skill as stored in the fixture: its summary plus its manifest (minus the repeated fields). */
export type CatalogueSkill = SkillSummary & {
  readonly manifest: Pick<SkillManifest, "version" | "operations" | "configSchema">;
};

/** How the sandbox runs a service. */
export type ServiceRuntime = "simulated" | "endpoint" | "handoff" | "unsupported";

/** Where a service's payment goes: chain, token and payee, for `rpc` proof checks. */
export type ServiceSettlement = {
  readonly chain: string;
  readonly token: string;
  readonly tokenSymbol: string;
  /** Decimals of the token; amounts on chain are display amount × 10^decimals. */
  readonly tokenDecimals: number;
  readonly payeeAddress: string;
};

type Catalogue = {
  readonly skills: readonly CatalogueSkill[];
  readonly services: readonly MarketService[];
};

const catalogue = data as unknown as Catalogue;

/** Every skill, in fixture order. */
export const SKILLS: readonly CatalogueSkill[] = catalogue.skills;

/** Every market service, in fixture order. */
export const SERVICES: readonly MarketService[] = catalogue.services;

const skillsByKey = new Map(SKILLS.map((skill) => [skill.key, skill]));
const servicesById = new Map(SERVICES.map((service) => [service.id, service]));

/**
 * Finds a skill by key.
 *
 * @example
 * ```ts ignore
 * findSkill("sim.inference")?.manifest.operations;
 * ```
 */
export function findSkill(key: string): CatalogueSkill | undefined {
  return skillsByKey.get(key);
}

/**
 * Finds a service by id.
 *
 * @example
 * ```ts ignore
 * findService("svc_sim_complete")?.pricing.amount; // "0.10"
 * ```
 */
export function findService(id: string): MarketService | undefined {
  return servicesById.get(id);
}

/**
 * The skill's summary, without the manifest.
 *
 * @example
 * ```ts ignore
 * const summary = skillSummary(findSkill("sim.inference")!);
 * ```
 */
export function skillSummary(skill: CatalogueSkill): SkillSummary {
  const { manifest: _manifest, ...summary } = skill;
  return summary;
}

/**
 * The skill's manifest as served by `GET /skills/:key/manifest`.
 *
 * @example
 * ```ts ignore
 * skillManifest(findSkill("sim.inference")!).operations[0]?.name; // "complete"
 * ```
 */
export function skillManifest(skill: CatalogueSkill): SkillManifest {
  return {
    skillKey: skill.key,
    version: skill.manifest.version,
    providerKey: skill.providerKey,
    executionMode: skill.executionMode,
    operations: skill.manifest.operations,
    configSchema: skill.manifest.configSchema,
  };
}

/**
 * How the sandbox executes `service`.
 *
 * @example
 * ```ts ignore
 * serviceRuntime(findService("svc_ollama_chat")!); // "endpoint"
 * ```
 */
export function serviceRuntime(service: MarketService): ServiceRuntime {
  return service.metadata.runtime as ServiceRuntime;
}

/**
 * The rail a payment for `service` uses unless the buyer picks another.
 *
 * @example
 * ```ts ignore
 * serviceRail(findService("svc_sim_echo")!); // "not-required"
 * ```
 */
export function serviceRail(service: MarketService): MarketPaymentRailType {
  return service.metadata.defaultRail as MarketPaymentRailType;
}

/**
 * Chain, token and payee of `service`'s payments.
 *
 * @example
 * ```ts ignore
 * serviceSettlement(findService("svc_sim_complete")!).tokenDecimals; // 6
 * ```
 */
export function serviceSettlement(service: MarketService): ServiceSettlement {
  return service.metadata.settlement as ServiceSettlement;
}

/**
 * The price the simulated provider quotes for a `quote-required` service; `null` otherwise.
 *
 * @example
 * ```ts ignore
 * quotedAmount(findService("svc_sim_store")!); // "3.40"
 * ```
 */
export function quotedAmount(service: MarketService): number | null {
  const amount = service.metadata.quoteAmount;
  return typeof amount === "number" ? amount : typeof amount === "string" ? Number(amount) : null;
}

/**
 * The price a buyer pays for `service` without haggling: the list price, or for
 * `quote-required` services the amount the simulated provider quotes. `null` when unpriced.
 *
 * @example
 * ```ts ignore
 * effectivePrice(findService("svc_sim_store")!); // "3.40"
 * ```
 */
export function effectivePrice(service: MarketService): number | null {
  return service.pricing.mode === "quote-required" ? quotedAmount(service) : service.pricing.amount;
}
