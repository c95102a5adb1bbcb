/**
 * Cursor pagination shared by the `*All` iterators (one for every paginated list route).
 *
 * @module
 */
import { OrchestrationApiError } from "./errors.ts";
import type { ListResponse } from "./types/common.ts";

/**
 * Empty pages in a row, each with a fresh next cursor, after which an iterator gives up: a
 * server may skip a few filtered-out pages, but one that sends empty pages forever would
 * otherwise keep the iterator (and its caller) spinning.
 *
 * @internal
 */
export const MAX_EMPTY_PAGES = 10;

/**
 * Yields every item of every page, fetching the next page only when the consumer asks for
 * more; a `break` stops fetching. Filters and `limit` in `query` pass through on every page.
 * Rejects with `INVALID_RESPONSE_SHAPE` when the server repeats a cursor or sends
 * {@linkcode MAX_EMPTY_PAGES} empty pages in a row that still name a next one.
 *
 * @internal
 */
export async function* paginate(
  fetchPage: (query: object) => Promise<unknown>,
  query: object,
): AsyncGenerator<unknown, void, undefined> {
  let cursor: string | undefined;
  // Every cursor seen so far: a server that cycles (A → B → A) would otherwise loop forever.
  const seen = new Set<string>();
  let emptyPages = 0;
  do {
    // The transport checked the envelope: `items` is an array, `nextCursor` a string or absent.
    const page = await fetchPage(
      cursor === undefined ? { ...query } : { ...query, cursor },
    ) as ListResponse<unknown>;
    yield* page.items;
    cursor = page.nextCursor || undefined;
    if (cursor === undefined) return;
    if (seen.has(cursor)) {
      const shown = cursor.length > 64 ? `${cursor.slice(0, 64)}…` : cursor;
      throw endless(`The server returned cursor '${shown}' twice`);
    }
    seen.add(cursor);
    emptyPages = page.items.length === 0 ? emptyPages + 1 : 0;
    if (emptyPages >= MAX_EMPTY_PAGES) {
      throw endless(
        `The server returned ${emptyPages} empty pages in a row, each with a cursor`,
      );
    }
  } while (cursor);
}

function endless(what: string): OrchestrationApiError {
  return new OrchestrationApiError({
    code: "INVALID_RESPONSE_SHAPE",
    statusCode: 200,
    message: `${what}; stopping to avoid an endless loop`,
  });
}
