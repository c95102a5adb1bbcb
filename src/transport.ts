/**
 * The one request path every method of the SDK goes through: URL building, auth headers,
 * timeouts, opt-in retries, hooks, logging, capped body reads, envelope checks and error
 * mapping live here and nowhere else.
 *
 * @module
 */
import { startDeadline } from "./deadline.ts";
import { type Envelope, envelopeMismatch, readErrorEnvelope } from "./envelope.ts";
import {
  OrchestrationApiError,
  OrchestrationError,
  OrchestrationNetworkError,
  OrchestrationValidationError,
  type RequestSummary,
} from "./errors.ts";
import type { Log } from "./logging.ts";
import { describeNetworkFailure } from "./network_failure.ts";
import { DEFAULT_MAX_RESPONSE_BYTES, readBodyText } from "./read_body.ts";
import { attachSecrets, sanitizeBody } from "./redact.ts";
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
  validatePaymentSignature,
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
  readonly signal?: AbortSignal | undefined;
  /** Overrides the client's timeout for this call. */
  readonly timeoutMs?: number | undefined;
  /**
   * Extra headers, e.g. `idempotency-key` (which makes a POST safe to retry) or
   * `traceparent`, as a record, a `Headers` or a list of pairs. They cannot replace the SDK's
   * auth, payment, content-type or user-agent headers.
   */
  readonly headers?: HeadersInit | undefined;
  /**
   * An x402 payment payload (base64, at most 8 KiB), sent as the `PAYMENT-SIGNATURE` header;
   * meaningful on `executeMarketOrder`, harmless elsewhere. A credential: it never appears in
   * hooks, errors or logs.
   */
  readonly paymentSignature?: string | undefined;
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
  readonly read?: number | undefined;
  /** POST, PATCH, PUT and DELETE requests; default 60 000. */
  readonly write?: number | undefined;
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
 * What `onResponse` sees after each attempt that got a whole response, error statuses included.
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

/**
 * What `onError` sees after each attempt that ended without a whole response: connection
 * failure, timeout, abort, or a body cut short or over `maxResponseBytes`. Every `onRequest` is
 * followed by exactly one `onResponse` or `onError`.
 *
 * @example Count transport failures
 * ```ts
 * import { type ErrorHookInfo, PeaqosClient } from "@peaqos/peaq-os-sdk";
 *
 * let failures = 0;
 * const onError = (info: ErrorHookInfo) => {
 *   failures++;
 *   console.warn(info.method, info.url, info.error.message);
 * };
 * const client = new PeaqosClient({ orchestrationUrl: "https://orchestration.peaq.xyz", onError });
 * ```
 */
export type ErrorHookInfo = RequestHookInfo & {
  readonly error: OrchestrationError;
  readonly durationMs: number;
};

/**
 * What `onRetry` sees before the SDK waits to retry: the attempt that failed, its error, and
 * the wait.
 *
 * @example Log retries
 * ```ts
 * import { PeaqosClient, type RetryHookInfo } from "@peaqos/peaq-os-sdk";
 *
 * const onRetry = (info: RetryHookInfo) =>
 *   console.info(`retry ${info.attempt + 1} of ${info.method} ${info.url} in ${info.delayMs} ms`);
 * const client = new PeaqosClient({
 *   orchestrationUrl: "https://orchestration.peaq.xyz",
 *   retry: { maxAttempts: 3 },
 *   onRetry,
 * });
 * ```
 */
export type RetryHookInfo = RequestHookInfo & {
  readonly error: OrchestrationError;
  /** How long the SDK waits before the next attempt. */
  readonly delayMs: number;
};

/**
 * The options of the request path that a client passes through as they are: `fetch`, timeouts,
 * retries, the response-size cap and the hooks. Part of {@linkcode PeaqosClientOptions}.
 *
 * @example Hooks and retries for one client
 * ```ts
 * import type { RequestPathOptions } from "@peaqos/peaq-os-sdk";
 *
 * const options: RequestPathOptions = {
 *   retry: { maxAttempts: 3 },
 *   onError: ({ method, url, error }) => console.warn(method, url, error.message),
 * };
 * ```
 */
export type RequestPathOptions = {
  /** The `fetch` to call; defaults to the global `fetch`, looked up at call time. */
  readonly fetch?: FetchLike | undefined;
  /** Timeouts in milliseconds; default 30 000 for GET and 60 000 for writes. */
  readonly timeouts?: TimeoutOptions | undefined;
  /**
   * Opt-in retries, only for requests safe to repeat (GET, PUT, DELETE, or a POST with an
   * `idempotency-key` header). Default: no retry.
   */
  readonly retry?: RetryOptions | undefined;
  /**
   * Largest response body the SDK reads, in bytes (default 8 MiB); a larger one is cancelled
   * and the call rejects with `BAD_RESPONSE`.
   */
  readonly maxResponseBytes?: number | undefined;
  /**
   * Called before each attempt; credential headers arrive as `"[REDACTED]"`. Each is followed
   * by exactly one `onResponse` or `onError`. A hook that throws (or rejects) ends the call
   * with an `OrchestrationError` whose `cause` is the hook's error.
   */
  readonly onRequest?: ((info: RequestHookInfo) => void | Promise<void>) | undefined;
  /** Called after each attempt that got a whole response, error statuses included. */
  readonly onResponse?: ((info: ResponseHookInfo) => void | Promise<void>) | undefined;
  /** Called after each attempt that got no whole response (network, timeout, abort, size cap). */
  readonly onError?: ((info: ErrorHookInfo) => void | Promise<void>) | undefined;
  /** Called before the SDK waits to retry a failed attempt. */
  readonly onRetry?: ((info: RetryHookInfo) => void | Promise<void>) | undefined;
};

/** Everything the transport needs; built once per client. */
export type TransportConfig = RequestPathOptions & {
  /** Origin (and optional base path) of the orchestration service. */
  readonly orchestrationUrl: string;
  readonly apiKey?: string | undefined;
  readonly log?: Log | undefined;
};

/**
 * What `client.orchestration.withResponse.<method>()` resolves to: the checked body as
 * `data`, with the HTTP response it came in (its body already read) and the server's request
 * id.
 *
 * @example Read the request id of a successful call
 * ```ts
 * import { PeaqosClient, type WithResponse, type ItemResponse, type Machine } from "@peaqos/peaq-os-sdk";
 *
 * const client = new PeaqosClient({ orchestrationUrl: "https://orchestration.peaq.xyz" });
 * const result: WithResponse<ItemResponse<Machine>> = await client.orchestration.withResponse
 *   .getMachine("m-1");
 * console.log(result.response.status, result.requestId, result.data.item.id);
 * ```
 */
export type WithResponse<T> = {
  readonly data: T;
  readonly response: Response;
  /** The server's `x-request-id`, when sent. */
  readonly requestId: string | undefined;
};

/**
 * One route of `client.orchestration`, parsed once from its declaration (see
 * `src/orchestration/routes.ts` for the grammar).
 *
 * @internal
 */
export type Route = {
  readonly method: string;
  /** `literals[0] names[0] literals[1] names[1] ... literals[n]` */
  readonly literals: readonly string[];
  /** Path placeholders: the method's first arguments, in order. */
  readonly names: readonly string[];
  readonly expect: Envelope;
  /** The argument after the ids is the query (GET) or the body (other methods). */
  readonly input: boolean;
  /** Sends a JSON body: every method but GET and DELETE. */
  readonly hasBody: boolean;
  /** The next argument is the pairing token, sent as `x-agent-pairing-token`. */
  readonly agent: boolean;
  /** No auth header at all (the heartbeat carries its token in the body). */
  readonly noAuth: boolean;
  /** Below `orchestrationUrl` itself, not `/api/v1` (`GET /health`). */
  readonly root: boolean;
  /** Fields that must be present and non-empty: of the body, or of the query on GET. */
  readonly required: readonly string[];
  /** A one-time secret in `item` to hide from every printed form of the result. */
  readonly secret: "pairingToken" | "provisioningToken" | undefined;
  /** A list whose query is validated as cursor pagination (limit 1..500). */
  readonly paginated: boolean;
  /** Position of the `RequestOptions` argument. */
  readonly arity: number;
};

const PLACEHOLDER = /:([A-Za-z][A-Za-z0-9]*)/g;

/**
 * Parses a route declaration, `"<METHOD> <path> <envelope> [flags]"`.
 *
 * @internal
 */
export function parseRoute(declaration: string): Route {
  const [method, path, expect, ...flags] = declaration.split(" ") as [
    string,
    string,
    Envelope,
    ...string[],
  ];
  const value = (name: string) => flags.find((flag) => flag.startsWith(name))?.slice(name.length);
  // split() with a capturing group interleaves literals and names.
  const pieces = path.split(PLACEHOLDER);
  const names = pieces.filter((_, index) => index % 2 === 1);
  const input = flags.includes("query") || flags.includes("body");
  const agent = flags.includes("agent");
  return {
    method,
    literals: pieces.filter((_, index) => index % 2 === 0),
    names,
    expect,
    input,
    hasBody: method !== "GET" && method !== "DELETE",
    agent,
    noAuth: flags.includes("noauth"),
    root: flags.includes("root"),
    required: value("need:")?.split(",") ?? [],
    secret: value("secret:") as Route["secret"],
    paginated: expect === "list" && input,
    arity: names.length + Number(input) + Number(agent),
  };
}

type Prepared = {
  readonly method: string;
  readonly url: string;
  /** `url` below the origin, for messages and error summaries. */
  readonly path: string;
  // A plain record, not a Headers instance: fetch reads a record faster (see bench/).
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string | undefined;
  readonly timeoutMs: number;
};

// The errors that ended an attempt, each with the server's Retry-After, if any.
const failedAttempts = new WeakMap<OrchestrationError, string | null>();

function failure(error: OrchestrationError, retryAfter: string | null = null): OrchestrationError {
  failedAttempts.set(error, retryAfter);
  return error;
}

type HookName = "onRequest" | "onResponse" | "onError" | "onRetry";

const USER_AGENT = `peaq-os-sdk-js/${VERSION}`;
// Headers a caller's `headers` option cannot set: the SDK's own.
const RESERVED_HEADERS =
  /^(?:x-api-key|x-agent-pairing-token|payment-signature|content-type|user-agent|accept)$/;
const BAD_RESPONSE = "BAD_RESPONSE";
const INVALID_SHAPE = "INVALID_RESPONSE_SHAPE";

// Looked up at call time so a fetch installed (or mocked) after construction is used.
const globalFetch: FetchLike = (input, init) => globalThis.fetch(input, init);

/**
 * Sends requests for one client. Not exported from the package: resource methods are its
 * only callers.
 *
 * @internal
 */
export class Transport {
  readonly #config: TransportConfig;
  readonly #origin: string;
  /** The path of `orchestrationUrl`, without trailing slashes (`""` at the root). */
  readonly #root: string;
  readonly #fetch: FetchLike;
  // Whether GET inits carry `method`: an injected fetch may read it; the global one defaults to
  // GET, and every init member costs it a conversion.
  readonly #methodOnGet: boolean;
  readonly #read: number;
  readonly #write: number;
  readonly #maxBytes: number;
  /** Whether anything needs per-attempt info (hooks or logging); when not, none is built. */
  readonly #observed: boolean;

  /** Creates a transport; `orchestrationUrl` must already be a valid http(s) URL. */
  constructor(config: TransportConfig) {
    const url = new URL(config.orchestrationUrl);
    this.#config = config;
    this.#origin = url.origin;
    this.#root = url.pathname.replace(/\/+$/, "");
    const injected = config.fetch;
    // Called as a plain function: a bound method (e.g. a Workers service binding's fetch) must
    // not receive the transport as `this`, and browsers reject fetch called on a foreign `this`.
    this.#fetch = injected ? (input, init) => injected(input, init) : globalFetch;
    this.#methodOnGet = injected !== undefined;
    this.#read = config.timeouts?.read ?? DEFAULT_READ_TIMEOUT_MS;
    this.#write = config.timeouts?.write ?? DEFAULT_WRITE_TIMEOUT_MS;
    this.#maxBytes = config.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
    this.#observed = Boolean(
      config.onRequest || config.onResponse || config.onError || config.onRetry || config.log,
    );
  }

  /**
   * Sends one call of `route` with the method's arguments: the path ids, then the query or
   * body, then the pairing token, as the route declares, and last the `RequestOptions`.
   * Resolves to the checked body (`undefined` for `void` routes), or with `raw`, to a
   * {@linkcode WithResponse}. Never throws synchronously.
   */
  request(route: Route, args: readonly unknown[], raw?: boolean): Promise<unknown> {
    const options = (args[route.arity] ?? undefined) as RequestOptions | undefined;
    let prepared: Prepared;
    try {
      prepared = this.#prepare(route, args, options);
    } catch (error) {
      return Promise.reject(error);
    }
    const { retry, log } = this.#config;
    const signal = options?.signal;
    // The common case, one attempt and nothing to log, skips the retry loop's async frame.
    if (!retry && !log) return this.#attempt(prepared, route, signal, 1, raw);
    const maxAttempts = retry && isSafeToRetry(prepared.method, prepared.headers)
      ? retry.maxAttempts
      : 1;
    return this.#attempts(prepared, route, signal, raw, maxAttempts);
  }

  async #attempts(
    prepared: Prepared,
    route: Route,
    signal: AbortSignal | undefined,
    raw: boolean | undefined,
    maxAttempts: number,
  ): Promise<unknown> {
    const { retry, log } = this.#config;
    const line = `${prepared.method} ${prepared.url}`;
    for (let attempt = 1;; attempt++) {
      try {
        return await this.#attempt(prepared, route, signal, attempt, raw);
      } catch (error) {
        // Errors of hooks are not failed attempts: they end the call as they are.
        if (!failedAttempts.has(error as OrchestrationError)) throw error;
        const failed = error as OrchestrationError;
        if (attempt >= maxAttempts || !isRetryable(failed)) {
          log?.("warn", `${line} failed: ${failed.message}`);
          throw failed;
        }
        const delayMs = retryDelayMs(retry!, attempt, failedAttempts.get(failed)!);
        log?.(
          "info",
          `${line} retrying in ${Math.round(delayMs)} ms (attempt ${
            attempt + 1
          } of ${maxAttempts}): ${failed.message}`,
        );
        await this.#hook("onRetry", prepared, { ...info(prepared, attempt), error, delayMs });
        try {
          await sleep(delayMs, signal);
        } catch (reason) {
          throw aborted(prepared, reason);
        }
      }
    }
  }

  #prepare(route: Route, args: readonly unknown[], options: RequestOptions | undefined): Prepared {
    const { method, literals, names, hasBody, required } = route;
    let path = literals[0]!;
    for (let i = 0; i < names.length; i++) {
      path += encodeURIComponent(validatePathParam(names[i]!, args[i])) + literals[i + 1]!;
    }
    const input = route.input ? args[names.length] : undefined;
    if (route.paginated) validateListQuery(input as Record<string, unknown> | undefined);
    if (hasBody || required.length) validateBody(hasBody ? input : input ?? {}, required);
    const headers = this.#headers(route, args, options);
    let body: string | undefined;
    if (hasBody) {
      try {
        body = JSON.stringify(input ?? {});
      } catch {
        // BigInt values and cycles: report them as bad input rather than a bare TypeError.
        throw new OrchestrationValidationError("params", "JSON-serialisable");
      }
    }
    const timeoutMs = options?.timeoutMs ?? (method === "GET" ? this.#read : this.#write);
    if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) {
      throw new OrchestrationValidationError("timeoutMs", "a positive number", timeoutMs);
    }
    path = `${this.#root}${route.root ? "" : API_BASE_PATH}${path}${
      hasBody || input == null ? "" : encodeQuery(input)
    }`;
    return { method, url: this.#origin + path, path, headers, body, timeoutMs };
  }

  // The same few headers go on most calls: built once, shared by every call that adds none.
  #plain: Readonly<Record<string, string>> | undefined;
  #json: Readonly<Record<string, string>> | undefined;

  #headers(
    route: Route,
    args: readonly unknown[],
    options: RequestOptions | undefined,
  ): Readonly<Record<string, string>> {
    const { hasBody, noAuth, agent } = route;
    const plain = options?.headers === undefined && options?.paymentSignature === undefined &&
      !agent && !noAuth;
    if (plain) {
      const cached = hasBody ? this.#json : this.#plain;
      if (cached) return cached;
    }
    // Lower-case names, as Headers would give; no prototype, so any header name is a plain key.
    const headers: Record<string, string> = Object.create(null);
    if (options?.headers !== undefined) addExtraHeaders(headers, options.headers);
    if (options?.paymentSignature !== undefined) {
      headers["payment-signature"] = validatePaymentSignature(options.paymentSignature);
    }
    headers["accept"] = "application/json";
    headers["user-agent"] = USER_AGENT;
    if (hasBody) headers["content-type"] = "application/json";
    if (!noAuth) {
      if (agent) {
        headers["x-agent-pairing-token"] = validateCredential(
          "pairingToken",
          args[route.arity - 1],
        );
      }
      // The API is public unless the deployment turns API-key auth on: without a key the call
      // is sent anyway and the server's AUTH_REQUIRED is the answer.
      const { apiKey } = this.#config;
      if (apiKey !== undefined) headers["x-api-key"] = apiKey;
    }
    if (plain) {
      if (hasBody) this.#json = headers;
      else this.#plain = headers;
    }
    return headers;
  }

  // Runs a hook if set; one that throws ends the call with an OrchestrationError holding its error.
  async #hook(name: HookName, prepared: Prepared, hookInfo: unknown): Promise<void> {
    const hook = this.#config[name] as ((info: unknown) => unknown) | undefined;
    try {
      await hook?.(hookInfo);
    } catch (cause) {
      throw new OrchestrationError(
        `Hook '${name}' threw: ${describe(prepared)}: ${
          cause instanceof Error ? cause.message : String(cause)
        }`,
        { cause, request: summarize(prepared) },
      );
    }
  }

  async #attempt(
    prepared: Prepared,
    route: Route,
    signal: AbortSignal | undefined,
    attempt: number,
    raw: boolean | undefined,
  ): Promise<unknown> {
    if (signal?.aborted) throw failure(aborted(prepared, signal.reason));
    const { log } = this.#config;
    // Built only when something observes it: redacting headers on every call costs time.
    const view = this.#observed ? info(prepared, attempt) : undefined;
    const started = view ? Date.now() : 0;
    if (view) {
      log?.("debug", `${prepared.method} ${prepared.url} (attempt ${attempt})`);
      await this.#hook("onRequest", prepared, view);
    }
    const deadline = startDeadline(prepared.timeoutMs, signal);
    let response: Response | undefined;
    let text: string | undefined;
    let error: OrchestrationError | undefined;
    try {
      const init: RequestInit = {
        headers: prepared.headers,
        signal: deadline.signal,
        redirect: "manual",
      };
      // No `body: null` on GET, and no `method` for the global fetch (see #methodOnGet).
      if (prepared.method !== "GET" || this.#methodOnGet) init.method = prepared.method;
      if (prepared.body !== undefined) init.body = prepared.body;
      response = await this.#fetch(prepared.url, init);
      text = await readBodyText(response, this.#maxBytes);
      if (text === undefined) {
        error = apiError(
          prepared,
          response,
          BAD_RESPONSE,
          `Response body exceeds maxResponseBytes (${this.#maxBytes} bytes)`,
        );
      }
    } catch (cause) {
      error = deadline.timedOut()
        ? new OrchestrationNetworkError(
          `Request timed out after ${prepared.timeoutMs} ms: ${describe(prepared)}`,
          { cause, request: summarize(prepared), timedOut: true },
        )
        : signal?.aborted
        ? aborted(prepared, signal.reason)
        : new OrchestrationNetworkError(
          `Request failed: ${describe(prepared)}: ${describeNetworkFailure(cause, prepared.url)}`,
          { cause, request: summarize(prepared) },
        );
    } finally {
      deadline.clear();
    }
    // Every onRequest is followed by exactly one onResponse (a whole response) or onError.
    if (error) {
      if (view) {
        await this.#hook("onError", prepared, { ...view, error, durationMs: Date.now() - started });
      }
      throw failure(error);
    }
    const status = response!.status;
    if (view) {
      const requestId = requestIdOf(response!);
      const durationMs = Date.now() - started;
      log?.(
        "debug",
        `${prepared.method} ${prepared.url} answered ${status} in ${durationMs} ms${
          requestId ? ` (request id ${requestId})` : ""
        }`,
      );
      await this.#hook("onResponse", prepared, { ...view, status, durationMs, requestId });
    }
    const outcome = interpret(response!, text!, route, prepared);
    if (outcome instanceof OrchestrationError) {
      throw failure(outcome, response!.headers.get("retry-after"));
    }
    return raw ? { data: outcome, response, requestId: requestIdOf(response!) } : outcome;
  }
}

function info(prepared: Prepared, attempt: number): RequestHookInfo {
  const { method, url, headers } = prepared;
  return { method, url, headers: sanitizeBody({ ...headers }), attempt };
}

// Response headers are read only when needed: materialising them costs time per call.
function requestIdOf(response: Response): string | undefined {
  return response.headers.get("x-request-id") ?? undefined;
}

function apiError(
  prepared: Prepared,
  response: Response,
  code: string,
  message: string,
  extra?: { details?: unknown; serverMessage?: string | undefined; requestId?: string | undefined },
): OrchestrationApiError {
  const { status } = response;
  return new OrchestrationApiError({
    code,
    statusCode: status,
    message: `${message} (${describe(prepared)}, status ${status})`,
    details: extra?.details,
    serverMessage: extra?.serverMessage,
    requestId: requestIdOf(response) ?? extra?.requestId,
    request: summarize(prepared),
  });
}

// The checked body, or the API error the response amounts to.
function interpret(response: Response, text: string, route: Route, prepared: Prepared): unknown {
  const { status } = response;
  const fail = (code: string, message: string, extra?: Parameters<typeof apiError>[4]) =>
    apiError(prepared, response, code, message, extra);
  if (status === 0 || (status > 299 && status < 400)) {
    return fail(BAD_RESPONSE, "Unexpected redirect; the SDK does not follow redirects");
  }
  const ok = status > 199 && status < 300;
  // A void route needs no body and reads none: whatever a server adds is ignored.
  if (ok && route.expect === "void") return undefined;
  if (ok && (status === 204 || !text)) {
    return fail(
      INVALID_SHAPE,
      `Expected a response body, got ${status === 204 ? "204 No Content" : "an empty body"}`,
    );
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    // The words of a plain-text error body ("Service Unavailable"); markup is not a message.
    const words = text.trim();
    return ok
      ? fail(BAD_RESPONSE, "Response body is not JSON")
      : fail(BAD_RESPONSE, "Error response body is not JSON", {
        serverMessage: words && !words.startsWith("<") ? words : undefined,
      });
  }
  if (ok) {
    const mismatch = envelopeMismatch(route.expect, body) ??
      (route.secret && hideSecret((body as { item: Record<string, unknown> }).item, route.secret));
    return mismatch ? fail(INVALID_SHAPE, `Unexpected response shape: ${mismatch}`) : body;
  }
  // An error status with a JSON body: the server's code, message and details, in whatever shape.
  const envelope = readErrorEnvelope(body);
  const serverMessage = envelope?.message;
  const shown = serverMessage &&
    (serverMessage.length > 500 ? `${serverMessage.slice(0, 500)}…` : serverMessage);
  const extra = {
    details: envelope?.details ?? null,
    serverMessage,
    requestId: envelope?.requestId,
  };
  if (envelope?.code === undefined) {
    return fail(
      INVALID_SHAPE,
      envelope
        ? `Error response has no error code${shown ? `: '${shown}'` : ""}`
        : "Error response is not a JSON object",
      extra,
    );
  }
  return fail(envelope.code, shown || "The server sent no message", extra);
}

/**
 * Hides the one-time token of `item` from every printed form; the enrollment token may arrive
 * as `provisioningToken` (the SDK references) or `agentToken` (the API reference) and is
 * readable as `provisioningToken` either way. Returns a reason when the token is missing.
 */
function hideSecret(
  item: Record<string, unknown>,
  name: "pairingToken" | "provisioningToken",
): string | undefined {
  const alias = name === "provisioningToken" ? item.agentToken : undefined;
  const token = item[name] ?? alias;
  if (typeof token !== "string" || !token) {
    return `expected 'item.${name}' to be a non-empty string`;
  }
  attachSecrets(
    item,
    typeof alias === "string" ? { [name]: token, agentToken: alias } : {
      [name]: token,
    },
  );
  return undefined;
}

function addExtraHeaders(headers: Record<string, string>, extra: HeadersInit): void {
  let parsed: Headers;
  try {
    // Via the Headers constructor: records, Headers instances and pair lists all work, and
    // names come out lower-case.
    parsed = new Headers(extra);
  } catch {
    throw new OrchestrationValidationError("headers", "valid HTTP header names and values");
  }
  parsed.forEach((value, name) => {
    if (!RESERVED_HEADERS.test(name)) headers[name] = value;
  });
}

// Aborts asked for by the caller are final: never retried.
const callerAborts = new WeakSet<OrchestrationError>();

function isRetryable(error: OrchestrationError): boolean {
  return error instanceof OrchestrationApiError
    ? isRetryableStatus(error.statusCode)
    : error instanceof OrchestrationNetworkError && !callerAborts.has(error);
}

function aborted(prepared: Prepared, reason: unknown): OrchestrationNetworkError {
  const error = new OrchestrationNetworkError(`Request aborted: ${describe(prepared)}`, {
    cause: reason,
    request: summarize(prepared),
  });
  callerAborts.add(error);
  return error;
}

// Built only for errors: the body as sent, re-read from its JSON and sanitized.
function summarize({ method, path, body }: Prepared): RequestSummary {
  return body === undefined
    ? { method, path }
    : { method, path, body: sanitizeBody(JSON.parse(body)) };
}

function describe(prepared: Prepared): string {
  return `${prepared.method} ${prepared.path}`;
}

function encodeQuery(query: object): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) {
    if (value == null) continue;
    if (typeof value === "object" || typeof value === "function") {
      throw new OrchestrationValidationError(name, "a string, number or boolean", value);
    }
    search.set(name, String(value));
  }
  const text = search.toString();
  return text && `?${text}`;
}
