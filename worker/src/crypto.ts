/**
 * AES-GCM for agent pairing sessions kept at the edge, and SHA-256 for edge client keys.
 * Web Crypto only.
 *
 * @module
 */

const encoder = new TextEncoder();

/** A sealed value: random 96-bit IV and ciphertext with its tag, both base64. */
export type Sealed = { readonly iv: string; readonly data: string };

function toBase64(bytes: Uint8Array): string {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}

function fromBase64(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text);
  return Uint8Array.from(binary, (char) => char.charCodeAt(0));
}

/** Lowercase hex SHA-256 of a UTF-8 string. */
export async function sha256Hex(text: string): Promise<string> {
  const digest = new Uint8Array(
    await crypto.subtle.digest("SHA-256", encoder.encode(text)),
  );
  return Array.from(digest, (byte) => byte.toString(16).padStart(2, "0")).join(
    "",
  );
}

/** Compares two strings without an early exit on the first difference. */
export function constantTimeEqual(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}

/**
 * Imports `SESSION_ENCRYPTION_KEY` (base64 of 32 random bytes) as an AES-256-GCM key;
 * `undefined` when it is missing or not 32 bytes.
 */
export async function importSessionKey(
  raw: string | undefined,
): Promise<CryptoKey | undefined> {
  if (!raw) return undefined;
  let bytes: Uint8Array<ArrayBuffer>;
  try {
    bytes = fromBase64(raw.trim());
  } catch {
    return undefined;
  }
  if (bytes.length !== 32) return undefined;
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
  return { iv: toBase64(iv), data: toBase64(new Uint8Array(data)) };
}

/** Decrypts a {@linkcode Sealed} value; `undefined` when the key, context or data do not match. */
export async function open(
  key: CryptoKey,
  sealed: Sealed,
  context: string,
): Promise<string | undefined> {
  try {
    const plain = await crypto.subtle.decrypt(
      {
        name: "AES-GCM",
        iv: fromBase64(sealed.iv),
        additionalData: encoder.encode(context),
      },
      key,
      fromBase64(sealed.data),
    );
    return new TextDecoder().decode(plain);
  } catch {
    return undefined;
  }
}
