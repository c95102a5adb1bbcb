/**
 * Internal, not a public export: base64, base64url and hex, written once for the core, the signer
 * subpath, the sandbox and the Worker. Decoders accept only the canonical spelling (the one the
 * encoder writes back), so a MAC, a cursor or a payment payload has exactly one accepted text and
 * cannot be re-spelled in the unused low bits of its last character.
 *
 * @module
 */

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const BASE64URL = /^[A-Za-z0-9_-]*$/;
const HEX = /^(?:0[xX])?((?:[0-9a-fA-F]{2})*)$/;

function binaryOf(bytes: Uint8Array): string {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return binary;
}

function bytesOf(binary: string): Uint8Array<ArrayBuffer> {
  return Uint8Array.from(binary, (char) => char.charCodeAt(0));
}

/**
 * Padded base64 (RFC 4648 §4) of `bytes`.
 *
 * @example
 * ```ts
 * import { encodeBase64 } from "./encoding.ts";
 * console.assert(encodeBase64(new Uint8Array([104, 105])) === "aGk=");
 * ```
 */
export function encodeBase64(bytes: Uint8Array): string {
  return btoa(binaryOf(bytes));
}

/**
 * The bytes of padded base64, or `undefined` when `text` is not base64 in its canonical spelling
 * (padding present, unused low bits zero, no whitespace).
 *
 * @example
 * ```ts
 * import { decodeBase64 } from "./encoding.ts";
 * console.assert(decodeBase64("aGk=")?.length === 2);
 * console.assert(decodeBase64("aGl=") === undefined); // re-spelled low bits
 * ```
 */
export function decodeBase64(
  text: string,
): Uint8Array<ArrayBuffer> | undefined {
  if (!BASE64.test(text)) return undefined;
  const bytes = bytesOf(atob(text));
  return encodeBase64(bytes) === text ? bytes : undefined;
}

/**
 * Unpadded base64url (RFC 4648 §5) of `bytes`, as JWTs and cursors carry it.
 *
 * @example
 * ```ts
 * import { encodeBase64Url } from "./encoding.ts";
 * console.assert(encodeBase64Url(new Uint8Array([251, 255])) === "-_8");
 * ```
 */
export function encodeBase64Url(bytes: Uint8Array): string {
  return encodeBase64(bytes).replaceAll("+", "-").replaceAll("/", "_").replace(
    /=+$/,
    "",
  );
}

/**
 * The bytes of unpadded base64url, or `undefined` when `text` is not base64url in its canonical
 * spelling (no padding, unused low bits zero).
 *
 * @example
 * ```ts
 * import { decodeBase64Url } from "./encoding.ts";
 * console.assert(decodeBase64Url("-_8")?.length === 2);
 * console.assert(decodeBase64Url("-_9") === undefined); // re-spelled low bits
 * ```
 */
export function decodeBase64Url(
  text: string,
): Uint8Array<ArrayBuffer> | undefined {
  if (!BASE64URL.test(text) || text.length % 4 === 1) return undefined;
  const bytes = bytesOf(atob(text.replaceAll("-", "+").replaceAll("_", "/")));
  return encodeBase64Url(bytes) === text ? bytes : undefined;
}

/**
 * Lowercase hex of `bytes`, without `0x`.
 *
 * @example
 * ```ts
 * import { bytesToHex } from "./encoding.ts";
 * console.assert(bytesToHex(new Uint8Array([1, 171])) === "01ab");
 * ```
 */
export function bytesToHex(bytes: Uint8Array): string {
  let hex = "";
  for (const byte of bytes) hex += byte.toString(16).padStart(2, "0");
  return hex;
}

/**
 * The bytes of hex text (an optional `0x` prefix, an even number of digits in any case), or
 * `undefined` when it is not that.
 *
 * @example
 * ```ts
 * import { hexToBytes } from "./encoding.ts";
 * console.assert(hexToBytes("0x01AB")?.[1] === 171);
 * console.assert(hexToBytes("0x1") === undefined);
 * ```
 */
export function hexToBytes(hex: string): Uint8Array<ArrayBuffer> | undefined {
  const digits = HEX.exec(hex)?.[1];
  if (digits === undefined) return undefined;
  const bytes = new Uint8Array(digits.length / 2);
  for (let i = 0; i < bytes.length; i++) {
    bytes[i] = parseInt(digits.slice(i * 2, i * 2 + 2), 16);
  }
  return bytes;
}
