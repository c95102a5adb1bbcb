/**
 * Payments of market orders, as methods of `client.orchestration`.
 *
 * @module
 */
import type { RequestOptions } from "../transport.ts";
import type { ItemResponse } from "../types/common.ts";
import type {
  CreatePaymentIntentRequest,
  LockEscrowPaymentRequest,
  MarketPayment,
  RefundPaymentRequest,
  ReleasePaymentRequest,
  SubmitPaymentProofRequest,
} from "../types/payments.ts";
import type { Routes } from "./routes.ts";

/**
 * An order's payment (`/market/orders/:orderId/payment…`, agent auth for every write): the
 * intent names the rail and amount, a proof or an escrow lock funds it, and a release or a
 * refund settles it.
 *
 * @example Pay an order by wallet transfer
 * ```ts
 * import { PeaqosClient } from "@peaqos/peaq-os-sdk";
 *
 * declare const pairingToken: string;
 * declare const transactionHash: string;
 * const client = new PeaqosClient({ orchestrationUrl: "https://orchestration.peaq.xyz" });
 * const { item: intent } = await client.orchestration.createPaymentIntent(
 *   "order-1",
 *   { rail: "wallet" },
 *   pairingToken,
 * );
 * console.log(`pay ${intent.amount} ${intent.currency} to ${intent.payeeAddress}`);
 * await client.orchestration.submitPaymentProof("order-1", { transactionHash }, pairingToken);
 * ```
 */
export interface PaymentsApi {
  /**
   * Creates (or returns the existing) payment intent of an order
   * (`POST /market/orders/:orderId/payment-intent`, agent auth, idempotent).
   *
   * @example
   * ```ts
   * import { PeaqosClient } from "@peaqos/peaq-os-sdk";
   *
   * declare const pairingToken: string;
   * const client = new PeaqosClient({ orchestrationUrl: "https://orchestration.peaq.xyz" });
   * const { item: payment } = await client.orchestration.createPaymentIntent(
   *   "order-1",
   *   { rail: "wallet" },
   *   pairingToken,
   * );
   * ```
   */
  createPaymentIntent(
    orderId: string,
    params: CreatePaymentIntentRequest,
    pairingToken: string,
    requestOptions?: RequestOptions,
  ): Promise<ItemResponse<MarketPayment>>;

  /**
   * Gets an order's payment (`GET /market/orders/:orderId/payment`); `item` is `null` when
   * none exists.
   *
   * @example
   * ```ts
   * import { PeaqosClient } from "@peaqos/peaq-os-sdk";
   *
   * const client = new PeaqosClient({ orchestrationUrl: "https://orchestration.peaq.xyz" });
   * const { item: payment } = await client.orchestration.getMarketPayment("order-1");
   * if (payment === null) console.log("no payment yet");
   * ```
   */
  getMarketPayment(
    orderId: string,
    requestOptions?: RequestOptions,
  ): Promise<ItemResponse<MarketPayment | null>>;

  /**
   * Submits an EVM (`transactionHash`) or Solana (`transactionSignature`) payment proof, or an
   * x402 one (`paymentSignature`) (`POST /market/orders/:orderId/payment-proof`, agent auth).
   *
   * @example An EVM transfer checked on chain
   * ```ts
   * import { PeaqosClient } from "@peaqos/peaq-os-sdk";
   *
   * declare const pairingToken: string;
   * const client = new PeaqosClient({ orchestrationUrl: "https://orchestration.peaq.xyz" });
   * await client.orchestration.submitPaymentProof(
   *   "order-1",
   *   { transactionHash: "0x5c50…", verificationMode: "rpc" },
   *   pairingToken,
   * );
   * ```
   */
  submitPaymentProof(
    orderId: string,
    params: SubmitPaymentProofRequest,
    pairingToken: string,
    requestOptions?: RequestOptions,
  ): Promise<ItemResponse<MarketPayment>>;

  /**
   * Records an on-chain escrow lock (`POST /market/orders/:orderId/payment/escrow-lock`,
   * agent auth).
   *
   * @example
   * ```ts
   * import { PeaqosClient } from "@peaqos/peaq-os-sdk";
   *
   * declare const pairingToken: string;
   * const client = new PeaqosClient({ orchestrationUrl: "https://orchestration.peaq.xyz" });
   * await client.orchestration.lockEscrowPayment(
   *   "order-1",
   *   { transactionHash: "0x5c50…", chain: "peaq", escrowAddress: "0x8ba1…" },
   *   pairingToken,
   * );
   * ```
   */
  lockEscrowPayment(
    orderId: string,
    params: LockEscrowPaymentRequest,
    pairingToken: string,
    requestOptions?: RequestOptions,
  ): Promise<ItemResponse<MarketPayment>>;

  /**
   * Releases a held payment to the provider (`POST /market/orders/:orderId/payment/release`,
   * agent auth); `params` may be `undefined`.
   *
   * @example
   * ```ts
   * import { PeaqosClient } from "@peaqos/peaq-os-sdk";
   *
   * declare const pairingToken: string;
   * const client = new PeaqosClient({ orchestrationUrl: "https://orchestration.peaq.xyz" });
   * await client.orchestration.releasePayment("order-1", undefined, pairingToken);
   * ```
   */
  releasePayment(
    orderId: string,
    params: ReleasePaymentRequest | undefined,
    pairingToken: string,
    requestOptions?: RequestOptions,
  ): Promise<ItemResponse<MarketPayment>>;

  /**
   * Refunds a held or frozen payment (`POST /market/orders/:orderId/payment/refund`, agent
   * auth); `params` may be `undefined`.
   *
   * @example
   * ```ts
   * import { PeaqosClient } from "@peaqos/peaq-os-sdk";
   *
   * declare const pairingToken: string;
   * const client = new PeaqosClient({ orchestrationUrl: "https://orchestration.peaq.xyz" });
   * await client.orchestration.refundPayment("order-1", { reason: "Provider offline" }, pairingToken);
   * ```
   */
  refundPayment(
    orderId: string,
    params: RefundPaymentRequest | undefined,
    pairingToken: string,
    requestOptions?: RequestOptions,
  ): Promise<ItemResponse<MarketPayment>>;
}

/** The routes of {@linkcode PaymentsApi}. @internal */
export const PAYMENT_ROUTES: Routes<PaymentsApi> = {
  createPaymentIntent: "POST /market/orders/:orderId/payment-intent item body agent",
  getMarketPayment: "GET /market/orders/:orderId/payment nullableItem",
  submitPaymentProof: "POST /market/orders/:orderId/payment-proof item body agent",
  lockEscrowPayment:
    "POST /market/orders/:orderId/payment/escrow-lock item body agent need:transactionHash,chain,escrowAddress",
  releasePayment: "POST /market/orders/:orderId/payment/release item body agent",
  refundPayment: "POST /market/orders/:orderId/payment/refund item body agent",
};
