import type pg from 'pg';
import type { Tx } from '../db/tenant-transaction.ts';
import type { Role } from '../users/role-vocabulary.ts';

export interface SessionRow {
  session_id: string;
  user_id: string;
  clinic_id: string | null;
  role: Role;
  expires_at: Date;
  last_seen_at: Date;
}

/**
 * Runs before any tenant is known, through the security-definer lookup (see migration 0003). A
 * session last seen more than `maxIdleMs` ago is over, whatever its lifetime says.
 */
export async function findLiveSession(pool: pg.Pool, tokenHash: Buffer, maxIdleMs: number): Promise<SessionRow | undefined> {
  const { rows } = await pool.query<SessionRow>(
    `SELECT * FROM auth_session_by_token($1) WHERE last_seen_at > now() - make_interval(secs => $2::double precision / 1000)`,
    [tokenHash, maxIdleMs],
  );
  return rows[0];
}

export async function insertSession(
  tx: Tx,
  s: { userId: string; tokenHash: Buffer; expiresAt: Date; ip: string | null; userAgent: string | null },
): Promise<string> {
  const { rows } = await tx.query<{ id: string }>(
    `INSERT INTO sessions (user_id, token_hash, expires_at, ip, user_agent) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
    [s.userId, s.tokenHash, s.expiresAt, s.ip, s.userAgent],
  );
  return rows[0]!.id;
}

export async function touchSession(tx: Tx, sessionId: string): Promise<void> {
  await tx.query('UPDATE sessions SET last_seen_at = now() WHERE id = $1', [sessionId]);
}

export async function revokeSession(tx: Tx, sessionId: string): Promise<void> {
  await tx.query('UPDATE sessions SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL', [sessionId]);
}

export async function revokeAllSessionsOfUser(tx: Tx, userId: string): Promise<number> {
  const { rowCount } = await tx.query('UPDATE sessions SET revoked_at = now() WHERE user_id = $1 AND revoked_at IS NULL', [
    userId,
  ]);
  return rowCount ?? 0;
}

/** Every session of the user but `keepSessionId` (the device asking). */
export async function revokeOtherSessionsOfUser(tx: Tx, userId: string, keepSessionId: string): Promise<number> {
  const { rowCount } = await tx.query(
    'UPDATE sessions SET revoked_at = now() WHERE user_id = $1 AND id <> $2 AND revoked_at IS NULL',
    [userId, keepSessionId],
  );
  return rowCount ?? 0;
}
