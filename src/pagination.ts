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
  // Every cursor seen so far: a server that cycles (A → B → A) would otherwise loop forever.
  const seen = new Set<string>();
  do {
    const page: ListResponse<T> = await fetchPage(
      (cursor === undefined ? { ...query } : { ...query, cursor }) as Q,
    );
    yield* page.items;
    cursor = page.nextCursor || undefined;
    if (cursor !== undefined) {
      if (seen.has(cursor)) {
        throw new OrchestrationApiError({
          code: "INVALID_RESPONSE_SHAPE",
          statusCode: 200,
          message:
            `The server returned cursor '${cursor}' twice; stopping to avoid an endless loop`,
        });
      }
      seen.add(cursor);
    }
  } while (cursor);
}
