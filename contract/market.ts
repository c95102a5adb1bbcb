/**
 * The market's request bodies on the wire (contract revision 2), shared by the sandbox and the
 * edge Worker and tied to the SDK's types at compile time: a field added to or dropped from
 * `MarketSearchRequest` without the schema following fails `deno check`.
 *
 * @module
 */
import { z } from "zod";
import type { MarketSearchBudget, MarketSearchRequest } from "../src/types/mod.ts";
import { amountSchema, currencySchema, idSchema } from "./fields.ts";
import type { Ties } from "./ties.ts";

/** Most quotes one search may ask for, and how many it gets by default. */
export const SEARCH_MAX_RESULTS = { max: 50, default: 10 } as const;

/**
 * Per-provider credentials (`{ [providerKey]: { [name]: value } }`): a secret, so the schema
 * never puts a value into an error message.
 */
export const providerCredentialsSchema = z.record(
  z.string().min(1).max(64),
  z.record(z.string().min(1).max(64), z.string().max(4096).optional()),
);

/**
 * Fields of revision 1's search that the public vocabulary replaced: each is refused with a
 * `VALIDATION_ERROR` naming it and its replacement, rather than silently ignored.
 */
export const RETIRED_SEARCH_FIELDS = {
  skillKey: "use 'serviceType', 'capabilities' or 'query'",
  providerKey: "use 'query' (provider names are searched) or 'capabilities'",
  executionMode: "use 'nativeOnly: true' or 'allowHandoff: false' to leave out handoffs",
  maxPrice: "use 'budget.max' (a JSON number)",
  currency: "use 'budget.currency'",
  limit: "use 'maxResults'",
} as const;

const retired = (hint: string) =>
  z.never({ error: `is not a search field since contract revision 2: ${hint}` }).optional();

const budgetSchema = z.strictObject({
  amount: amountSchema.optional(),
  max: amountSchema.optional(),
  currency: currencySchema.optional(),
});

const searchShape = {
  machineId: idSchema,
  agentPairingId: idSchema,
  serviceType: z.string().trim().min(1).max(100).optional(),
  operation: z.string().min(1).max(200).optional(),
  query: z.string().max(500).optional(),
  capabilities: z.array(z.string().trim().min(1).max(100)).max(50).optional(),
  region: z.string().trim().min(1).max(100).optional(),
  maxResults: z.number().int().min(1).max(SEARCH_MAX_RESULTS.max).optional(),
  budget: budgetSchema.optional(),
  nativeOnly: z.boolean().optional(),
  allowHandoff: z.boolean().optional(),
  providerCredentials: providerCredentialsSchema.optional(),
};

/**
 * Body of `POST /market/search`: strict (unknown fields are refused), revision 1's fields
 * refused with a hint ({@linkcode RETIRED_SEARCH_FIELDS}).
 *
 * @example
 * ```ts ignore
 * const body = marketSearchBody.parse({ machineId: "m_1", agentPairingId: "ap_1", maxResults: 5 });
 * ```
 */
export const marketSearchBody = z.strictObject({
  ...searchShape,
  skillKey: retired(RETIRED_SEARCH_FIELDS.skillKey),
  providerKey: retired(RETIRED_SEARCH_FIELDS.providerKey),
  executionMode: retired(RETIRED_SEARCH_FIELDS.executionMode),
  maxPrice: retired(RETIRED_SEARCH_FIELDS.maxPrice),
  currency: retired(RETIRED_SEARCH_FIELDS.currency),
  limit: retired(RETIRED_SEARCH_FIELDS.limit),
}).transform((
  {
    skillKey: _s,
    providerKey: _p,
    executionMode: _e,
    maxPrice: _m,
    currency: _c,
    limit: _l,
    ...body
  },
) => body);

/** A parsed search body. */
export type MarketSearchBody = z.output<typeof marketSearchBody>;

// Compile-time ties: a drift between a schema and the SDK's type fails `deno check` here.
const _search: Ties<MarketSearchBody, MarketSearchRequest> = true;
const _budget: Ties<z.output<typeof budgetSchema>, MarketSearchBudget> = true;
