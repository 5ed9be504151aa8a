import type pg from 'pg';
import type { Cursor } from '../http/pagination.ts';
import type { Tx } from './tenant-transaction.ts';

type KeysetTable = 'customers' | 'users' | 'notifications';

/**
 * The condition "after this cursor" for lists ordered by (created_at DESC, id DESC) in one clinic
 * (clinic id in $1). The cursor's time is rounded to milliseconds while created_at keeps microseconds,
 * so the row's own created_at is used when it still exists: rows created in the same millisecond are
 * neither skipped nor repeated. Pushes its values onto `params`.
 */
function beforeCursor(table: KeysetTable, cursor: Cursor, params: unknown[]): string {
  params.push(cursor.id, cursor.at);
  const [id, at] = [`$${params.length - 1}`, `$${params.length}`];
  return `(created_at, id) < (coalesce((SELECT created_at FROM ${table} WHERE clinic_id = $1 AND id = ${id}::uuid), ${at}::timestamptz), ${id}::uuid)`;
}

/**
 * One page of a clinic's rows of `table` that match `where` (clinic id in $1 of `params`), newest first, after the
 * cursor if any: limit + 1 rows, so that pageOf can tell whether another page follows.
 */
export async function newestFirst<Row extends pg.QueryResultRow>(
  tx: Tx,
  table: KeysetTable,
  columns: string,
  filter: { where: string[]; params: unknown[] },
  page: { after: Cursor | null; limit: number },
): Promise<Row[]> {
  const { where, params } = filter;
  if (page.after) where.push(beforeCursor(table, page.after, params));
  params.push(page.limit + 1);
  const { rows } = await tx.query<Row>(
    `SELECT ${columns} FROM ${table} WHERE ${where.join(' AND ')} ORDER BY created_at DESC, id DESC LIMIT $${params.length}`,
    params,
  );
  return rows;
}
