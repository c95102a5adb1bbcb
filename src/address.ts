/**
 * Internal, not a public export: EVM addresses in the dependency-free core. An address is
 * `0x` + 40 hex digits; a mixed-case one must carry a valid EIP-55 checksum (a typo in a
 * checksummed address is caught, as ethers' `getAddress` does). Addresses handed to a signer are
 * checksummed first, so viem's stricter typed-data check always passes.
 *
 * @module
 */
import { keccak256 } from "./keccak.ts";

const ADDRESS = /^0x[0-9a-fA-F]{40}$/;
const encoder = /* @__PURE__ */ new TextEncoder();

/**
 * The EIP-55 mixed-case form of a `0x`-prefixed 20-byte hex address (any case in).
 *
 * @example
 * ```ts ignore
 * checksumAddress("0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed"); // "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed"
 * ```
 */
export function checksumAddress(address: string): string {
  const lower = address.slice(2).toLowerCase();
  const hash = keccak256(encoder.encode(lower));
  let out = "0x";
  for (let i = 0; i < lower.length; i++) {
    // Nibble i of the hash decides the case of hex digit i.
    const nibble = (hash[i >> 1]! >> (i % 2 === 0 ? 4 : 0)) & 0x0f;
    out += nibble >= 8 ? lower[i]!.toUpperCase() : lower[i]!;
  }
  return out;
}

/**
 * Whether `value` is an address: `0x` + 40 hex digits, all lowercase, all uppercase, or mixed
 * case with a valid EIP-55 checksum.
 *
 * @example
 * ```ts ignore
 * isAddress("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed"); // true
 * isAddress("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD"); // false: checksum broken
 * ```
 */
export function isAddress(value: unknown): value is string {
  if (typeof value !== "string" || !ADDRESS.test(value)) return false;
  const body = value.slice(2);
  if (body === body.toLowerCase() || body === body.toUpperCase()) return true;
  return checksumAddress(value) === value;
}

/**
 * The EIP-55 form of `value` when it is an address ({@linkcode isAddress}), else `undefined`:
 * one hash for both the check and the checksum.
 *
 * @example
 * ```ts ignore
 * parseAddress("0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed"); // "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed"
 * parseAddress("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD"); // undefined
 * ```
 */
export function parseAddress(value: unknown): string | undefined {
  if (typeof value !== "string" || !ADDRESS.test(value)) return undefined;
  const checksummed = checksumAddress(value);
  const body = value.slice(2);
  const uniformCase = body === body.toLowerCase() ||
    body === body.toUpperCase();
  return uniformCase || checksummed === value ? checksummed : undefined;
}
