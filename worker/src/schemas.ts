/**
 * The request schemas of the market proxy (contract revision 2). Request bodies are the
 * contract's (`contract/*.ts`: the schemas the sandbox validates with, tied to the SDK's types at
 * compile time), re-exported here; what is defined here is the proxy's own: its list queries, the
 * empty confirm body, the `PAYMENT-SIGNATURE` header of an x402 execute and the x402 proof.
 *
 * @module
 */
import { z } from "zod";
import { idSchema, providerKeySchema, shortTextSchema } from "../../contract/fields.ts";
import { paymentProofBody as contractProofBody } from "../../contract/payments.ts";

export { marketSearchBody as searchBody } from "../../contract/market.ts";
export {
  createOrderBody,
  disputeOrderBody as disputeBody,
  executeOrderBody as executeBody,
} from "../../contract/orders.ts";
export {
  escrowLockBody,
  paymentIntentBody,
  refundBody,
  releaseBody,
} from "../../contract/payments.ts";

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

/** `GET /market/orders` query. */
export const listOrdersQuery = z.strictObject({
  machineId: idSchema,
  limit: limit.optional(),
  cursor: cursor.optional(),
});

/** `POST /market/orders/:orderId/confirm` body: nothing. */
export const confirmBody = z.strictObject({});

/**
 * `POST /market/orders/:orderId/payment-proof` body: the contract's, and at the edge an x402
 * `paymentSignature` must also be bounded base64 (as the `PAYMENT-SIGNATURE` header).
 */
export const paymentProofBody = contractProofBody.refine(
  (proof) =>
    proof.paymentSignature === undefined ||
    paymentSignatureSchema.safeParse(proof.paymentSignature).success,
  { path: ["paymentSignature"], message: "must be base64 of at most 8 KiB" },
);
