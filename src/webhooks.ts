/**
 * Standard Webhooks signing and verification (https://www.standardwebhooks.com), with no
 * dependency, so it runs unchanged on Deno, Node >= 20, Bun, Cloudflare Workers and browsers.
 * The HMAC-SHA256 is computed in JavaScript for bodies up to 4 KiB (synchronous, several times
 * faster than a Web Crypto round trip at that size) and by Web Crypto above.
 *
 * A delivery carries three headers: `webhook-id` (the idempotency key), `webhook-timestamp`
 * (unix seconds) and `webhook-signature` (`v1,<base64 HMAC-SHA256>` over
 * `"<id>.<timestamp>.<raw body>"`, several space-separated during secret rotation).
 *
 * Secrets: `whsec_<base64 key>` as the orchestration service issues them. A bare base64 key
 * (without the prefix) is accepted too, as the reference `standardwebhooks` library does, and so
 * are the raw key bytes as a `Uint8Array`.
 *
 * @example Receive deliveries in a fetch handler (Workers, Deno, Bun, Hono's `c.req.raw`)
 * ```ts
 * import { OrchestrationWebhookError, verifyWebhook } from "@peaqos/peaq-os-sdk";
 *
 * const handled = new Set<string>(); // keep this in durable storage in production
 *
 * export async function receive(request: Request, secret: string): Promise<Response> {
 *   try {
 *     const { id, event } = await verifyWebhook(await request.text(), request.headers, secret);
 *     if (handled.has(id)) return new Response(null, { status: 204 }); // a retry, already done
 *     handled.add(id);
 *     if (event.type === "order.delivered") console.log(event.data.order.id);
 *     return new Response(null, { status: 204 });
 *   } catch (err) {
 *     if (!(err instanceof OrchestrationWebhookError)) throw err;
 *     return Response.json({ reason: err.reason }, { status: 400 });
 *   }
 * }
 * ```
 *
 * @module
 */
import { constantTimeEqual } from "./constant_time.ts";
import { decodeBase64, encodeBase64 } from "./encoding.ts";
import { OrchestrationWebhookError } from "./errors.ts";
import { type HmacKey, hmacKey, hmacSha256 } from "./sha256.ts";
import type { WebhookEvent, WebhookEventType } from "./types/webhooks.ts";

/**
 * A webhook secret: `whsec_<base64>`, a bare base64 key, or the raw key bytes.
 *
 * @example Usage
 * ```ts
 * import type { WebhookSecret } from "@peaqos/peaq-os-sdk";
 *
 * const secret: WebhookSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"; // or the raw key bytes
 * ```
 */
export type WebhookSecret = string | Uint8Array;

/**
 * Request headers: a `Headers` instance or a plain object (names matched case-insensitively).
 *
 * @example Plain objects work too (Node's `req.headers`)
 * ```ts
 * import type { WebhookHeadersInput } from "@peaqos/peaq-os-sdk";
 *
 * const headers: WebhookHeadersInput = {
 *   "webhook-id": "msg_2b7f",
 *   "webhook-timestamp": "1767225600",
 *   "webhook-signature": "v1,K5oZfzN95Z9UVu1EsfQmfVNQhnkZ2pj9o9NDN/H/pI4=",
 * };
 * ```
 */
export type WebhookHeadersInput =
  | Headers
  | Readonly<Record<string, string | readonly string[] | undefined>>;

/**
 * The three Standard Webhooks headers of a delivery.
 *
 * @example Attach signed headers to a test delivery
 * ```ts
 * import { signWebhookHeaders, type WebhookHeaders } from "@peaqos/peaq-os-sdk";
 *
 * const body = '{"type":"order.created","timestamp":"2026-01-01T00:00:00Z","data":{"order":{}}}';
 * const secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
 * const headers: WebhookHeaders = await signWebhookHeaders({ body }, secret);
 * console.log(headers["webhook-id"]);
 * ```
 */
export type WebhookHeaders = {
  readonly "webhook-id": string;
  readonly "webhook-timestamp": string;
  readonly "webhook-signature": string;
};

/**
 * What is signed: the message id, when it was sent, and the exact body bytes sent.
 *
 * @example Usage
 * ```ts
 * import type { WebhookMessage } from "@peaqos/peaq-os-sdk";
 *
 * const message: WebhookMessage = {
 *   id: "msg_2b7f",
 *   timestamp: new Date("2026-01-01T00:00:00Z"),
 *   body: '{"type":"order.created","timestamp":"2026-01-01T00:00:00Z","data":{"order":{}}}',
 * };
 * ```
 */
export type WebhookMessage = {
  /** The `webhook-id`, e.g. `"msg_2b7…"`; the same on every retry of one event. */
  readonly id: string;
  /** When the delivery is sent: a `Date` or unix seconds. */
  readonly timestamp: Date | number;
  /** The raw body exactly as it will be sent. */
  readonly body: string;
};

/**
 * Options of {@linkcode verifyWebhook}.
 *
 * @example Replay a stored delivery
 * ```ts
 * import type { VerifyWebhookOptions } from "@peaqos/peaq-os-sdk";
 *
 * const options: VerifyWebhookOptions = { now: new Date("2026-01-01T00:01:00Z"), toleranceSeconds: 600 };
 * ```
 */
export type VerifyWebhookOptions = {
  /** How far the timestamp may be from `now`, in either direction, in seconds. Default 300. */
  readonly toleranceSeconds?: number | undefined;
  /** The current time (a `Date` or unix seconds); defaults to the clock. For tests. */
  readonly now?: Date | number | undefined;
};

/**
 * A verified delivery: the `webhook-id` to deduplicate by, when it was sent, and the event.
 *
 * @example Handle each delivery once
 * ```ts
 * import type { VerifiedWebhook } from "@peaqos/peaq-os-sdk";
 *
 * const handled = new Set<string>();
 * function handle({ id, event }: VerifiedWebhook): void {
 *   if (handled.has(id)) return; // a retry of a delivery already handled
 *   handled.add(id);
 *   if (event.type === "order.delivered") console.log(event.data.order.id);
 * }
 * ```
 */
export type VerifiedWebhook = {
  /** The `webhook-id` header: the same on every retry of one event, so the key to dedupe by. */
  readonly id: string;
  /** The `webhook-timestamp` header: when this attempt was sent (not when the event occurred). */
  readonly timestamp: Date;
  /** The parsed body. */
  readonly event: WebhookEvent;
};

/**
 * Default tolerance between a delivery's timestamp and the receiver's clock, in seconds.
 *
 * @example Widen the window for a slow queue
 * ```ts
 * import { DEFAULT_WEBHOOK_TOLERANCE_SECONDS, type VerifyWebhookOptions } from "@peaqos/peaq-os-sdk";
 *
 * const options: VerifyWebhookOptions = { toleranceSeconds: 2 * DEFAULT_WEBHOOK_TOLERANCE_SECONDS };
 * ```
 */
export const DEFAULT_WEBHOOK_TOLERANCE_SECONDS = 300;

const SECRET_PREFIX = "whsec_";
const SIGNATURE_VERSION = "v1";
// Bounds what one request can make us hash and compare; rotation needs two or three.
const MAX_SIGNATURES = 16;
// Marked pure so bundlers drop it (and this module) from apps that never verify a webhook.
const encoder = /* @__PURE__ */ new TextEncoder();
const strictDecoder = /* @__PURE__ */ new TextDecoder("utf-8", { fatal: true });
// Messages up to this many bytes are MACed in JavaScript, longer ones by Web Crypto: below it,
// a Web Crypto call's fixed cost (an asynchronous trip into the runtime) is the larger one.
const SYNC_MAC_MAX_BYTES = 4096;

/**
 * Signs a message and returns the `webhook-signature` header value, `v1,<base64>`.
 *
 * @example Sign a delivery
 * ```ts
 * import { signWebhook } from "@peaqos/peaq-os-sdk";
 *
 * const signature = await signWebhook(
 *   { id: "msg_1", timestamp: 1_700_000_000, body: '{"type":"order.created"}' },
 *   "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
 * );
 * console.assert(signature.startsWith("v1,"));
 * ```
 *
 * @param message The id, timestamp and raw body.
 * @param secret The signing secret.
 * @returns The signature header value.
 */
export async function signWebhook(
  message: WebhookMessage,
  secret: WebhookSecret,
): Promise<string> {
  const id = checkId(message?.id);
  const timestamp = toUnixSeconds(message?.timestamp, "timestamp");
  if (typeof message.body !== "string") {
    throw invalidArgument("body", "a string");
  }
  const key = webhookKey(secret);
  const mac = await hmac(key, id, String(timestamp), encoder.encode(message.body));
  return `${SIGNATURE_VERSION},${encodeBase64(mac)}`;
}

/**
 * Signs a body and returns all three delivery headers. `id` defaults to a fresh
 * `msg_<random>` and `timestamp` to now.
 *
 * @example Build a signed delivery
 * ```ts
 * import { signWebhookHeaders } from "@peaqos/peaq-os-sdk";
 *
 * const body = JSON.stringify({
 *   type: "order.created",
 *   timestamp: new Date().toISOString(),
 *   data: { order: { id: "ord_1" } },
 * });
 * const headers = await signWebhookHeaders({ body }, "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
 * const delivery = new Request("http://127.0.0.1:8788/webhooks/orchestration", {
 *   method: "POST",
 *   headers: { ...headers, "content-type": "application/json" },
 *   body,
 * }); // send it with fetch(delivery)
 * ```
 *
 * @param message The raw body, and optionally the id and timestamp.
 * @param secret The signing secret.
 * @returns The `webhook-id`, `webhook-timestamp` and `webhook-signature` headers.
 */
export async function signWebhookHeaders(
  message: {
    readonly body: string;
    readonly id?: string | undefined;
    readonly timestamp?: Date | number | undefined;
  },
  secret: WebhookSecret,
): Promise<WebhookHeaders> {
  const id = message?.id ?? `msg_${crypto.randomUUID().replaceAll("-", "")}`;
  const timestamp = toUnixSeconds(
    message?.timestamp ?? new Date(),
    "timestamp",
  );
  const signature = await signWebhook(
    { id, timestamp, body: message.body },
    secret,
  );
  return {
    "webhook-id": id,
    "webhook-timestamp": String(timestamp),
    "webhook-signature": signature,
  };
}

/**
 * Verifies a delivery's signature and timestamp over the raw body, then parses the event.
 * Refusals reject with an {@linkcode OrchestrationWebhookError} whose `reason` says why.
 * Any one valid `v1` signature among several (secret rotation) is enough; comparison is in
 * constant time. A signature must be spelled as the sender encodes it (canonical padded base64,
 * as the reference Standard Webhooks libraries require): other spellings of the same bytes
 * (missing padding, changed unused bits) are refused.
 *
 * Delivery is at least once: deduplicating by the returned `id` (the `webhook-id`) is the
 * caller's job. An event of a known type must carry the objects its type promises (`data.order`,
 * and `data.payment` on payment events), else it is refused as `invalid_payload`; an event type
 * this SDK does not know yet is returned unchanged.
 *
 * @example Verify, then switch on the event type
 * ```ts
 * import { signWebhookHeaders, verifyWebhook } from "@peaqos/peaq-os-sdk";
 *
 * const secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
 * const body = JSON.stringify({
 *   type: "order.created",
 *   timestamp: "2026-01-01T00:00:00Z",
 *   data: { order: { id: "ord_1" } },
 * });
 * const headers = await signWebhookHeaders({ id: "msg_1", body }, secret);
 * const { id, event } = await verifyWebhook(body, headers, secret);
 * if (event.type === "order.created") console.log(id, event.data.order.id); // msg_1 ord_1
 * ```
 *
 * @param rawBody The body exactly as received (before any JSON parsing).
 * @param headers The request headers.
 * @param secret The endpoint's secret.
 * @param options Tolerance and clock.
 * @returns The delivery's id and timestamp, and the parsed event.
 */
export async function verifyWebhook(
  rawBody: string | Uint8Array,
  headers: WebhookHeadersInput,
  secret: WebhookSecret,
  options: VerifyWebhookOptions = {},
): Promise<VerifiedWebhook> {
  const tolerance = options?.toleranceSeconds ??
    DEFAULT_WEBHOOK_TOLERANCE_SECONDS;
  if (
    typeof tolerance !== "number" || !Number.isFinite(tolerance) ||
    tolerance < 0
  ) {
    throw invalidArgument("toleranceSeconds", "a non-negative number");
  }
  const now = toUnixSeconds(options?.now ?? new Date(), "now");
  const bodyBytes = typeof rawBody === "string"
    ? encoder.encode(rawBody)
    : rawBody instanceof Uint8Array
    ? rawBody
    : undefined;
  if (bodyBytes === undefined) {
    throw invalidArgument("rawBody", "a string or Uint8Array");
  }

  const id = readHeader(headers, "webhook-id");
  const timestampText = readHeader(headers, "webhook-timestamp");
  const signatureText = readHeader(headers, "webhook-signature");
  const missing = [
    id ? undefined : "webhook-id",
    timestampText ? undefined : "webhook-timestamp",
    signatureText ? undefined : "webhook-signature",
  ].filter((name) => name !== undefined);
  if (missing.length > 0 || !id || !timestampText || !signatureText) {
    throw new OrchestrationWebhookError(
      "missing_headers",
      `Webhook headers are missing: ${missing.map((name) => `'${name}'`).join(", ")}`,
    );
  }

  const key = webhookKey(secret);

  if (!/^\d{1,12}$/.test(timestampText)) {
    throw new OrchestrationWebhookError(
      "invalid_timestamp",
      `Webhook timestamp is not unix seconds: received '${timestampText.slice(0, 32)}'`,
    );
  }
  const timestamp = Number(timestampText);
  if (now - timestamp > tolerance) {
    throw new OrchestrationWebhookError(
      "timestamp_too_old",
      `Webhook timestamp is too old: '${timestamp}' is more than ${tolerance} s before '${now}'`,
    );
  }
  if (timestamp - now > tolerance) {
    throw new OrchestrationWebhookError(
      "timestamp_too_new",
      `Webhook timestamp is too new: '${timestamp}' is more than ${tolerance} s after '${now}'`,
    );
  }

  // The canonical spelling is compared, not the decoded bytes: base64 decoders accept several
  // spellings of one MAC, and a signature is only valid as the sender spells it.
  const expected = encoder.encode(
    encodeBase64(await hmac(key, id, timestampText, bodyBytes)),
  );
  const candidates = signatureText.split(" ").filter((part) => part.length > 0);
  let matched = false;
  for (const candidate of candidates.slice(0, MAX_SIGNATURES)) {
    const comma = candidate.indexOf(",");
    if (comma < 0 || candidate.slice(0, comma) !== SIGNATURE_VERSION) continue;
    // No early exit: every candidate is compared so timing does not reveal which one matched.
    if (
      constantTimeEqual(encoder.encode(candidate.slice(comma + 1)), expected)
    ) matched = true;
  }
  if (!matched) {
    throw new OrchestrationWebhookError(
      "invalid_signature",
      `Webhook signature does not match: no valid '${SIGNATURE_VERSION}' signature for '${
        id.slice(0, 64)
      }'`,
    );
  }

  return {
    id,
    timestamp: new Date(timestamp * 1000),
    event: parseEvent(typeof rawBody === "string" ? rawBody : bodyBytes),
  };
}

function parseEvent(body: string | Uint8Array): WebhookEvent {
  let event: unknown;
  try {
    event = JSON.parse(typeof body === "string" ? body : strictDecoder.decode(body));
  } catch (cause) {
    throw new OrchestrationWebhookError(
      "invalid_payload",
      "Webhook body is not valid JSON",
      {
        cause,
      },
    );
  }
  if (
    !isObject(event) || typeof event.type !== "string" ||
    event.type.length === 0 ||
    typeof event.timestamp !== "string" || !isObject(event.data)
  ) {
    throw new OrchestrationWebhookError(
      "invalid_payload",
      "Webhook body is not an event: expected 'type', 'timestamp' and 'data'",
    );
  }
  const mismatch = dataMismatch(event.type, event.data);
  if (mismatch !== undefined) {
    const type = event.type.slice(0, 64);
    throw new OrchestrationWebhookError(
      "invalid_payload",
      `Webhook event '${type}' does not carry what its type promises: ${mismatch}`,
    );
  }
  return event as unknown as WebhookEvent;
}

// What `data.payment` is on each known event type (`data.order` is on all of them), as
// `WebhookEventDataByType` says. A type missing here comes from a server newer than this SDK and
// passes through unchecked.
const PAYMENT_IN_DATA: Readonly<
  Record<WebhookEventType, "absent" | "optional" | "required">
> = {
  "order.created": "absent",
  "order.executing": "optional",
  "order.delivered": "optional",
  "order.handoff": "optional",
  "order.confirmed": "optional",
  "order.disputed": "optional",
  "order.failed": "optional",
  "order.cancelled": "optional",
  "payment.intent_created": "required",
  "payment.held": "required",
  "payment.released": "required",
  "payment.refunded": "required",
  "payment.frozen": "required",
};

function dataMismatch(
  type: string,
  data: Record<string, unknown>,
): string | undefined {
  if (!Object.hasOwn(PAYMENT_IN_DATA, type)) return undefined;
  if (!isObject(data.order)) return "expected 'data.order' to be an object";
  const payment = PAYMENT_IN_DATA[type as WebhookEventType];
  if (payment === "absent" && data.payment !== undefined) {
    return "expected no 'data.payment'";
  }
  const paymentMayLack = payment === "optional" && data.payment === undefined;
  if (payment !== "absent" && !paymentMayLack && !isObject(data.payment)) {
    return "expected 'data.payment' to be an object";
  }
  return undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

function readHeader(
  headers: WebhookHeadersInput,
  name: string,
): string | undefined {
  if (headers === null || typeof headers !== "object") return undefined;
  if (typeof Headers !== "undefined" && headers instanceof Headers) {
    return headers.get(name)?.trim() || undefined;
  }
  // The common spelling first: scanning every entry costs more than the lookup.
  const record = headers as Record<string, unknown>;
  const value = Object.hasOwn(record, name)
    ? record[name]
    : Object.entries(record).find(([key]) => key.toLowerCase() === name)?.[1];
  const text = typeof value === "string"
    ? value
    : Array.isArray(value)
    ? value.filter((part) => typeof part === "string").join(" ")
    : undefined;
  return text?.trim() || undefined;
}

// A secret made ready for both MAC paths: the HMAC pad states for the JavaScript one, and the
// Web Crypto key, imported on first use by the other.
type WebhookKey = {
  readonly bytes: Uint8Array<ArrayBuffer>;
  readonly pads: HmacKey;
  crypto?: Promise<CryptoKey>;
};

// The key of the last string secret used. A receiver verifies every delivery with the same
// secret, and preparing the key was most of a verification's cost (see BENCHMARKS.md). The
// string is the caller's own, held by reference.
let lastStringKey: { readonly secret: string; readonly key: WebhookKey } | undefined;

function webhookKey(secret: WebhookSecret): WebhookKey {
  if (typeof secret === "string" && lastStringKey?.secret === secret) {
    return lastStringKey.key;
  }
  let bytes: Uint8Array | undefined;
  if (secret instanceof Uint8Array) {
    bytes = secret;
  } else if (typeof secret === "string") {
    const encoded = secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret;
    bytes = decodeBase64(encoded);
  }
  if (bytes === undefined || bytes.length === 0) {
    throw new OrchestrationWebhookError(
      "invalid_secret",
      "Webhook secret is not usable: expected 'whsec_<base64>', a base64 key or key bytes",
    );
  }
  const copy = new Uint8Array(bytes);
  const key: WebhookKey = { bytes: copy, pads: hmacKey(copy) };
  if (typeof secret === "string") lastStringKey = { secret, key };
  return key;
}

async function hmac(
  key: WebhookKey,
  id: string,
  timestamp: string,
  body: Uint8Array,
): Promise<Uint8Array> {
  const prefix = encoder.encode(`${id}.${timestamp}.`);
  if (prefix.length + body.length <= SYNC_MAC_MAX_BYTES) {
    return hmacSha256(key.pads, [prefix, body]);
  }
  key.crypto ??= crypto.subtle.importKey(
    "raw",
    key.bytes,
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
  const data = new Uint8Array(prefix.length + body.length);
  data.set(prefix, 0);
  data.set(body, prefix.length);
  return new Uint8Array(await crypto.subtle.sign("HMAC", await key.crypto, data));
}

function checkId(id: unknown): string {
  if (typeof id !== "string" || id.length === 0 || /\s/.test(id)) {
    throw invalidArgument("id", "a non-empty string without whitespace");
  }
  return id;
}

function toUnixSeconds(value: unknown, field: string): number {
  if (value instanceof Date) {
    const ms = value.getTime();
    if (Number.isFinite(ms) && ms >= 0) return Math.floor(ms / 1000);
  } else if (
    typeof value === "number" && Number.isInteger(value) && value >= 0
  ) {
    return value;
  }
  throw invalidArgument(field, "a valid Date or non-negative unix seconds");
}

// A webhook function called with an argument of the wrong kind; the value is never echoed.
function invalidArgument(field: string, constraint: string): OrchestrationWebhookError {
  return new OrchestrationWebhookError(
    "invalid_argument",
    `Invalid '${field}': must be ${constraint}`,
  );
}
