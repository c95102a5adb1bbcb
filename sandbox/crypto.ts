/**
 * The sandbox's cryptography: EIP-191 `personal_sign` recovery (secp256k1 + keccak-256, a real
 * ECDSA public-key recovery), HS256 JWTs over Web Crypto, SHA-256 and random tokens. The
 * EIP-191 hashing, address and signing primitives are the signer subpath's
 * (`signer/eip191.ts`), so the server verifies exactly what the SDK's signer signs.
 *
 * @module
 */
import { secp256k1 } from "@noble/curves/secp256k1.js";
import {
  addressOfPublicKey,
  personalMessageHash,
  signPersonalMessage as signWithKey,
  toChecksumAddress,
} from "../signer/eip191.ts";
import { bytesToHex, decodeBase64Url, encodeBase64Url, hexToBytes } from "../src/encoding.ts";

export { toChecksumAddress };

const encoder = new TextEncoder();

/**
 * Whether `value` is a 20-byte hex address (`0x` + 40 hex digits, any case).
 *
 * @example
 * ```ts ignore
 * isAddress("0x52908400098527886E0F7030069857D2E4169EE7"); // true
 * ```
 */
export function isAddress(value: string): boolean {
  return /^0x[0-9a-fA-F]{40}$/.test(value);
}

/**
 * Compares two addresses case-insensitively (checksummed and lowercase forms are equal).
 *
 * @example
 * ```ts ignore
 * sameAddress("0xAbC...", "0xabc..."); // true
 * ```
 */
export function sameAddress(a: string, b: string): boolean {
  return isAddress(a) && isAddress(b) && a.toLowerCase() === b.toLowerCase();
}

/**
 * Recovers the signer of an EIP-191 `personal_sign` signature (65 bytes `r || s || v`, `v` 27/28
 * or 0/1). Returns the checksummed address, or `undefined` for a malformed or high-s signature.
 *
 * @example
 * ```ts ignore
 * const signer = recoverPersonalSignAddress(challenge.message, signature);
 * if (signer === undefined || !sameAddress(signer, expected)) throw invalid();
 * ```
 */
export function recoverPersonalSignAddress(message: string, signature: string): string | undefined {
  return recoverDigestSigner(personalMessageHash(message), signature);
}

/**
 * Recovers the signer of a 65-byte `r || s || v` signature (hex, `0x` optional; `v` 27/28 or
 * 0/1) over a 32-byte digest. Returns the checksummed address, or `undefined` for a malformed or
 * high-s signature: a high-s twin of a valid signature is malleable, no Ethereum wallet makes
 * one, and EIP-3009 tokens refuse it as OpenZeppelin's ECDSA does.
 *
 * @example
 * ```ts ignore
 * const signer = recoverDigestSigner(hashTypedData(domain, types, message), signature);
 * ```
 */
export function recoverDigestSigner(digest: Uint8Array, signature: string): string | undefined {
  const bytes = hexToBytes(signature);
  if (bytes === undefined || bytes.length !== 65) return undefined;
  const v = bytes[64]!;
  const recovery = v >= 27 ? v - 27 : v;
  if (recovery !== 0 && recovery !== 1) return undefined;
  try {
    const sig = secp256k1.Signature.fromBytes(bytes.subarray(0, 64), "compact");
    if (sig.hasHighS()) return undefined;
    return addressOfPublicKey(sig.addRecoveryBit(recovery).recoverPublicKey(digest).toBytes(false));
  } catch {
    return undefined;
  }
}

/**
 * The checksummed address of a secp256k1 private key (hex, with or without `0x`).
 *
 * @example
 * ```ts ignore
 * const address = addressFromPrivateKey(generatePrivateKey());
 * ```
 */
export function addressFromPrivateKey(privateKeyHex: string): string {
  const key = hexToBytes(privateKeyHex);
  if (key === undefined || key.length !== 32) {
    throw new TypeError("Invalid private key: expected 32 bytes of hex");
  }
  return addressOfPublicKey(secp256k1.getPublicKey(key, false));
}

/**
 * Signs `message` as EIP-191 `personal_sign` does; returns `0x` + `r || s || v` (v = 27/28).
 * Test and demo tooling: the sandbox itself never holds a private key.
 *
 * @example
 * ```ts ignore
 * const signature = signPersonalMessage(privateKey, challenge.message);
 * ```
 */
export function signPersonalMessage(privateKeyHex: string, message: string): string {
  const key = hexToBytes(privateKeyHex);
  if (key === undefined || key.length !== 32) {
    throw new TypeError("Invalid private key: expected 32 bytes of hex");
  }
  return signWithKey(key, message);
}

/**
 * A fresh random secp256k1 private key as `0x` + 64 hex digits.
 *
 * @example
 * ```ts ignore
 * const privateKey = generatePrivateKey();
 * ```
 */
export function generatePrivateKey(): string {
  return "0x" + bytesToHex(secp256k1.utils.randomSecretKey());
}

/**
 * SHA-256 of a UTF-8 string as lowercase hex.
 *
 * @example
 * ```ts ignore
 * const tokenHash = await sha256Hex(provisioningToken);
 * ```
 */
export async function sha256Hex(value: string): Promise<string> {
  return bytesToHex(new Uint8Array(await crypto.subtle.digest("SHA-256", encoder.encode(value))));
}

/**
 * A random URL-safe token with a readable prefix, e.g. `pvt_3q…` (32 random bytes).
 *
 * @example
 * ```ts ignore
 * const provisioningToken = randomToken("pvt");
 * ```
 */
export function randomToken(prefix: string, bytes = 32): string {
  return `${prefix}_${encodeBase64Url(crypto.getRandomValues(new Uint8Array(bytes)))}`;
}

/**
 * `bytes` random bytes as lowercase hex (ids).
 *
 * @example
 * ```ts ignore
 * randomHex(8); // "9f2c0a7e51d3b846"
 * ```
 */
export function randomHex(bytes: number): string {
  return bytesToHex(crypto.getRandomValues(new Uint8Array(bytes)));
}

/**
 * Encodes a string as unpadded base64url (used for opaque cursors).
 *
 * @example
 * ```ts ignore
 * base64UrlEncodeText("42"); // "NDI"
 * ```
 */
export function base64UrlEncodeText(text: string): string {
  return encodeBase64Url(encoder.encode(text));
}

/**
 * Decodes unpadded base64url to a string, or `undefined` when it is not valid base64url/UTF-8.
 *
 * @example
 * ```ts ignore
 * base64UrlDecodeText("NDI"); // "42"
 * ```
 */
export function base64UrlDecodeText(text: string): string | undefined {
  const bytes = decodeBase64Url(text);
  if (bytes === undefined) return undefined;
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return undefined;
  }
}

/** JWT claims: a flat JSON object; `exp` is seconds since the epoch. */
export type JwtClaims = { readonly exp: number; readonly [claim: string]: unknown };

/** Result of {@linkcode verifyJwt}. */
export type JwtVerification =
  | { readonly ok: true; readonly claims: JwtClaims }
  | { readonly ok: false; readonly reason: "malformed" | "signature" | "expired" };

async function hmacKey(secret: Uint8Array): Promise<CryptoKey> {
  return await crypto.subtle.importKey(
    "raw",
    secret as Uint8Array<ArrayBuffer>,
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign", "verify"],
  );
}

const JWT_HEADER = base64UrlEncodeText(JSON.stringify({ alg: "HS256", typ: "JWT" }));

/**
 * Signs an HS256 JWT.
 *
 * @example
 * ```ts ignore
 * const token = await signJwt({ pairingId, exp: Math.floor(Date.now() / 1000) + 3600 }, secret);
 * ```
 */
export async function signJwt(claims: JwtClaims, secret: Uint8Array): Promise<string> {
  const signingInput = `${JWT_HEADER}.${base64UrlEncodeText(JSON.stringify(claims))}`;
  const mac = await crypto.subtle.sign("HMAC", await hmacKey(secret), encoder.encode(signingInput));
  return `${signingInput}.${encodeBase64Url(new Uint8Array(mac))}`;
}

/**
 * Verifies an HS256 JWT: header must say HS256, the MAC is checked by Web Crypto's
 * constant-time `verify`, then `exp` is compared with `nowMs`.
 *
 * @example
 * ```ts ignore
 * const result = await verifyJwt(token, secret, Date.now());
 * if (!result.ok) throw new ApiError(401, "AGENT_AUTH_INVALID", "Invalid pairing token");
 * ```
 */
export async function verifyJwt(
  token: string,
  secret: Uint8Array,
  nowMs: number,
): Promise<JwtVerification> {
  const parts = token.split(".");
  if (parts.length !== 3) return { ok: false, reason: "malformed" };
  const [header, payload, mac] = parts as [string, string, string];
  const macBytes = decodeBase64Url(mac);
  const headerText = base64UrlDecodeText(header);
  if (macBytes === undefined || headerText === undefined) return { ok: false, reason: "malformed" };
  try {
    const parsed = JSON.parse(headerText) as { alg?: unknown };
    if (parsed.alg !== "HS256") return { ok: false, reason: "malformed" };
  } catch {
    return { ok: false, reason: "malformed" };
  }
  const valid = await crypto.subtle.verify(
    "HMAC",
    await hmacKey(secret),
    macBytes,
    encoder.encode(`${header}.${payload}`),
  );
  if (!valid) return { ok: false, reason: "signature" };
  const payloadText = base64UrlDecodeText(payload);
  if (payloadText === undefined) return { ok: false, reason: "malformed" };
  let claims: unknown;
  try {
    claims = JSON.parse(payloadText);
  } catch {
    return { ok: false, reason: "malformed" };
  }
  if (typeof claims !== "object" || claims === null || Array.isArray(claims)) {
    return { ok: false, reason: "malformed" };
  }
  const exp = (claims as { exp?: unknown }).exp;
  if (typeof exp !== "number" || !Number.isFinite(exp)) return { ok: false, reason: "malformed" };
  if (exp * 1000 <= nowMs) return { ok: false, reason: "expired" };
  return { ok: true, claims: claims as JwtClaims };
}

/**
 * Bytes from a UTF-8 secret string (the `jwtSecret` option) or fresh random bytes.
 *
 * @example
 * ```ts ignore
 * const secret = secretBytes(options.jwtSecret);
 * ```
 */
export function secretBytes(secret?: string): Uint8Array {
  return secret === undefined ? crypto.getRandomValues(new Uint8Array(32)) : encoder.encode(secret);
}
