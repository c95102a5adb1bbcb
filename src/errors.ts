/**
 * The SDK's error classes. Every failure the SDK reports is a {@linkcode PeaqosError}; the
 * orchestration namespace throws {@linkcode OrchestrationError} subclasses only.
 *
 * @example Switch on the class, then on the code
 * ```ts
 * import { OrchestrationApiError, OrchestrationNetworkError } from "@peaqos/peaq-os-sdk";
 *
 * function describe(err: unknown): string {
 *   if (err instanceof OrchestrationApiError) return `${err.statusCode} ${err.code}`;
 *   if (err instanceof OrchestrationNetworkError) return "network";
 *   return "other";
 * }
 * ```
 *
 * @module
 */
import type { PurchaseStepName } from "./purchase.ts";
import type { ErrorCode } from "./error_codes.ts";

/**
 * What a failed request was, for diagnostics: never headers, and a body already sanitized.
 *
 * @example Log which request failed
 * ```ts
 * import { OrchestrationError, type RequestSummary } from "@peaqos/peaq-os-sdk";
 *
 * function describe(err: OrchestrationError): string {
 *   const request: RequestSummary | undefined = err.request;
 *   return request ? `${request.method} ${request.path}` : err.message;
 * }
 * ```
 */
export type RequestSummary = {
  readonly method: string;
  /** Path below the origin, including the query string. */
  readonly path: string;
  /** The request body after {@linkcode sanitizeBody}. */
  readonly body?: unknown;
};

/**
 * Base class of every error the SDK throws.
 *
 * @example
 * ```ts
 * import { PeaqosError } from "@peaqos/peaq-os-sdk";
 *
 * const err: unknown = new PeaqosError("Something failed");
 * console.assert(err instanceof PeaqosError);
 * ```
 */
export class PeaqosError extends Error {
  /** Creates an error; `options.cause` keeps the underlying error. */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}

/**
 * Base class of every error of `client.orchestration`.
 *
 * @example
 * ```ts
 * import { OrchestrationError, PeaqosError } from "@peaqos/peaq-os-sdk";
 *
 * console.assert(new OrchestrationError("x") instanceof PeaqosError);
 * ```
 */
export class OrchestrationError extends PeaqosError {
  /** The request that failed, when there was one; sanitized, without headers. */
  readonly request?: RequestSummary | undefined;

  /** Creates an orchestration error, optionally naming the request that failed. */
  constructor(
    message: string,
    options?: ErrorOptions & { request?: RequestSummary | undefined },
  ) {
    super(message, options);
    if (options?.request) this.request = options.request;
  }
}

/**
 * The server answered with an error status, or with a body the SDK could not accept
 * (`BAD_RESPONSE`, `INVALID_RESPONSE_SHAPE`). `message` reads
 * `"<code>: <what happened> (<method> <path>, status <status>)"`; the server's own words are in
 * `serverMessage`, the fields at fault in `details`, and the server's request id in `requestId`.
 *
 * @example Switch on the code
 * ```ts
 * import { ERROR_CODE, OrchestrationApiError } from "@peaqos/peaq-os-sdk";
 *
 * const err = new OrchestrationApiError({
 *   code: ERROR_CODE.NOT_FOUND,
 *   statusCode: 404,
 *   message: "Machine not found",
 *   serverMessage: "Machine not found",
 * });
 * console.assert(err.code === "NOT_FOUND" && err.serverMessage === "Machine not found");
 * ```
 */
export class OrchestrationApiError extends OrchestrationError {
  /**
   * The server's code, e.g. `"NOT_FOUND"`, or one the SDK synthesised (`BAD_RESPONSE`,
   * `INVALID_RESPONSE_SHAPE`); compare with {@linkcode ERROR_CODE}. A server may send codes
   * this SDK version does not know.
   */
  readonly code: ErrorCode | (string & Record<never, never>);
  /** HTTP status of the response. */
  readonly statusCode: number;
  /** Server-provided detail blob (for `VALIDATION_ERROR`, the fields at fault); `null` if none. */
  readonly details: unknown;
  /** The server's own message text, unchanged, when its body carried one. */
  readonly serverMessage: string | undefined;
  /** The server's request id (`x-request-id`, or one in the error body), when it sent one. */
  readonly requestId: string | undefined;

  /** Creates an API error from the parts of the server's error body. */
  constructor(init: {
    code: ErrorCode | (string & Record<never, never>);
    statusCode: number;
    message: string;
    details?: unknown;
    serverMessage?: string | undefined;
    requestId?: string | undefined;
    request?: RequestSummary | undefined;
    cause?: unknown;
  }) {
    super(`${init.code}: ${init.message}`, init);
    this.code = init.code;
    this.statusCode = init.statusCode;
    this.details = init.details ?? null;
    this.serverMessage = init.serverMessage;
    this.requestId = init.requestId;
  }
}

/**
 * The request never got a response: DNS, connection, TLS, abort or timeout. `cause` holds the
 * transport's own error.
 *
 * @example
 * ```ts
 * import { OrchestrationNetworkError } from "@peaqos/peaq-os-sdk";
 *
 * const err = new OrchestrationNetworkError("Request timed out after 10 ms", { timedOut: true });
 * console.assert(err.timedOut);
 * ```
 */
export class OrchestrationNetworkError extends OrchestrationError {
  /** Whether the SDK's timeout ended the request. */
  readonly timedOut: boolean;

  /** Creates a network error; `timedOut` marks a timeout. */
  constructor(
    message: string,
    options?: ErrorOptions & {
      request?: RequestSummary | undefined;
      timedOut?: boolean | undefined;
    },
  ) {
    super(message, options);
    this.timedOut = options?.timedOut ?? false;
  }
}

/**
 * The client is not configured to make this call: a missing or invalid `orchestrationUrl`, or
 * an invalid option (`apiKey`, `timeouts`, `retry`, ...). A missing `apiKey` is not one: the
 * API is public unless the deployment turns API-key auth on, and then the server answers
 * `AUTH_REQUIRED`.
 *
 * @example
 * ```ts
 * import { OrchestrationConfigError, PeaqosClient } from "@peaqos/peaq-os-sdk";
 *
 * try {
 *   new PeaqosClient({}).orchestration;
 * } catch (err) {
 *   console.assert(err instanceof OrchestrationConfigError);
 * }
 * ```
 */
export class OrchestrationConfigError extends OrchestrationError {}

/**
 * An argument failed a local check; no request was made.
 *
 * @example
 * ```ts
 * import { OrchestrationValidationError } from "@peaqos/peaq-os-sdk";
 *
 * const err = new OrchestrationValidationError("limit", "integer between 1 and 500", 0);
 * console.assert(err.field === "limit");
 * ```
 */
export class OrchestrationValidationError extends OrchestrationError {
  /** The argument or body field at fault, e.g. `"limit"` or `"endpointBaseUrl"`. */
  readonly field: string;
  /** What it must satisfy, e.g. `"valid URL"`. */
  readonly constraint: string;

  /**
   * Creates a validation error. `received` is described by type only when the field could
   * hold a secret, so values never leak into messages.
   */
  constructor(field: string, constraint: string, received?: unknown) {
    super(
      `Invalid '${field}': must be ${constraint}${describeReceived(field, received)}`,
    );
    this.field = field;
    this.constraint = constraint;
  }
}

/**
 * A signer or private key cannot be used: a key that is not 32 bytes of hex, a signer without
 * `signMessage` (or without `signTypedData` where typed data must be signed), typed data the EIP-712
 * encoder refuses. Thrown before anything is signed or sent; a key never appears in the message.
 *
 * @example Tell a bad key from a server's answer
 * ```ts
 * import { SignerError } from "@peaqos/peaq-os-sdk";
 *
 * const err = new SignerError("privateKey", "0x followed by 32 bytes of hex");
 * console.assert(err.field === "privateKey" && !err.message.includes("0xdead"));
 * ```
 */
export class SignerError extends PeaqosError {
  /** The signer, key or typed-data field at fault, e.g. `"privateKey"` or `"signer.address"`. */
  readonly field: string;
  /** What it must satisfy. */
  readonly constraint: string;

  /** Creates a signer error; `received` is described by its type only for secret fields. */
  constructor(field: string, constraint: string, received?: unknown) {
    super(`Invalid '${field}': must be ${constraint}${describeReceived(field, received)}`);
    this.field = field;
    this.constraint = constraint;
  }
}

/**
 * Why {@linkcode verifyWebhook} refused a delivery; stable, machine-readable.
 *
 * @example Answer a refused delivery
 * ```ts
 * import { OrchestrationWebhookError, type WebhookRefusalReason } from "@peaqos/peaq-os-sdk";
 *
 * function reasonOf(err: unknown): WebhookRefusalReason | undefined {
 *   return err instanceof OrchestrationWebhookError ? err.reason : undefined;
 * }
 * ```
 */
export type WebhookRefusalReason =
  | "missing_headers"
  | "invalid_timestamp"
  | "timestamp_too_old"
  | "timestamp_too_new"
  | "invalid_signature"
  | "invalid_payload"
  | "invalid_secret"
  | "invalid_argument";

/**
 * A webhook delivery was refused: missing headers, a signature that does not match, a timestamp
 * outside the tolerance, a body that is not an event, or an unusable secret; or a webhook
 * function was called with an unusable argument (`reason: "invalid_argument"`: a tolerance, id,
 * timestamp or body of the wrong kind). The message never contains the secret or any signature.
 *
 * @example Answer 400 to a refused delivery
 * ```ts
 * import { OrchestrationWebhookError } from "@peaqos/peaq-os-sdk";
 *
 * const err = new OrchestrationWebhookError("invalid_signature", "Webhook signature does not match");
 * console.assert(err.reason === "invalid_signature");
 * ```
 */
export class OrchestrationWebhookError extends OrchestrationError {
  /** Why the delivery was refused. */
  readonly reason: WebhookRefusalReason;

  /** Creates a refusal with its machine-readable `reason`. */
  constructor(
    reason: WebhookRefusalReason,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.reason = reason;
  }
}

const SECRET_FIELD = /token|key|secret|password|credential|auth|signature/i;

function describeReceived(field: string, received: unknown): string {
  if (received === undefined) return "";
  if (
    SECRET_FIELD.test(field) || typeof received === "object" ||
    typeof received === "function"
  ) {
    return `: received ${received === null ? "null" : typeof received}`;
  }
  const text = String(received);
  return `: received '${text.length > 64 ? `${text.slice(0, 64)}…` : text}'`;
}

/**
 * A purchase failed after its order was placed: `step` says where, `orderId` which order, and
 * `cause` is the failing call's own error (an `OrchestrationApiError` with the server's code, a
 * validation error, a signer's error, ...).
 *
 * @example Find the order of a failed purchase
 * ```ts
 * import { OrchestrationApiError, OrchestrationPurchaseError } from "@peaqos/peaq-os-sdk";
 *
 * function explain(err: unknown): string {
 *   if (!(err instanceof OrchestrationPurchaseError)) return String(err);
 *   const code = err.cause instanceof OrchestrationApiError ? err.cause.code : "local";
 *   return `order ${err.orderId} failed at '${err.step}' (${code})`;
 * }
 * ```
 */
export class OrchestrationPurchaseError extends OrchestrationError {
  /** The step that failed. */
  readonly step: PurchaseStepName;
  /** The order that was placed. */
  readonly orderId: string;

  /** Wraps `cause`, the error of `step` of the purchase of `orderId`. */
  constructor(step: PurchaseStepName, orderId: string, cause: unknown) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    super(`Purchase of order '${orderId}' failed at '${step}': ${reason}`, {
      cause,
    });
    this.step = step;
    this.orderId = orderId;
  }
}
