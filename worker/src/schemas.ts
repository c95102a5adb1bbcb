/**
 * The request schemas of the market proxy, on the wire of contract revision 2 (money as JSON
 * numbers, the search vocabulary of the public CLI, x402 proofs), built from the contract's
 * shared pieces (`contract/fields.ts`). Unknown fields are refused.
 *
 * Where the SDK's request types already speak revision 2 they are tied to these schemas at
 * compile time (see the checks at the end), so a drift fails `deno check`. The search and payment
 * schemas go to `contract/` with the sandbox's; until then the proxy hands their output to the
 * SDK as its current types (see `routes/proxy.ts`).
 *
 * @module
 */
import { z } from "zod";
import {
  addressSchema,
  amountSchema,
  currencySchema,
  idSchema,
  inputSchema,
  providerKeySchema,
  shortTextSchema,
} from "../../contract/fields.ts";
import {
  type CreateMarketOrderRequest,
  type DisputeMarketOrderRequest,
  type ExecuteMarketOrderRequest,
  type LockEscrowPaymentRequest,
  MARKET_PAYMENT_RAILS,
  type RefundPaymentRequest,
  type ReleasePaymentRequest,
} from "../../mod.ts";

/** Largest `PAYMENT-SIGNATURE` (an x402 payment payload, base64) accepted, in characters. */
export const MAX_PAYMENT_SIGNATURE_LENGTH = 8 * 1024;

/** Whether `text` is canonical base64: standard alphabet, padded to a multiple of 4. */
export function isBase64(text: string): boolean {
  return text.length % 4 === 0 && /^[A-Za-z0-9+/]+={0,2}$/.test(text);
}

/**
 * An x402 payment payload as carried by `PAYMENT-SIGNATURE` and by an `x402` proof: base64 of
 * at most 8 KiB. Never echoed in errors.
 */
export const paymentSignatureSchema = z.string()
  .max(MAX_PAYMENT_SIGNATURE_LENGTH, "must be at most 8 KiB")
  .refine(isBase64, "must be base64");

const executionMode = z.enum(["native", "external-handoff"]);
const limit = z.coerce.number().int().min(1).max(500);
const cursor = z.string().min(1).max(512);
const note = z.string().trim().min(1).max(2000);
const txHash = z.string().min(1).max(256);
/** Per provider key, the credentials a provider needs; secret, never stored or echoed. */
const providerCredentials = z.record(
  z.string().min(1).max(64),
  z.record(z.string().min(1).max(128), z.string().max(4096).optional()),
);

/** `GET /market/services` query. */
export const listServicesQuery = z.strictObject({
  machineId: idSchema.optional(),
  serviceType: shortTextSchema.optional(),
  executionMode: executionMode.optional(),
  providerKey: providerKeySchema.optional(),
  limit: limit.optional(),
  cursor: cursor.optional(),
});

/** `GET /market/services/:serviceId` query. */
export const getServiceQuery = z.strictObject({
  machineId: idSchema.optional(),
});

/**
 * `POST /market/search` body (revision 2). The contract lists `serviceType` first; whether it is
 * required is the API's to say, so the proxy lets it be absent.
 */
export const searchBody = z.strictObject({
  machineId: idSchema,
  agentPairingId: idSchema,
  serviceType: shortTextSchema.optional(),
  operation: shortTextSchema.optional(),
  query: z.string().max(1000).optional(),
  capabilities: z.array(shortTextSchema).max(50).optional(),
  region: shortTextSchema.optional(),
  maxResults: z.number().int().min(1).max(100).optional(),
  budget: z.strictObject({
    amount: amountSchema.optional(),
    max: amountSchema.optional(),
    currency: currencySchema.optional(),
  }).optional(),
  nativeOnly: z.boolean().optional(),
  allowHandoff: z.boolean().optional(),
  providerCredentials: providerCredentials.optional(),
});

/** `GET /market/orders` query. */
export const listOrdersQuery = z.strictObject({
  machineId: idSchema,
  limit: limit.optional(),
  cursor: cursor.optional(),
});

/** `POST /market/orders` body. */
export const createOrderBody = z.strictObject({
  machineId: idSchema,
  agentPairingId: idSchema,
  serviceId: idSchema,
  searchId: idSchema.optional(),
  quoteId: idSchema.optional(),
  operation: shortTextSchema.optional(),
  input: inputSchema.optional(),
  budget: z.strictObject({ amount: amountSchema, currency: currencySchema })
    .optional(),
  providerCredentials: providerCredentials.optional(),
});

/** `POST /market/orders/:orderId/execute` body. */
export const executeBody = z.strictObject({ input: inputSchema.optional() });

/** `POST /market/orders/:orderId/confirm` body: nothing. */
export const confirmBody = z.strictObject({});

/** `POST /market/orders/:orderId/dispute` body. */
export const disputeBody = z.strictObject({
  reason: note,
  evidence: inputSchema.optional(),
});

/** `POST /market/orders/:orderId/payment-intent` body (revision 2: `amount` is a number). */
export const paymentIntentBody = z.strictObject({
  rail: z.enum(MARKET_PAYMENT_RAILS).optional(),
  amount: amountSchema.optional(),
  currency: currencySchema.optional(),
  payerAddress: addressSchema.optional(),
});

/**
 * `POST /market/orders/:orderId/payment-proof` body (revision 2): exactly one of an EVM
 * `transactionHash`, a Solana `transactionSignature`, or an x402 `paymentSignature` (which goes
 * with `verificationMode: "x402"` and only with it).
 */
export const paymentProofBody = z.strictObject({
  transactionHash: txHash.optional(),
  transactionSignature: txHash.optional(),
  paymentSignature: paymentSignatureSchema.optional(),
  verificationMode: z.enum(["recorded", "rpc", "x402"]).optional(),
  chain: z.string().min(1).max(100).optional(),
  token: z.string().min(1).max(128).optional(),
  payerAddress: z.string().min(1).max(128).optional(),
  payeeAddress: z.string().min(1).max(128).optional(),
  amount: amountSchema.optional(),
}).superRefine((proof, issue) => {
  const given = [proof.transactionHash, proof.transactionSignature, proof.paymentSignature]
    .filter((value) => value !== undefined).length;
  if (given !== 1) {
    issue.addIssue({
      code: "custom",
      path: ["transactionHash"],
      message: "give exactly one of 'transactionHash', 'transactionSignature' or " +
        "'paymentSignature'",
    });
  }
  if (
    (proof.paymentSignature !== undefined) !==
      (proof.verificationMode === "x402")
  ) {
    issue.addIssue({
      code: "custom",
      path: ["verificationMode"],
      message: "'paymentSignature' goes with verificationMode 'x402', and only with it",
    });
  }
});

/** `POST /market/orders/:orderId/payment/escrow-lock` body. */
export const escrowLockBody = z.strictObject({
  transactionHash: txHash,
  chain: z.string().min(1).max(100),
  escrowAddress: addressSchema,
});

/** `POST /market/orders/:orderId/payment/release` body. */
export const releaseBody = z.strictObject({
  transactionHash: txHash.optional(),
  notes: z.string().max(2000).optional(),
});

/** `POST /market/orders/:orderId/payment/refund` body. */
export const refundBody = z.strictObject({
  transactionHash: txHash.optional(),
  reason: z.string().max(2000).optional(),
});

// ---- Compile-time ties to the SDK's request types ----

/** A zod output as it comes off the wire: absent keys, never `undefined` values. */
export type Wire<T> = T extends readonly unknown[] ? T
  : T extends object ? { [K in keyof T]: Wire<Exclude<T[K], undefined>> }
  : T;

/**
 * `true` when what the schema lets through is a valid SDK request and every SDK request passes
 * the schema; a drift either way makes the `const` below fail to type-check.
 */
type Agrees<S extends z.ZodType, Sdk> = [Wire<z.output<S>>] extends [Sdk]
  ? [Sdk] extends [z.input<S>] ? true : false
  : false;

const agreements: {
  createOrder: Agrees<typeof createOrderBody, CreateMarketOrderRequest>;
  execute: Agrees<typeof executeBody, ExecuteMarketOrderRequest>;
  dispute: Agrees<typeof disputeBody, DisputeMarketOrderRequest>;
  escrowLock: Agrees<typeof escrowLockBody, LockEscrowPaymentRequest>;
  release: Agrees<typeof releaseBody, ReleasePaymentRequest>;
  refund: Agrees<typeof refundBody, RefundPaymentRequest>;
} = {
  createOrder: true,
  execute: true,
  dispute: true,
  escrowLock: true,
  release: true,
  refund: true,
};
void agreements;
