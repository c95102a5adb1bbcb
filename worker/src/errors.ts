/**
 * The contract's error envelope, `{ "error": { code, message, details } }`, for every refusal
 * and failure the Worker answers. SDK errors keep the upstream status and code; anything else
 * becomes a bare 500 without a message from the error, so no stack or secret leaves the Worker.
 *
 * @module
 */
import type { Context } from "hono";
import {
  OrchestrationApiError,
  OrchestrationConfigError,
  OrchestrationNetworkError,
  OrchestrationValidationError,
} from "../../mod.ts";

/** An error body of the contract. */
export type ErrorEnvelope = {
  readonly error: {
    readonly code: string;
    readonly message: string;
    readonly details: unknown;
  };
};

/** A refusal the Worker raises itself, answered as the envelope with `status`. */
export class EdgeError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: unknown = null,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = "EdgeError";
  }
}

/** Builds an envelope response. */
export function errorResponse(
  status: number,
  code: string,
  message: string,
  details: unknown = null,
  headers: Record<string, string> = {},
): Response {
  const body: ErrorEnvelope = { error: { code, message, details } };
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json", ...headers },
  });
}

/**
 * The server's own message of an API error, as the API would answer it. The SDK's
 * `serverMessage` when it has one; otherwise a plain message naming the code (the SDK's
 * `message` is decorated for logs and is not parsed).
 */
export function serverMessage(err: OrchestrationApiError): string {
  const own = (err as { readonly serverMessage?: unknown }).serverMessage;
  return typeof own === "string" && own.length > 0
    ? own
    : `Upstream API answered '${err.code}' with status ${err.statusCode}`;
}

/** What the Worker answers for an error: status, the envelope's fields, extra headers. */
export type ErrorAnswer = {
  readonly status: number;
  readonly code: string;
  readonly message: string;
  readonly details: unknown;
  readonly headers: Record<string, string>;
};

/**
 * Maps any error to what the Worker answers for it (the proxy's envelope, the MCP tools' error
 * results): SDK errors keep the upstream status, code and server message; anything unexpected is
 * a bare `INTERNAL_ERROR`, logged by its name only.
 *
 * @example
 * ```ts ignore
 * errorAnswer(new EdgeError(404, "NOT_FOUND", "No such order")).code; // "NOT_FOUND"
 * ```
 */
export function errorAnswer(err: unknown): ErrorAnswer {
  const answer = (
    status: number,
    code: string,
    message: string,
    details: unknown = null,
  ) => ({
    status,
    code,
    message,
    details,
    headers: {},
  });
  if (err instanceof EdgeError) {
    return {
      ...answer(err.status, err.code, err.message, err.details),
      headers: err.headers,
    };
  }
  if (err instanceof OrchestrationApiError) {
    // Upstream codes and details pass through; a 2xx with a bad body is a gateway failure.
    const status = err.statusCode >= 400 && err.statusCode <= 599 ? err.statusCode : 502;
    return answer(status, err.code, serverMessage(err), err.details ?? null);
  }
  if (err instanceof OrchestrationValidationError) {
    return answer(400, "VALIDATION_ERROR", err.message, { field: err.field });
  }
  if (err instanceof OrchestrationNetworkError) {
    return answer(
      err.timedOut ? 504 : 502,
      "UPSTREAM_UNAVAILABLE",
      err.timedOut ? "Upstream API timed out" : "Upstream API is unreachable",
    );
  }
  if (err instanceof OrchestrationConfigError) {
    return answer(
      500,
      "EDGE_MISCONFIGURED",
      "Worker is not configured for the upstream API",
    );
  }
  console.error(
    "edge: unhandled error:",
    err instanceof Error ? err.name : typeof err,
  );
  return answer(500, "INTERNAL_ERROR", "Internal error");
}

/** Maps any error to an envelope response; the `onError` handler of the app. */
export function toErrorResponse(err: unknown, _c?: Context): Response {
  const { status, code, message, details, headers } = errorAnswer(err);
  return errorResponse(status, code, message, details, headers);
}
