/**
 * Opt-in retry policy: which requests may repeat, and how long to wait between attempts.
 *
 * @module
 */

/**
 * Retry settings; the client's default is no retry.
 *
 * @example Usage
 * ```ts
 * import type { RetryOptions } from "@peaqos/peaq-os-sdk";
 *
 * const retry: RetryOptions = { maxAttempts: 3, baseDelayMs: 200, maxDelayMs: 2_000 };
 * ```
 */
export type RetryOptions = {
  /** Attempts in all, including the first: 1 (no retry) to 10. */
  readonly maxAttempts: number;
  /** First backoff in milliseconds; doubles on each retry. Default 250. */
  readonly baseDelayMs?: number | undefined;
  /** Cap on any single wait, including one asked for by `Retry-After`. Default 10 000. */
  readonly maxDelayMs?: number | undefined;
};

const RETRYABLE_STATUS = new Set([408, 425, 429, 500, 502, 503, 504]);

/**
 * Whether a request may be sent again: GET, PUT and DELETE always; POST or PATCH only with an
 * `idempotency-key` header (`headers` has lower-case names).
 *
 * @internal
 */
export function isSafeToRetry(
  method: string,
  headers: Readonly<Record<string, string>>,
): boolean {
  return method === "GET" || method === "PUT" || method === "DELETE" ||
    headers["idempotency-key"] !== undefined;
}

/**
 * Whether a response status is worth retrying.
 *
 * @internal
 */
export function isRetryableStatus(status: number): boolean {
  return RETRYABLE_STATUS.has(status);
}

/**
 * The wait before retry number `retry` (1-based): exponential with full jitter, or the
 * server's `Retry-After` (seconds or an HTTP date), capped at `maxDelayMs`.
 *
 * @internal
 */
export function retryDelayMs(
  options: RetryOptions,
  retry: number,
  retryAfter: string | null,
  now: number = Date.now(),
): number {
  const cap = options.maxDelayMs ?? 10_000;
  if (retryAfter?.trim()) {
    const seconds = Number(retryAfter);
    const ms = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(retryAfter) - now;
    // A date already past (clock skew included) means "now", as RFC 9110 reads.
    if (Number.isFinite(ms)) return Math.min(Math.max(ms, 0), cap);
  }
  const exponential = (options.baseDelayMs ?? 250) * 2 ** (retry - 1);
  return Math.min(cap, Math.random() * exponential);
}

/**
 * Resolves after `ms`, or rejects with the signal's reason as soon as it aborts; the timer
 * never outlives the wait.
 *
 * @internal
 */
export function sleep(
  ms: number,
  signal: AbortSignal | undefined,
): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
