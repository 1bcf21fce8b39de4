/** One page of a cursor-paginated list, as every list endpoint returns it. */
export interface CursorPage<T> {
  data: T[];
  nextCursor: string | null;
}

/**
 * Iterates over every item of a cursor-paginated list, fetching pages as they are needed:
 * `for await (const s of paginate((cursor) => tandem.sessions.list({ cursor }))) ...`
 * For events the cursor is the `after` seq: `paginate((after) => tandem.events.list({ after }))`.
 */
export async function* paginate<T>(fetchPage: (cursor: string | undefined) => Promise<CursorPage<T>>): AsyncGenerator<T, void, undefined> {
  let cursor: string | undefined;
  for (;;) {
    const page = await fetchPage(cursor);
    yield* page.data;
    // An events page may carry a cursor even when it is the last (the seq to tail from), so an
    // empty page ends the iteration too.
    if (page.nextCursor === null || page.data.length === 0) return;
    cursor = page.nextCursor;
  }
}
