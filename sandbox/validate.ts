/**
 * Request validation: every body and query goes through a zod schema; failures are 400
 * `VALIDATION_ERROR` whose `details` name each field (`[{ path, message }]`), so bad input never
 * reaches route logic or a 5xx.
 *
 * @module
 */
import type { Context } from "hono";
import type { z } from "zod";
import { ApiError } from "./errors.ts";

/** One field-level problem in a `VALIDATION_ERROR`'s `details`. */
export type FieldIssue = { readonly path: string; readonly message: string };

/**
 * Builds a 400 `VALIDATION_ERROR` naming the given fields.
 *
 * @example
 * ```ts ignore
 * throw validationError([{ path: "agentDid", message: "must end with the agentAddress" }]);
 * ```
 */
export function validationError(issues: readonly FieldIssue[]): ApiError {
  const fields = issues.map((issue) => `'${issue.path}'`).join(", ");
  return new ApiError(400, "VALIDATION_ERROR", `Invalid request: ${fields}`, issues);
}

function toIssues(error: z.ZodError): FieldIssue[] {
  return error.issues.flatMap((issue) => {
    const path = issue.path.map(String);
    // An unknown field is named itself (`delegationPolicy.dailyLimit`), not by its parent.
    if (issue.code === "unrecognized_keys") {
      return issue.keys.map((key) => ({ path: [...path, key].join("."), message: issue.message }));
    }
    return [{ path: path.join(".") || "(body)", message: issue.message }];
  });
}

/**
 * Parses `value` with `schema` or throws a `VALIDATION_ERROR` naming the fields.
 *
 * @example
 * ```ts ignore
 * const query = parseWith(listQuerySchema, c.req.query());
 * ```
 */
export function parseWith<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw validationError(toIssues(result.error));
  return result.data;
}

/**
 * Reads the JSON body and validates it. Malformed JSON (or an empty body where one is needed) is
 * a `VALIDATION_ERROR` too.
 *
 * @example
 * ```ts ignore
 * const body = await readJson(c, createMachineSchema);
 * ```
 */
export async function readJson<S extends z.ZodType>(c: Context, schema: S): Promise<z.output<S>> {
  const text = await c.req.text();
  let value: unknown;
  try {
    value = text.trim() === "" ? undefined : JSON.parse(text);
  } catch {
    throw new ApiError(400, "VALIDATION_ERROR", "Malformed JSON in request body", [
      { path: "(body)", message: "not valid JSON" },
    ]);
  }
  if (value === undefined) {
    throw new ApiError(400, "VALIDATION_ERROR", "Missing JSON request body", [
      { path: "(body)", message: "a JSON object is required" },
    ]);
  }
  return parseWith(schema, value);
}

/**
 * Validates the query string (one value per name; the last wins).
 *
 * @example
 * ```ts ignore
 * const { limit, cursor } = readQuery(c, listQuerySchema);
 * ```
 */
export function readQuery<S extends z.ZodType>(c: Context, schema: S): z.output<S> {
  return parseWith(schema, c.req.query());
}

/**
 * Reads an optional JSON body: the SDK sends none for confirm and may send none for execute,
 * release, refund and cancel; an empty body reads as `{}`.
 *
 * @example
 * ```ts ignore
 * const body = await readOptionalJson(c, cancelBody);
 * ```
 */
export async function readOptionalJson<S extends z.ZodType>(
  c: Context,
  schema: S,
): Promise<z.output<S>> {
  const text = await c.req.text(); // Hono caches the body, so readJson can read it again
  return text.trim() === "" ? parseWith(schema, {}) : await readJson(c, schema);
}
