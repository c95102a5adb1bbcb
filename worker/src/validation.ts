/**
 * Ids safe to use as path segments and Durable Object names, and request validation with zod
 * (`check`) that turns a failure into the contract's `VALIDATION_ERROR` envelope.
 *
 * @module
 */
import type { Context, MiddlewareHandler } from "hono";
import { HTTPException } from "hono/http-exception";
import { z } from "zod";
import type { AppEnv } from "./env.ts";
import { errorResponse } from "./errors.ts";

/**
 * An id in a path or a Durable Object name: letters, digits, `_ - . :`, no `..`, at most 128
 * characters. Stricter than the contract's body `idSchema` on purpose.
 */
export const pathIdSchema = z.string().regex(
  /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$/,
  "invalid id",
)
  .refine((id) => !id.includes(".."), "invalid id");

/** Whether `value` is a usable path id (see {@linkcode pathIdSchema}). */
export function isId(value: unknown): value is string {
  return pathIdSchema.safeParse(value).success;
}

type Issue = { path: PropertyKey[]; message: string };

/**
 * What a failed validation answers ({@linkcode check}'s, and the shape of a zod validator hook):
 * 400 with the fields at fault, never echoing the values (they may hold credentials).
 */
export function validationHook(
  result: { success: boolean; error?: { issues: Issue[] } },
  _c: Context,
): Response | undefined {
  if (result.success) return undefined;
  return errorResponse(400, "VALIDATION_ERROR", "Invalid request", {
    fields: fieldsOf(result.error?.issues ?? []),
  });
}

/** The fields at fault of a zod error, without the values. */
export function fieldsOf(
  issues: readonly Issue[],
): { path: string; message: string }[] {
  return issues.map((issue) => ({
    path: issue.path.map(String).join("."),
    message: issue.message,
  }));
}

/** The parts of a request {@linkcode check} validates. */
export type CheckTarget = "param" | "query" | "json";

/**
 * Validates one part of the request with a zod schema and answers {@linkcode validationHook}'s
 * `400` when it fails; the handler reads the result with `c.req.valid(target)`. The values are
 * read as Hono's validator reads them (a repeated query name becomes a list, a body only with a
 * JSON content type, malformed JSON is a `400`), in one synchronous parse and one middleware
 * frame instead of `@hono/zod-validator`'s three nested async ones: it runs on every proxied
 * request.
 *
 * @example
 * ```ts ignore
 * app.get("/orders/:orderId", check("param", z.object({ orderId: pathIdSchema })), (c) =>
 *   c.text(c.req.valid("param").orderId));
 * ```
 */
export function check<T extends CheckTarget, S extends z.ZodType>(
  target: T,
  schema: S,
): MiddlewareHandler<
  AppEnv,
  string,
  { in: { [K in T]: z.input<S> }; out: { [K in T]: z.output<S> } }
> {
  return async (c, next) => {
    let value: unknown = {};
    if (target === "param") value = c.req.param();
    else if (target === "query") {
      // As Hono's validator reads a query: a repeated name becomes a list.
      const entries = Object.entries(c.req.queries());
      value = Object.fromEntries(entries.map(([k, v]) => [k, v.length === 1 ? v[0] : v]));
    } else if (JSON_TYPE.test(c.req.header("content-type")?.split(";")[0]?.trim() ?? "")) {
      try {
        value = await c.req.json();
      } catch {
        throw new HTTPException(400, { message: "Malformed JSON in request body" });
      }
    }
    const result = schema.safeParse(value);
    if (!result.success) return validationHook(result, c);
    c.req.addValidatedData(target, result.data as object);
    await next();
  };
}

const JSON_TYPE = /^application\/([\w.-]+\+)?json$/i;
