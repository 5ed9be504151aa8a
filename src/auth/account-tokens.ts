import { createHash, randomBytes } from 'node:crypto';
import type { Tx } from '../db/tenant-transaction.ts';
import type { Role } from '../users/role-vocabulary.ts';

/** What a token lets its holder do; one mechanism for each emailed link. */
export type AccountTokenPurpose = 'verify-email' | 'reset-password' | 'invitation' | 'sign-in-challenge';

const hashOf = (token: string) => createHash('sha256').update(token).digest();

/**
 * A new single-use token for the user, valid for `ttlMinutes`; earlier unused ones of the same purpose
 * are spent, so only the newest link works. Returns the token itself: it exists only in the email.
 */
export async function issueAccountToken(
  tx: Tx,
  t: { clinicId: string | null; userId: string; purpose: AccountTokenPurpose; ttlMinutes: number },
): Promise<string> {
  const token = randomBytes(32).toString('base64url');
  await tx.query(
    `UPDATE account_tokens SET used_at = now()
     WHERE user_id = $2 AND clinic_id IS NOT DISTINCT FROM $1 AND purpose = $3 AND used_at IS NULL`,
    [t.clinicId, t.userId, t.purpose],
  );
  await tx.query(
    `INSERT INTO account_tokens (clinic_id, user_id, purpose, token_hash, expires_at)
     VALUES ($1, $2, $3, $4, now() + make_interval(mins => $5))`,
    [t.clinicId, t.userId, t.purpose, hashOf(token), t.ttlMinutes],
  );
  return token;
}

/** Spends a live token of this purpose: whose it was, or nothing when it is unknown, used or expired. */
export async function redeemAccountToken(
  tx: Tx,
  token: string,
  purpose: AccountTokenPurpose,
): Promise<{ userId: string; clinicId: string | null } | undefined> {
  const { rows } = await tx.query<{ user_id: string; clinic_id: string | null }>('SELECT * FROM redeem_account_token($1, $2)', [
    hashOf(token),
    purpose,
  ]);
  return rows[0] && { userId: rows[0].user_id, clinicId: rows[0].clinic_id };
}

/** Seconds since the user's newest token of this purpose was issued; null when none was. */
export async function secondsSinceLastToken(
  tx: Tx,
  clinicId: string | null,
  userId: string,
  purpose: AccountTokenPurpose,
): Promise<number | null> {
  const { rows } = await tx.query<{ seconds: number }>(
    `SELECT extract(epoch FROM now() - max(created_at))::float8 AS seconds FROM account_tokens
     WHERE user_id = $2 AND clinic_id IS NOT DISTINCT FROM $1 AND purpose = $3`,
    [clinicId, userId, purpose],
  );
  return rows[0]?.seconds ?? null;
}

/** Whose live token this is, and their role, without spending it (see migration 0022). */
export async function peekAccountToken(
  db: Pick<Tx, 'query'>,
  token: string,
  purpose: AccountTokenPurpose,
): Promise<{ userId: string; clinicId: string | null; role: Role } | undefined> {
  const { rows } = await db.query<{ user_id: string; clinic_id: string | null; role: Role }>(
    'SELECT * FROM account_token_owner($1, $2)',
    [hashOf(token), purpose],
  );
  return rows[0] && { userId: rows[0].user_id, clinicId: rows[0].clinic_id, role: rows[0].role };
}
