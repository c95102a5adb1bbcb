/**
 * The one request path every method of the SDK goes through: URL building, auth headers,
 * timeouts, opt-in retries, hooks, envelope checks and error mapping live here and nowhere
 * else.
 *
 * @module
 */
import { type Envelope, envelopeMismatch, readErrorEnvelope } from "./envelope.ts";
import {
  OrchestrationApiError,
  OrchestrationConfigError,
  OrchestrationError,
  OrchestrationNetworkError,
  OrchestrationValidationError,
  type RequestSummary,
} from "./errors.ts";
import { attachSecret, sanitizeBody } from "./redact.ts";
import {
  isRetryableStatus,
  isSafeToRetry,
  retryDelayMs,
  type RetryOptions,
  sleep,
} from "./retry.ts";
import {
  validateBody,
  validateCredential,
  validateListQuery,
  validatePathParam,
} from "./validation.ts";
import { VERSION } from "./version.ts";

/**
 * Prepended to every route path.
 *
 * @example Build a raw URL
 * ```ts
 * import { API_BASE_PATH } from "@peaqos/peaq-os-sdk";
 *
 * const url = `https://orchestration.peaq.xyz${API_BASE_PATH}/machines`;
 * console.assert(url.endsWith("/api/v1/machines"));
 * ```
 */
export const API_BASE_PATH = "/api/v1";

/**
 * Default timeout of GET requests, in milliseconds.
 *
 * @example Double the read timeout
 * ```ts
 * import { DEFAULT_READ_TIMEOUT_MS, PeaqosClient } from "@peaqos/peaq-os-sdk";
 *
 * const client = new PeaqosClient({
 *   orchestrationUrl: "https://orchestration.peaq.xyz",
 *   timeouts: { read: 2 * DEFAULT_READ_TIMEOUT_MS },
 * });
 * ```
 */
export const DEFAULT_READ_TIMEOUT_MS = 30_000;

/**
 * Default timeout of POST, PATCH, PUT and DELETE requests, in milliseconds.
 *
 * @example Cap one slow write
 * ```ts
 * import { DEFAULT_WRITE_TIMEOUT_MS, type RequestOptions } from "@peaqos/peaq-os-sdk";
 *
 * const options: RequestOptions = { timeoutMs: DEFAULT_WRITE_TIMEOUT_MS / 2 };
 * ```
 */
export const DEFAULT_WRITE_TIMEOUT_MS = 60_000;

/**
 * The `fetch` signature the SDK calls; inject one for tests or Workers service bindings.
 *
 * @example Wrap `fetch` to add tracing
 * ```ts
 * import { type FetchLike, PeaqosClient } from "@peaqos/peaq-os-sdk";
 *
 * const tracedFetch: FetchLike = (input, init) => {
 *   console.log(init.method, input);
 *   return fetch(input, init);
 * };
 * const client = new PeaqosClient({
 *   orchestrationUrl: "https://orchestration.peaq.xyz",
 *   fetch: tracedFetch,
 * });
 * ```
 */
export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

/**
 * Per-call options, accepted as the last argument of every method.
 *
 * @example Usage
 * ```ts
 * import type { RequestOptions } from "@peaqos/peaq-os-sdk";
 *
 * const options: RequestOptions = {
 *   signal: AbortSignal.timeout(5_000),
 *   headers: { "idempotency-key": crypto.randomUUID() },
 * };
 * ```
 */
export type RequestOptions = {
  /** Aborts the call; the promise rejects with an `OrchestrationNetworkError`. */
  readonly signal?: AbortSignal;
  /** Overrides the client's timeout for this call. */
  readonly timeoutMs?: number;
  /**
   * Extra headers, e.g. `idempotency-key` (which makes a POST safe to retry) or
   * `traceparent`. They cannot replace the SDK's auth, content-type or user-agent headers.
   */
  readonly headers?: Readonly<Record<string, string>>;
};

/**
 * Client-wide timeouts in milliseconds.
 *
 * @example Usage
 * ```ts
 * import type { TimeoutOptions } from "@peaqos/peaq-os-sdk";
 *
 * const timeouts: TimeoutOptions = { read: 10_000, write: 45_000 };
 * ```
 */
export type TimeoutOptions = {
  /** GET requests; default 30 000. */
  readonly read?: number;
  /** POST, PATCH, PUT and DELETE requests; default 60 000. */
  readonly write?: number;
};

/**
 * What `onRequest` sees: credentials in `headers` are already `"[REDACTED]"`.
 *
 * @example Log every attempt
 * ```ts
 * import { PeaqosClient, type RequestHookInfo } from "@peaqos/peaq-os-sdk";
 *
 * const onRequest = (info: RequestHookInfo) => console.log(info.attempt, info.method, info.url);
 * const client = new PeaqosClient({
 *   orchestrationUrl: "https://orchestration.peaq.xyz",
 *   onRequest,
 * });
 * ```
 */
export type RequestHookInfo = {
  readonly method: string;
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  /** 1 for the first attempt, 2 for the first retry, and so on. */
  readonly attempt: number;
};

/**
 * What `onResponse` sees after each attempt that got a response.
 *
 * @example Record latency
 * ```ts
 * import { PeaqosClient, type ResponseHookInfo } from "@peaqos/peaq-os-sdk";
 *
 * const onResponse = (info: ResponseHookInfo) => {
 *   console.log(info.status, `${info.durationMs} ms`, info.requestId);
 * };
 * const client = new PeaqosClient({
 *   orchestrationUrl: "https://orchestration.peaq.xyz",
 *   onResponse,
 * });
 * ```
 */
export type ResponseHookInfo = RequestHookInfo & {
  readonly status: number;
  readonly durationMs: number;
  /** The server's `x-request-id`, when sent. */
  readonly requestId: string | undefined;
};

/** Everything the transport needs; built once per client. */
export type TransportConfig = {
  /** Origin (and optional base path) of the orchestration service. */
  readonly orchestrationUrl: string;
  readonly apiKey?: string | undefined;
  readonly fetch?: FetchLike | undefined;
  readonly timeouts?: TimeoutOptions | undefined;
  readonly retry?: RetryOptions | undefined;
  readonly onRequest?: ((info: RequestHookInfo) => void | Promise<void>) | undefined;
  readonly onResponse?: ((info: ResponseHookInfo) => void | Promise<void>) | undefined;
};

/**
 * One route call, declared by a resource method. `route` is `"<METHOD> <path template>"`
 * with `:name` placeholders filled from `params`.
 *
 * @internal
 */
export type RequestSpec = {
  readonly route: string;
  readonly params?: Readonly<Record<string, string>>;
  readonly query?: object | undefined;
  /** Validate `query` as cursor pagination (limit 1..500). */
  readonly paginated?: boolean;
  readonly body?: unknown;
  /** Fields that must be present and non-empty: of the body, or of the query on GET. */
  readonly required?: readonly string[];
  /** Agent auth: the pairing token sent as `x-agent-pairing-token`. */
  readonly agent?: string;
  /** `"none"`: no auth header at all (the heartbeat carries its token in the body). */
  readonly auth?: "none";
  /** Address the path below `orchestrationUrl` itself, without `/api/v1` (`GET /health`). */
  readonly unversioned?: boolean;
  readonly expect: Envelope;
  /** A one-time secret in `item` to hide from every printed form of the result. */
  readonly secret?: "pairingToken" | "provisioningToken";
};

type Prepared = {
  readonly method: string;
  readonly url: string;
  // A plain record, not a Headers instance: fetch reads a record faster (see bench/).
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string | undefined;
  readonly summary: RequestSummary;
  readonly timeoutMs: number;
};

type Attempt =
  | { readonly ok: true; readonly value: unknown }
  | { readonly ok: false; readonly error: OrchestrationError; readonly retryAfter: string | null };

const USER_AGENT = `peaq-os-sdk-js/${VERSION}`;
const PLACEHOLDER = /:([A-Za-z][A-Za-z0-9]*)/g;
const RESERVED_HEADERS = new Set([
  "x-api-key",
  "x-agent-pairing-token",
  "content-type",
  "user-agent",
  "accept",
]);

const MAX_TIMER_MS = 2_147_483_647;

// Looked up at call time so a fetch installed (or mocked) after construction is used.
const globalFetch: FetchLike = (input, init) => globalThis.fetch(input, init);

/**
 * Sends requests for one client. Not exported from the package: resource methods are its
 * only callers.
 *
 * @internal
 */
export class Transport {
  readonly #baseUrl: string;
  readonly #rootUrl: string;
  readonly #origin: string;
  readonly #apiKey: string | undefined;
  readonly #fetch: FetchLike;
  readonly #readTimeout: number;
  readonly #writeTimeout: number;
  readonly #retry: RetryOptions | undefined;
  readonly #onRequest: TransportConfig["onRequest"];
  readonly #onResponse: TransportConfig["onResponse"];

  /** Creates a transport; `orchestrationUrl` must already be a valid http(s) URL. */
  constructor(config: TransportConfig) {
    const url = new URL(config.orchestrationUrl);
    this.#origin = url.origin;
    this.#rootUrl = `${url.origin}${url.pathname.replace(/\/+$/, "")}`;
    this.#baseUrl = `${this.#rootUrl}${API_BASE_PATH}`;
    this.#apiKey = config.apiKey;
    const injected = config.fetch;
    // Called as a plain function: a bound method (e.g. a Workers service binding's fetch) must
    // not receive the transport as `this`, and browsers reject fetch called on a foreign `this`.
    this.#fetch = injected ? (input, init) => injected(input, init) : globalFetch;
    this.#readTimeout = config.timeouts?.read ?? DEFAULT_READ_TIMEOUT_MS;
    this.#writeTimeout = config.timeouts?.write ?? DEFAULT_WRITE_TIMEOUT_MS;
    this.#retry = config.retry;
    this.#onRequest = config.onRequest;
    this.#onResponse = config.onResponse;
  }

  /** Sends one route call and resolves to its checked body (`undefined` for 204). */
  async request<T>(spec: RequestSpec, options?: RequestOptions): Promise<T> {
    const prepared = this.#prepare(spec, options);
    const maxAttempts = this.#retry && isSafeToRetry(prepared.method, new Headers(prepared.headers))
      ? this.#retry.maxAttempts
      : 1;
    for (let attempt = 1;; attempt++) {
      const result = await this.#attempt(prepared, spec, options?.signal, attempt);
      if (result.ok) return result.value as T;
      if (attempt >= maxAttempts || !isRetryable(result.error) || !this.#retry) throw result.error;
      try {
        await sleep(retryDelayMs(this.#retry, attempt, result.retryAfter), options?.signal);
      } catch (reason) {
        throw aborted(prepared, reason);
      }
    }
  }

  #prepare(spec: RequestSpec, options: RequestOptions | undefined): Prepared {
    const space = spec.route.indexOf(" ");
    const method = spec.route.slice(0, space);
    const params = spec.params ?? {};
    const path = spec.route.slice(space + 1).replace(
      PLACEHOLDER,
      (_match, name: string) => encodeURIComponent(validatePathParam(name, params[name])),
    );
    if (spec.paginated) validateListQuery(spec.query as Record<string, unknown> | undefined);
    const hasBody = method !== "GET" && method !== "DELETE";
    if (hasBody) validateBody(spec.body, spec.required ?? []);
    else if (spec.required) validateBody(spec.query ?? {}, spec.required);
    const search = encodeQuery(spec.query);
    const headers = this.#headers(spec, options);
    const body = hasBody ? serialize(spec.body ?? {}) : undefined;
    if (body !== undefined) headers["content-type"] = "application/json";
    const timeoutMs = options?.timeoutMs ??
      (method === "GET" ? this.#readTimeout : this.#writeTimeout);
    if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) {
      throw new OrchestrationValidationError("timeoutMs", "a positive number", timeoutMs);
    }
    const url = `${spec.unversioned ? this.#rootUrl : this.#baseUrl}${path}${search}`;
    const summary: RequestSummary = hasBody
      ? { method, path: url.slice(this.#origin.length), body: sanitizeBody(spec.body ?? {}) }
      : { method, path: url.slice(this.#origin.length) };
    return { method, url, headers, body, summary, timeoutMs };
  }

  #headers(spec: RequestSpec, options: RequestOptions | undefined): Record<string, string> {
    // Lower-case names, as Headers would give; no prototype, so any header name is a plain key.
    const headers: Record<string, string> = Object.create(null);
    if (options?.headers !== undefined) {
      let extra: Headers;
      try {
        // Via the Headers constructor, so a Headers instance from JavaScript is not dropped silently.
        extra = new Headers(options.headers as HeadersInit);
      } catch {
        throw new OrchestrationValidationError("headers", "valid HTTP header names and values");
      }
      extra.forEach((value, name) => {
        if (!RESERVED_HEADERS.has(name)) headers[name] = value;
      });
    }
    headers["accept"] = "application/json";
    headers["user-agent"] = USER_AGENT;
    if (spec.auth === "none") return headers;
    if ("agent" in spec) {
      headers["x-agent-pairing-token"] = validateCredential("pairingToken", spec.agent);
    } else if (this.#apiKey === undefined) {
      throw new OrchestrationConfigError(
        "Missing 'apiKey': platform calls need an API key (set 'apiKey' or PEAQOS_API_KEY)",
      );
    }
    if (this.#apiKey !== undefined) headers["x-api-key"] = this.#apiKey;
    return headers;
  }

  async #attempt(
    prepared: Prepared,
    spec: RequestSpec,
    signal: AbortSignal | undefined,
    attempt: number,
  ): Promise<Attempt> {
    if (signal?.aborted) {
      return { ok: false, error: aborted(prepared, signal.reason), retryAfter: null };
    }
    const controller = new AbortController();
    let timedOut = false;
    // Timers overflow above 2^31-1 ms and would fire at once; longer waits are effectively none.
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, Math.min(prepared.timeoutMs, MAX_TIMER_MS));
    const onAbort = () => controller.abort(signal?.reason);
    signal?.addEventListener("abort", onAbort, { once: true });
    const started = Date.now();
    try {
      // Built only when a hook will see it: redacting headers on every call costs time.
      const hookInfo = this.#onRequest || this.#onResponse
        ? {
          method: prepared.method,
          url: prepared.url,
          headers: redactHeaders(prepared.headers),
          attempt,
        }
        : undefined;
      if (this.#onRequest) await this.#onRequest(hookInfo!);
      let status: number;
      let response: Response;
      let text: string;
      try {
        response = await this.#fetch(prepared.url, {
          method: prepared.method,
          headers: prepared.headers,
          body: prepared.body ?? null,
          signal: controller.signal,
          redirect: "manual",
        });
        status = response.status;
        text = await response.text();
      } catch (cause) {
        const error = timedOut
          ? new OrchestrationNetworkError(
            `Request timed out after ${prepared.timeoutMs} ms: ${describe(prepared)}`,
            { cause, request: prepared.summary, timedOut: true },
          )
          : signal?.aborted
          ? aborted(prepared, signal.reason)
          : new OrchestrationNetworkError(
            `Request failed: ${describe(prepared)}: ${causeText(cause)}`,
            {
              cause,
              request: prepared.summary,
            },
          );
        return { ok: false, error, retryAfter: null };
      }
      // Response headers are read only when needed: materialising them costs time per call.
      const requestId = () => response.headers.get("x-request-id") ?? undefined;
      if (this.#onResponse) {
        await this.#onResponse({
          ...hookInfo!,
          status,
          durationMs: Date.now() - started,
          requestId: requestId(),
        });
      }
      const outcome = interpret(status, text, spec, prepared, requestId);
      return outcome instanceof OrchestrationError
        ? { ok: false, error: outcome, retryAfter: response.headers.get("retry-after") }
        : { ok: true, value: outcome };
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
    }
  }
}

function interpret(
  status: number,
  text: string,
  spec: RequestSpec,
  prepared: Prepared,
  requestId: () => string | undefined,
): unknown {
  const fail = (code: string, message: string, details: unknown = null) =>
    new OrchestrationApiError({
      code,
      statusCode: status,
      message: `${message} (${describe(prepared)}, status ${status})`,
      details,
      requestId: requestId(),
      request: prepared.summary,
    });
  if (status === 0 || (status >= 300 && status < 400)) {
    return fail("BAD_RESPONSE", "Unexpected redirect; the SDK does not follow redirects");
  }
  const ok = status >= 200 && status < 300;
  if (ok && (status === 204 || (spec.expect === "void" && text === ""))) return undefined;
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return fail(
      "BAD_RESPONSE",
      ok ? "Response body is not JSON" : "Error response body is not JSON",
    );
  }
  if (!ok) {
    const envelope = readErrorEnvelope(body);
    if (!envelope) return fail("INVALID_RESPONSE_SHAPE", "Error response is not an error envelope");
    return fail(envelope.code, envelope.message, envelope.details);
  }
  const mismatch = envelopeMismatch(spec.expect, body);
  if (mismatch) return fail("INVALID_RESPONSE_SHAPE", `Unexpected response shape: ${mismatch}`);
  if (spec.secret) hideSecret(body as { item: Record<string, unknown> | null }, spec.secret);
  return spec.expect === "void" ? undefined : body;
}

function hideSecret(body: { item: Record<string, unknown> | null }, name: string): void {
  const secret = body.item?.[name];
  if (body.item && typeof secret === "string") attachSecret(body.item, name, secret);
}

// Aborts asked for by the caller are final: never retried.
const callerAborts = new WeakSet<OrchestrationError>();

function isRetryable(error: OrchestrationError): boolean {
  if (error instanceof OrchestrationApiError) return isRetryableStatus(error.statusCode);
  return error instanceof OrchestrationNetworkError && !callerAborts.has(error);
}

function aborted(prepared: Prepared, reason: unknown): OrchestrationNetworkError {
  const error = new OrchestrationNetworkError(`Request aborted: ${describe(prepared)}`, {
    cause: reason,
    request: prepared.summary,
  });
  callerAborts.add(error);
  return error;
}

function describe(prepared: Prepared): string {
  return `${prepared.method} ${prepared.summary.path}`;
}

function causeText(cause: unknown): string {
  return cause instanceof Error ? cause.message : String(cause);
}

function serialize(body: unknown): string {
  try {
    return JSON.stringify(body);
  } catch {
    // BigInt values and cycles: report them as bad input rather than a bare TypeError.
    throw new OrchestrationValidationError("params", "JSON-serialisable");
  }
}

function encodeQuery(query: object | undefined): string {
  if (!query) return "";
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) {
    if (value === undefined || value === null) continue;
    if (typeof value === "object" || typeof value === "function") {
      throw new OrchestrationValidationError(name, "a string, number or boolean", value);
    }
    search.set(name, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : "";
}

function redactHeaders(headers: Readonly<Record<string, string>>): Record<string, string> {
  return sanitizeBody({ ...headers });
}
