/**
 * Opaque, stable cursors. A cursor encodes the creation sequence of the last item served, so a
 * page boundary does not move when records are added or removed.
 *
 * @module
 */
import { z } from "zod";
import type { ListResponse } from "../src/types/mod.ts";
import { base64UrlDecodeText, base64UrlEncodeText } from "./crypto.ts";
import { validationError } from "./validate.ts";

/** Default and maximum page sizes. */
export const DEFAULT_LIMIT = 100;
/** The largest `limit` accepted. */
export const MAX_LIMIT = 500;

/** `limit` (1..500) and `cursor` query parameters; extend it for routes with filters. */
export const listQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(MAX_LIMIT).optional(),
  cursor: z.string().min(1).max(200).optional(),
});

/** Parsed list query. */
export type ListQueryInput = {
  readonly limit?: number | undefined;
  readonly cursor?: string | undefined;
};

const CURSOR_PREFIX = "c1:";

/**
 * Encodes a sequence number as an opaque cursor.
 *
 * @example
 * ```ts ignore
 * encodeCursor(42); // "YzE6NDI"
 * ```
 */
export function encodeCursor(seq: number): string {
  return base64UrlEncodeText(CURSOR_PREFIX + seq);
}

/**
 * Decodes a cursor or throws a `VALIDATION_ERROR` on `cursor`.
 *
 * @example
 * ```ts ignore
 * decodeCursor(encodeCursor(42)); // 42
 * ```
 */
export function decodeCursor(cursor: string): number {
  const text = base64UrlDecodeText(cursor);
  const digits = text?.startsWith(CURSOR_PREFIX) ? text.slice(CURSOR_PREFIX.length) : "";
  if (!/^\d{1,15}$/.test(digits)) {
    throw validationError([{ path: "cursor", message: "not a cursor this server issued" }]);
  }
  return Number(digits);
}

/**
 * Serves one page of `records` (any order; sorted by `seq` here) as a list envelope.
 *
 * @example
 * ```ts ignore
 * return c.json(paginate([...store.machines.values()], query, (r) => r.machine));
 * ```
 */
export function paginate<R extends { readonly seq: number }, T>(
  records: Iterable<R>,
  query: ListQueryInput,
  view: (record: R) => T,
): ListResponse<T> {
  const limit = query.limit ?? DEFAULT_LIMIT;
  const after = query.cursor === undefined ? 0 : decodeCursor(query.cursor);
  const sorted = [...records].filter((record) => record.seq > after).sort((a, b) => a.seq - b.seq);
  const page = sorted.slice(0, limit);
  const last = page.at(-1);
  const items = page.map(view);
  return sorted.length > limit && last !== undefined
    ? { items, nextCursor: encodeCursor(last.seq) }
    : { items };
}
