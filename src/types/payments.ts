/**
 * Payment settlement of market orders.
 *
 * @module
 */
import type { X402PaymentRequired } from "./x402.ts";

/**
 * A payment rail.
 *
 * @example Usage
 * ```ts
 * import type { MarketPaymentRailType } from "@peaqos/peaq-os-sdk";
 *
 * const marketPaymentRailType: MarketPaymentRailType = "mpp";
 * ```
 */
export type MarketPaymentRailType =
  | "x402"
  | "mpp"
  | "wallet"
  | "vault-stripe"
  | "escrow"
  | "onchain-escrow"
  | "offchain-record"
  | "external"
  | "not-required"
  | "wdk-usdt-transfer"
  | "xvv42";

/**
 * How a service wants to be paid: its default rail, whether payment is required before
 * execution, and the other rails it accepts. Services, quotes and orders carry it (an order's
 * `payment` is this recommendation; the payment record is `getMarketPayment`).
 *
 * @example Does this order need paying first?
 * ```ts
 * import type { PaymentRecommendation } from "@peaqos/peaq-os-sdk";
 *
 * function needsPayment(payment: PaymentRecommendation): boolean {
 *   return payment.required && payment.defaultRail !== "not-required";
 * }
 * ```
 */
export type PaymentRecommendation = {
  readonly defaultRail: MarketPaymentRailType;
  readonly required: boolean;
  readonly supportedRails?: readonly MarketPaymentRailType[] | undefined;
};

/**
 * Status of a payment.
 *
 * @example Usage
 * ```ts
 * import type { MarketPaymentStatus } from "@peaqos/peaq-os-sdk";
 *
 * const marketPaymentStatus: MarketPaymentStatus = "intent_created";
 * ```
 */
export type MarketPaymentStatus =
  | "not_required"
  | "intent_created"
  | "held"
  | "release_pending"
  | "released"
  | "frozen"
  | "refunded";

/**
 * How a payment proof was checked: recorded as given, verified over JSON-RPC, or (`x402`) a
 * signed x402 authorization verified by its signature.
 *
 * @example Usage
 * ```ts
 * import type { PaymentVerificationMode } from "@peaqos/peaq-os-sdk";
 *
 * const paymentVerificationMode: PaymentVerificationMode = "rpc";
 * ```
 */
export type PaymentVerificationMode = "recorded" | "rpc" | "x402";

/**
 * The payment record of a market order: what `getMarketPayment`, the payment-intent, proof,
 * escrow-lock, release and refund calls, confirm and dispute return. (An order's own `payment`
 * field is the {@linkcode PaymentRecommendation}, not this record.) `amount` is a JSON number in
 * the token's display units.
 *
 * Flow: `intent_created` → `held` (proof or escrow lock) → `release_pending` (order confirmed)
 * → `released` (`releasePayment`). A dispute makes it `frozen`; a refund `refunded`. An `x402`
 * payment carries its challenge in `x402`; its proof is a signed authorization, settled when
 * the order executes: `held` → `released` (with the settlement's `transactionHash`), or
 * `refunded`, never settled, when the execution fails.
 *
 * @example From `getMarketPayment`
 * ```ts
 * import { PeaqosClient } from "@peaqos/peaq-os-sdk";
 * declare const orderId: string;
 *
 * const client = PeaqosClient.fromEnv();
 * const { item: payment } = await client.orchestration.getMarketPayment(orderId);
 * if (payment !== null) console.log(payment.status, payment.amount, payment.currency); // null: none yet
 * ```
 *
 * @example Add up what a set of payments moved
 * ```ts
 * import type { MarketPayment } from "@peaqos/peaq-os-sdk";
 *
 * // Amounts are numbers; sum in minor units (here cents) so 0.1 + 0.2 stays exact.
 * function settledCents(payments: readonly MarketPayment[]): number {
 *   return payments.filter((p) => p.status === "released")
 *     .reduce((sum, p) => sum + Math.round(p.amount * 100), 0);
 * }
 * ```
 */
export type MarketPayment = {
  readonly id: string;
  readonly orderId: string;
  readonly rail: MarketPaymentRailType;
  readonly status: MarketPaymentStatus;
  readonly amount: number;
  readonly currency: string;
  readonly chain: string | null;
  readonly token: string | null;
  readonly payerAddress: string | null;
  readonly payeeAddress: string | null;
  readonly transactionHash: string | null;
  readonly transactionSignature: string | null;
  readonly verificationMode: PaymentVerificationMode | null;
  readonly escrowAddress: string | null;
  readonly notes: string | null;
  /** The x402 challenge to sign (`signX402Payment`); only on `x402` payments. */
  readonly x402?: X402PaymentRequired | null | undefined;
  readonly createdAt: string;
  readonly updatedAt: string;
};

/**
 * Body of `createPaymentIntent`; idempotent per order. `amount` and `currency`, when given, must
 * equal the order's price. `payerAddress` declares the wallet that will pay when it is not the
 * pairing's `agentAddress`; proofs must then come from it.
 *
 * @example Usage
 * ```ts
 * import type { CreatePaymentIntentRequest } from "@peaqos/peaq-os-sdk";
 *
 * const body: CreatePaymentIntentRequest = { rail: "wallet", amount: 12.5, currency: "USDT" };
 * ```
 */
export type CreatePaymentIntentRequest = {
  readonly rail?: MarketPaymentRailType | undefined;
  readonly amount?: number | undefined;
  readonly currency?: string | undefined;
  readonly payerAddress?: string | undefined;
};

/**
 * Fields shared by EVM and Solana payment proofs.
 *
 * @example Who paid whom
 * ```ts
 * import type { PaymentProofCommon } from "@peaqos/peaq-os-sdk";
 *
 * function parties(proof: PaymentProofCommon): string {
 *   return `${proof.payerAddress ?? "?"} -> ${proof.payeeAddress ?? "?"}`;
 * }
 * ```
 */
export type PaymentProofCommon = {
  readonly verificationMode?: "recorded" | "rpc" | undefined;
  readonly chain?: string | undefined;
  /** Token contract (EVM) or mint (Solana) address. */
  readonly token?: string | undefined;
  /** Must be the payment's payer (the pairing's agent, or the payer declared at the intent). */
  readonly payerAddress?: string | undefined;
  readonly payeeAddress?: string | undefined;
  /** In the token's display units, e.g. `12.5`; must equal the payment's amount. */
  readonly amount?: number | undefined;
};

/**
 * An EVM payment proof: a transaction hash.
 *
 * @example Usage
 * ```ts
 * import type { EvmPaymentProof } from "@peaqos/peaq-os-sdk";
 *
 * const proof: EvmPaymentProof = {
 *   transactionHash: "0x5c504ed432cb51138bcf09aa5e8a410dd4a1e204ef84bfed1be16dfba1b22060",
 *   chain: "peaq",
 *   amount: 12.5,
 * };
 * ```
 */
export type EvmPaymentProof = PaymentProofCommon & {
  readonly transactionHash: string;
  readonly transactionSignature?: undefined;
  readonly paymentSignature?: undefined;
};

/**
 * A Solana payment proof: a transaction signature.
 *
 * @example Usage
 * ```ts
 * import type { SolanaPaymentProof } from "@peaqos/peaq-os-sdk";
 *
 * const proof: SolanaPaymentProof = {
 *   transactionSignature: "5VERv8NMvzbJMEkV8xnrLkEaWRtSz9CosKDYjCJjBRnbJLgp8uirBgmQpjKhoR4tjF3ZpRzrFmBV6UjKdiSZkQUW",
 *   amount: 12.5,
 * };
 * ```
 */
export type SolanaPaymentProof = PaymentProofCommon & {
  readonly transactionSignature: string;
  readonly transactionHash?: undefined;
  readonly paymentSignature?: undefined;
};

/**
 * An x402 payment proof: the `PAYMENT-SIGNATURE` value `signX402Payment` made from the payment's
 * `x402` challenge. The server verifies the signed authorization (payer, recipient, amount,
 * asset, network, validity window, unused nonce) and holds the payment; the same value rides
 * as the `PAYMENT-SIGNATURE` header of `executeMarketOrder`, which settles it. It authorizes a
 * payment: the SDK redacts it from logs and errors.
 *
 * @example Prove an x402 payment intent
 * ```ts
 * import {
 *   type PeaqosClient,
 *   type Signer,
 *   signX402Payment,
 *   type X402PaymentProof,
 * } from "@peaqos/peaq-os-sdk";
 * declare const orderId: string;
 * declare const token: string;
 * declare const signer: Signer;
 * declare const client: PeaqosClient;
 *
 * const { item: payment } = await client.orchestration.createPaymentIntent(orderId, { rail: "x402" }, token);
 * const proof: X402PaymentProof = {
 *   verificationMode: "x402",
 *   paymentSignature: await signX402Payment(signer, payment.x402!),
 * };
 * await client.orchestration.submitPaymentProof(orderId, proof, token);
 * ```
 */
export type X402PaymentProof = {
  readonly verificationMode: "x402";
  /** Base64 x402 `PaymentPayload`, as sent in the `PAYMENT-SIGNATURE` header. */
  readonly paymentSignature: string;
  readonly transactionHash?: undefined;
  readonly transactionSignature?: undefined;
};

/**
 * Body of `submitPaymentProof`: a transaction (EVM hash or Solana signature), or for an `x402`
 * payment the signed authorization.
 *
 * @example Usage
 * ```ts
 * import type { SubmitPaymentProofRequest } from "@peaqos/peaq-os-sdk";
 *
 * const proof: SubmitPaymentProofRequest = {
 *   transactionHash: "0x5c504ed432cb51138bcf09aa5e8a410dd4a1e204ef84bfed1be16dfba1b22060",
 *   payerAddress: "0x2c7536E3605D9C16a7a3D7b1898e529396a65c23",
 * };
 * ```
 */
export type SubmitPaymentProofRequest =
  | EvmPaymentProof
  | SolanaPaymentProof
  | X402PaymentProof;

/**
 * Body of `lockEscrowPayment`; every field is required.
 *
 * @example Usage
 * ```ts
 * import type { LockEscrowPaymentRequest } from "@peaqos/peaq-os-sdk";
 *
 * const body: LockEscrowPaymentRequest = {
 *   transactionHash: "0x5c504ed432cb51138bcf09aa5e8a410dd4a1e204ef84bfed1be16dfba1b22060",
 *   chain: "peaq",
 *   escrowAddress: "0x8ba1f109551bD432803012645Ac136ddd64DBA72",
 * };
 * ```
 */
export type LockEscrowPaymentRequest = {
  readonly transactionHash: string;
  readonly chain: string;
  readonly escrowAddress: string;
};

/**
 * Body of `releasePayment`.
 *
 * @example Usage
 * ```ts
 * import type { ReleasePaymentRequest } from "@peaqos/peaq-os-sdk";
 *
 * const body: ReleasePaymentRequest = { notes: "Delivered and confirmed by the operator" };
 * ```
 */
export type ReleasePaymentRequest = {
  readonly transactionHash?: string | undefined;
  readonly notes?: string | undefined;
};

/**
 * Body of `refundPayment`. A buyer's agent may refund only before the order is executed (the
 * order is then cancelled); afterwards a refund is the operator's decision (platform auth).
 *
 * @example Usage
 * ```ts
 * import type { RefundPaymentRequest } from "@peaqos/peaq-os-sdk";
 *
 * const body: RefundPaymentRequest = { reason: "Dispute resolved for the buyer" };
 * ```
 */
export type RefundPaymentRequest = {
  readonly transactionHash?: string | undefined;
  readonly reason?: string | undefined;
};
