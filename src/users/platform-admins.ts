import type pg from 'pg';
import { recordAudit, type RequestMeta } from '../audit/audit-log.ts';
import { hashPassword, verifyPassword } from '../auth/passwords.ts';
import { revokeAllSessionsOfUser } from '../auth/session-repo.ts';
import { PUBLISHED_DEMO_PASSWORD } from '../demo/demo-data.ts';
import type { Tx } from '../db/tenant-transaction.ts';
import { insertUser, setPasswordHash, type UserRow } from './user-repo.ts';
import { NewPassword } from './user-schemas.ts';

export class AdminRefusedError extends Error {}

const META: RequestMeta = { ip: null, userAgent: 'create-admin' };

/**
 * A platform account's password: the sign-up rules, and more, since it opens every clinic. Refused
 * when it is the demo's published password, holds the address's name, or is one character repeated
 * in disguise (fewer than 6 different characters).
 */
export function weakAdminPasswordReason(password: string, email: string): string | undefined {
  const policy = NewPassword.safeParse(password);
  if (!policy.success) return policy.error.issues[0]!.message;
  const lower = password.toLowerCase();
  if (lower.includes(PUBLISHED_DEMO_PASSWORD)) return 'it is the published demo password';
  const name = email.split('@')[0]!.toLowerCase();
  if (name.length >= 3 && lower.includes(name)) return 'it contains the email address';
  if (new Set(password).size < 6) return 'it has fewer than 6 different characters';
  return undefined;
}

/**
 * The tables' owner bootstraps platform accounts: the first super admin has nobody to create them.
 * One transaction, so the account and its audit entry commit together.
 */
async function asOwner<T>(owner: pg.Pool, work: (tx: Tx) => Promise<T>): Promise<T> {
  const client = await owner.connect();
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK');
    throw error;
  } finally {
    client.release();
  }
}

export async function createSuperAdmin(
  owner: pg.Pool,
  a: { email: string; fullName: string; password: string },
): Promise<UserRow> {
  const weakness = weakAdminPasswordReason(a.password, a.email);
  if (weakness) throw new AdminRefusedError(`refused: the password is too weak (${weakness})`);
  const passwordHash = await hashPassword(a.password);
  return asOwner(owner, async (tx) => {
    const taken = await tx.query('SELECT 1 FROM users WHERE email = lower($1)', [a.email]);
    if (taken.rowCount) throw new AdminRefusedError(`refused: ${a.email.toLowerCase()} already has an account`);
    const user = await insertUser(tx, {
      clinicId: null,
      email: a.email,
      passwordHash,
      role: 'super_admin',
      fullName: a.fullName,
      locale: 'en',
    });
    await recordAudit(
      tx,
      {
        clinicId: null,
        actorUserId: null,
        actorRole: null,
        action: 'platform.super_admin_create',
        targetType: 'user',
        targetId: user.id,
      },
      META,
    );
    return user;
  });
}

/**
 * A super admin's password is never reset by email: the operator resets it on the server. Every
 * session of the account ends.
 */
export async function resetSuperAdminPassword(owner: pg.Pool, a: { email: string; password: string }): Promise<void> {
  const weakness = weakAdminPasswordReason(a.password, a.email);
  if (weakness) throw new AdminRefusedError(`refused: the password is too weak (${weakness})`);
  const passwordHash = await hashPassword(a.password);
  await asOwner(owner, async (tx) => {
    const { rows } = await tx.query<{ id: string }>(`SELECT id FROM users WHERE email = lower($1) AND role = 'super_admin'`, [
      a.email,
    ]);
    const id = rows[0]?.id;
    if (!id) throw new AdminRefusedError(`refused: ${a.email.toLowerCase()} is not a super admin`);
    await setPasswordHash(tx, id, passwordHash);
    await revokeAllSessionsOfUser(tx, id);
    await recordAudit(
      tx,
      {
        clinicId: null,
        actorUserId: null,
        actorRole: null,
        action: 'platform.super_admin_password_reset',
        targetType: 'user',
        targetId: id,
      },
      META,
    );
  });
}

/**
 * What a production start checks about platform accounts: whether there is none yet (the operator
 * is told how to create one), and the addresses of enabled super admins who still sign in with the
 * password this project publishes for its demo (the start is refused).
 */
export async function platformAdminCheck(owner: pg.Pool): Promise<{ none: boolean; publishedPassword: string[] }> {
  const { rows } = await owner.query<{ email: string; password_hash: string }>(
    `SELECT email, password_hash FROM users WHERE role = 'super_admin' AND disabled_at IS NULL`,
  );
  const publishedPassword: string[] = [];
  for (const row of rows) if (await verifyPassword(row.password_hash, PUBLISHED_DEMO_PASSWORD)) publishedPassword.push(row.email);
  return { none: rows.length === 0, publishedPassword };
}
