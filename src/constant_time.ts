/**
 * Internal, not a public export: the one comparison of secrets (API keys, MACs, signatures) used
 * by the core, the sandbox and the Worker.
 *
 * @module
 */

const encoder = /* @__PURE__ */ new TextEncoder();

/**
 * Whether `a` and `b` hold the same bytes (strings compare as UTF-8), in a time that depends on
 * the longer length only: no early exit on the first difference, nor on a length mismatch, so
 * the time taken tells an attacker neither how much of a guess was right nor how long the secret
 * is.
 *
 * @example
 * ```ts
 * import { constantTimeEqual } from "./constant_time.ts";
 * console.assert(constantTimeEqual("sk_live_1", "sk_live_1"));
 * console.assert(!constantTimeEqual("sk_live_1", "sk_live_12"));
 * console.assert(constantTimeEqual(new Uint8Array([1, 2]), new Uint8Array([1, 2])));
 * ```
 */
export function constantTimeEqual(
  a: Uint8Array | string,
  b: Uint8Array | string,
): boolean {
  const left = typeof a === "string" ? encoder.encode(a) : a;
  const right = typeof b === "string" ? encoder.encode(b) : b;
  const length = Math.max(left.length, right.length);
  let diff = left.length ^ right.length;
  for (let i = 0; i < length; i++) diff |= (left[i] ?? 0) ^ (right[i] ?? 0);
  return diff === 0;
}
