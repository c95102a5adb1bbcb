/**
 * Ids safe to use as path segments and Durable Object names, and the hook that turns a failed
 * validation into the contract's `VALIDATION_ERROR` envelope.
 *
 * @module
 */
import type { Context } from "hono";
import { z } from "zod";
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
 * The `@hono/zod-validator` hook: answers 400 with the fields at fault, never echoing the
 * values (they may hold credentials).
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
