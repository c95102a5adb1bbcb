/**
 * Request bodies of the market order routes (contract revision 2), shared by the sandbox and the
 * edge Worker and tied to the SDK's request types at compile time ({@linkcode Ties}).
 *
 * Money is a JSON number: `budget.amount` must be finite, non-negative and carry at most 18
 * decimal places, or the body is a `VALIDATION_ERROR` naming `budget.amount`.
 *
 * @module
 */
import { z } from "zod";
import type {
  CancelMarketOrderRequest,
  CreateMarketOrderRequest,
  DisputeMarketOrderRequest,
  ExecuteMarketOrderRequest,
  MarketBudget,
} from "../src/types/mod.ts";
import { amountSchema, currencySchema, idSchema, inputSchema } from "./fields.ts";
import type { Ties } from "./ties.ts";

/** An order's budget: either part may be absent or `null`. */
export const budgetSchema = z.strictObject({
  amount: amountSchema.nullable().optional(),
  currency: currencySchema.nullable().optional(),
});

/** Body of `POST /market/orders`. */
export const createOrderBody = z.strictObject({
  machineId: idSchema,
  agentPairingId: idSchema,
  serviceId: idSchema,
  searchId: idSchema.optional(),
  quoteId: idSchema.optional(),
  operation: z.string().min(1).max(200).optional(),
  input: inputSchema.optional(),
  budget: budgetSchema.nullable().optional(),
  // Accepted so adapters can use them; a server never stores or echoes them.
  providerCredentials: z.record(z.string(), z.record(z.string(), z.string().optional()))
    .optional(),
});
/** A validated body of `POST /market/orders`. */
export type CreateOrderBody = z.output<typeof createOrderBody>;

/** Body of `POST /market/orders/:orderId/execute` (optional). */
export const executeOrderBody = z.strictObject({ input: inputSchema.optional() });

/** Body of `POST /market/orders/:orderId/dispute`. */
export const disputeOrderBody = z.strictObject({
  reason: z.string().trim().min(1).max(2000),
  evidence: inputSchema.optional(),
});
/** A validated body of `POST .../dispute`. */
export type DisputeOrderBody = z.output<typeof disputeOrderBody>;

/** Body of `POST /market/orders/:orderId/cancel` (optional). */
export const cancelOrderBody = z.strictObject({ reason: z.string().max(2000).optional() });
/** A validated body of `POST .../cancel`. */
export type CancelOrderBody = z.output<typeof cancelOrderBody>;

// Compile-time ties: a drift between a schema and the SDK's type fails `deno check` here.
const _budget: Ties<z.output<typeof budgetSchema>, MarketBudget> = true;
const _create: Ties<CreateOrderBody, CreateMarketOrderRequest> = true;
const _execute: Ties<z.output<typeof executeOrderBody>, ExecuteMarketOrderRequest> = true;
const _dispute: Ties<DisputeOrderBody, DisputeMarketOrderRequest> = true;
const _cancel: Ties<CancelOrderBody, CancelMarketOrderRequest> = true;
