/**
 * Reading response bodies: whether a success body is the envelope the route promises (a
 * mismatch is an {@linkcode OrchestrationApiError} with code `INVALID_RESPONSE_SHAPE`), and what
 * an error body says, in whichever of the common shapes a server sends it.
 *
 * @module
 */

/**
 * The envelope a route answers with: a page (`list`), a record (`item`, or `nullableItem` where
 * the SDK document allows `item: null`), no body (`void`), or one of the bare objects of the
 * SDK document.
 */
export type Envelope =
  | "list"
  | "item"
  | "nullableItem"
  | "void"
  | "execute"
  | "confirm"
  | "dispute"
  | "heartbeat"
  | "object";

// The fields each bare-object envelope must hold as objects.
const OBJECT_FIELDS: Partial<Record<Envelope, string>> = {
  item: "item",
  execute: "order execution",
  confirm: "order",
  dispute: "order dispute",
  heartbeat: "agent",
};

const isObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === "object" && !Array.isArray(value);

/**
 * Returns a reason the body does not match `envelope`, or `undefined` when it does. Extra
 * fields are never a mismatch.
 *
 * @internal
 */
export function envelopeMismatch(envelope: Envelope, body: unknown): string | undefined {
  if (envelope === "void") return undefined;
  if (!isObject(body)) return "expected a JSON object";
  if (envelope === "list") {
    if (!Array.isArray(body.items)) return "expected 'items' to be an array";
    if (body.nextCursor != null && typeof body.nextCursor !== "string") {
      return "expected 'nextCursor' to be a string";
    }
    // Some servers mark the last page with `null`: the SDK's pages say it by leaving it out, so
    // `let cursor: string | undefined; ... cursor = page.nextCursor` type-checks.
    if (body.nextCursor === null) delete body.nextCursor;
  }
  if (envelope === "nullableItem" && body.item !== null && !isObject(body.item)) {
    return "expected 'item' to be an object or null";
  }
  for (const field of OBJECT_FIELDS[envelope]?.split(" ") ?? []) {
    if (!isObject(body[field])) return `expected '${field}' to be an object`;
  }
  if (envelope === "execute") {
    const status = (body.execution as Record<string, unknown>).statusCode;
    if (status !== 200 && status !== 202) return "expected 'execution.statusCode' to be 200 or 202";
  }
  return undefined;
}

/** What an error body says; `code` is `undefined` when it names none the SDK can recognise. */
export type ErrorEnvelope = {
  readonly code: string | undefined;
  /** The server's own message text, when it sent one. */
  readonly message: string | undefined;
  readonly details: unknown;
  /** A request id carried in the body, for servers that do not send `x-request-id`. */
  readonly requestId: string | undefined;
};

const text = (value: unknown): string | undefined =>
  typeof value === "string" && value.trim() ? value : undefined;

// A code is a string of at most 100 characters; in `error: "CODE"` it must also look like one:
// `{ error: "Not Found" }` is a message.
const code = (value: unknown, strict?: boolean): string | undefined =>
  typeof value === "string" && value && value.length <= 100 &&
    (!strict || /^[A-Z][A-Z0-9_]*$/.test(value))
    ? value
    : undefined;

/**
 * Reads an error body in any of the shapes servers use: `{ error: { code, message, details } }`
 * (the contract's), a flat `{ code, message, details }`, `{ error: "CODE", message }`, and
 * `{ message }`. Never drops the server's message text; `code` is `undefined` when no field
 * holds one. Returns `undefined` only for a body that is not a JSON object.
 *
 * @internal
 */
export function readErrorEnvelope(body: unknown): ErrorEnvelope | undefined {
  if (!isObject(body)) return;
  const nested = isObject(body.error) ? body.error : undefined;
  const requestId = text(nested?.requestId) ?? text(body.requestId) ?? text(body.request_id);
  if (nested) {
    return {
      code: code(nested.code) ?? code(body.code),
      message: text(nested.message) ?? text(body.message),
      details: nested.details ?? body.details ?? null,
      requestId,
    };
  }
  const errorCode = code(body.error, true);
  return {
    code: code(body.code) ?? errorCode,
    // `{ error: "Machine not found" }` carries the message in `error`.
    message: text(body.message) ?? (errorCode ? undefined : text(body.error)),
    details: body.details ?? null,
    requestId,
  };
}
