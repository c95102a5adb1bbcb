/**
 * Market search: ranks the services a pairing's agent may buy for its machine and records priced
 * quotes that expire after {@linkcode QUOTE_TTL_MS}. The request is `marketSearchBody` of
 * `contract/market.ts` (the public search vocabulary).
 *
 * Filters: `serviceType`, `operation`, `nativeOnly` / `allowHandoff: false` (no handoffs),
 * `region` (the same region, or a `global` service), `capabilities` (at least one), `query` (at
 * least one word), `budget` (price known and at most `max ?? amount`; in `budget.currency`
 * unless free), the delegation policy (deny lists, non-empty allow lists, the per-transaction
 * limit and its currency), disabled skills and missing runtime endpoints.
 *
 * Ranking: every candidate starts at 0.5 and gains for the query's words (up to 0.3), the
 * requested capabilities (up to 0.2), its region (0.05; 0.02 when global), a live (0.1) or beta
 * (0.05) integration, running on the machine's own runtime endpoint (0.1), native execution
 * (0.05), being free (0.1) or cheap within the budget (up to 0.1), the provider credentials it
 * needs being supplied (0.05) and being explicitly allowed by the delegation policy (0.05),
 * capped at 1. Each gain, and what a quote lacks, is a line of its `reasons`.
 *
 * `providerCredentials` only rank: they are never stored, echoed or logged.
 *
 * @module
 */
import type {
  DelegationPolicy,
  MarketPricing,
  MarketQuote,
  MarketSearch,
  MarketService,
} from "../../src/types/mod.ts";
import { type MarketSearchBody, SEARCH_MAX_RESULTS } from "../../contract/market.ts";
import { amountToUnits, unitsToAmount } from "../../contract/money.ts";
import { effectivePrice, quotedAmount, serviceRuntime } from "../catalogue.ts";
import type { SandboxContext } from "../context.ts";
import { notFound } from "../errors.ts";
import type { PairingRecord } from "../store.ts";
import { policyDenial } from "./delegation.ts";
import { requireActiveMachine } from "./machines.ts";
import { assertPairingMatches } from "./pairings.ts";
import { availableTo } from "./services.ts";
import { isSkillEnabled } from "./skills.ts";

/** How long a quote stays valid: 10 minutes on the sandbox clock. */
export const QUOTE_TTL_MS = 10 * 60 * 1000;

/** A service that needs the buyer's own provider credentials (`providerCredentials[key]`). */
function needsCredentials(service: MarketService): boolean {
  return service.accessMode === "credentialed";
}

function tokens(text: string): string[] {
  return text.toLowerCase().split(/[^a-z0-9]+/).filter((token) => token.length > 1);
}

type Candidate = {
  readonly service: MarketService;
  readonly score: number;
  readonly reasons: string[];
};

/** What a search asks for, normalised once per search. */
type Wanted = {
  readonly body: MarketSearchBody;
  readonly policy: DelegationPolicy;
  readonly capabilities: readonly string[];
  readonly queryTokens: readonly string[];
  /** The budget's cap in units, when it has one. */
  readonly capUnits: bigint | undefined;
  /** Provider keys the search carries credentials for (the values are never kept). */
  readonly credentialed: ReadonlySet<string>;
};

function wantedOf(body: MarketSearchBody, policy: DelegationPolicy): Wanted {
  const cap = body.budget?.max ?? body.budget?.amount;
  return {
    body,
    policy,
    capabilities: [...new Set((body.capabilities ?? []).map((c) => c.toLowerCase()))],
    queryTokens: tokens(body.query ?? ""),
    capUnits: cap === undefined ? undefined : amountToUnits(cap),
    credentialed: new Set(Object.keys(body.providerCredentials ?? {}).map((k) => k.toLowerCase())),
  };
}

/** Whether `service` passes the search's filters (every reason to leave it out is here). */
function admits(ctx: SandboxContext, wanted: Wanted, service: MarketService): boolean {
  const { body, policy } = wanted;
  if (body.serviceType !== undefined && service.serviceType !== body.serviceType) return false;
  if (body.operation !== undefined && !service.operations.includes(body.operation)) return false;
  const handoffsAllowed = body.nativeOnly !== true && body.allowHandoff !== false;
  if (!handoffsAllowed && service.executionMode !== "native") return false;
  if (
    body.region !== undefined && service.region !== "global" &&
    service.region.toLowerCase() !== body.region.toLowerCase()
  ) return false;
  if (
    wanted.capabilities.length > 0 &&
    !service.capabilities.some((c) => wanted.capabilities.includes(c.toLowerCase()))
  ) return false;
  if (policyDenial(policy, service) || !isSkillEnabled(ctx, service.skillKey)) return false;
  if (!availableTo(ctx, service, body.machineId)) return false;

  const price = effectivePrice(service);
  const priceUnits = price === null ? undefined : amountToUnits(price);
  const free = priceUnits === 0n;
  if (body.budget !== undefined && !free) {
    if (body.budget.currency !== undefined && service.pricing.currency !== body.budget.currency) {
      return false;
    }
    if (
      wanted.capUnits !== undefined && (priceUnits === undefined || priceUnits > wanted.capUnits)
    ) {
      return false;
    }
  }
  // What order creation would refuse under the policy's spend limits is not offered.
  const limit = policy.perTransactionLimit != null
    ? amountToUnits(policy.perTransactionLimit)
    : undefined;
  const hasLimits = policy.perTransactionLimit != null || policy.dailySpendLimit != null;
  if (!free && hasLimits && service.pricing.currency !== (policy.currency ?? "USDT")) return false;
  if (limit !== undefined && priceUnits !== undefined && priceUnits > limit) return false;
  if (wanted.queryTokens.length > 0 && matchedWords(wanted, service).length === 0) return false;
  return true;
}

function matchedWords(wanted: Wanted, service: MarketService): string[] {
  const haystack = new Set(tokens(
    [
      service.name,
      service.description,
      service.serviceType,
      service.skillKey,
      service.providerKey,
      service.companyName,
      ...service.operations,
      ...service.capabilities,
    ].join(" "),
  ));
  return wanted.queryTokens.filter((token) => haystack.has(token));
}

function money(units: bigint): string {
  return String(unitsToAmount(units));
}

/** Scores an admitted service and says why, one reason per gain. */
function rank(wanted: Wanted, service: MarketService): Candidate {
  const { body, policy } = wanted;
  const reasons: string[] = [];
  let score = 0.5;

  const words = matchedWords(wanted, service);
  if (words.length > 0) {
    score += 0.3 * (words.length / wanted.queryTokens.length);
    reasons.push(`Matches ${words.map((word) => `'${word}'`).join(", ")}`);
  }
  const offered = new Set(service.capabilities.map((c) => c.toLowerCase()));
  const capabilities = wanted.capabilities.filter((c) => offered.has(c));
  if (capabilities.length > 0) {
    score += 0.2 * (capabilities.length / wanted.capabilities.length);
    for (const capability of capabilities) reasons.push(`Matches capability '${capability}'`);
  }
  if (body.region !== undefined) {
    if (service.region === "global") {
      score += 0.02;
      reasons.push("Serves every region ('global')");
    } else {
      score += 0.05;
      reasons.push(`In region '${service.region}'`);
    }
  }
  if (service.integrationStatus === "live") {
    score += 0.1;
    reasons.push("Live integration");
  } else if (service.integrationStatus === "beta") {
    score += 0.05;
    reasons.push("Beta integration");
  } else {
    reasons.push("Simulated provider (sandbox)");
  }
  if (serviceRuntime(service) === "endpoint") {
    score += 0.1;
    reasons.push(`Runs on this machine's '${service.providerKey}' runtime endpoint`);
  }
  if (service.executionMode === "native") {
    score += 0.05;
    reasons.push("Native execution preferred");
  } else {
    reasons.push("External handoff: finished on the provider's site");
  }

  const price = effectivePrice(service);
  const priceUnits = price === null ? undefined : amountToUnits(price);
  const currency = service.pricing.currency ?? "";
  if (priceUnits === 0n) {
    score += 0.1;
    reasons.push("Free");
  } else if (priceUnits !== undefined && wanted.capUnits !== undefined && wanted.capUnits > 0n) {
    // Cheaper relative to the cap scores higher; integer math keeps it exact.
    score += Number(((wanted.capUnits - priceUnits) * 1000n) / wanted.capUnits) / 10000;
    reasons.push(
      `Within budget ${money(priceUnits)} <= ${money(wanted.capUnits)} ${currency}`,
    );
  } else if (priceUnits !== undefined) {
    reasons.push(`Price ${money(priceUnits)} ${currency}`);
  }
  if (needsCredentials(service)) {
    if (wanted.credentialed.has(service.providerKey)) {
      score += 0.05;
      reasons.push(`Provider credentials supplied for '${service.providerKey}'`);
    } else {
      reasons.push(`Needs provider credentials for '${service.providerKey}'`);
    }
  }
  if (
    policy.allowedServiceIds.includes(service.id) ||
    policy.allowedSkillKeys.includes(service.skillKey)
  ) {
    score += 0.05;
    reasons.push("Explicitly allowed by the delegation policy");
  }
  return { service, score: Math.min(1, Math.round(score * 1000) / 1000), reasons };
}

function quotePricing(service: MarketService): MarketPricing {
  if (service.pricing.mode !== "quote-required") return service.pricing;
  return {
    ...service.pricing,
    amount: quotedAmount(service),
    notes: [...service.pricing.notes, "Quoted by the provider; valid until the quote expires"],
  };
}

/**
 * Runs a search for the pairing's agent (the pairing must be the one named, 403
 * `AGENT_PAIRING_REQUIRED`; the machine active): filters and ranks the catalogue, records the
 * search and one single-use quote per result.
 *
 * @example
 * ```ts ignore
 * const search = searchMarket(ctx, c.get("pairing"), body);
 * ```
 */
export function searchMarket(
  ctx: SandboxContext,
  record: PairingRecord,
  input: MarketSearchBody,
): MarketSearch {
  assertPairingMatches(record, input.machineId, input.agentPairingId);
  requireActiveMachine(ctx, input.machineId);
  const wanted = wantedOf(input, record.pairing.delegationPolicy);

  const now = ctx.now();
  const expiresAt = new Date(now.getTime() + QUOTE_TTL_MS).toISOString();
  const candidates = ctx.catalogue.services.filter((service) => admits(ctx, wanted, service))
    .map((service) => rank(wanted, service))
    // Stable sort: equal scores keep catalogue order.
    .sort((a, b) => b.score - a.score)
    .slice(0, input.maxResults ?? SEARCH_MAX_RESULTS.default);

  const searchId = ctx.ids.nextId("srch");
  const quotes: MarketQuote[] = candidates.map(({ service, score, reasons }) => {
    const pricing = quotePricing(service);
    const quote: MarketQuote = {
      id: ctx.ids.nextId("qt"),
      serviceId: service.id,
      skillKey: service.skillKey,
      providerKey: service.providerKey,
      executionMode: service.executionMode,
      integrationStatus: service.integrationStatus,
      operation: input.operation ?? service.operations[0] ?? "",
      score,
      reasons,
      pricing,
      payment: service.payment,
      expiresAt,
    };
    ctx.store.quotes.set(quote.id, {
      quote,
      searchId,
      machineId: input.machineId,
      agentPairingId: record.pairing.id,
      orderId: null,
    });
    return quote;
  });
  const search: MarketSearch = {
    id: searchId,
    machineId: input.machineId,
    agentPairingId: record.pairing.id,
    status: quotes.length > 0 ? "matched" : "no_match",
    quotes,
    createdAt: now.toISOString(),
  };
  ctx.store.searches.set(search.id, { seq: ctx.ids.nextSeq(), search });
  return search;
}

/**
 * The search `searchId`, or 404 `NOT_FOUND`.
 *
 * @example
 * ```ts ignore
 * const search = readSearch(ctx, "srch_1");
 * ```
 */
export function readSearch(ctx: SandboxContext, searchId: string): MarketSearch {
  const record = ctx.store.searches.get(searchId);
  if (!record) throw notFound("Search", searchId);
  return record.search;
}
