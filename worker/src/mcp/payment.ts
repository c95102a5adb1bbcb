/**
 * `pay_order` on every rail, and the x402 payment signature kept between the proof and the
 * execution it rides on:
 *
 * - The payment intent comes first (idempotent, it moves no money); its amount is checked against
 *   the key's spending cap before anything is signed or proved. A payment past `intent_created`
 *   (held, not required, ...) is answered as it is.
 * - `x402`: signed at the edge with the tenant's key from `MCP_X402_KEYS` (`signX402Payment` with
 *   the signer subpath's `privateKeySigner`), proved, and kept AES-GCM sealed on the order's
 *   Ledger record until `execute_order` sends it as `PAYMENT-SIGNATURE` (which settles it). Without
 *   a key, `X402_SIGNER_NOT_CONFIGURED` before any call.
 * - Escrow rails: the escrow lock's `transactionHash`, `chain` and `escrowAddress`.
 * - Transfer rails (`wallet`, `mpp`, `xvv42`, ...): the transfer's `transactionHash` (EVM) or
 *   `transactionSignature` (Solana). Without one the answer says what to send, and to whom.
 *
 * @module
 */
import { type MarketPayment, signX402Payment } from "../../../mod.ts";
import { importSessionKey, open, seal } from "../crypto.ts";
import type { Env } from "../env.ts";
import { EdgeError } from "../errors.ts";
import { ledger } from "../ledger.ts";
import { escrowLockBody, paymentIntentBody } from "../schemas.ts";
import { orchestration } from "../sdk.ts";
import {
  contractBody,
  invalid,
  ownedOrder,
  proofBody,
  sessionToken,
  type ToolArgs,
  type ToolContext,
} from "./context.ts";
import { checkSpendCap, x402Signer } from "./policy.ts";
import { paymentView } from "./views.ts";

const ESCROW_RAILS: readonly string[] = ["escrow", "onchain-escrow"];

const RUN_NEXT = "Run it with execute_order.";

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

// The additional data binds a sealed signature to its order: moved elsewhere, it does not open.
const sealedFor = (orderId: string) => `order:${orderId}:x402`;

/** Keeps an x402 payment signature, sealed, on the order's record until its execution. */
async function keepSignature(env: Env, orderId: string, signature: string): Promise<void> {
  const sealed = await seal(await signatureKey(env), signature, sealedFor(orderId));
  await ledger(env, `order:${orderId}`).putPaymentSignature(sealed);
}

/**
 * The order's kept x402 payment signature, if any; `settled()` forgets it after execution.
 *
 * @example
 * ```ts ignore
 * const kept = await keptSignature(env, orderId);
 * const options = kept ? { paymentSignature: kept.signature } : {};
 * await api.executeMarketOrder(orderId, {}, token, options);
 * await kept?.settled();
 * ```
 */
export async function keptSignature(
  env: Env,
  orderId: string,
): Promise<{ signature: string; settled(): Promise<void> } | undefined> {
  const record = ledger(env, `order:${orderId}`);
  const sealed = await record.getPaymentSignature();
  if (!sealed) return undefined;
  const signature = await open(await signatureKey(env), sealed, sealedFor(orderId));
  if (signature === undefined) return undefined;
  return { signature, settled: () => record.deletePaymentSignature() };
}

/**
 * What `pay_order` does; see the module documentation.
 *
 * @example
 * ```ts ignore
 * await payOrder(ctx, { orderId: "ord_1" }); // x402: signed, proved, kept for execute_order
 * ```
 */
export async function payOrder(ctx: ToolContext, args: ToolArgs): Promise<unknown> {
  const orderId = args.orderId as string;
  const order = await ownedOrder(ctx, orderId);
  const token = await sessionToken(ctx, order.agentPairingId);
  const rail = (args.rail as string | undefined) ?? order.payment?.defaultRail ?? "not-required";
  ctx.note(`rail ${rail}`);
  const signer = rail === "x402" ? x402Signer(ctx.env, ctx.tenant) : undefined;
  if (rail === "x402") {
    if (!signer) {
      throw new EdgeError(
        409,
        "X402_SIGNER_NOT_CONFIGURED",
        "This edge key cannot pay with x402: the Worker holds no x402 signing key for it (an " +
          "operator sets one in 'MCP_X402_KEYS'). Pay on another rail the order supports, or " +
          "outside this endpoint.",
      );
    }
    for (const field of ["transactionHash", "transactionSignature", "escrowAddress"]) {
      if (args[field] !== undefined) throw invalid(field, "is not part of an x402 payment");
    }
  }
  const api = orchestration(ctx.env);
  const payerAddress = signer?.address ?? (args.payerAddress as string | undefined);
  let payment = (await api.createPaymentIntent(
    orderId,
    contractBody(paymentIntentBody, { rail, ...(payerAddress ? { payerAddress } : {}) }),
    token,
  )).item;
  checkSpendCap(ctx.policy, payment, `order '${orderId}'`);
  if (payment.status !== "intent_created") {
    ctx.note(`payment ${payment.status}`);
    return { payment: paymentView(payment), next: RUN_NEXT };
  }
  if (signer) {
    if (
      payment.payerAddress && payment.payerAddress.toLowerCase() !== signer.address.toLowerCase()
    ) {
      throw new EdgeError(
        409,
        "X402_PAYER_MISMATCH",
        `The payment is bound to payer '${payment.payerAddress}', not this key's x402 signer`,
      );
    }
    if (!payment.x402) {
      throw new EdgeError(502, "X402_CHALLENGE_MISSING", "The payment has no x402 challenge");
    }
    const paymentSignature = await signX402Payment(signer, payment.x402);
    // Kept before the proof: a held payment whose signature was lost could never be executed.
    await keepSignature(ctx.env, orderId, paymentSignature);
    payment = (await api.submitPaymentProof(
      orderId,
      proofBody({ verificationMode: "x402", paymentSignature }),
      token,
    )).item;
  } else if (ESCROW_RAILS.includes(rail)) {
    const { transactionHash, chain, escrowAddress } = args;
    if (transactionHash === undefined || chain === undefined || escrowAddress === undefined) {
      ctx.note("awaiting escrow lock");
      return {
        payment: paymentView(payment),
        next: `Lock ${payment.amount} ${payment.currency} in escrow on chain, then call ` +
          "pay_order again with transactionHash, chain and escrowAddress.",
      };
    }
    payment = (await api.lockEscrowPayment(
      orderId,
      contractBody(escrowLockBody, { transactionHash, chain, escrowAddress }),
      token,
    )).item;
  } else {
    const { transactionHash, transactionSignature, verificationMode, chain } = args;
    if (transactionHash === undefined && transactionSignature === undefined) {
      ctx.note("awaiting transfer");
      return { payment: paymentView(payment), next: transferNext(payment) };
    }
    payment = (await api.submitPaymentProof(
      orderId,
      proofBody({ transactionHash, transactionSignature, verificationMode, chain }),
      token,
    )).item;
  }
  ctx.note(`payment ${payment.status}`);
  return { payment: paymentView(payment), next: RUN_NEXT };
}

function transferNext(payment: MarketPayment): string {
  const from = payment.payerAddress ?? "the agent's wallet";
  const to = payment.payeeAddress ?? "the payee";
  return `Send ${payment.amount} ${payment.currency} from ${from} to ${to}, then call ` +
    "pay_order again with its transactionHash (EVM) or transactionSignature (Solana).";
}
