import type { Tx } from '../db/tenant-transaction.ts';
import type { Cursor } from '../http/pagination.ts';

export interface AuditLogRow {
  id: string;
  created_at: Date;
  clinic_id: string | null;
  actor_user_id: string | null;
  actor_role: string | null;
  action: string;
  target_type: string | null;
  target_id: string | null;
  ip: string | null;
  user_agent: string | null;
  metadata: Record<string, unknown>;
}

export interface AuditLogFilter {
  /** Absent only on the platform path, where every clinic is visible. */
  clinicId?: string | undefined;
  /** Exact action, or a prefix when `actionIsPrefix`. */
  action?: string | undefined;
  actionIsPrefix?: boolean;
  actorUserId?: string | undefined;
  since: Date;
  until: Date;
  after: Cursor | null;
  limit: number;
}

/**
 * Newest first by (created_at, id). The time bounds are plain comparisons on the partition key, so
 * Postgres opens only the monthly partitions they overlap.
 */
export async function listAuditLogs(tx: Tx, f: AuditLogFilter): Promise<AuditLogRow[]> {
  const params: unknown[] = [];
  const p = (value: unknown) => `$${params.push(value)}`;
  const where = [`created_at >= ${p(f.since)}`, `created_at < ${p(f.until)}`];
  if (f.clinicId !== undefined) where.push(`clinic_id = ${p(f.clinicId)}`);
  if (f.action !== undefined) where.push(f.actionIsPrefix ? `starts_with(action, ${p(f.action)})` : `action = ${p(f.action)}`);
  if (f.actorUserId !== undefined) where.push(`actor_user_id = ${p(f.actorUserId)}`);
  if (f.after) {
    // The cursor carries milliseconds (a JS Date) but created_at holds microseconds: the row it names
    // is looked up for its exact position, or rows in the same millisecond would be skipped.
    const at = p(f.after.at);
    const id = p(f.after.id);
    where.push(
      `created_at < ${at}::timestamptz + interval '1 millisecond'`,
      `(created_at, id) < (SELECT a.created_at, a.id FROM audit_logs a
         WHERE a.id = ${id}::bigint AND a.created_at >= ${at}::timestamptz AND a.created_at < ${at}::timestamptz + interval '1 millisecond')`,
    );
  }
  const { rows } = await tx.query<AuditLogRow>(
    `SELECT id, created_at, clinic_id, actor_user_id, actor_role, action, target_type, target_id,
            host(ip) AS ip, user_agent, metadata
     FROM audit_logs
     WHERE ${where.join(' AND ')}
     ORDER BY created_at DESC, id DESC
     LIMIT ${p(f.limit)}`,
    params,
  );
  return rows;
}
