/**
 * Payment settlement of market orders.
 *
 * @module
 */

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
  readonly supportedRails?: readonly MarketPaymentRailType[];
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
 * How a payment proof was checked: recorded as given, or verified over JSON-RPC.
 *
 * @example Usage
 * ```ts
 * import type { PaymentVerificationMode } from "@peaqos/peaq-os-sdk";
 *
 * const paymentVerificationMode: PaymentVerificationMode = "rpc";
 * ```
 */
export type PaymentVerificationMode = "recorded" | "rpc";

/**
 * The payment of a market order.
 *
 * @example From `getMarketPayment`
 * ```ts ignore
 * import { PeaqosClient } from "@peaqos/peaq-os-sdk";
 *
 * const client = PeaqosClient.fromEnv();
 * const { item: payment } = await client.orchestration.getMarketPayment(orderId);
 * if (payment !== null) console.log(payment.status, payment.amount, payment.currency); // null: none yet
 * ```
 */
export type MarketPayment = {
  readonly id: string;
  readonly orderId: string;
  readonly rail: MarketPaymentRailType;
  readonly status: MarketPaymentStatus;
  readonly amount: string;
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
  readonly createdAt: string;
  readonly updatedAt: string;
};

/**
 * Body of `createPaymentIntent`; idempotent per order.
 *
 * @example Usage
 * ```ts
 * import type { CreatePaymentIntentRequest } from "@peaqos/peaq-os-sdk";
 *
 * const body: CreatePaymentIntentRequest = { rail: "x402", amount: "12.50", currency: "USDT" };
 * ```
 */
export type CreatePaymentIntentRequest = {
  readonly rail?: MarketPaymentRailType;
  readonly amount?: string;
  readonly currency?: string;
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
  readonly verificationMode?: PaymentVerificationMode;
  readonly chain?: string;
  /** Token contract (EVM) or mint (Solana) address. */
  readonly token?: string;
  readonly payerAddress?: string;
  readonly payeeAddress?: string;
  /** Decimal string in the token's display units. */
  readonly amount?: string;
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
 *   amount: "12.50",
 * };
 * ```
 */
export type EvmPaymentProof = PaymentProofCommon & {
  readonly transactionHash: string;
  readonly transactionSignature?: never;
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
 *   amount: "12.50",
 * };
 * ```
 */
export type SolanaPaymentProof = PaymentProofCommon & {
  readonly transactionSignature: string;
  readonly transactionHash?: never;
};

/**
 * Body of `submitPaymentProof`.
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
export type SubmitPaymentProofRequest = EvmPaymentProof | SolanaPaymentProof;

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
  readonly transactionHash?: string;
  readonly notes?: string;
};

/**
 * Body of `refundPayment`.
 *
 * @example Usage
 * ```ts
 * import type { RefundPaymentRequest } from "@peaqos/peaq-os-sdk";
 *
 * const body: RefundPaymentRequest = { reason: "Dispute resolved for the buyer" };
 * ```
 */
export type RefundPaymentRequest = {
  readonly transactionHash?: string;
  readonly reason?: string;
};
