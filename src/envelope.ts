/**
 * Checks that a success body is the envelope the route promises. A mismatch is an
 * {@linkcode OrchestrationApiError} with code `INVALID_RESPONSE_SHAPE`.
 *
 * @module
 */

/**
 * The envelope a route answers with: a page (`list`), a record (`item`), no body (`void`), or
 * one of the bare objects of the SDK document.
 */
export type Envelope =
  | "list"
  | "item"
  | "void"
  | "execute"
  | "confirm"
  | "dispute"
  | "heartbeat"
  | "object";

const OBJECT_KEYS: Readonly<Record<Envelope, readonly string[]>> = {
  list: [],
  item: [],
  void: [],
  object: [],
  execute: ["order", "execution"],
  confirm: ["order"],
  dispute: ["order", "dispute"],
  heartbeat: ["agent"],
};

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/**
 * Returns a reason the body does not match `envelope`, or `undefined` when it does.
 *
 * @internal
 */
export function envelopeMismatch(envelope: Envelope, body: unknown): string | undefined {
  if (envelope === "void") return undefined;
  if (!isObject(body)) return "expected a JSON object";
  if (envelope === "list") {
    if (!Array.isArray(body.items)) return "expected 'items' to be an array";
    const next = body.nextCursor;
    if (next !== undefined && next !== null && typeof next !== "string") {
      return "expected 'nextCursor' to be a string";
    }
    return undefined;
  }
  if (envelope === "item") {
    return "item" in body && (body.item === null || isObject(body.item))
      ? undefined
      : "expected 'item' to be an object";
  }
  for (const key of OBJECT_KEYS[envelope]) {
    if (!isObject(body[key])) return `expected '${key}' to be an object`;
  }
  if (envelope === "execute") {
    const status = (body.execution as Record<string, unknown>).statusCode;
    if (status !== 200 && status !== 202) return "expected 'execution.statusCode' to be 200 or 202";
  }
  return undefined;
}

/**
 * Reads the server's error envelope `{ error: { code, message, details } }`, or returns
 * `undefined` when the body is not one.
 *
 * @internal
 */
export function readErrorEnvelope(
  body: unknown,
): { code: string; message: string; details: unknown } | undefined {
  if (!isObject(body) || !isObject(body.error)) return undefined;
  const { code, message, details } = body.error;
  if (typeof code !== "string" || code === "") return undefined;
  return { code, message: typeof message === "string" ? message : code, details: details ?? null };
}
