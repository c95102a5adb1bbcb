/**
 * The sandbox's market catalogue, loaded from `catalogue.json`: skills with their manifests,
 * and the services machines can buy. Service records are served exactly as stored (they are
 * `MarketService` shapes); how a service runs and settles lives in its `metadata` (`runtime`,
 * `settlement`, `quoteAmount`, and `x402` for services paid over x402).
 *
 * An order's `input` is checked against the service's operation contract
 * ({@linkcode checkServiceInput}), so every contract's `exampleInput` orders as it is.
 *
 * @module
 */
import type {
  MarketPaymentRailType,
  MarketService,
  OperationContract,
  SkillManifest,
  SkillSummary,
} from "../src/types/mod.ts";
import data from "./catalogue.json" with { type: "json" };
import { type FieldIssue, validationError } from "./validate.ts";

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
 * findService("svc_sim_complete")?.pricing.amount; // 0.1
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
 * The rail a payment for `service` uses unless the buyer picks another: its recommendation's
 * `defaultRail`.
 *
 * @example
 * ```ts ignore
 * serviceRail(findService("svc_sim_echo")!); // "not-required"
 * ```
 */
export function serviceRail(service: MarketService): MarketPaymentRailType {
  return service.payment.defaultRail;
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
 * quotedAmount(findService("svc_sim_store")!); // 3.4
 * ```
 */
export function quotedAmount(service: MarketService): number | null {
  const amount = service.metadata.quoteAmount;
  return typeof amount === "number" ? amount : null;
}

/**
 * The price a buyer pays for `service` without haggling: the list price, or for
 * `quote-required` services the amount the simulated provider quotes. `null` when unpriced.
 *
 * @example
 * ```ts ignore
 * effectivePrice(findService("svc_sim_store")!); // 3.4
 * ```
 */
export function effectivePrice(service: MarketService): number | null {
  return service.pricing.mode === "quote-required" ? quotedAmount(service) : service.pricing.amount;
}

/** The x402 `exact` scheme parameters of a service paid over x402 (`metadata.x402`). */
export type ServiceX402 = {
  /** CAIP-2 network, e.g. `"eip155:8453"` (Base). */
  readonly network: string;
  /** The EIP-3009 token contract, e.g. USDC on Base. */
  readonly asset: string;
  readonly payTo: string;
  readonly maxTimeoutSeconds: number;
  /** The token's EIP-712 domain name and version. */
  readonly extra: { readonly name: string; readonly version: string };
};

/**
 * The x402 parameters of `service`, or `undefined` when it is not paid over x402.
 *
 * @example
 * ```ts ignore
 * serviceX402(findService("svc_x402_price_feed")!)?.network; // "eip155:8453"
 * ```
 */
export function serviceX402(service: MarketService): ServiceX402 | undefined {
  return service.metadata.x402 as ServiceX402 | undefined;
}

/** The simulated provider's switch: `input.simulateFailure: true` makes a run fail. */
const SIMULATOR_SWITCH = "simulateFailure";

function typeProblem(type: string, value: unknown): string | undefined {
  switch (type) {
    case "string":
      return typeof value === "string" ? undefined : "must be a string";
    case "number":
      return typeof value === "number" && Number.isFinite(value) ? undefined : "must be a number";
    case "integer":
      return Number.isInteger(value) ? undefined : "must be an integer";
    case "boolean":
      return typeof value === "boolean" ? undefined : "must be a boolean";
    case "array":
      return Array.isArray(value) ? undefined : "must be an array";
    case "object":
      return typeof value === "object" && value !== null && !Array.isArray(value)
        ? undefined
        : "must be an object";
    default:
      return undefined; // A type the sandbox does not know is not checked.
  }
}

/**
 * The problems of `input` against `contract`, in the contract's field order, then unknown keys
 * in input order. A field is required unless it says `required: false`; a required string must
 * not be empty; `null` is not a value of any type.
 */
function inputIssues(contract: OperationContract, input: Record<string, unknown>): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const declared = new Set<string>();
  for (const field of contract.inputFields) {
    declared.add(field.key);
    const path = `input.${field.key}`;
    const value = input[field.key];
    if (value === undefined) {
      if (field.required !== false) issues.push({ path, message: "is required" });
      continue;
    }
    const problem = typeProblem(field.type, value);
    if (problem) issues.push({ path, message: problem });
    else if (field.required !== false && value === "") {
      issues.push({ path, message: "must not be empty" });
    }
  }
  for (const key of Object.keys(input)) {
    if (declared.has(key)) continue;
    if (key === SIMULATOR_SWITCH && typeof input[key] === "boolean") continue;
    issues.push({
      path: `input.${key}`,
      message: `is not an input of operation '${contract.operation}'`,
    });
  }
  return issues;
}

/**
 * Checks an order's `operation` and `input` against `service`'s operation contracts: the
 * operation must be one the service offers, and the input must fit the operation's
 * `inputFields` (types `string`, `number`, `integer`, `boolean`, `object`, `array`; a field is
 * required unless it says `required: false`; no undeclared keys, except the simulator's
 * boolean `simulateFailure`). Throws a `VALIDATION_ERROR` whose details list every problem, the
 * first bad field first (path `operation` or `input.<key>`).
 *
 * @example
 * ```ts ignore
 * const service = findService("svc_sim_complete")!;
 * checkServiceInput(service, "complete", service.operationContracts[0]!.exampleInput); // passes
 * checkServiceInput(service, "complete", { maxTokens: 5 }); // throws: 'input.prompt' is required
 * ```
 */
export function checkServiceInput(
  service: MarketService,
  operation: string,
  input: Record<string, unknown>,
): void {
  const contract = service.operationContracts.find((candidate) =>
    candidate.operation === operation
  );
  if (!service.operations.includes(operation) || !contract) {
    throw validationError([{
      path: "operation",
      message: `must be one of ${service.operations.map((op) => `'${op}'`).join(", ")}`,
    }]);
  }
  const issues = inputIssues(contract, input);
  if (issues.length > 0) throw validationError(issues);
}
