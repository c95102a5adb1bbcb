/**
 * Request bodies of the payment routes of market orders (contract revision 2), shared by the
 * sandbox and the edge Worker and tied to the SDK's request types at compile time
 * ({@linkcode Ties}). Amounts are JSON numbers in the token's display units.
 *
 * @module
 */
import { z } from "zod";
import type {
  CreatePaymentIntentRequest,
  LockEscrowPaymentRequest,
  RefundPaymentRequest,
  ReleasePaymentRequest,
  SubmitPaymentProofRequest,
} from "../src/types/mod.ts";
import { MARKET_PAYMENT_RAILS } from "../src/payment_rails.ts";
import { addressSchema, amountSchema, currencySchema } from "./fields.ts";
import type { Flattened, Ties } from "./ties.ts";

/** An EVM transaction hash: 0x + 32 bytes of hex. */
export const txHashSchema = z.string().regex(/^0x[0-9a-fA-F]{64}$/, "must be 0x + 64 hex digits");

/** A Solana transaction signature: 64 bytes in base58 (87 or 88 characters, wider here). */
export const solanaSignatureSchema = z.string().regex(
  /^[1-9A-HJ-NP-Za-km-z]{64,100}$/,
  "must be a base58 transaction signature",
);

/** Body of `POST /market/orders/:orderId/payment-intent` (optional). */
export const paymentIntentBody = z.strictObject({
  rail: z.enum(MARKET_PAYMENT_RAILS).optional(),
  amount: amountSchema.optional(),
  currency: currencySchema.optional(),
  payerAddress: z.string().min(1).max(100).optional(),
});
/** A validated body of `POST .../payment-intent`. */
export type PaymentIntentBody = z.output<typeof paymentIntentBody>;

/** Fields of a transaction proof that an x402 proof does not take: its signed payload names them. */
const TRANSACTION_PROOF_FIELDS = [
  "transactionHash",
  "transactionSignature",
  "chain",
  "token",
  "payerAddress",
  "payeeAddress",
  "amount",
] as const;

/**
 * Body of `POST /market/orders/:orderId/payment-proof`: a transaction (exactly one of the EVM
 * hash or the Solana signature), or with `verificationMode: "x402"` only the signed x402
 * `paymentSignature` (its length and content are checked by the x402 verifier, which answers
 * with x402's own refusal reasons).
 */
export const paymentProofBody = z.strictObject({
  transactionHash: txHashSchema.optional(),
  transactionSignature: solanaSignatureSchema.optional(),
  paymentSignature: z.string().min(1).optional(),
  verificationMode: z.enum(["recorded", "rpc", "x402"]).optional(),
  chain: z.string().min(1).max(100).optional(),
  token: z.string().min(1).max(100).optional(),
  payerAddress: z.string().min(1).max(100).optional(),
  payeeAddress: z.string().min(1).max(100).optional(),
  amount: amountSchema.optional(),
}).superRefine((body, issue) => {
  if (body.verificationMode === "x402") {
    if (body.paymentSignature === undefined) {
      issue.addIssue({
        code: "custom",
        path: ["paymentSignature"],
        message: "an x402 proof needs the signed payload (signX402Payment's result)",
      });
    }
    for (const field of TRANSACTION_PROOF_FIELDS) {
      if (body[field] !== undefined) {
        issue.addIssue({
          code: "custom",
          path: [field],
          message: "not part of an x402 proof: the signed payload names the payment",
        });
      }
    }
    return;
  }
  if (body.paymentSignature !== undefined) {
    issue.addIssue({
      code: "custom",
      path: ["paymentSignature"],
      message: "only with verificationMode 'x402'",
    });
  }
  if ((body.transactionHash === undefined) === (body.transactionSignature === undefined)) {
    issue.addIssue({
      code: "custom",
      path: ["transactionHash"],
      message: "give exactly one of 'transactionHash' (EVM) or 'transactionSignature' (Solana)",
    });
  }
});
/** A validated body of `POST .../payment-proof`. */
export type PaymentProofBody = z.output<typeof paymentProofBody>;

/** Body of `POST /market/orders/:orderId/payment/escrow-lock`. */
export const escrowLockBody = z.strictObject({
  transactionHash: txHashSchema,
  chain: z.string().min(1).max(100),
  escrowAddress: addressSchema,
});
/** A validated body of `POST .../payment/escrow-lock`. */
export type EscrowLockBody = z.output<typeof escrowLockBody>;

/** Body of `POST /market/orders/:orderId/payment/release` (optional). */
export const releaseBody = z.strictObject({
  transactionHash: txHashSchema.optional(),
  notes: z.string().max(2000).optional(),
});
/** A validated body of `POST .../payment/release`. */
export type ReleaseBody = z.output<typeof releaseBody>;

/** Body of `POST /market/orders/:orderId/payment/refund` (optional). */
export const refundBody = z.strictObject({
  transactionHash: txHashSchema.optional(),
  reason: z.string().max(2000).optional(),
});
/** A validated body of `POST .../payment/refund`. */
export type RefundBody = z.output<typeof refundBody>;

// Compile-time ties: a drift between a schema and the SDK's type fails `deno check` here.
const _intent: Ties<PaymentIntentBody, CreatePaymentIntentRequest> = true;
// Flat on the wire, a union in the SDK: the refinement above picks the member.
const _proof: Ties<PaymentProofBody, Flattened<SubmitPaymentProofRequest>> = true;
const _escrow: Ties<EscrowLockBody, LockEscrowPaymentRequest> = true;
const _release: Ties<ReleaseBody, ReleasePaymentRequest> = true;
const _refund: Ties<RefundBody, RefundPaymentRequest> = true;
