/**
 * x402 version 2 on the wire: the payment challenge an x402 payment intent carries
 * (`PaymentRequired`) and the signed `PaymentPayload` sent back as the `PAYMENT-SIGNATURE`
 * header, for the `exact` EVM scheme (an EIP-3009 `TransferWithAuthorization`). Field for field
 * the types of `@x402/core`.
 *
 * @module
 */

/**
 * The resource being paid for.
 *
 * @example
 * ```ts
 * import type { X402ResourceInfo } from "@peaqos/peaq-os-sdk";
 *
 * const resource: X402ResourceInfo = {
 *   url: "https://api.example/api/v1/market/orders/ord_1/execute",
 *   description: "Simulated translation",
 *   mimeType: "application/json",
 * };
 * ```
 */
export type X402ResourceInfo = {
  readonly url: string;
  readonly description?: string | undefined;
  readonly mimeType?: string | undefined;
};

/**
 * The `extra` of an `exact` EVM option: the token's EIP-712 domain `name` and `version` (for USDC
 * on Base, `"USD Coin"` and `"2"`). Other keys are kept as the server sent them.
 *
 * @example
 * ```ts
 * import type { X402ExactExtra } from "@peaqos/peaq-os-sdk";
 *
 * const extra: X402ExactExtra = { name: "USD Coin", version: "2" };
 * ```
 */
export type X402ExactExtra = {
  readonly name?: string | undefined;
  readonly version?: string | undefined;
  readonly [key: string]: unknown;
};

/**
 * One way to pay an x402 challenge (an x402 `PaymentRequirements`). For the `exact` EVM scheme:
 * `network` is CAIP-2 `eip155:<chainId>`, `amount` an integer string of the token's atomic units
 * (USDC has 6 decimals: `"1250000"` is 1.25), `asset` the token contract, `payTo` the recipient.
 *
 * @example USDC on Base
 * ```ts
 * import type { X402PaymentRequirements } from "@peaqos/peaq-os-sdk";
 *
 * const option: X402PaymentRequirements = {
 *   scheme: "exact",
 *   network: "eip155:8453",
 *   amount: "1250000",
 *   asset: "0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913",
 *   payTo: "0x8ba1f109551bD432803012645Ac136ddd64DBA72",
 *   maxTimeoutSeconds: 300,
 *   extra: { name: "USD Coin", version: "2" },
 * };
 * ```
 */
export type X402PaymentRequirements = {
  readonly scheme: string;
  readonly network: string;
  readonly amount: string;
  readonly asset: string;
  readonly payTo: string;
  readonly maxTimeoutSeconds: number;
  readonly extra: X402ExactExtra;
};

/**
 * The x402 challenge (an x402 `PaymentRequired`, version 2): what is paid for and the options
 * the server accepts. An x402 payment intent carries it as `payment.x402`; sign it with
 * `signX402Payment`.
 *
 * @example
 * ```ts
 * import type { X402PaymentRequired } from "@peaqos/peaq-os-sdk";
 *
 * function amountDue(challenge: X402PaymentRequired): string | undefined {
 *   return challenge.accepts.find((option) => option.scheme === "exact")?.amount;
 * }
 * ```
 */
export type X402PaymentRequired = {
  /** Always 2 for this wire; other versions are refused when signing. */
  readonly x402Version: number;
  readonly error?: string | undefined;
  readonly resource: X402ResourceInfo;
  readonly accepts: readonly X402PaymentRequirements[];
  readonly extensions?: Readonly<Record<string, unknown>> | undefined;
};

/**
 * The signed EIP-3009 `TransferWithAuthorization`. Every field is a string: addresses, the
 * value and the validity window (unix seconds) as decimal integers, `nonce` as `0x` + 32 bytes.
 *
 * @example
 * ```ts
 * import type { X402ExactAuthorization } from "@peaqos/peaq-os-sdk";
 *
 * function expiresAt(authorization: X402ExactAuthorization): Date {
 *   return new Date(Number(authorization.validBefore) * 1000);
 * }
 * ```
 */
export type X402ExactAuthorization = {
  readonly from: string;
  readonly to: string;
  readonly value: string;
  readonly validAfter: string;
  readonly validBefore: string;
  readonly nonce: string;
};

/**
 * The scheme-specific part of an `exact` EVM payment: the authorization and its EIP-712
 * signature (`0x` + 65 bytes `r || s || v`).
 *
 * @example
 * ```ts
 * import type { X402ExactPayload } from "@peaqos/peaq-os-sdk";
 *
 * const payer = (payload: X402ExactPayload): string => payload.authorization.from;
 * ```
 */
export type X402ExactPayload = {
  readonly authorization: X402ExactAuthorization;
  readonly signature: string;
};

/**
 * What the `PAYMENT-SIGNATURE` header carries, base64-encoded JSON (an x402 `PaymentPayload`,
 * version 2): the signed payload, the challenge's resource and the option it accepted. Keys
 * appear in this order in the JSON, as `@x402/core`'s client writes them.
 *
 * @example Read a header back
 * ```ts
 * import type { X402PaymentPayload } from "@peaqos/peaq-os-sdk";
 *
 * function decode(header: string): X402PaymentPayload {
 *   const bytes = Uint8Array.from(atob(header), (c) => c.charCodeAt(0));
 *   return JSON.parse(new TextDecoder().decode(bytes));
 * }
 * ```
 */
export type X402PaymentPayload = {
  readonly x402Version: number;
  readonly payload: X402ExactPayload;
  readonly extensions?: Readonly<Record<string, unknown>> | undefined;
  readonly resource?: X402ResourceInfo | undefined;
  readonly accepted: X402PaymentRequirements;
};
