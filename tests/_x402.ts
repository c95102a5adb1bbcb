/**
 * Shared fixtures of the x402 tests: a USDC-on-Base challenge built by the sandbox, keys, and a
 * header decoder.
 *
 * @module
 */
import { x402Challenge, type X402ServiceParams } from "../sandbox/x402.ts";
import type { X402PaymentPayload, X402PaymentRequired } from "../mod.ts";

/** USDC on Base, as a catalogue service would declare it. */
export const USDC_BASE: X402ServiceParams = {
  network: "eip155:8453",
  asset: "0x833589fcd6edb6e08f4c7c32d4f71b54bda02913",
  payTo: "0x8ba1f109551bd432803012645ac136ddd64dba72",
  maxTimeoutSeconds: 300,
  extra: { name: "USD Coin", version: "2" },
};

/** The resource of order `ord_1`. */
export const RESOURCE = {
  url: "http://127.0.0.1:8787/api/v1/market/orders/ord_1/execute",
  description: "Simulated translation",
  mimeType: "application/json",
} as const;

/** A challenge for `amount` (default 1.25, i.e. `"1250000"` atomic units). */
export function challenge(
  amount = 1.25,
  service: X402ServiceParams = USDC_BASE,
): X402PaymentRequired {
  return x402Challenge({ service, amount, resource: RESOURCE });
}

/** A fresh random private key, `0x` + 64 hex digits. */
export function randomKey(): `0x${string}` {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  return `0x${Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("")}`;
}

/** The JSON payload inside a `PAYMENT-SIGNATURE` header. */
export function decodeHeader(header: string): X402PaymentPayload {
  const bytes = Uint8Array.from(atob(header), (c) => c.charCodeAt(0));
  return JSON.parse(new TextDecoder().decode(bytes));
}

/** Base64 of the UTF-8 JSON of `value`, as a header carries it. */
export function encodeHeader(value: unknown): string {
  let binary = "";
  for (const byte of new TextEncoder().encode(JSON.stringify(value))) {
    binary += String.fromCharCode(byte);
  }
  return btoa(binary);
}
