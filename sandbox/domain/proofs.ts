/**
 * Payment proofs: how a proof in each `verificationMode` is checked before a payment becomes
 * `held`, who may be named as its payer, and the spend-once rule for what it spends.
 *
 * - **Verifiers** ({@linkcode PROOF_VERIFIERS}): one {@linkcode ProofVerifier} per verification
 *   mode. `recorded` takes the proof as given; `rpc` checks the ERC-20 Transfer log over JSON-RPC
 *   (`erc20_transfer_rpc.ts`); `x402` verifies a signed x402 authorization (`x402_rail.ts`), and is the only
 *   mode an `x402` payment accepts.
 * - **Payer binding**: a payment's payer is fixed when its intent is created (the pairing's
 *   `agentAddress`, or the `payerAddress` the intent declared); a proof may not name another, and
 *   an `rpc` proof's Transfer must come from it. An agent therefore cannot claim a transfer that
 *   another wallet made.
 * - **Spend once**: every transaction proof names what it spends (`evm:<hash>`,
 *   `solana:<signature>`); the store's `spentProofs` remembers which order spent it (x402 keeps
 *   its nonces in `x402Nonces` instead). A spent key is refused, except that a
 *   proof a verifier checked on chain takes over a key another order only recorded: the first
 *   order to prove a transfer legitimately owns it, not the first to mention it.
 *
 * @module
 */
import type { MarketPayment } from "../../src/types/mod.ts";
import type { PaymentProofBody } from "../../contract/payments.ts";
import { addressSchema } from "../../contract/fields.ts";
import { formatMoney, toBaseUnits } from "../../contract/money.ts";
import { serviceSettlement } from "../catalogue.ts";
import type { SandboxContext } from "../context.ts";
import { ApiError } from "../errors.ts";
import { verifyErc20Transfer } from "../erc20_transfer_rpc.ts";
import { x402ProofVerifier } from "./x402_rail.ts";
import type { OrderRecord } from "../store.ts";
import { validationError } from "../validate.ts";

/** What a verifier is given: the order, its payment awaiting money, and the proof. */
export type ProofInput = {
  readonly ctx: SandboxContext;
  readonly record: OrderRecord;
  /** The payment, `intent_created`; its `payerAddress` is the bound payer. */
  readonly payment: MarketPayment;
  readonly body: PaymentProofBody;
};

/**
 * Checks proofs of one verification mode. `submitProof` refuses a spent {@linkcode key} before
 * calling {@linkcode verify} and again after it (another proof may have landed meanwhile), then
 * stores the payment as `held` with the returned fields and records the key as spent.
 */
export type ProofVerifier = {
  /** Whether this verifier checks proofs on chain (and so may take over a merely recorded key). */
  readonly verified: boolean;
  /**
   * The spend-once key of the proof, e.g. `evm:0xabc…`; absent when the verifier keeps its own
   * spend-once registry (x402's nonces).
   */
  key?(body: PaymentProofBody): string;
  /** Resolves to the payment fields to store, or rejects with an `ApiError` refusing the proof. */
  verify(input: ProofInput): Promise<Partial<MarketPayment>>;
};

/**
 * The spend-once key of an EVM transaction hash (hex compares case-insensitively).
 *
 * @example
 * ```ts ignore
 * evmProofKey("0xAB…"); // "evm:0xab…"
 * ```
 */
export function evmProofKey(transactionHash: string): string {
  return `evm:${transactionHash.toLowerCase()}`;
}

// Base58 is case-sensitive: the signature is kept exactly as given.
function transactionKey(body: PaymentProofBody): string {
  return body.transactionHash !== undefined
    ? evmProofKey(body.transactionHash)
    : `solana:${body.transactionSignature}`;
}

/**
 * Refuses `key` when another order already spent it (400 `VALIDATION_ERROR` naming `field`);
 * a `verified` proof may take over a key that was only recorded.
 *
 * @example
 * ```ts ignore
 * assertUnspent(ctx, evmProofKey(hash), false, "transactionHash");
 * ```
 */
export function assertUnspent(
  ctx: SandboxContext,
  key: string,
  verified: boolean,
  field: string,
): void {
  const spent = ctx.store.spentProofs.get(key);
  if (spent && (spent.verified || !verified)) {
    throw validationError([{
      path: field,
      message: `already used as the proof of order '${spent.orderId}'`,
    }]);
  }
}

const isEvmAddress = (value: string): boolean => addressSchema.safeParse(value).success;

function sameAddress(a: string, b: string): boolean {
  return isEvmAddress(a) && isEvmAddress(b) ? a.toLowerCase() === b.toLowerCase() : a === b;
}

/**
 * The payer a proof of `payment` stands for: the payer bound at the intent. A `payerAddress` in
 * the proof must be that payer (400 `VALIDATION_ERROR` naming `payerAddress`), with one
 * exception: a Solana proof of a payment bound to the agent's EVM address records the Solana
 * payer it names, as no EVM address can pay on Solana.
 *
 * @example
 * ```ts ignore
 * const payer = proofPayer(payment, body);
 * ```
 */
export function proofPayer(payment: MarketPayment, body: PaymentProofBody): string | null {
  const bound = payment.payerAddress;
  const claimed = body.payerAddress;
  if (claimed === undefined || bound === null) return claimed ?? bound;
  const solanaOverEvm = body.transactionSignature !== undefined && isEvmAddress(bound);
  if (solanaOverEvm || sameAddress(claimed, bound)) return solanaOverEvm ? claimed : bound;
  throw validationError([{
    path: "payerAddress",
    message:
      `must be the payment's payer '${bound}' (the paying agent, or the payer declared at the intent)`,
  }]);
}

const recorded: ProofVerifier = {
  verified: false,
  key: transactionKey,
  verify({ payment, body }) {
    return Promise.resolve({
      chain: body.chain ?? (body.transactionSignature !== undefined ? "solana" : payment.chain),
      token: body.token ?? payment.token,
      payerAddress: proofPayer(payment, body),
      payeeAddress: body.payeeAddress ?? payment.payeeAddress,
      ...(body.transactionHash !== undefined
        ? { transactionHash: body.transactionHash }
        : { transactionSignature: body.transactionSignature ?? null }),
      verificationMode: "recorded",
    });
  },
};

const rpc: ProofVerifier = {
  verified: true,
  key: transactionKey,
  async verify({ ctx, record, payment, body }) {
    if (body.transactionHash === undefined) {
      throw validationError([{
        path: "verificationMode",
        message: "Solana proofs are recorded; 'rpc' verification is EVM-only",
      }]);
    }
    const rpcUrl = ctx.options.rpcUrl;
    if (rpcUrl === undefined) {
      throw new ApiError(
        400,
        "PAYMENT_RPC_REQUIRED",
        "RPC verification needs the sandbox's 'rpcUrl' option; submit a 'recorded' proof instead",
      );
    }
    const issues = [];
    for (const field of ["token", "payeeAddress"] as const) {
      const claimed = body[field];
      const expected = payment[field];
      if (claimed !== undefined && expected !== null && !sameAddress(claimed, expected)) {
        issues.push({ path: field, message: `must be '${expected}'` });
      }
    }
    if (issues.length > 0) throw validationError(issues);
    const payer = proofPayer(payment, body);
    if (payer === null || !isEvmAddress(payer)) {
      throw validationError([{
        path: "payerAddress",
        message: "'rpc' proofs need a payment whose payer is an EVM address",
      }]);
    }
    const settlement = serviceSettlement(record.order.serviceSnapshot);
    // Exact: the order's price in 10^-18 units, scaled to the token's decimals (6 for USDT).
    const amount = toBaseUnits(formatMoney(record.price.units), settlement.tokenDecimals);
    if (amount === undefined || payment.token === null || payment.payeeAddress === null) {
      throw validationError([{ path: "amount", message: "not payable in the settlement token" }]);
    }
    await verifyErc20Transfer(rpcUrl, {
      transactionHash: body.transactionHash,
      token: payment.token,
      from: payer,
      to: payment.payeeAddress,
      amount,
    }, ctx.options.fetch);
    return {
      // A verified USDT transfer from the agent's wallet is what the API calls a WDK transfer.
      rail: payment.rail === "wallet" ? "wdk-usdt-transfer" : payment.rail,
      chain: body.chain ?? payment.chain,
      payerAddress: payer,
      transactionHash: body.transactionHash,
      verificationMode: "rpc",
    };
  },
};

/**
 * The verifier of each `verificationMode` a proof may name.
 *
 * @example
 * ```ts ignore
 * const verifier = PROOF_VERIFIERS[body.verificationMode ?? "recorded"];
 * ```
 */
export const PROOF_VERIFIERS: Readonly<Record<string, ProofVerifier>> = {
  recorded,
  rpc,
  x402: x402ProofVerifier,
};
