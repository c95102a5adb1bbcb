/**
 * Payment settlement of market orders.
 *
 * @module
 */

/** A payment rail. */
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
  | "wdk-usdt-transfer";

/** Status of a payment. */
export type MarketPaymentStatus =
  | "not_required"
  | "intent_created"
  | "held"
  | "release_pending"
  | "released"
  | "frozen"
  | "refunded";

/** How a payment proof was checked: recorded as given, or verified over JSON-RPC. */
export type PaymentVerificationMode = "recorded" | "rpc";

/** The payment of a market order. */
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

/** Body of `createPaymentIntent`; idempotent per order. */
export type CreatePaymentIntentRequest = {
  readonly rail?: MarketPaymentRailType;
  readonly amount?: string;
  readonly currency?: string;
};

/** Fields shared by EVM and Solana payment proofs. */
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

/** An EVM payment proof: a transaction hash. */
export type EvmPaymentProof = PaymentProofCommon & {
  readonly transactionHash: string;
  readonly transactionSignature?: never;
};

/** A Solana payment proof: a transaction signature. */
export type SolanaPaymentProof = PaymentProofCommon & {
  readonly transactionSignature: string;
  readonly transactionHash?: never;
};

/** Body of `submitPaymentProof`. */
export type SubmitPaymentProofRequest = EvmPaymentProof | SolanaPaymentProof;

/** Body of `lockEscrowPayment`; every field is required. */
export type LockEscrowPaymentRequest = {
  readonly transactionHash: string;
  readonly chain: string;
  readonly escrowAddress: string;
};

/** Body of `releasePayment`. */
export type ReleasePaymentRequest = {
  readonly transactionHash?: string;
  readonly notes?: string;
};

/** Body of `refundPayment`. */
export type RefundPaymentRequest = {
  readonly transactionHash?: string;
  readonly reason?: string;
};
