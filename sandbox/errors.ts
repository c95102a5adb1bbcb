/**
 * The sandbox's error envelope: `{ "error": { code, message, details } }`. Route code throws
 * {@linkcode ApiError}; the app's `onError`/`notFound` handlers turn everything into that shape.
 *
 * @module
 */
import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";

/** The JSON body of every error response. */
export type ErrorBody = {
  readonly error: { readonly code: string; readonly message: string; readonly details: unknown };
};

/**
 * An error a route means to answer with; `code` is one of the SDK's `ERROR_CODE_*` values.
 *
 * @example
 * ```ts ignore
 * throw new ApiError(404, "NOT_FOUND", "Machine not found: 'm_1'");
 * ```
 */
export class ApiError extends Error {
  /** HTTP status of the response. */
  readonly status: ContentfulStatusCode;
  /** Machine-readable code, e.g. `"NOT_FOUND"`. */
  readonly code: string;
  /** Extra detail for the client (field list, ids); `null` when none. */
  readonly details: unknown;

  /** Builds an error answered as `status` with the envelope `{ error: { code, message, details } }`. */
  constructor(status: ContentfulStatusCode, code: string, message: string, details?: unknown) {
    super(message);
    this.name = "ApiError";
    this.status = status;
    this.code = code;
    this.details = details ?? null;
  }
}

/**
 * Builds the error envelope.
 *
 * @example
 * ```ts ignore
 * errorBody("NOT_FOUND", "Route not found"); // { error: { code: "NOT_FOUND", ... } }
 * ```
 */
export function errorBody(code: string, message: string, details?: unknown): ErrorBody {
  return { error: { code, message, details: details ?? null } };
}

/**
 * Shorthand for the common 404.
 *
 * @example
 * ```ts ignore
 * throw notFound("Machine", machineId);
 * ```
 */
export function notFound(what: string, id: string): ApiError {
  return new ApiError(404, "NOT_FOUND", `${what} not found: '${id}'`);
}

/**
 * Hono `onError` handler: known errors keep their status and code, anything else is a 500
 * `INTERNAL` whose message hides the cause (it may carry secrets).
 *
 * @example
 * ```ts ignore
 * app.onError(handleError);
 * ```
 */
export function handleError(err: Error, c: Context): Response {
  if (err instanceof ApiError) {
    return c.json(errorBody(err.code, err.message, err.details), err.status);
  }
  if (err instanceof HTTPException) {
    // bodyLimit and other Hono middleware throw HTTPException; keep the status, use our envelope.
    const status = err.status;
    if (status === 413) {
      return c.json(
        errorBody("PAYLOAD_TOO_LARGE", "Request body too large: the limit is 1 MiB"),
        413,
      );
    }
    if (status < 500) {
      return c.json(errorBody("VALIDATION_ERROR", err.message || "Bad request"), status);
    }
  }
  console.error("sandbox: unexpected error:", err);
  return c.json(errorBody("INTERNAL", "Internal server error"), 500);
}

/**
 * Hono `notFound` handler: every unknown route is a 404 `NOT_FOUND`.
 *
 * @example
 * ```ts ignore
 * app.notFound(handleNotFound);
 * ```
 */
export function handleNotFound(c: Context): Response {
  return c.json(
    errorBody("NOT_FOUND", `Route not found: '${c.req.method} ${new URL(c.req.url).pathname}'`),
    404,
  );
}
