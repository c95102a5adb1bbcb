/**
 * The payment rails, as a runtime list for validation.
 *
 * @module
 */
import type { MarketPaymentRailType } from "./types/payments.ts";

/**
 * Every payment rail the API knows, in the SDK document's order.
 *
 * @example Check a rail read from configuration
 * ```ts
 * import { MARKET_PAYMENT_RAILS } from "@peaqos/peaq-os-sdk";
 *
 * console.assert(MARKET_PAYMENT_RAILS.includes("wdk-usdt-transfer"));
 * ```
 */
export const MARKET_PAYMENT_RAILS: readonly [
  MarketPaymentRailType,
  ...MarketPaymentRailType[],
] = [
  "x402",
  "mpp",
  "wallet",
  "vault-stripe",
  "escrow",
  "onchain-escrow",
  "offchain-record",
  "external",
  "not-required",
  "wdk-usdt-transfer",
  "xvv42",
];
