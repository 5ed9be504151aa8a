import { z } from 'zod';
import { invalid } from '../errors/app-error.ts';

/** Keyset pagination by (created_at, id): stable under inserts and O(limit) at any depth. */
export const PageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(25),
  cursor: z.string().max(200).optional(),
});

/** An opaque cursor: where a page ended, as base64url JSON. */
export function encodeOpaqueCursor(position: object): string {
  return Buffer.from(JSON.stringify(position)).toString('base64url');
}

/** The position a cursor holds when it decodes and fits the schema, else null. */
export function readOpaqueCursor<T>(cursor: string, schema: z.ZodType<T>): T | null {
  try {
    const parsed = schema.safeParse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

export const invalidCursor = (detail = 'The cursor is not valid; start again without it.') =>
  invalid(detail, [{ path: 'querystring.cursor', message: 'invalid cursor' }]);

const DatedCursor = z.object({ at: z.string().refine((at) => !Number.isNaN(Date.parse(at))), id: z.string() });
export type Cursor = z.infer<typeof DatedCursor>;

export function encodeCursor(at: Date, id: string | number): string {
  return encodeOpaqueCursor({ at: at.toISOString(), id: String(id) });
}

export function decodeCursor(cursor: string | undefined): Cursor | null {
  if (!cursor) return null;
  const position = readOpaqueCursor(cursor, DatedCursor);
  if (!position) throw invalidCursor();
  return position;
}

/** Given limit + 1 rows, the page and the cursor of the next one. */
export function pageOf<Row, Item>(
  rows: Row[],
  limit: number,
  key: (row: Row) => [Date, string | number],
  map: (row: Row) => Item,
) {
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return {
    items: page.map(map),
    nextCursor: rows.length > limit && last ? encodeCursor(...key(last)) : null,
  };
}

type CreatedRow = { created_at: Date; id: string | number };

/** A page of rows ordered by (created_at, id), the key PageQuery's cursor holds; the rows as they are, or mapped. */
export function pageByCreation<Row extends CreatedRow>(rows: Row[], limit: number): ReturnType<typeof pageOf<Row, Row>>;
export function pageByCreation<Row extends CreatedRow, Item>(
  rows: Row[],
  limit: number,
  map: (row: Row) => Item,
): ReturnType<typeof pageOf<Row, Item>>;
export function pageByCreation<Row extends CreatedRow>(rows: Row[], limit: number, map = (row: Row): unknown => row) {
  return pageOf(rows, limit, (r) => [r.created_at, r.id], map);
}

export const pageSchema = <T extends z.ZodType>(item: T) => z.object({ items: z.array(item), nextCursor: z.string().nullable() });
