/**
 * AES-GCM for agent pairing sessions kept at the edge, and SHA-256 for edge client keys.
 * Web Crypto only.
 *
 * @module
 */
import { bytesToHex, decodeBase64, encodeBase64 } from "../../src/encoding.ts";

export { constantTimeEqual } from "../../src/constant_time.ts";

const encoder = new TextEncoder();

/** A sealed value: random 96-bit IV and ciphertext with its tag, both base64. */
export type Sealed = { readonly iv: string; readonly data: string };

/** Lowercase hex SHA-256 of a UTF-8 string. */
export async function sha256Hex(text: string): Promise<string> {
  const digest = new Uint8Array(
    await crypto.subtle.digest("SHA-256", encoder.encode(text)),
  );
  return bytesToHex(digest);
}

/**
 * Imports `SESSION_ENCRYPTION_KEY` (base64 of 32 random bytes) as an AES-256-GCM key;
 * `undefined` when it is missing or not 32 bytes.
 */
export async function importSessionKey(
  raw: string | undefined,
): Promise<CryptoKey | undefined> {
  if (!raw) return undefined;
  const bytes = decodeBase64(raw.trim());
  if (bytes?.length !== 32) return undefined;
  return await crypto.subtle.importKey("raw", bytes, "AES-GCM", false, [
    "encrypt",
    "decrypt",
  ]);
}

/**
 * Encrypts `plaintext`; `context` (e.g. the pairing id) is bound as additional data so a
 * ciphertext moved to another record fails to open.
 */
export async function seal(
  key: CryptoKey,
  plaintext: string,
  context: string,
): Promise<Sealed> {
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const data = await crypto.subtle.encrypt(
    { name: "AES-GCM", iv, additionalData: encoder.encode(context) },
    key,
    encoder.encode(plaintext),
  );
  return { iv: encodeBase64(iv), data: encodeBase64(new Uint8Array(data)) };
}

/** Decrypts a {@linkcode Sealed} value; `undefined` when the key, context or data do not match. */
export async function open(
  key: CryptoKey,
  sealed: Sealed,
  context: string,
): Promise<string | undefined> {
  const iv = decodeBase64(sealed.iv);
  const data = decodeBase64(sealed.data);
  if (iv === undefined || data === undefined) return undefined;
  try {
    const plain = await crypto.subtle.decrypt(
      { name: "AES-GCM", iv, additionalData: encoder.encode(context) },
      key,
      data,
    );
    return new TextDecoder().decode(plain);
  } catch {
    return undefined;
  }
}
