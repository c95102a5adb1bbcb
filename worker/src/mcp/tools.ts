/**
 * The MCP tools: what each tells the model, takes (`inputs.ts`, from the wire contract) and does
 * through the SDK. The agent's pairing token never travels through the model: a tool names the
 * pairing (or the key's policy names a default) and the Worker loads the session the caller's
 * tenant stored for it (`PUT /v1/sessions/:agentPairingId`). Order tools act only on the tenant's
 * own orders; another tenant's order is `NOT_FOUND`, as if it did not exist (`context.ts`).
 *
 * @module
 */
import type { z } from "zod";
import type { MarketOrder, MarketPricing } from "../../../mod.ts";
import { marketSearchBody } from "../../../contract/market.ts";
import { ledger } from "../ledger.ts";
import { claimCreatedOrder } from "../owners.ts";
import { createOrderBody, disputeBody, executeBody } from "../schemas.ts";
import { orchestration } from "../sdk.ts";
import {
  contractBody,
  invalid,
  machineOf,
  ownedOrder,
  pairingOf,
  sessionToken,
  type ToolArgs,
  type ToolContext,
} from "./context.ts";
import {
  createInput,
  disputeInput,
  executeInput,
  orderInput,
  payInput,
  searchInput,
  serviceInput,
} from "./inputs.ts";
import { keptSignature, payOrder } from "./payment.ts";
import { checkSpendCap, type McpPolicy, type ToolName } from "./policy.ts";
import { executionView, orderView, paymentView, searchView, serviceView } from "./views.ts";

/** Hints MCP clients show or act on (every tool reaches the market API: open world). */
export type ToolAnnotations = {
  readonly readOnlyHint: boolean;
  readonly destructiveHint: boolean;
  readonly idempotentHint: boolean;
  readonly openWorldHint: true;
};

/** One tool: its title and description for the model, its input schema, and what it does. */
export type Tool = {
  readonly title: string;
  readonly description: string;
  readonly input: z.ZodObject;
  readonly annotations: ToolAnnotations;
  run(ctx: ToolContext, args: ToolArgs): Promise<unknown>;
};

const READ: ToolAnnotations = {
  readOnlyHint: true,
  destructiveHint: false,
  idempotentHint: true,
  openWorldHint: true,
};
const WRITE: ToolAnnotations = { ...READ, readOnlyHint: false, idempotentHint: false };

const hasLimits = (policy: McpPolicy) =>
  policy.maxAmountPerCall !== undefined || policy.currency !== undefined;

type SearchBudget = { amount?: number; max?: number; currency?: string | undefined };

/** A search's budget within the key's cap and currency: the search shows only what it may buy. */
function searchBudget(
  policy: McpPolicy,
  asked: SearchBudget | undefined,
): SearchBudget | undefined {
  if (!hasLimits(policy)) return asked;
  const cap = policy.maxAmountPerCall;
  const wanted = asked?.max ?? asked?.amount;
  const max = cap === undefined ? wanted : Math.min(wanted ?? cap, cap);
  const currency = policy.currency ?? asked?.currency;
  return { ...(max !== undefined ? { max } : {}), ...(currency ? { currency } : {}) };
}

/** What `create_order` will be charged: the quote's price, else the service's list price. */
async function orderPrice(ctx: ToolContext, args: ToolArgs, machineId: string) {
  const api = orchestration(ctx.env);
  const quoteId = args.quoteId as string | undefined;
  if (quoteId === undefined) {
    const serviceId = args.serviceId as string;
    return (await api.getMarketService(serviceId, { machineId })).item.pricing;
  }
  const searchId = args.searchId as string | undefined;
  if (searchId === undefined) throw invalid("searchId", "is required with 'quoteId'");
  const quote = (await api.getMarketSearch(searchId)).item.quotes.find((q) => q.id === quoteId);
  if (!quote) throw invalid("quoteId", `is not a quote of search '${searchId}'`);
  return quote.pricing;
}

type OrderBudget = { amount?: number | null; currency?: string | null } | null | undefined;

/** The order's budget within the key's cap, so the API enforces the cap too. */
function orderBudget(policy: McpPolicy, asked: OrderBudget, price: MarketPricing): OrderBudget {
  const cap = policy.maxAmountPerCall;
  if (cap === undefined || price.amount === 0) return asked;
  return {
    amount: Math.min(asked?.amount ?? cap, cap),
    currency: asked?.currency ?? policy.currency ?? price.currency,
  };
}

function nextAfterOrder(order: MarketOrder): string {
  return order.payment?.required && order.status === "created"
    ? `Pay with pay_order (rail '${order.payment.defaultRail}'), then run it with execute_order.`
    : "Run it with execute_order.";
}

/**
 * Every tool, by name.
 *
 * @example
 * ```ts ignore
 * const answer = await TOOLS.get_order.run(ctx, { orderId: "ord_1" });
 * ```
 */
export const TOOLS: Readonly<Record<ToolName, Tool>> = {
  search_market: {
    title: "Search the machine market",
    description: "Find machine services to buy and get priced, expiring quotes, best first. " +
      "Filter by free text, service type, capabilities, region or budget. Next: " +
      "get_market_service for a quote's service, then create_order.",
    input: searchInput,
    annotations: READ,
    async run(ctx, args) {
      const agentPairingId = pairingOf(ctx, args);
      const token = await sessionToken(ctx, agentPairingId);
      const machineId = machineOf(ctx, args, token);
      const budget = searchBudget(ctx.policy, args.budget as SearchBudget | undefined);
      const body = contractBody(marketSearchBody, {
        ...args,
        machineId,
        agentPairingId,
        ...(budget ? { budget } : {}),
      });
      return searchView((await orchestration(ctx.env).searchMarket(body, token)).item);
    },
  },

  get_market_service: {
    title: "Read a market service",
    description: "A service's description, price, payment rail and operations, each with its " +
      "input fields and an exampleInput that orders as it is. Use it before create_order.",
    input: serviceInput,
    annotations: READ,
    async run(ctx, args) {
      const machineId = (args.machineId as string | undefined) ?? ctx.policy.machineId;
      const { item } = await orchestration(ctx.env).getMarketService(
        args.serviceId as string,
        machineId === undefined ? {} : { machineId },
      );
      return serviceView(item);
    },
  },

  create_order: {
    title: "Order a machine service",
    description: "Place an order for a service (one operation with its input; start from the " +
      "service's exampleInput). Checked against this key's spending cap and the pairing's " +
      "policy. Answers the order and the next step (pay_order or execute_order).",
    input: createInput,
    annotations: WRITE,
    async run(ctx, args) {
      const agentPairingId = pairingOf(ctx, args);
      const token = await sessionToken(ctx, agentPairingId);
      const machineId = machineOf(ctx, args, token);
      let budget = args.budget as OrderBudget;
      if (hasLimits(ctx.policy)) {
        const price = await orderPrice(ctx, args, machineId);
        checkSpendCap(ctx.policy, price, `service '${String(args.serviceId)}'`);
        budget = orderBudget(ctx.policy, budget, price);
      }
      const body = contractBody(createOrderBody, {
        ...args,
        machineId,
        agentPairingId,
        ...(budget !== undefined ? { budget } : {}),
      });
      const { item } = await orchestration(ctx.env).createMarketOrder(body, token);
      // Before the model learns the id: the order is this tenant's (see `owners.ts`).
      await claimCreatedOrder(ctx.env, item.id, ctx.tenant);
      ctx.onOrder(item.id);
      return { order: orderView(item), next: nextAfterOrder(item) };
    },
  },

  pay_order: {
    title: "Pay for an order",
    description: "Pay an order on its rail. x402: signed at the edge when this key has an x402 " +
      "key. Transfer rails (wallet, mpp, ...): send the transfer first, then call with its " +
      "transactionHash (or Solana transactionSignature); without one you get the amount and " +
      "payee. Escrow rails: transactionHash, chain and escrowAddress of the lock. Free orders " +
      "need no call. Refused above this key's spending cap.",
    input: payInput,
    annotations: WRITE,
    run: payOrder,
  },

  execute_order: {
    title: "Run an order",
    description: "Run a (paid, when payment is required) order. Native services answer the " +
      "output now; external providers continue the order themselves (follow with get_order). " +
      "An x402 payment made with pay_order is settled here.",
    input: executeInput,
    annotations: WRITE,
    async run(ctx, args) {
      const orderId = args.orderId as string;
      const order = await ownedOrder(ctx, orderId);
      const token = await sessionToken(ctx, order.agentPairingId);
      const kept = await keptSignature(ctx.env, orderId);
      const result = await orchestration(ctx.env).executeMarketOrder(
        orderId,
        contractBody(executeBody, args.input === undefined ? {} : { input: args.input }),
        token,
        kept ? { paymentSignature: kept.signature } : {},
      );
      await kept?.settled();
      ctx.note(`order ${result.order.status}`);
      return {
        ...executionView(result),
        next: result.execution.statusCode === 200
          ? "Check the output, then confirm_order (or dispute_order if it is wrong)."
          : "An external provider runs it; the edge confirms or disputes it when the handoff " +
            "completes. Follow it with get_order.",
      };
    },
  },

  confirm_order: {
    title: "Confirm a delivered order",
    description: "Accept a delivered order: closes it and lets a held payment be released to " +
      "the provider. Only after checking the output.",
    input: orderInput,
    annotations: WRITE,
    async run(ctx, args) {
      const orderId = args.orderId as string;
      const order = await ownedOrder(ctx, orderId);
      const token = await sessionToken(ctx, order.agentPairingId);
      const result = await orchestration(ctx.env).confirmMarketOrder(orderId, token);
      ctx.note(`order ${result.order.status}`);
      return {
        order: { orderId, status: result.order.status },
        payment: result.payment ? paymentView(result.payment) : null,
      };
    },
  },

  dispute_order: {
    title: "Dispute an order",
    description: "Reject an order's delivery with a reason (and optional evidence): closes it " +
      "as disputed and freezes its payment.",
    input: disputeInput,
    annotations: { ...WRITE, destructiveHint: true },
    async run(ctx, args) {
      const { orderId, ...dispute } = args as { orderId: string };
      const order = await ownedOrder(ctx, orderId);
      const token = await sessionToken(ctx, order.agentPairingId);
      const result = await orchestration(ctx.env).disputeMarketOrder(
        orderId,
        contractBody(disputeBody, dispute),
        token,
      );
      ctx.note(`order ${result.order.status}`);
      return {
        order: { orderId, status: result.order.status },
        dispute: { disputeId: result.dispute.id, status: result.dispute.status },
        payment: result.payment ? paymentView(result.payment) : null,
      };
    },
  },

  get_order: {
    title: "Read an order",
    description: "An order's status, price, payment and (for external providers) the edge's " +
      "handoff progress.",
    input: orderInput,
    annotations: READ,
    async run(ctx, args) {
      const orderId = args.orderId as string;
      const order = await ownedOrder(ctx, orderId);
      const { item: payment } = await orchestration(ctx.env).getMarketPayment(orderId);
      const record = await ledger(ctx.env, `order:${orderId}`).view(ctx.tenant);
      ctx.note(`order ${order.status}`);
      return {
        order: orderView(order),
        payment: payment ? paymentView(payment) : null,
        handoff: record?.handoff
          ? { state: record.handoff.state, attempts: record.handoff.attempts }
          : null,
      };
    },
  },
};
