/**
 * The MCP tools: what each takes (built from the wire contract's zod schemas in `contract/`, so a
 * tool's JSON Schema is the API's), what it tells the model, and what it does through the SDK.
 *
 * The agent's pairing token never travels through the model: a tool names the pairing (or the
 * key's policy names a default) and the Worker loads the session the caller's tenant stored for it
 * (`PUT /v1/sessions/:agentPairingId`). Order tools act only on the tenant's own orders (those it
 * created, or adopted as the one tenant holding a session for the order's pairing, see
 * `owners.ts`); another tenant's order is `NOT_FOUND`, as if it did not exist.
 *
 * @module
 */
import { z } from "zod";
import {
  MARKET_PAYMENT_RAILS,
  type MarketOrder,
  type MarketPricing,
  OrchestrationApiError,
  signX402Payment,
  type SubmitPaymentProofRequest,
} from "../../../mod.ts";
import { addressSchema, idSchema } from "../../../contract/fields.ts";
import { marketSearchBody } from "../../../contract/market.ts";
import { solanaSignatureSchema, txHashSchema } from "../../../contract/payments.ts";
import { importSessionKey, open, seal } from "../crypto.ts";
import type { Env } from "../env.ts";
import { EdgeError } from "../errors.ts";
import { ledger } from "../ledger.ts";
import { adoptOwner, claimCreatedOrder, orderOwner } from "../owners.ts";
import {
  createOrderBody,
  disputeBody,
  escrowLockBody,
  executeBody,
  paymentIntentBody,
  paymentProofBody,
} from "../schemas.ts";
import { orchestration } from "../sdk.ts";
import { loadSession, pairingClaims } from "../sessions.ts";
import { pathIdSchema } from "../validation.ts";
import { checkSpendCap, type McpPolicy, type ToolName, x402Signer } from "./policy.ts";
import { executionView, orderView, paymentView, searchView, serviceView } from "./views.ts";

/** What a tool call runs with. */
export type ToolContext = {
  readonly env: Env;
  readonly tenant: string;
  readonly policy: McpPolicy;
  /** Names the tenant's order the call acts on: the call is recorded on it. */
  onOrder(orderId: string): void;
  /** Adds a detail (no secrets) to the call's record. */
  note(detail: string): void;
};

/** Hints MCP clients show or use (all tools reach the market API: open world). */
export type ToolAnnotations = {
  readonly readOnlyHint: boolean;
  readonly destructiveHint: boolean;
  readonly idempotentHint: boolean;
  readonly openWorldHint: true;
};

/** One tool: its description for the model, its input schema, and what it does. */
export type Tool = {
  readonly title: string;
  readonly description: string;
  readonly input: z.ZodObject;
  readonly annotations: ToolAnnotations;
  run(ctx: ToolContext, args: Record<string, unknown>): Promise<unknown>;
};

// ---- inputs ----

const pairingFields = {
  machineId: idSchema.optional().describe(
    "The buying machine. Omit to use the pairing's machine (or this key's default).",
  ),
  agentPairingId: idSchema.optional().describe(
    "The agent pairing to act as. Omit to use this key's default pairing.",
  ),
};

const orderIdField = pathIdSchema.describe(
  "The order's id (from create_order).",
);

const search = marketSearchBody.in.shape;
const searchInput = z.strictObject({
  query: search.query.describe(
    "Free text matched against names, descriptions, capabilities.",
  ),
  serviceType: search.serviceType.describe(
    "A capability key such as 'oracle.price-feed', 'data.location', 'compute.marketplace'.",
  ),
  operation: search.operation,
  capabilities: search.capabilities,
  region: search.region,
  maxResults: search.maxResults,
  budget: search.budget.describe(
    "Price ceiling: 'max' (or 'amount') as a number, and 'currency' such as 'USDC'.",
  ),
  nativeOnly: search.nativeOnly.describe(
    "Leave out services run by external providers.",
  ),
  allowHandoff: search.allowHandoff,
  ...pairingFields,
});

const order = createOrderBody.shape;
const createInput = z.strictObject({
  serviceId: order.serviceId.describe(
    "The service to buy (from search_market).",
  ),
  operation: order.operation.describe(
    "One of the service's operations; default its first.",
  ),
  input: order.input.describe(
    "The operation's input: start from the exampleInput get_market_service shows.",
  ),
  searchId: order.searchId.describe("The search the quote came from."),
  quoteId: order.quoteId.describe(
    "A quote from search_market (needed for quoted prices).",
  ),
  budget: order.budget.describe(
    "Most this order may cost: { amount, currency }.",
  ),
  ...pairingFields,
});

const ESCROW_RAILS: readonly string[] = ["escrow", "onchain-escrow"];

const payInput = z.strictObject({
  orderId: orderIdField,
  rail: z.enum(MARKET_PAYMENT_RAILS).optional().describe(
    "The payment rail; default the order's recommended rail.",
  ),
  payerAddress: paymentIntentBody.shape.payerAddress.describe(
    "The paying wallet, when it is not the agent's own address.",
  ),
  transactionHash: txHashSchema.optional().describe(
    "EVM transfer (or escrow lock) transaction that paid this order.",
  ),
  transactionSignature: solanaSignatureSchema.optional().describe(
    "Solana transfer signature that paid this order.",
  ),
  verificationMode: z.enum(["recorded", "rpc"]).optional().describe(
    "'rpc' has the API check the transfer on chain; 'recorded' records it as given.",
  ),
  chain: z.string().min(1).max(100).optional().describe(
    "The chain of the transaction.",
  ),
  escrowAddress: addressSchema.optional().describe(
    "Escrow contract (escrow rails only).",
  ),
});

const executeInput = z.strictObject({
  orderId: orderIdField,
  input: executeBody.shape.input.describe(
    "Replaces the order's input for this run (optional).",
  ),
});

const orderInput = z.strictObject({ orderId: orderIdField });

const disputeInput = z.strictObject({
  orderId: orderIdField,
  reason: disputeBody.shape.reason.describe("What is wrong with the delivery."),
  evidence: disputeBody.shape.evidence,
});

const serviceInput = z.strictObject({
  serviceId: pathIdSchema.describe("The service's id (from search_market)."),
  machineId: idSchema.optional().describe(
    "The buying machine (endpoint availability).",
  ),
});

// ---- shared steps ----

function invalid(field: string, message: string): EdgeError {
  return new EdgeError(
    400,
    "VALIDATION_ERROR",
    `Invalid request: '${field}' ${message}`,
    {
      fields: [{ path: field, message }],
    },
  );
}

/** Parses a tool's arguments into an API body with the contract's schema. */
function contractBody<S extends z.ZodType>(
  schema: S,
  value: unknown,
): z.output<S> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw invalid(issue.path.map(String).join("."), issue.message);
  }
  return parsed.data;
}

/**
 * A payment proof: the contract's schema checks which fields go together (x402 or a transaction),
 * which its flat output type does not show the SDK's union.
 */
const proofBody = (value: unknown) =>
  contractBody(paymentProofBody, value) as SubmitPaymentProofRequest;

function pairingOf(ctx: ToolContext, args: Record<string, unknown>): string {
  const id = (args.agentPairingId as string | undefined) ??
    ctx.policy.agentPairingId;
  if (id === undefined) {
    throw invalid(
      "agentPairingId",
      "is required: this key has no default pairing",
    );
  }
  return id;
}

/** The pairing token the tenant stored for the pairing; never shown to the model. */
async function sessionToken(
  ctx: ToolContext,
  agentPairingId: string,
): Promise<string> {
  const token = await loadSession(ctx.env, ctx.tenant, agentPairingId);
  if (!token) {
    throw new EdgeError(
      401,
      "AGENT_AUTH_REQUIRED",
      `No session for pairing '${agentPairingId}' at this edge key: an operator stores one with ` +
        `'PUT /v1/sessions/${agentPairingId}'`,
    );
  }
  return token;
}

function machineOf(
  ctx: ToolContext,
  args: Record<string, unknown>,
  token: string,
): string {
  const id = (args.machineId as string | undefined) ?? ctx.policy.machineId ??
    pairingClaims(token)?.machineId;
  if (id === undefined) {
    throw invalid("machineId", "is required: the pairing names no machine");
  }
  return id;
}

const notYours = (orderId: string) =>
  new EdgeError(404, "NOT_FOUND", `No order '${orderId}' for this edge key`);

/**
 * The order, when it is the tenant's: created by it (MCP or proxy), or adopted as the one tenant
 * holding a session for its pairing. Anything else is `NOT_FOUND`, exactly as an unknown order.
 */
async function ownedOrder(
  ctx: ToolContext,
  orderId: string,
): Promise<MarketOrder> {
  const owner = await orderOwner(ctx.env, orderId);
  if (owner !== null && owner !== ctx.tenant) throw notYours(orderId);
  let order: MarketOrder;
  try {
    order = (await orchestration(ctx.env).getMarketOrder(orderId)).item;
  } catch (err) {
    if (err instanceof OrchestrationApiError && err.statusCode === 404) {
      throw notYours(orderId);
    }
    throw err;
  }
  if (
    owner === null &&
    await adoptOwner(ctx.env, orderId, order.agentPairingId, null) !==
      ctx.tenant
  ) {
    throw notYours(orderId);
  }
  ctx.onOrder(orderId);
  return order;
}

function nextAfterOrder(order: MarketOrder): string {
  return order.payment?.required && order.status === "created"
    ? `Pay with pay_order (rail '${order.payment.defaultRail}'), then run it with execute_order.`
    : "Run it with execute_order.";
}

/** What `create_order` will be charged: the quote's price, else the service's list price. */
async function orderPrice(
  ctx: ToolContext,
  args: Record<string, unknown>,
  machineId: string,
): Promise<MarketPricing> {
  const api = orchestration(ctx.env);
  const quoteId = args.quoteId as string | undefined;
  if (quoteId !== undefined) {
    const searchId = args.searchId as string | undefined;
    if (searchId === undefined) {
      throw invalid("searchId", "is required with 'quoteId'");
    }
    const quote = (await api.getMarketSearch(searchId)).item.quotes.find((q) => q.id === quoteId);
    if (!quote) {
      throw invalid("quoteId", `is not a quote of search '${searchId}'`);
    }
    return quote.pricing;
  }
  const serviceId = args.serviceId as string;
  return (await api.getMarketService(serviceId, { machineId })).item.pricing;
}

const SIGNATURE_DATA = (orderId: string) => `order:${orderId}:x402`;

async function signatureKey(env: Env): Promise<CryptoKey> {
  const key = await importSessionKey(env.SESSION_ENCRYPTION_KEY);
  if (!key) {
    throw new EdgeError(
      500,
      "EDGE_MISCONFIGURED",
      "Worker is not configured for sessions: 'SESSION_ENCRYPTION_KEY' must be base64 of 32 bytes",
    );
  }
  return key;
}

// ---- tools ----

const READ: ToolAnnotations = {
  readOnlyHint: true,
  destructiveHint: false,
  idempotentHint: true,
  openWorldHint: true,
};
const WRITE: ToolAnnotations = {
  readOnlyHint: false,
  destructiveHint: false,
  idempotentHint: false,
  openWorldHint: true,
};

/** Every tool, by name. */
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
      const { policy } = ctx;
      type Budget = {
        amount?: number;
        max?: number;
        currency?: string | undefined;
      };
      let budget = args.budget as Budget | undefined;
      if (
        policy.maxAmountPerCall !== undefined || policy.currency !== undefined
      ) {
        // Only what this key may buy: the cap bounds the search's budget.
        const asked = budget?.max ?? budget?.amount;
        const cap = policy.maxAmountPerCall;
        const max = cap === undefined ? asked : asked === undefined ? cap : Math.min(asked, cap);
        budget = {
          ...(max !== undefined ? { max } : {}),
          ...(policy.currency ?? budget?.currency
            ? { currency: policy.currency ?? budget?.currency }
            : {}),
        };
      }
      const body = contractBody(marketSearchBody, {
        ...args,
        machineId,
        agentPairingId,
        ...(budget ? { budget } : {}),
      });
      const { item } = await orchestration(ctx.env).searchMarket(body, token);
      return searchView(item);
    },
  },

  get_market_service: {
    title: "Read a market service",
    description: "A service's description, price, payment rail and operations, each with its " +
      "input fields and an exampleInput that orders as it is. Use it before create_order.",
    input: serviceInput,
    annotations: READ,
    async run(ctx, args) {
      const machineId = (args.machineId as string | undefined) ??
        ctx.policy.machineId;
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
      const { policy } = ctx;
      let budget = args.budget as {
        amount?: number | null;
        currency?: string | null;
      } | null;
      if (
        policy.maxAmountPerCall !== undefined || policy.currency !== undefined
      ) {
        const pricing = await orderPrice(ctx, args, machineId);
        checkSpendCap(policy, pricing, `service '${String(args.serviceId)}'`);
        if (pricing.amount !== 0 && policy.maxAmountPerCall !== undefined) {
          // The API enforces the cap too: the order's budget never exceeds it.
          const asked = budget?.amount ?? undefined;
          budget = {
            amount: asked === undefined ? policy.maxAmountPerCall : Math.min(
              asked,
              policy.maxAmountPerCall,
            ),
            currency: budget?.currency ?? policy.currency ?? pricing.currency,
          };
        }
      }
      const body = contractBody(createOrderBody, {
        ...args,
        machineId,
        agentPairingId,
        ...(budget !== undefined ? { budget } : {}),
      });
      const { item } = await orchestration(ctx.env).createMarketOrder(
        body,
        token,
      );
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
    async run(ctx, args) {
      const orderId = args.orderId as string;
      const order = await ownedOrder(ctx, orderId);
      const token = await sessionToken(ctx, order.agentPairingId);
      const rail = (args.rail as string | undefined) ??
        order.payment?.defaultRail ??
        "not-required";
      ctx.note(`rail ${rail}`);
      const signer = rail === "x402" ? x402Signer(ctx.env, ctx.tenant) : undefined;
      if (rail === "x402") {
        if (!signer) {
          throw new EdgeError(
            409,
            "X402_SIGNER_NOT_CONFIGURED",
            "This edge key cannot pay with x402: the Worker holds no x402 signing key for it " +
              "(an operator sets one in 'MCP_X402_KEYS'). Pay on another rail the order " +
              "supports, or outside this endpoint.",
          );
        }
        for (
          const field of [
            "transactionHash",
            "transactionSignature",
            "escrowAddress",
          ]
        ) {
          if (args[field] !== undefined) {
            throw invalid(field, "is not part of an x402 payment");
          }
        }
      }
      const api = orchestration(ctx.env);
      const payer = signer?.address ??
        (args.payerAddress as string | undefined);
      const intent = await api.createPaymentIntent(
        orderId,
        contractBody(paymentIntentBody, {
          rail,
          ...(payer ? { payerAddress: payer } : {}),
        }),
        token,
      );
      let payment = intent.item;
      checkSpendCap(ctx.policy, payment, `order '${orderId}'`);
      if (payment.status !== "intent_created") {
        ctx.note(`payment ${payment.status}`);
        return {
          payment: paymentView(payment),
          next: "Run it with execute_order.",
        };
      }
      if (rail === "x402") {
        if (
          payment.payerAddress &&
          payment.payerAddress.toLowerCase() !== signer!.address.toLowerCase()
        ) {
          throw new EdgeError(
            409,
            "X402_PAYER_MISMATCH",
            `The payment is bound to payer '${payment.payerAddress}', not this key's x402 signer`,
          );
        }
        if (!payment.x402) {
          throw new EdgeError(
            502,
            "X402_CHALLENGE_MISSING",
            "The payment has no x402 challenge",
          );
        }
        const paymentSignature = await signX402Payment(signer!, payment.x402);
        // Kept sealed until execute_order sends it as PAYMENT-SIGNATURE (which settles it).
        const name = `order:${orderId}`;
        const sealed = await seal(
          await signatureKey(ctx.env),
          paymentSignature,
          SIGNATURE_DATA(orderId),
        );
        await ledger(ctx.env, name).putPaymentSignature(sealed);
        payment = (await api.submitPaymentProof(
          orderId,
          proofBody({
            verificationMode: "x402",
            paymentSignature,
          }),
          token,
        )).item;
      } else if (ESCROW_RAILS.includes(rail)) {
        const { transactionHash, chain, escrowAddress } = args;
        if (
          transactionHash === undefined || chain === undefined ||
          escrowAddress === undefined
        ) {
          ctx.note("awaiting escrow lock");
          return {
            payment: paymentView(payment),
            next: `Lock ${payment.amount} ${payment.currency} in escrow on chain, then call ` +
              "pay_order again with transactionHash, chain and escrowAddress.",
          };
        }
        payment = (await api.lockEscrowPayment(
          orderId,
          contractBody(escrowLockBody, {
            transactionHash,
            chain,
            escrowAddress,
          }),
          token,
        )).item;
      } else {
        const {
          transactionHash,
          transactionSignature,
          verificationMode,
          chain,
        } = args;
        if (
          transactionHash === undefined && transactionSignature === undefined
        ) {
          ctx.note("awaiting transfer");
          return {
            payment: paymentView(payment),
            next: `Send ${payment.amount} ${payment.currency} from ` +
              `${payment.payerAddress ?? "the agent's wallet"} to ${
                payment.payeeAddress ?? "the payee"
              }` +
              ", then call pay_order again with its transactionHash (EVM) or " +
              "transactionSignature (Solana).",
          };
        }
        payment = (await api.submitPaymentProof(
          orderId,
          proofBody({
            transactionHash,
            transactionSignature,
            verificationMode,
            chain,
          }),
          token,
        )).item;
      }
      ctx.note(`payment ${payment.status}`);
      return {
        payment: paymentView(payment),
        next: "Run it with execute_order.",
      };
    },
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
      const record = ledger(ctx.env, `order:${orderId}`);
      const sealed = await record.getPaymentSignature();
      const signature = sealed
        ? await open(
          await signatureKey(ctx.env),
          sealed,
          SIGNATURE_DATA(orderId),
        )
        : undefined;
      const result = await orchestration(ctx.env).executeMarketOrder(
        orderId,
        contractBody(
          executeBody,
          args.input === undefined ? {} : { input: args.input },
        ),
        token,
        signature ? { headers: { "PAYMENT-SIGNATURE": signature } } : {},
      );
      if (sealed) await record.deletePaymentSignature();
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
      const result = await orchestration(ctx.env).confirmMarketOrder(
        orderId,
        token,
      );
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
      const orderId = args.orderId as string;
      const order = await ownedOrder(ctx, orderId);
      const token = await sessionToken(ctx, order.agentPairingId);
      const { orderId: _, ...rest } = args;
      const result = await orchestration(ctx.env).disputeMarketOrder(
        orderId,
        contractBody(disputeBody, rest),
        token,
      );
      ctx.note(`order ${result.order.status}`);
      return {
        order: { orderId, status: result.order.status },
        dispute: {
          disputeId: result.dispute.id,
          status: result.dispute.status,
        },
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
      const { item: payment } = await orchestration(ctx.env).getMarketPayment(
        orderId,
      );
      const view = await ledger(ctx.env, `order:${orderId}`).view(ctx.tenant);
      ctx.note(`order ${order.status}`);
      return {
        order: orderView(order),
        payment: payment ? paymentView(payment) : null,
        handoff: view?.handoff
          ? { state: view.handoff.state, attempts: view.handoff.attempts }
          : null,
      };
    },
  },
};
