/**
 * Keeping credentials out of errors, logs and serialised output.
 *
 * @module
 */

/**
 * What every redacted value is replaced with.
 *
 * @example Check that a secret was scrubbed
 * ```ts
 * import { REDACTED, sanitizeBody } from "@peaqos/peaq-os-sdk";
 *
 * const safe = sanitizeBody({ agentToken: "at_live_123", label: "rover" });
 * console.assert(safe.agentToken === REDACTED);
 * ```
 */
export const REDACTED = "[REDACTED]";

// The six names of the SDK document, plus `signature`: proofs are credentials too.
const SECRET_NAME = /token|key|secret|password|credential|auth|signature/i;

/**
 * Returns a deep copy of `body` in which every field whose name contains `token`, `key`,
 * `secret`, `password`, `credential`, `auth` or `signature` (case-insensitive) is replaced by
 * `"[REDACTED]"`, at any depth, inside objects and arrays. The input is never mutated;
 * cycles become `"[Circular]"`, values whose `toJSON` throws `"[Unserializable]"`, and
 * anything nested more than 100 levels deep `"[Truncated]"`.
 *
 * @example Redact a request body
 * ```ts
 * import { sanitizeBody } from "@peaqos/peaq-os-sdk";
 *
 * const safe = sanitizeBody({ agentToken: "t-123", endpoints: [{ authToken: "s" }] });
 * console.assert(JSON.stringify(safe) === '{"agentToken":"[REDACTED]","endpoints":[{"authToken":"[REDACTED]"}]}');
 * ```
 *
 * @param body Any JSON-like value.
 * @returns The sanitized copy.
 */
export function sanitizeBody<T>(body: T): T {
  return copy(body, new WeakSet(), 0) as T;
}

// Deeper than this is summarised rather than copied: recursion must not overflow the stack
// on a hostile body, and no diagnostic needs a hundred levels.
const MAX_DEPTH = 100;

function copy(value: unknown, seen: WeakSet<object>, depth: number): unknown {
  if (value === null || typeof value !== "object") return value;
  if (seen.has(value)) return "[Circular]";
  if (depth >= MAX_DEPTH) return "[Truncated]";
  seen.add(value);
  try {
    // Dates and similar become what JSON.stringify would send.
    const toJSON = (value as { toJSON?: unknown }).toJSON;
    if (typeof toJSON === "function") {
      let json: unknown;
      try {
        json = toJSON.call(value);
      } catch {
        return "[Unserializable]";
      }
      return copy(json, seen, depth + 1);
    }
    if (Array.isArray(value)) {
      return value.map((item) => copy(item, seen, depth + 1));
    }
    const out: Record<string, unknown> = {};
    for (const [name, field] of Object.entries(value)) {
      // defineProperty, not assignment: a "__proto__" key must stay a plain field.
      Object.defineProperty(out, name, {
        value: SECRET_NAME.test(name) ? REDACTED : copy(field, seen, depth + 1),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return out;
  } finally {
    seen.delete(value);
  }
}

const NODE_INSPECT = Symbol.for("nodejs.util.inspect.custom");
const DENO_INSPECT = Symbol.for("Deno.customInspect");

/**
 * Attaches `secret` to `record` as the non-enumerable field `name` and makes every way of
 * printing the record (`JSON.stringify`, `console.log`, `Deno.inspect`, `util.inspect`) show
 * `"[REDACTED]"` in its place. Reading `record[name]` still returns the secret.
 *
 * @internal Used by the transport for `pairingToken` and `provisioningToken`.
 */
export function attachSecret<T extends object, K extends string>(
  record: T,
  name: K,
  secret: string,
): T & Record<K, string> {
  return attachSecrets(record, { [name]: secret }) as T & Record<K, string>;
}

/**
 * {@linkcode attachSecret} for several fields at once; the printed view redacts them all.
 *
 * @internal Used by the transport for an enrollment that names its token twice.
 */
export function attachSecrets<T extends object>(
  record: T,
  secrets: Readonly<Record<string, string>>,
): T {
  const redacted: Record<string, string> = {};
  for (const [name, secret] of Object.entries(secrets)) {
    Object.defineProperty(record, name, {
      value: secret,
      enumerable: false,
      configurable: true,
    });
    redacted[name] = REDACTED;
  }
  const redactedView = (): Record<string, unknown> => ({
    ...record,
    ...redacted,
  });
  Object.defineProperty(record, "toJSON", {
    value: redactedView,
    enumerable: false,
  });
  Object.defineProperty(record, NODE_INSPECT, {
    value: (
      _depth: number,
      options: unknown,
      inspect?: (v: unknown, o: unknown) => string,
    ) => inspect ? inspect(redactedView(), options) : redactedView(),
    enumerable: false,
  });
  Object.defineProperty(record, DENO_INSPECT, {
    value: (inspect: (v: unknown, o: unknown) => string, options: unknown) =>
      inspect(redactedView(), options),
    enumerable: false,
  });
  return record;
}
