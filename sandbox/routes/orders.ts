/**
 * Market orders: list and get (platform auth); create, execute, confirm, dispute and cancel
 * (agent auth). The state machine is documented in `sandbox/README.md`. An order's `payment` is
 * the service's payment recommendation ({@linkcode paymentRecommendation}); the payment record
 * lives in the store's `payments` and moves with the order: confirm turns a held payment
 * `release_pending`, dispute freezes it, cancel refunds it. An x402 order's execute needs the
 * proved authorization as its `PAYMENT-SIGNATURE` header and settles it (`x402_rail.ts`).
 *
 * Creating an order checks, in this order: the body (`VALIDATION_ERROR`), that the token's
 * pairing is the one named (`AGENT_PAIRING_REQUIRED`) and active (`AGENT_PAIRING_INACTIVE`), the
 * machine (`MACHINE_NOT_ACTIVATED`, `MACHINE_NOT_ACTIVE`), the service (`NOT_FOUND`), the quote
 * (`NOT_FOUND`, `QUOTE_EXPIRED`), the operation and input against the service's operation
 * contract (`checkServiceInput` in `catalogue.ts`), the
 * delegation policy's allow/deny lists (`AGENT_POLICY_DENIED`), the per-transaction limit
 * (`AGENT_SPEND_LIMIT_EXCEEDED`) and the daily limit (`AGENT_DAILY_LIMIT_EXCEEDED`). Everything
 * after the body is read runs synchronously, so concurrent orders cannot both pass the daily
 * limit check before either is recorded.
 *
 * @module
 */
import type { Hono } from "hono";
import type { z } from "zod";
import type { MarketDispute, MarketOrder, MarketOutcome, MarketRun } from "../../src/types/mod.ts";
import {
  assertPairingActive,
  assertPairingMatches,
  authenticateAgent,
  requireAgent,
  requirePlatform,
} from "../auth.ts";
import { checkServiceInput, effectivePrice, serviceRuntime } from "../catalogue.ts";
import type { SandboxContext, SandboxEnv } from "../context.ts";
import { checkSpend, policyDenial } from "../delegation.ts";
import { ApiError, notFound } from "../errors.ts";
import { runOnEndpoint, runSimulated } from "../execution.ts";
import { idSchema } from "../../contract/fields.ts";
import {
  cancelOrderBody,
  createOrderBody,
  disputeOrderBody,
  executeOrderBody,
} from "../../contract/orders.ts";
import {
  assertOrderOpen,
  getAgentOrder,
  getOrder,
  isPaidFor,
  orderView,
  paymentRecommendation,
  setPayment,
  UNEXECUTED_ORDER_STATUSES,
  updateOrder,
  utcDay,
} from "../order_state.ts";
import { amountToUnits, formatMoney, unitsToAmount } from "../../contract/money.ts";
import { listQuerySchema, paginate } from "../pagination.ts";
import type { SimulatedResult } from "../simulator.ts";
import type { OrderRecord, PairingRecord, QuoteRecord } from "../store.ts";
import { readJson, readOptionalJson, readQuery, validationError } from "../validate.ts";
import { authorizeX402Execution, settleX402Execution, x402PaymentResponse } from "../x402_rail.ts";
import { requireActiveMachine, requireMachine } from "./machines.ts";
import { isSkillEnabled } from "./skills.ts";

const listOrdersQuery = listQuerySchema.extend({ machineId: idSchema });

/** Payment statuses that still move money, and so are frozen by a dispute. */
const FREEZABLE = new Set(["intent_created", "held", "release_pending"]);

function checkQuote(
  ctx: SandboxContext,
  body: z.output<typeof createOrderBody>,
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
  budget: z.output<typeof createOrderBody>["budget"],
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

function createOrder(
  ctx: SandboxContext,
  body: z.output<typeof createOrderBody>,
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

/** What execute answers: status, body and extra headers (x402's `PAYMENT-RESPONSE`). */
type ExecuteAnswer = {
  readonly status: 200 | 202;
  readonly body: unknown;
  readonly headers?: Readonly<Record<string, string>>;
};

async function execute(
  ctx: SandboxContext,
  record: OrderRecord,
  extraInput: Record<string, unknown> | undefined,
  paymentSignature: string | undefined,
): Promise<ExecuteAnswer> {
  assertOrderOpen(record);
  const { order } = record;
  if (!UNEXECUTED_ORDER_STATUSES.has(order.status)) {
    throw new ApiError(
      409,
      "ORDER_CLOSED",
      `Order was already executed: '${order.id}' is '${order.status}'`,
    );
  }
  if (!isPaidFor(ctx, record)) {
    const payment = ctx.store.payments.get(order.id);
    throw new ApiError(
      402,
      "PAYMENT_REQUIRED",
      `Payment of ${
        formatMoney(record.price.units)
      } ${record.price.currency} must be held before execution: '${order.id}'`,
      { amount: record.price.amount, currency: record.price.currency, payment: payment ?? null },
    );
  }
  // Checked before anything changes: a refused payment leaves the order and payment as they were.
  const x402 = authorizeX402Execution(ctx, record, paymentSignature);
  requireActiveMachine(ctx, order.machineId);
  const service = order.serviceSnapshot;
  const runtime = serviceRuntime(service);
  if (runtime === "unsupported") {
    throw new ApiError(
      422,
      "EXECUTION_UNSUPPORTED",
      `Service cannot be executed in the sandbox: '${service.id}'`,
    );
  }
  if (runtime === "handoff") {
    if (!service.handoff) {
      throw new ApiError(422, "EXECUTION_UNSUPPORTED", `Service has no handoff: '${service.id}'`);
    }
    const handoff = service.handoff;
    const updated = updateOrder(ctx, record, { status: "handoff", handoff }, "order.handoff");
    // Handed over is executed: an x402 authorization is settled now, as with a native run.
    const settlement = x402 && settleX402Execution(ctx, record, x402, true);
    return {
      status: 202,
      body: { order: updated, execution: { statusCode: 202, mode: "external-handoff", handoff } },
      ...(settlement ? { headers: { "payment-response": x402PaymentResponse(settlement) } } : {}),
    };
  }

  const input = { ...order.input, ...extraInput };
  if (extraInput) checkServiceInput(service, order.operation, input);
  const previous = order.status;
  // Marked executing before the first await, so a concurrent execute sees it and refuses.
  updateOrder(ctx, record, { status: "executing", input }, "order.executing");
  const startedAt = ctx.now().toISOString();
  let result: SimulatedResult;
  try {
    result = runtime === "endpoint"
      ? await runOnEndpoint(ctx, record.order, input)
      : runSimulated(record.order, input);
  } catch (err) {
    // The endpoint was not reached: nothing ran, so the order can be executed again.
    updateOrder(ctx, record, { status: previous });
    throw err;
  }
  const run: MarketRun = {
    id: ctx.ids.nextId("run"),
    orderId: order.id,
    providerKey: order.providerKey,
    operation: order.operation,
    status: result.status,
    startedAt,
    completedAt: ctx.now().toISOString(),
  };
  const outcome: MarketOutcome = {
    id: ctx.ids.nextId("out"),
    runId: run.id,
    status: result.status,
    output: result.output,
    summary: result.summary,
  };
  const updated = result.status === "succeeded"
    ? updateOrder(
      ctx,
      record,
      { status: "delivered", runId: run.id, outcomeId: outcome.id },
      "order.delivered",
    )
    : updateOrder(ctx, record, {
      status: "failed",
      runId: run.id,
      outcomeId: outcome.id,
      errorMessage: result.summary,
    }, "order.failed");
  // Settled only when the run delivered; a failed run leaves the authorization unspent.
  const settlement = x402 && settleX402Execution(ctx, record, x402, result.status === "succeeded");
  return {
    status: 200,
    body: { order: updated, execution: { statusCode: 200, mode: "native", run, outcome } },
    ...(settlement ? { headers: { "payment-response": x402PaymentResponse(settlement) } } : {}),
  };
}

/**
 * Registers the order routes.
 *
 * @example
 * ```ts ignore
 * registerOrderRoutes(api, ctx);
 * ```
 */
export function registerOrderRoutes(api: Hono<SandboxEnv>, ctx: SandboxContext): void {
  const platform = requirePlatform(ctx);
  const agent = requireAgent(ctx);

  api.get("/market/orders", platform, (c) => {
    const query = readQuery(c, listOrdersQuery);
    requireMachine(ctx, query.machineId);
    const records = [...ctx.store.orders.values()].filter((record) =>
      record.order.machineId === query.machineId
    );
    return c.json(paginate(records, query, (record) => orderView(ctx, record)));
  });

  api.post("/market/orders", authenticateAgent(ctx), async (c) => {
    const body = await readJson(c, createOrderBody);
    return c.json({ item: createOrder(ctx, body, c.get("pairing")) }, 201);
  });

  api.get("/market/orders/:orderId", platform, (c) => {
    return c.json({ item: orderView(ctx, getOrder(ctx, c.req.param("orderId"))) });
  });

  api.post("/market/orders/:orderId/execute", agent, async (c) => {
    const body = await readOptionalJson(c, executeOrderBody);
    const record = getAgentOrder(ctx, c.get("pairing"), c.req.param("orderId"));
    const result = await execute(ctx, record, body.input, c.req.header("payment-signature"));
    return c.json(result.body, result.status, result.headers);
  });

  api.post("/market/orders/:orderId/confirm", agent, (c) => {
    const record = getAgentOrder(ctx, c.get("pairing"), c.req.param("orderId"));
    assertOrderOpen(record);
    if (record.order.status !== "delivered" && record.order.status !== "handoff") {
      throw new ApiError(
        409,
        "ORDER_NOT_DELIVERED",
        `Order is not delivered yet: '${record.order.id}' is '${record.order.status}'`,
      );
    }
    const current = ctx.store.payments.get(record.order.id);
    if (current?.status === "refunded") {
      throw new ApiError(
        409,
        "ORDER_CLOSED",
        `Order's payment was refunded: '${record.order.id}' cannot be confirmed`,
      );
    }
    // Confirmation releases nothing by itself: the held money waits for payment/release. (No
    // webhook type exists for this step; order.confirmed carries the payment.)
    const payment = current?.status === "held"
      ? setPayment(ctx, { ...current, status: "release_pending" })
      : current ?? null;
    const order = updateOrder(ctx, record, { status: "confirmed" }, "order.confirmed");
    return c.json({ order, payment });
  });

  api.post("/market/orders/:orderId/dispute", agent, async (c) => {
    const body = await readJson(c, disputeOrderBody);
    const record = getAgentOrder(ctx, c.get("pairing"), c.req.param("orderId"));
    assertOrderOpen(record);
    const dispute: MarketDispute = {
      id: ctx.ids.nextId("dsp"),
      orderId: record.order.id,
      reason: body.reason,
      evidence: body.evidence ?? null,
      status: "open",
      createdAt: ctx.now().toISOString(),
    };
    record.dispute = dispute;
    const current = ctx.store.payments.get(record.order.id);
    const payment = current && FREEZABLE.has(current.status)
      ? setPayment(ctx, { ...current, status: "frozen" }, "payment.frozen")
      : current ?? null;
    const order = updateOrder(ctx, record, { status: "disputed" }, "order.disputed");
    return c.json({ order, payment, dispute });
  });

  api.post("/market/orders/:orderId/cancel", agent, async (c) => {
    const body = await readOptionalJson(c, cancelOrderBody);
    const record = getAgentOrder(ctx, c.get("pairing"), c.req.param("orderId"));
    assertOrderOpen(record);
    if (!UNEXECUTED_ORDER_STATUSES.has(record.order.status)) {
      throw new ApiError(
        409,
        "ORDER_CLOSED",
        `Order can no longer be cancelled: '${record.order.id}' is '${record.order.status}'`,
      );
    }
    const current = ctx.store.payments.get(record.order.id);
    const payment = current?.status === "held"
      ? setPayment(ctx, { ...current, status: "refunded" }, "payment.refunded")
      : current ?? null;
    const order = updateOrder(ctx, record, {
      status: "cancelled",
      errorMessage: body.reason ? `Cancelled: ${body.reason}` : null,
    }, "order.cancelled");
    return c.json({ order, payment });
  });
}
