import { z } from 'zod';
import { invalid } from '../errors/app-error.ts';

/** Keyset pagination by (created_at, id): stable under inserts and O(limit) at any depth. */
export const PageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(25),
  cursor: z.string().max(200).optional(),
});

export interface Cursor {
  at: string;
  id: string;
}

export function encodeCursor(at: Date, id: string | number): string {
  return Buffer.from(JSON.stringify({ at: at.toISOString(), id: String(id) })).toString('base64url');
}

export function decodeCursor(cursor: string | undefined): Cursor | null {
  if (!cursor) return null;
  try {
    const parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Cursor;
    if (typeof parsed.at === 'string' && typeof parsed.id === 'string' && !Number.isNaN(Date.parse(parsed.at))) return parsed;
  } catch {
    // fall through to the clear error below
  }
  throw invalid('The cursor is not valid; start again without it.', [{ path: 'querystring.cursor', message: 'invalid cursor' }]);
}

/** Given limit + 1 rows, the page and the cursor of the next one. */
export function pageOf<Row, Item>(rows: Row[], limit: number, key: (row: Row) => [Date, string | number], map: (row: Row) => Item) {
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return {
    items: page.map(map),
    nextCursor: rows.length > limit && last ? encodeCursor(...key(last)) : null,
  };
}

export const pageSchema = <T extends z.ZodType>(item: T) => z.object({ items: z.array(item), nextCursor: z.string().nullable() });
