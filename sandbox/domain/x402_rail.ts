/**
 * The x402 rail in payments and execution, over the pure logic of `x402.ts`:
 *
 * - **Intent** ({@linkcode x402Intent}): an `x402` payment intent carries the challenge, one
 *   `exact` option for the order's price in the token's atomic units, payable by the intent's
 *   payer (the agent, or the EVM wallet it declared).
 * - **Proof** ({@linkcode x402ProofVerifier}): `{ verificationMode: "x402", paymentSignature }`
 *   is verified for real (signer = `from` = the payer, recipient, amount, asset, network,
 *   validity window, a nonce no other payment used); the payment is then `held`, authorized but
 *   not settled.
 * - **Execute** ({@linkcode authorizeX402Execution}, {@linkcode settleX402Execution}): the same
 *   payload must ride as the `PAYMENT-SIGNATURE` header; it is settled with the execution
 *   (`released` with the settlement's transaction hash) or, when the run fails, never settled
 *   (`refunded`).
 *
 * @module
 */
import { encodeBase64 } from "../../src/encoding.ts";
import type { MarketPayment, X402PaymentPayload } from "../../src/types/mod.ts";
import { addressSchema } from "../../contract/fields.ts";
import type { SandboxContext } from "../context.ts";
import { ApiError } from "../errors.ts";
import { setPayment } from "./orders.ts";
import type { ProofVerifier } from "./proofs.ts";
import type { OrderRecord } from "../store.ts";
import { validationError } from "../validate.ts";
import {
  settleX402,
  verifyX402Payment,
  x402Challenge,
  x402ServiceParamsSchema,
  type X402Settlement,
  type X402Verification,
} from "../x402.ts";

/** What {@linkcode x402Intent} gets: the order, its new payment and the URL of its execute. */
export type X402IntentInput = {
  readonly ctx: SandboxContext;
  readonly record: OrderRecord;
  readonly payment: MarketPayment;
  /** The x402 `resource.url`: the order's execute route, where the payment is spent. */
  readonly resourceUrl: string;
};

/**
 * Adds the x402 challenge to a new `x402` payment intent, and the token and recipient it names.
 * Refuses (400 `VALIDATION_ERROR`) a service without x402 parameters and a payer that is not an
 * EVM address (an EIP-3009 authorization is signed by one).
 *
 * @example
 * ```ts ignore
 * const payment = x402Intent({ ctx, record, payment: intent, resourceUrl });
 * payment.x402?.accepts[0]?.amount; // "10000" for 0.01 USDC
 * ```
 */
export function x402Intent(input: X402IntentInput): MarketPayment {
  const { record, payment, resourceUrl } = input;
  const service = record.order.serviceSnapshot;
  const params = x402ServiceParamsSchema.safeParse(service.metadata.x402);
  if (!params.success) {
    throw validationError([{
      path: "rail",
      message: `service '${service.id}' takes no x402 payments (it has no x402 parameters)`,
    }]);
  }
  const payer = payment.payerAddress;
  if (payer === null || !addressSchema.safeParse(payer).success) {
    throw validationError([{
      path: "payerAddress",
      message: "must be an EVM address: an x402 authorization is signed by the paying wallet",
    }]);
  }
  let challenge;
  try {
    challenge = x402Challenge({
      service: params.data,
      amount: record.price.amount,
      resource: { url: resourceUrl, description: service.name, mimeType: "application/json" },
    });
  } catch {
    throw validationError([{
      path: "rail",
      message: `the order's price ${record.price.amount} is finer than the x402 token's units`,
    }]);
  }
  const option = challenge.accepts[0]!;
  return { ...payment, token: option.asset, payeeAddress: option.payTo, x402: challenge };
}

// The challenge an x402 payment was created with; every x402 payment has one.
function requirementsOf(payment: MarketPayment) {
  const option = payment.x402?.accepts[0];
  if (option === undefined) {
    throw new ApiError(500, "INTERNAL", `x402 payment has no challenge: '${payment.id}'`);
  }
  return option;
}

function verify(
  ctx: SandboxContext,
  payment: MarketPayment,
  header: unknown,
): X402Verification {
  return verifyX402Payment(header, {
    requirements: requirementsOf(payment),
    payer: payment.payerAddress,
    paymentId: payment.id,
  }, { now: ctx.now(), usedNonces: ctx.store.x402Nonces });
}

/**
 * The proof verifier of `verificationMode: "x402"`. It keeps its own spend-once registry (the
 * store's `x402Nonces`), so it has no transaction `key`. A refusal is `VALIDATION_ERROR` (400,
 * path `paymentSignature`) for a payload that is not an x402 payment at all (not base64 JSON, not
 * a PaymentPayload, over 8 KiB, another x402 version) and `PAYMENT_TX_FAILED` (402, `details:
 * { reason }`) for one that does not pay what was asked.
 *
 * @example
 * ```ts ignore
 * const PROOF_VERIFIERS = { recorded, rpc, x402: x402ProofVerifier };
 * ```
 */
export const x402ProofVerifier: ProofVerifier = {
  verified: true,
  verify({ ctx, record, payment, body }) {
    const result = verify(ctx, payment, body.paymentSignature);
    if (!result.ok) {
      throw result.code === "VALIDATION_ERROR"
        ? new ApiError(400, result.code, result.message, [
          { path: "paymentSignature", message: result.message },
        ])
        : new ApiError(result.status, result.code, result.message, { reason: result.reason });
    }
    // Recorded with the check, synchronously: nothing runs between here and `submitProof` holding
    // the payment, so no other payment can slip in with the same nonce.
    ctx.store.x402Nonces.set(result.nonceKey, payment.id);
    ctx.store.x402Authorizations.set(record.order.id, {
      nonceKey: result.nonceKey,
      signature: result.payload.payload.signature.toLowerCase(),
    });
    return Promise.resolve({ verificationMode: "x402" });
  },
};

/**
 * Checks the `PAYMENT-SIGNATURE` header of an execute when the order's payment is a held x402
 * one, before anything runs: it must be the authorization the payment was proved with, still
 * valid. Returns its payload for {@linkcode settleX402Execution}, or `undefined` when the order
 * is not paid over x402. Throws 402 `PAYMENT_REQUIRED` without a header and 402
 * `PAYMENT_TX_FAILED` (`details: { reason }`) for any other refusal: malformed, expired, another
 * authorization, one another payment spent.
 *
 * @example
 * ```ts ignore
 * const x402 = authorizeX402Execution(ctx, record, c.req.header("payment-signature"));
 * ```
 */
export function authorizeX402Execution(
  ctx: SandboxContext,
  record: OrderRecord,
  header: string | undefined,
): X402PaymentPayload | undefined {
  const payment = ctx.store.payments.get(record.order.id);
  if (payment?.rail !== "x402" || payment.status !== "held") return undefined;
  const result = verify(ctx, payment, header);
  if (!result.ok) {
    if (result.code === "PAYMENT_REQUIRED") {
      throw new ApiError(
        402,
        "PAYMENT_REQUIRED",
        `Execute needs the x402 payment: send the proved payload as 'PAYMENT-SIGNATURE' for order '${record.order.id}'`,
        { payment },
      );
    }
    // A header that is not even a payment is still a payment refused, as x402 answers it.
    throw new ApiError(402, "PAYMENT_TX_FAILED", result.message, { reason: result.reason });
  }
  const proved = ctx.store.x402Authorizations.get(record.order.id);
  if (
    proved === undefined || proved.nonceKey !== result.nonceKey ||
    proved.signature !== result.payload.payload.signature.toLowerCase()
  ) {
    throw new ApiError(
      402,
      "PAYMENT_TX_FAILED",
      `x402 payment refused: not the authorization proved for order '${record.order.id}'`,
      { reason: "not_proved" },
    );
  }
  return result.payload;
}

/**
 * Ends a held x402 payment with its order's execution: settles the authorization when the run
 * succeeded (`released`, `transactionHash` of the settlement, `payment.released`), or leaves it
 * unsettled when the run failed (`refunded`, `payment.refunded`). Returns the settlement for
 * the `PAYMENT-RESPONSE` header, `undefined` when nothing was settled.
 *
 * @example
 * ```ts ignore
 * const settlement = settleX402Execution(ctx, record, payload, result.status === "succeeded");
 * ```
 */
export function settleX402Execution(
  ctx: SandboxContext,
  record: OrderRecord,
  payload: X402PaymentPayload,
  succeeded: boolean,
): X402Settlement | undefined {
  const payment = ctx.store.payments.get(record.order.id)!;
  if (!succeeded) {
    setPayment(ctx, {
      ...payment,
      status: "refunded",
      notes: "Execution failed: the x402 authorization was never settled",
    }, "payment.refunded");
    return undefined;
  }
  const settlement = settleX402(payload);
  setPayment(ctx, {
    ...payment,
    status: "released",
    transactionHash: settlement.transactionHash,
  }, "payment.released");
  return settlement;
}

/**
 * The x402 `PAYMENT-RESPONSE` header of a settled execute: base64 of the JSON settlement
 * response `{ success, transaction, network, payer }`.
 *
 * @example
 * ```ts ignore
 * headers["payment-response"] = x402PaymentResponse(settlement);
 * ```
 */
export function x402PaymentResponse(settlement: X402Settlement): string {
  const json = JSON.stringify({
    success: true,
    transaction: settlement.transactionHash,
    network: settlement.network,
    payer: settlement.payer,
  });
  return encodeBase64(new TextEncoder().encode(json));
}
