/**
 * Market search: `POST /market/search` (agent auth) ranks the services the agent may buy for its
 * machine and answers priced quotes that expire after {@linkcode QUOTE_TTL_MS};
 * `GET /market/search/:searchId` (platform auth) reads a search back.
 *
 * Ranking: every candidate starts at 0.5 and gains for matching the free-text query (up to
 * 0.3), a live (0.1) or beta (0.05) integration, running on the machine's own runtime endpoint
 * (0.1), being free (0.1) or cheap relative to `maxPrice` (up to 0.1), and being explicitly
 * allowed by the delegation policy (0.05); each gain is stated in `reasons`. Services the
 * policy denies, that cost more than `maxPrice` or the per-transaction limit, whose skill is
 * disabled, or that need a runtime endpoint the machine lacks are left out.
 *
 * @module
 */
import type { Hono } from "hono";
import { z } from "zod";
import type {
  DelegationPolicy,
  MarketPricing,
  MarketQuote,
  MarketSearch,
  MarketService,
} from "../../src/types/mod.ts";
import { assertPairingMatches, requireAgent, requirePlatform } from "../auth.ts";
import {
  effectivePrice,
  quotedAmount,
  serviceRail,
  serviceRuntime,
  SERVICES,
} from "../catalogue.ts";
import type { SandboxContext, SandboxEnv } from "../context.ts";
import { policyDenial } from "../delegation.ts";
import { notFound } from "../errors.ts";
import { decimalSchema, idSchema, providerKeySchema } from "../../contract/fields.ts";
import { amountToUnits, formatMoney, parseMoney } from "../../contract/money.ts";
import { readJson } from "../validate.ts";
import { requireActiveMachine } from "./machines.ts";
import { availableTo } from "./services.ts";
import { isSkillEnabled } from "./skills.ts";

/** How long a quote stays valid: 10 minutes on the sandbox clock. */
export const QUOTE_TTL_MS = 10 * 60 * 1000;

const searchBody = z.strictObject({
  machineId: idSchema,
  agentPairingId: idSchema,
  query: z.string().max(500).optional(),
  serviceType: z.string().min(1).max(100).optional(),
  skillKey: z.string().min(1).max(200).optional(),
  operation: z.string().min(1).max(200).optional(),
  providerKey: providerKeySchema.optional(),
  executionMode: z.enum(["native", "external-handoff"]).optional(),
  maxPrice: decimalSchema.optional(),
  currency: z.string().min(1).max(20).optional(),
  limit: z.number().int().min(1).max(50).optional(),
});

type SearchInput = z.output<typeof searchBody>;

function tokens(text: string): string[] {
  return text.toLowerCase().split(/[^a-z0-9]+/).filter((token) => token.length > 1);
}

type Candidate = {
  readonly service: MarketService;
  readonly score: number;
  readonly reasons: string[];
};

function rank(
  ctx: SandboxContext,
  input: SearchInput,
  policy: DelegationPolicy,
  service: MarketService,
): Candidate | undefined {
  if (input.serviceType !== undefined && service.serviceType !== input.serviceType) return;
  if (input.skillKey !== undefined && service.skillKey !== input.skillKey) return;
  if (input.operation !== undefined && !service.operations.includes(input.operation)) return;
  if (input.providerKey !== undefined && service.providerKey !== input.providerKey.toLowerCase()) {
    return;
  }
  if (input.executionMode !== undefined && service.executionMode !== input.executionMode) return;
  if (input.currency !== undefined && service.pricing.currency !== input.currency) return;
  if (policyDenial(policy, service) || !isSkillEnabled(ctx, service.skillKey)) return;
  if (!availableTo(ctx, service, input.machineId)) return;

  const reasons: string[] = [];
  let score = 0.5;
  const price = effectivePrice(service);
  const priceUnits = price === null ? undefined : amountToUnits(price);
  const maxUnits = input.maxPrice === undefined ? undefined : parseMoney(input.maxPrice);
  if (maxUnits !== undefined) {
    if (priceUnits === undefined || priceUnits > maxUnits) return;
  }
  const limit = policy.perTransactionLimit != null
    ? amountToUnits(policy.perTransactionLimit)
    : undefined;
  if (limit !== undefined && priceUnits !== undefined && priceUnits > limit) return;

  const queryTokens = tokens(input.query ?? "");
  if (queryTokens.length > 0) {
    const haystack = new Set(tokens(
      [
        service.name,
        service.description,
        service.serviceType,
        service.skillKey,
        ...service.capabilities,
      ]
        .join(" "),
    ));
    const matched = queryTokens.filter((token) => haystack.has(token));
    if (matched.length === 0) return;
    score += 0.3 * (matched.length / queryTokens.length);
    reasons.push(`Matches ${matched.map((token) => `'${token}'`).join(", ")}`);
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
  if (priceUnits === 0n) {
    score += 0.1;
    reasons.push("Free");
  } else if (priceUnits !== undefined && maxUnits !== undefined && maxUnits > 0n) {
    // Cheaper relative to the cap scores higher; integer math keeps it exact.
    score += Number(((maxUnits - priceUnits) * 1000n) / maxUnits) / 10000;
    reasons.push(
      `Price ${formatMoney(priceUnits)} ${service.pricing.currency} within max ${input.maxPrice}`,
    );
  } else if (priceUnits !== undefined) {
    reasons.push(`Price ${formatMoney(priceUnits)} ${service.pricing.currency}`);
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
 * Registers the search routes.
 *
 * @example
 * ```ts ignore
 * registerSearchRoutes(api, ctx);
 * ```
 */
export function registerSearchRoutes(api: Hono<SandboxEnv>, ctx: SandboxContext): void {
  api.post("/market/search", requireAgent(ctx), async (c) => {
    const input = await readJson(c, searchBody);
    const record = c.get("pairing");
    assertPairingMatches(record, input.machineId, input.agentPairingId);
    requireActiveMachine(ctx, input.machineId);
    const policy = record.pairing.delegationPolicy;

    const now = ctx.now();
    const expiresAt = new Date(now.getTime() + QUOTE_TTL_MS).toISOString();
    const candidates = SERVICES.map((service) => rank(ctx, input, policy, service))
      .filter((candidate): candidate is Candidate => candidate !== undefined)
      // Stable sort: equal scores keep catalogue order.
      .sort((a, b) => b.score - a.score)
      .slice(0, input.limit ?? 10);

    const searchId = ctx.ids.nextId("srch");
    const quotes: MarketQuote[] = candidates.map(({ service, score, reasons }) => {
      const pricing = quotePricing(service);
      const rail = serviceRail(service);
      const amount = pricing.amount === null ? undefined : amountToUnits(pricing.amount);
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
        payment: { defaultRail: rail, required: rail !== "not-required" && amount !== 0n },
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
    return c.json({ item: search });
  });

  api.get("/market/search/:searchId", requirePlatform(ctx), (c) => {
    const searchId = c.req.param("searchId");
    const record = ctx.store.searches.get(searchId);
    if (!record) throw notFound("Search", searchId);
    return c.json({ item: record.search });
  });
}
