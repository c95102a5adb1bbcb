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
  if (query === undefined || query === null) return;
  if (typeof query !== "object") {
    throw new OrchestrationValidationError("options", "an object", query);
  }
  // `null` means absent, as in the query string (a server may send `nextCursor: null`).
  const { limit, cursor } = query as { limit?: unknown; cursor?: unknown };
  if (
    limit !== undefined && limit !== null &&
    (typeof limit !== "number" || !Number.isInteger(limit) || limit < 1 ||
      limit > MAX_LIST_LIMIT)
  ) {
    throw new OrchestrationValidationError(
      "limit",
      `an integer between 1 and ${MAX_LIST_LIMIT}`,
      limit,
    );
  }
  if (
    cursor !== undefined && cursor !== null &&
    (typeof cursor !== "string" || cursor === "")
  ) {
    throw new OrchestrationValidationError(
      "cursor",
      "a non-empty string",
      cursor,
    );
  }
}

const WELL_FORMED = /^(?:[^\ud800-\udfff]|[\ud800-\udbff][\udc00-\udfff])*$/;
// String.prototype.isWellFormed (ES2024) where the runtime has it; the regex elsewhere.
const isWellFormed: (value: string) => boolean =
  typeof (String.prototype as { isWellFormed?: unknown }).isWellFormed ===
      "function"
    ? (value) => (value as string & { isWellFormed(): boolean }).isWellFormed()
    : (value) => WELL_FORMED.test(value);

/**
 * Rejects a path parameter that is not a non-empty string or that is a dot segment (`.` or
 * `..`), which no encoding can keep from changing the path.
 *
 * @internal
 */
export function validatePathParam(field: string, value: unknown): string {
  if (typeof value !== "string" || value.length === 0) {
    throw new OrchestrationValidationError(field, "a non-empty string", value);
  }
  if (value === "." || value === "..") {
    throw new OrchestrationValidationError(
      field,
      "an id other than '.' or '..'",
      value,
    );
  }
  // A lone surrogate makes encodeURIComponent throw a bare URIError.
  if (!isWellFormed(value)) {
    throw new OrchestrationValidationError(field, "well-formed Unicode");
  }
  return value;
}

/**
 * Rejects a URL that `new URL()` cannot parse or that is not `http:`/`https:`.
 *
 * @internal
 */
export function validateUrl(field: string, value: unknown): void {
  let url: URL | undefined;
  try {
    url = typeof value === "string" ? new URL(value) : undefined;
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== "http:" && url.protocol !== "https:")) {
    throw new OrchestrationValidationError(field, "valid URL", value);
  }
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
    throw new OrchestrationValidationError(
      field,
      "a non-empty string of visible ASCII characters",
    );
  }
  return value;
}

/**
 * Rejects a request body that is not a plain object, or that lacks one of `required`.
 *
 * @internal
 */
export function validateBody(body: unknown, required: readonly string[]): void {
  if (body === undefined && required.length === 0) return;
  if (body === null || typeof body !== "object" || Array.isArray(body)) {
    throw new OrchestrationValidationError("params", "an object", body);
  }
  for (const field of required) {
    const value = (body as Record<string, unknown>)[field];
    if (value === undefined || value === null || value === "") {
      throw new OrchestrationValidationError(field, "present");
    }
  }
  const nonFinite = nonFiniteNumberPath(body, "", new Set());
  if (nonFinite !== undefined) {
    // JSON has no NaN or Infinity: JSON.stringify would silently send `null` instead.
    throw new OrchestrationValidationError(nonFinite, "a finite number");
  }
  const url = (body as Record<string, unknown>)["endpointBaseUrl"];
  if (url !== undefined) validateUrl("endpointBaseUrl", url);
  const endpoints = (body as Record<string, unknown>)["endpoints"];
  if (Array.isArray(endpoints)) {
    endpoints.forEach((endpoint: unknown, index) => {
      const value = (endpoint as Record<string, unknown> | null)
        ?.["endpointBaseUrl"];
      try {
        validateUrl("endpointBaseUrl", value);
      } catch {
        throw new OrchestrationValidationError(
          `endpoints[${index}].endpointBaseUrl`,
          "valid URL",
          value,
        );
      }
    });
  }
}

// The dotted path of the first NaN or ±Infinity in `value` (e.g. `budget.amount`), if any.
function nonFiniteNumberPath(
  value: unknown,
  path: string,
  seen: Set<object>,
): string | undefined {
  if (typeof value === "number") {
    return Number.isFinite(value) ? undefined : path;
  }
  if (value === null || typeof value !== "object" || seen.has(value)) {
    return undefined;
  }
  seen.add(value);
  for (const [key, child] of Object.entries(value)) {
    const childPath = Array.isArray(value) ? `${path}[${key}]` : path ? `${path}.${key}` : key;
    const found = nonFiniteNumberPath(child, childPath, seen);
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
    !BASE64.test(value) || value.length % 4 === 1 ||
    (value.endsWith("=") && value.length % 4 !== 0)
  ) {
    throw new OrchestrationValidationError(
      "paymentSignature",
      `a non-empty base64 string of at most ${MAX_PAYMENT_SIGNATURE_LENGTH} characters`,
      value,
    );
  }
  return value;
}
