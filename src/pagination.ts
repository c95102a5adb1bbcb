/**
 * Cursor pagination shared by the six `*All` iterators.
 *
 * @module
 */
import { OrchestrationApiError } from "./errors.ts";
import type { ListQuery, ListResponse } from "./types/common.ts";

/**
 * Yields every item of every page, fetching the next page only when the consumer asks for
 * more; a `break` stops fetching. Filters and `limit` in `query` pass through on every page.
 *
 * @internal
 */
export async function* paginate<T, Q extends ListQuery>(
  fetchPage: (query: Q) => Promise<ListResponse<T>>,
  query: Omit<Q, "cursor">,
): AsyncGenerator<T, void, undefined> {
  let cursor: string | undefined;
  do {
    const page: ListResponse<T> = await fetchPage(
      (cursor === undefined ? { ...query } : { ...query, cursor }) as Q,
    );
    yield* page.items;
    if (page.nextCursor && page.nextCursor === cursor) {
      throw new OrchestrationApiError({
        code: "INVALID_RESPONSE_SHAPE",
        statusCode: 200,
        message: "The server returned the same cursor twice; stopping to avoid an endless loop",
      });
    }
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
}
