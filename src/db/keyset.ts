import type { Cursor } from '../http/pagination.ts';

/**
 * The condition "after this cursor" for lists ordered by (created_at DESC, id DESC) in one clinic
 * (clinic id in $1). The cursor's time is rounded to milliseconds while created_at keeps microseconds,
 * so the row's own created_at is used when it still exists: rows created in the same millisecond are
 * neither skipped nor repeated. Pushes its values onto `params`.
 */
export function beforeCursor(table: 'customers' | 'users', cursor: Cursor, params: unknown[]): string {
  params.push(cursor.id, cursor.at);
  const [id, at] = [`$${params.length - 1}`, `$${params.length}`];
  return `(created_at, id) < (coalesce((SELECT created_at FROM ${table} WHERE clinic_id = $1 AND id = ${id}::uuid), ${at}::timestamptz), ${id}::uuid)`;
}
