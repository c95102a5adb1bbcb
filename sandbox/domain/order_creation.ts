/**
 * Creating a market order. {@linkcode createOrder} checks, in this order: that the token's
 * pairing is the one named (`AGENT_PAIRING_REQUIRED`) and active (`AGENT_PAIRING_INACTIVE`), the
 * machine (`MACHINE_NOT_ACTIVATED`, `MACHINE_NOT_ACTIVE`), the service (`NOT_FOUND`), the quote
 * (`NOT_FOUND`, `QUOTE_EXPIRED`), the skill (`EXECUTION_UNSUPPORTED`), the operation and input
 * against the service's operation contract (`checkServiceInput` in `catalogue.ts`) and the
 * budget (`VALIDATION_ERROR`), the delegation policy's allow/deny lists (`AGENT_POLICY_DENIED`),
 * the per-transaction limit (`AGENT_SPEND_LIMIT_EXCEEDED`) and the daily limit
 * (`AGENT_DAILY_LIMIT_EXCEEDED`). It runs synchronously, so concurrent orders cannot both pass
 * the daily limit check before either is recorded.
 *
 * @module
 */
import { amountToUnits, formatMoney, unitsToAmount } from "../../contract/money.ts";
import type { CreateOrderBody } from "../../contract/orders.ts";
import type { MarketOrder } from "../../src/types/mod.ts";
import { checkServiceInput, effectivePrice } from "../catalogue.ts";
import type { SandboxContext } from "../context.ts";
import { ApiError, notFound } from "../errors.ts";
import type { OrderRecord, PairingRecord, QuoteRecord } from "../store.ts";
import { validationError } from "../validate.ts";
import { checkSpend, policyDenial } from "./delegation.ts";
import { requireActiveMachine } from "./machines.ts";
import { orderView, paymentRecommendation, utcDay } from "./orders.ts";
import { assertPairingActive, assertPairingMatches } from "./pairings.ts";
import { isSkillEnabled } from "./skills.ts";

function checkQuote(
  ctx: SandboxContext,
  body: CreateOrderBody,
  pairing: PairingRecord,
  now: Date,
): QuoteRecord | undefined {
  if (body.searchId !== undefined) {
    const search = ctx.store.searches.get(body.searchId);
    if (!search || search.search.agentPairingId !== pairing.pairing.id) {
      throw notFound("Search", body.searchId);
    }
  }
  if (body.quoteId === undefined) return undefined;
  const quote = ctx.store.quotes.get(body.quoteId);
  if (!quote || quote.agentPairingId !== pairing.pairing.id) throw notFound("Quote", body.quoteId);
  const issues = [];
  if (quote.quote.serviceId !== body.serviceId) {
    issues.push({ path: "quoteId", message: `quote is for service '${quote.quote.serviceId}'` });
  }
  if (body.searchId !== undefined && quote.searchId !== body.searchId) {
    issues.push({ path: "searchId", message: `quote belongs to search '${quote.searchId}'` });
  }
  if (issues.length > 0) throw validationError(issues);
  if (quote.orderId !== null) {
    throw new ApiError(
      409,
      "QUOTE_EXPIRED",
      `Quote already used by order '${quote.orderId}': '${body.quoteId}'`,
    );
  }
  if (now.getTime() >= Date.parse(quote.quote.expiresAt)) {
    throw new ApiError(
      409,
      "QUOTE_EXPIRED",
      `Quote expired at ${quote.quote.expiresAt}: '${body.quoteId}'`,
    );
  }
  return quote;
}

function checkBudget(
  budget: CreateOrderBody["budget"],
  units: bigint,
  currency: string,
): void {
  if (!budget) return;
  if (budget.currency != null && budget.currency !== currency) {
    throw validationError([{ path: "budget.currency", message: `the price is in '${currency}'` }]);
  }
  // amountSchema already refused amounts amountToUnits cannot convert.
  const limit = budget.amount == null ? undefined : amountToUnits(budget.amount);
  if (limit !== undefined && units > limit) {
    throw validationError([{
      path: "budget.amount",
      message: `the price ${formatMoney(units)} ${currency} exceeds the budget`,
    }]);
  }
}

/**
 * Creates an order for the pairing's agent, priced by its quote (if any) or the list price, and
 * raises `order.created`. Every order starts `created`, free ones too. `providerCredentials` are
 * validated by the schema and dropped here: never stored, never echoed.
 *
 * @example
 * ```ts ignore
 * const order = createOrder(ctx, body, c.get("pairing"));
 * ```
 */
export function createOrder(
  ctx: SandboxContext,
  body: CreateOrderBody,
  pairing: PairingRecord,
): MarketOrder {
  assertPairingMatches(pairing, body.machineId, body.agentPairingId);
  assertPairingActive(pairing);
  requireActiveMachine(ctx, body.machineId);
  const service = ctx.catalogue.findService(body.serviceId);
  if (!service) throw notFound("Service", body.serviceId);
  const now = ctx.now();
  const quote = checkQuote(ctx, body, pairing, now);
  if (!isSkillEnabled(ctx, service.skillKey)) {
    throw new ApiError(422, "EXECUTION_UNSUPPORTED", `Skill is disabled: '${service.skillKey}'`);
  }

  const operation = body.operation ?? quote?.quote.operation ?? service.operations[0] ?? "";
  const input = body.input ?? {};
  checkServiceInput(service, operation, input);

  const amount = quote?.quote.pricing.amount ?? effectivePrice(service);
  if (amount === null || (service.pricing.mode === "quote-required" && !quote)) {
    throw validationError([{ path: "quoteId", message: "this service is priced per quote" }]);
  }
  const units = amountToUnits(amount);
  if (units === undefined) {
    throw new ApiError(500, "INTERNAL", `Service has an unusable price: '${service.id}'`);
  }
  const currency = quote?.quote.pricing.currency ?? service.pricing.currency ?? "USDT";
  checkBudget(body.budget ?? null, units, currency);

  const denial = policyDenial(pairing.pairing.delegationPolicy, service);
  if (denial) throw new ApiError(403, "AGENT_POLICY_DENIED", denial);
  const day = utcDay(now);
  checkSpend(ctx, pairing, units, currency, day);

  // Checked and recorded in one synchronous step: no await since the body was read.
  const id = ctx.ids.nextId("ord");
  const timestamp = now.toISOString();
  const order: MarketOrder = {
    id,
    machineId: body.machineId,
    agentPairingId: pairing.pairing.id,
    searchId: body.searchId ?? quote?.searchId ?? null,
    quoteId: body.quoteId ?? null,
    serviceId: service.id,
    skillKey: service.skillKey,
    providerKey: service.providerKey,
    serviceType: service.serviceType,
    operation,
    executionMode: service.executionMode,
    integrationStatus: service.integrationStatus,
    // Always `created`, free orders too: execute accepts `created` when no payment is required.
    status: "created",
    input,
    budget: body.budget ?? null,
    payment: paymentRecommendation(service),
    serviceSnapshot: service,
    taskId: null,
    routeId: null,
    runId: null,
    outcomeId: null,
    handoff: null,
    errorMessage: null,
    createdAt: timestamp,
    updatedAt: timestamp,
  };
  const record: OrderRecord = {
    seq: ctx.ids.nextSeq(),
    order,
    price: { units, amount: unitsToAmount(units), currency },
    spendDay: day,
    dispute: null,
    deliveredAt: null,
  };
  ctx.store.orders.set(id, record);
  if (quote) quote.orderId = id;
  const view = orderView(ctx, record);
  ctx.emit({ type: "order.created", data: { order: view } });
  return view;
}
