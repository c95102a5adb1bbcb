/**
 * One app's catalogue: the built-in `catalogue.json`, or a custom one given as the `catalogue`
 * option (`--catalogue path.json`), plus services added at run time by the test controls' seed.
 * A reset restores the configured catalogue. Routes read it as `ctx.catalogue`.
 *
 * A custom catalogue is checked when the sandbox starts ({@linkcode parseCatalogue}): each
 * service needs what the routes rely on (an operation contract per operation, a runtime, and a
 * settlement when payment is required); the listing fields a test rarely cares about default.
 *
 * @module
 */
import { z } from "zod";
import { MARKET_PAYMENT_RAILS } from "../src/payment_rails.ts";
import type { MarketService } from "../src/types/mod.ts";
import { type CatalogueSkill, SERVICES, SKILLS } from "./catalogue.ts";

/**
 * A catalogue as a file or option holds it (the shape of `sandbox/catalogue.json`): skills
 * (default: the built-in ones) and services, each a `MarketService` with its `metadata`
 * (`runtime`, `settlement`, `quoteAmount`). Checked when the sandbox starts.
 */
export type SandboxCatalogue = {
  /** Skills with their manifests; omitted keeps the built-in skills. */
  readonly skills?: readonly object[] | undefined;
  /** The services on sale; they replace the built-in ones. */
  readonly services: readonly object[];
};

/** A checked catalogue. */
export type ParsedCatalogue = {
  readonly skills?: readonly CatalogueSkill[] | undefined;
  readonly services: readonly MarketService[];
};

/** The catalogue an app serves, changed at run time only by the test controls. */
export type LiveCatalogue = {
  /** Every skill, in catalogue order. */
  readonly skills: readonly CatalogueSkill[];
  /** Every service, in catalogue order (seeded ones last). */
  readonly services: readonly MarketService[];
  /** A skill by key. */
  findSkill(key: string): CatalogueSkill | undefined;
  /** A service by id. */
  findService(id: string): MarketService | undefined;
  /** Adds services (checked like a catalogue file's); one with a known id replaces it. */
  addServices(services: readonly unknown[]): MarketService[];
  /** Restores the configured catalogue. */
  reset(): void;
};

const text = z.string().trim().min(1).max(500);
const fieldSchema = z.looseObject({
  key: z.string().min(1).max(100),
  type: z.string().min(1).max(50),
  description: z.string().max(1000).optional(),
  required: z.boolean().optional(),
});
const contractSchema = z.looseObject({
  operation: text,
  summary: z.string().max(1000).default(""),
  notes: z.array(z.string()).default([]),
  inputFields: z.array(fieldSchema).default([]),
  outputFields: z.array(fieldSchema).default([]),
  exampleInput: z.record(z.string(), z.unknown()).default({}),
});
const settlementSchema = z.looseObject({
  chain: text,
  token: text,
  tokenSymbol: text,
  tokenDecimals: z.number().int().min(0).max(36),
  payeeAddress: z.string().regex(/^0x[0-9a-fA-F]{40}$/, "must be a 0x address"),
});

/** The zod schema of one catalogue service; listing fields default when omitted. */
export const catalogueServiceSchema = z.looseObject({
  id: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.:-]{0,99}$/, "must be 1-100 id characters"),
  skillKey: text,
  providerKey: z.string().regex(/^[a-z0-9][a-z0-9._-]{0,63}$/, "must be a lowercase provider key"),
  companyName: text.optional(),
  serviceType: text,
  name: text,
  description: z.string().max(2000).default(""),
  operations: z.array(text).min(1),
  executionMode: z.enum(["native", "external-handoff"]).default("native"),
  integrationStatus: z.string().default("simulated"),
  region: z.string().min(1).default("global"),
  capabilities: z.array(z.string()).default([]),
  handoff: z.looseObject({}).nullable().default(null),
  pricing: z.looseObject({
    mode: z.enum(["provider-defined", "fixed", "quote-required"]),
    amount: z.number().min(0).nullable(),
    currency: z.string().min(1).nullable(),
    rate: z.string().nullable().default(null),
    notes: z.array(z.string()).default([]),
  }),
  payment: z.looseObject({
    defaultRail: z.enum(MARKET_PAYMENT_RAILS),
    required: z.boolean(),
    supportedRails: z.array(z.enum(MARKET_PAYMENT_RAILS)).optional(),
  }),
  endpoints: z.array(z.looseObject({})).default([]),
  operationContracts: z.array(contractSchema),
  metadata: z.looseObject({
    runtime: z.enum(["simulated", "endpoint", "handoff", "unsupported"]),
    settlement: settlementSchema.optional(),
    quoteAmount: z.number().min(0).optional(),
  }),
}).superRefine((service, issue) => {
  for (const operation of service.operations) {
    if (!service.operationContracts.some((contract) => contract.operation === operation)) {
      issue.addIssue({
        code: "custom",
        path: ["operationContracts"],
        message: `needs a contract for operation '${operation}'`,
      });
    }
  }
  if (service.payment.required && service.metadata.settlement === undefined) {
    issue.addIssue({
      code: "custom",
      path: ["metadata", "settlement"],
      message: "is required when 'payment.required' is true",
    });
  }
  if (service.pricing.mode === "quote-required" && service.metadata.quoteAmount === undefined) {
    issue.addIssue({
      code: "custom",
      path: ["metadata", "quoteAmount"],
      message: "is required for 'quote-required' pricing (the simulated provider's quote)",
    });
  }
});

const skillSchema = z.looseObject({
  key: text,
  providerKey: text,
  label: text,
  operations: z.array(text),
  manifest: z.looseObject({
    version: text,
    operations: z.array(z.looseObject({ name: text })),
    configSchema: z.looseObject({}).nullable().default(null),
  }),
});

const catalogueSchema = z.strictObject({
  skills: z.array(skillSchema).optional(),
  services: z.array(catalogueServiceSchema),
});

function describeIssues(error: z.ZodError, prefix: readonly PropertyKey[] = []): string {
  return error.issues.slice(0, 5).map((issue) => {
    const path = [...prefix, ...issue.path].map(String);
    return `${path.length > 0 ? path.join(".") : "(catalogue)"}: ${issue.message}`;
  }).join("; ");
}

function toService(parsed: z.output<typeof catalogueServiceSchema>): MarketService {
  return { companyName: parsed.providerKey, ...parsed } as unknown as MarketService;
}

function uniqueIds(services: readonly MarketService[], source: string): void {
  const seen = new Set<string>();
  for (const service of services) {
    if (seen.has(service.id)) {
      throw new TypeError(`Invalid catalogue ${source}: service id '${service.id}' appears twice`);
    }
    seen.add(service.id);
  }
}

/**
 * Checks a catalogue (a parsed `catalogue.json`-shaped value) and fills in defaults. Throws a
 * `TypeError` naming the first problems and where they are.
 *
 * @example
 * ```ts ignore
 * const catalogue = parseCatalogue(JSON.parse(await readFile("catalogue.json", "utf8")), "catalogue.json");
 * ```
 */
export function parseCatalogue(value: unknown, source = "option"): ParsedCatalogue {
  const result = catalogueSchema.safeParse(value);
  if (!result.success) {
    throw new TypeError(`Invalid catalogue ${source}: ${describeIssues(result.error)}`);
  }
  const services = result.data.services.map(toService);
  uniqueIds(services, source);
  return {
    ...(result.data.skills !== undefined &&
      { skills: result.data.skills as unknown as CatalogueSkill[] }),
    services,
  };
}

/**
 * Checks services to add to a running catalogue (the seed's `services`). Throws a `TypeError`
 * naming the first problems, with paths like `services.0.pricing.mode`.
 *
 * @example
 * ```ts ignore
 * const services = parseServices(body.services);
 * ```
 */
export function parseServices(value: readonly unknown[]): MarketService[] {
  const result = z.array(catalogueServiceSchema).safeParse(value);
  if (!result.success) {
    throw new TypeError(`Invalid services: ${describeIssues(result.error, ["services"])}`);
  }
  const services = result.data.map(toService);
  uniqueIds(services, "services");
  return services;
}

/**
 * Creates an app's catalogue from the `catalogue` option (checked), or the built-in one.
 *
 * @example
 * ```ts ignore
 * const catalogue = createLiveCatalogue(options.catalogue);
 * catalogue.findService("svc_sim_complete")?.pricing.amount; // 0.1
 * ```
 */
export function createLiveCatalogue(configured?: SandboxCatalogue): LiveCatalogue {
  const base = configured === undefined ? undefined : parseCatalogue(configured);
  const baseSkills = base?.skills ?? SKILLS;
  const baseServices = base?.services ?? SERVICES;
  let skills: readonly CatalogueSkill[] = baseSkills;
  let services: readonly MarketService[] = baseServices;
  let skillsByKey = new Map(skills.map((skill) => [skill.key, skill]));
  let servicesById = new Map(services.map((service) => [service.id, service]));
  return {
    get skills() {
      return skills;
    },
    get services() {
      return services;
    },
    findSkill: (key) => skillsByKey.get(key),
    findService: (id) => servicesById.get(id),
    addServices(input) {
      const added = parseServices(input);
      const ids = new Set(added.map((service) => service.id));
      services = [...services.filter((service) => !ids.has(service.id)), ...added];
      servicesById = new Map(services.map((service) => [service.id, service]));
      return added;
    },
    reset() {
      skills = baseSkills;
      services = baseServices;
      skillsByKey = new Map(skills.map((skill) => [skill.key, skill]));
      servicesById = new Map(services.map((service) => [service.id, service]));
    },
  };
}
