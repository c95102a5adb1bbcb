/**
 * The input schemas of the MCP tools, built from the wire contract's zod schemas (`contract/`):
 * the same fields, limits and strictness the API takes, described for a model, minus what must
 * not pass through one (provider credentials, pairing tokens, payment signatures). The SDK turns
 * them into each tool's JSON Schema and validates arguments with them before a tool runs.
 *
 * @module
 */
import { z } from "zod";
import { addressSchema, idSchema } from "../../../contract/fields.ts";
import { marketSearchBody } from "../../../contract/market.ts";
import { solanaSignatureSchema, txHashSchema } from "../../../contract/payments.ts";
import { MARKET_PAYMENT_RAILS } from "../../../mod.ts";
import { createOrderBody, disputeBody, executeBody, paymentIntentBody } from "../schemas.ts";
import { pathIdSchema } from "../validation.ts";

const pairingFields = {
  machineId: idSchema.optional().describe(
    "The buying machine. Omit to use the pairing's machine (or this key's default).",
  ),
  agentPairingId: idSchema.optional().describe(
    "The agent pairing to act as. Omit to use this key's default pairing.",
  ),
};

const orderId = pathIdSchema.describe("The order's id (from create_order).");

const search = marketSearchBody.in.shape;

/** `search_market`: the contract's search vocabulary. */
export const searchInput = z.strictObject({
  query: search.query.describe("Free text matched against names, descriptions, capabilities."),
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
  nativeOnly: search.nativeOnly.describe("Leave out services run by external providers."),
  allowHandoff: search.allowHandoff,
  ...pairingFields,
});

/** `get_market_service`. */
export const serviceInput = z.strictObject({
  serviceId: pathIdSchema.describe("The service's id (from search_market)."),
  machineId: idSchema.optional().describe("The buying machine (endpoint availability)."),
});

const order = createOrderBody.shape;

/** `create_order`: the contract's order body. */
export const createInput = z.strictObject({
  serviceId: order.serviceId.describe("The service to buy (from search_market)."),
  operation: order.operation.describe("One of the service's operations; default its first."),
  input: order.input.describe(
    "The operation's input: start from the exampleInput get_market_service shows.",
  ),
  searchId: order.searchId.describe("The search the quote came from."),
  quoteId: order.quoteId.describe("A quote from search_market (needed for quoted prices)."),
  budget: order.budget.describe("Most this order may cost: { amount, currency }."),
  ...pairingFields,
});

/** `pay_order`: the rail, and the transfer or escrow lock that paid (never a signature). */
export const payInput = z.strictObject({
  orderId,
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
  chain: z.string().min(1).max(100).optional().describe("The chain of the transaction."),
  escrowAddress: addressSchema.optional().describe("Escrow contract (escrow rails only)."),
});

/** `execute_order`. */
export const executeInput = z.strictObject({
  orderId,
  input: executeBody.shape.input.describe("Replaces the order's input for this run (optional)."),
});

/** `confirm_order`, `get_order`. */
export const orderInput = z.strictObject({ orderId });

/** `dispute_order`: the contract's dispute body. */
export const disputeInput = z.strictObject({
  orderId,
  reason: disputeBody.shape.reason.describe("What is wrong with the delivery."),
  evidence: disputeBody.shape.evidence,
});
