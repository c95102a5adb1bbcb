/**
 * Internal, not a public export: the EIP-191 `personal_sign` primitives (message hash, digest
 * signing, address derivation, EIP-55 checksums) over `@noble/curves` and `@noble/hashes`. The signer
 * subpath signs with them; the local sandbox (`sandbox/crypto.ts`) recovers signatures and signs
 * test challenges with the same code, so both sides of the wire hash a message identically.
 *
 * @module
 */
import { secp256k1 } from "@noble/curves/secp256k1.js";
import { keccak_256 } from "@noble/hashes/sha3.js";
import { bytesToHex } from "../src/encoding.ts";

const encoder = new TextEncoder();

/**
 * The EIP-55 mixed-case checksum form of an address (`0x` optional, any case).
 *
 * @example
 * ```ts
 * import { toChecksumAddress } from "./eip191.ts";
 * const address = toChecksumAddress("0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed");
 * console.assert(address === "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed");
 * ```
 */
export function toChecksumAddress(address: string): string {
  const lower = address.toLowerCase().replace(/^0x/, "");
  const hash = bytesToHex(keccak_256(encoder.encode(lower)));
  let out = "0x";
  for (let i = 0; i < lower.length; i++) {
    out += parseInt(hash[i]!, 16) >= 8 ? lower[i]!.toUpperCase() : lower[i]!;
  }
  return out;
}

/**
 * keccak256("\x19Ethereum Signed Message:\n" + byte length + message): what `personal_sign`
 * signs.
 *
 * @example
 * ```ts
 * import { personalMessageHash } from "./eip191.ts";
 * console.assert(personalMessageHash("peaq challenge").length === 32);
 * ```
 */
export function personalMessageHash(message: string): Uint8Array {
  const body = encoder.encode(message);
  const prefix = encoder.encode(`\x19Ethereum Signed Message:\n${body.length}`);
  const data = new Uint8Array(prefix.length + body.length);
  data.set(prefix);
  data.set(body, prefix.length);
  return keccak_256(data);
}

/**
 * The checksummed address of an uncompressed secp256k1 public key (65 bytes, `0x04` first): the
 * last 20 bytes of keccak256(x || y).
 *
 * @example
 * ```ts
 * import { secp256k1 } from "@noble/curves/secp256k1.js";
 * import { addressOfPublicKey } from "./eip191.ts";
 * const key = secp256k1.utils.randomSecretKey();
 * console.assert(/^0x[0-9a-fA-F]{40}$/.test(addressOfPublicKey(secp256k1.getPublicKey(key, false))));
 * ```
 */
export function addressOfPublicKey(uncompressed: Uint8Array): string {
  return toChecksumAddress(bytesToHex(keccak_256(uncompressed.subarray(1)).subarray(12)));
}

/**
 * Signs `message` as `personal_sign` does (RFC 6979 nonces, low s) with a 32-byte secp256k1
 * key; returns `0x` + 65 bytes `r || s || v`, `v` 27 or 28.
 *
 * @example
 * ```ts
 * import { secp256k1 } from "@noble/curves/secp256k1.js";
 * import { signPersonalMessage } from "./eip191.ts";
 * const signature = signPersonalMessage(secp256k1.utils.randomSecretKey(), "peaq challenge");
 * console.assert(/^0x[0-9a-f]{130}$/.test(signature));
 * ```
 */
export function signPersonalMessage(privateKey: Uint8Array, message: string): string {
  return signDigest(privateKey, personalMessageHash(message));
}

/**
 * Signs a 32-byte digest (RFC 6979 nonces, low s) with a 32-byte secp256k1 key; returns `0x` +
 * 65 bytes `r || s || v`, `v` 27 or 28. `personal_sign` and EIP-712 both end here.
 *
 * @example
 * ```ts
 * import { secp256k1 } from "@noble/curves/secp256k1.js";
 * import { signDigest } from "./eip191.ts";
 * const signature = signDigest(secp256k1.utils.randomSecretKey(), new Uint8Array(32).fill(7));
 * console.assert(/^0x[0-9a-f]{128}(1b|1c)$/.test(signature));
 * ```
 */
export function signDigest(privateKey: Uint8Array, digest: Uint8Array): string {
  const signature = secp256k1.sign(digest, privateKey, { prehash: false, format: "recovered" });
  // noble's "recovered" layout is recovery || r || s; Ethereum's is r || s || (27 + recovery).
  return `0x${bytesToHex(signature.subarray(1))}${(27 + signature[0]!).toString(16)}`;
}
