/**
 * Local checks that run before any request is made. Each failure is an
 * {@linkcode OrchestrationValidationError} naming the field and the constraint.
 *
 * @module
 */
import { OrchestrationValidationError } from "./errors.ts";
import type { ListQuery } from "./types/common.ts";

/**
 * Largest page size the API accepts.
 *
 * @example Ask for the largest page
 * ```ts
 * import { MAX_LIST_LIMIT, validateListQuery } from "@peaqos/peaq-os-sdk";
 *
 * validateListQuery({ limit: MAX_LIST_LIMIT }); // 500 passes; 501 throws
 * ```
 */
export const MAX_LIST_LIMIT = 500;

const invalid = (field: string, constraint: string, received?: unknown) =>
  new OrchestrationValidationError(field, constraint, received);

/**
 * Rejects a `limit` outside 1..500 (or not an integer) and a `cursor` that is not a
 * non-empty string, before the HTTP call.
 *
 * @example
 * ```ts
 * import { OrchestrationValidationError, validateListQuery } from "@peaqos/peaq-os-sdk";
 *
 * validateListQuery({ limit: 50 }); // fine
 * try {
 *   validateListQuery({ limit: 0 });
 * } catch (err) {
 *   console.assert(err instanceof OrchestrationValidationError && err.field === "limit");
 * }
 * ```
 */
export function validateListQuery(query: ListQuery | undefined): void {
  if (query == null) return;
  if (typeof query !== "object") throw invalid("options", "an object", query);
  // `null` means absent, as in the query string (a server may send `nextCursor: null`).
  const { limit, cursor } = query as { limit?: unknown; cursor?: unknown };
  if (
    limit != null &&
    !(Number.isInteger(limit) && (limit as number) > 0 && (limit as number) <= MAX_LIST_LIMIT)
  ) {
    throw invalid("limit", `an integer between 1 and ${MAX_LIST_LIMIT}`, limit);
  }
  if (cursor != null && (typeof cursor !== "string" || !cursor)) {
    throw invalid("cursor", "a non-empty string", cursor);
  }
}

// A lone surrogate makes encodeURIComponent throw a bare URIError. String.prototype.isWellFormed
// (ES2024, fast) where the runtime has it; the regex elsewhere.
const WELL_FORMED = /^(?:[^\ud800-\udfff]|[\ud800-\udbff][\udc00-\udfff])*$/;
const isWellFormed = (value: string): boolean =>
  (value as { isWellFormed?: () => boolean }).isWellFormed?.() ?? WELL_FORMED.test(value);

/**
 * Rejects a path parameter that is not a non-empty string, that is a dot segment (`.` or
 * `..`, which no encoding can keep from changing the path) or that is not well-formed Unicode.
 *
 * @internal
 */
export function validatePathParam(field: string, value: unknown): string {
  if (typeof value !== "string" || !value) throw invalid(field, "a non-empty string", value);
  if (value === "." || value === "..") throw invalid(field, "an id other than '.' or '..'", value);
  if (!isWellFormed(value)) throw invalid(field, "well-formed Unicode");
  return value;
}

// Header values must be visible ASCII; anything else would make fetch throw a bare TypeError.
const HEADER_SAFE = /^[\x21-\x7e]+$/;

/**
 * Rejects a credential that is empty or cannot travel in an HTTP header. The value itself
 * never appears in the message.
 *
 * @internal
 */
export function validateCredential(field: string, value: unknown): string {
  if (typeof value !== "string" || !HEADER_SAFE.test(value)) {
    throw invalid(field, "a non-empty string of visible ASCII characters");
  }
  return value;
}

function isHttpUrl(value: unknown): boolean {
  try {
    return /^https?:$/.test(new URL(value as string).protocol);
  } catch {
    return false;
  }
}

/**
 * Rejects a request body that is not a plain object, that lacks one of `required`, that holds
 * a number JSON cannot carry, or whose `endpointBaseUrl` (top level or in `endpoints[]`) is not
 * an http(s) URL.
 *
 * @internal
 */
export function validateBody(body: unknown, required: readonly string[]): void {
  if (body === undefined && !required.length) return;
  if (body === null || typeof body !== "object" || Array.isArray(body)) {
    throw invalid("params", "an object", body);
  }
  const record = body as Record<string, unknown>;
  for (const field of required) {
    if (record[field] == null || record[field] === "") throw invalid(field, "present");
  }
  // JSON has no NaN or Infinity: JSON.stringify would silently send `null` instead.
  const nonFinite = nonFinitePath(body, "", new Set());
  if (nonFinite !== undefined) throw invalid(nonFinite, "a finite number");
  const url = record.endpointBaseUrl;
  if (url !== undefined && !isHttpUrl(url)) throw invalid("endpointBaseUrl", "valid URL", url);
  if (Array.isArray(record.endpoints)) {
    record.endpoints.forEach((endpoint: unknown, index) => {
      const value = (endpoint as Record<string, unknown> | null)?.endpointBaseUrl;
      if (!isHttpUrl(value)) {
        throw invalid(`endpoints[${index}].endpointBaseUrl`, "valid URL", value);
      }
    });
  }
}

// The dotted path of the first NaN or ±Infinity in `value` (e.g. `budget.amount`), if any.
function nonFinitePath(value: unknown, path: string, seen: Set<object>): string | undefined {
  if (typeof value === "number") return Number.isFinite(value) ? undefined : path;
  if (value === null || typeof value !== "object" || seen.has(value)) return undefined;
  seen.add(value);
  for (const [key, child] of Object.entries(value)) {
    const found = nonFinitePath(
      child,
      Array.isArray(value) ? `${path}[${key}]` : path ? `${path}.${key}` : key,
      seen,
    );
    if (found !== undefined) return found;
  }
  return undefined;
}

/** Largest `paymentSignature` the SDK sends: an x402 payload is about 1.5 KiB of base64. */
const MAX_PAYMENT_SIGNATURE_LENGTH = 8 * 1024;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/**
 * Rejects a payment signature that is not a non-empty base64 string of at most 8 KiB. The
 * value never appears in the message.
 *
 * @internal
 */
export function validatePaymentSignature(value: unknown): string {
  if (
    typeof value !== "string" || value.length > MAX_PAYMENT_SIGNATURE_LENGTH ||
    !BASE64.test(value) || value.length % 4 === 1 || (value.endsWith("=") && value.length % 4)
  ) {
    throw invalid(
      "paymentSignature",
      `a non-empty base64 string of at most ${MAX_PAYMENT_SIGNATURE_LENGTH} characters`,
      value,
    );
  }
  return value;
}
