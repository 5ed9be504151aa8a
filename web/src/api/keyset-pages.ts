import { keepPreviousData, useInfiniteQuery } from '@tanstack/react-query';

/**
 * A list read a page at a time by the API's opaque cursor. Pages stay in order and are refetched
 * together, so "load more" never skips or repeats a row. A new sort or filter keeps the rows on
 * screen until its first page arrives, rather than blanking the table.
 */
export function useKeysetPages<P extends { nextCursor: string | null }>(
  queryKey: readonly unknown[],
  fetchPage: (cursor: string | undefined, signal: AbortSignal) => Promise<P>,
) {
  return useInfiniteQuery({
    queryKey,
    queryFn: ({ pageParam, signal }) => fetchPage(pageParam, signal),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    placeholderData: keepPreviousData,
  });
}
