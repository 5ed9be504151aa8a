import type { Tx } from '../db/tenant-transaction.ts';
import type { Locale } from '../i18n/locale-vocabulary.ts';
import type { Role } from './role-vocabulary.ts';

export interface UserRow {
  id: string;
  clinic_id: string | null;
  email: string;
  role: Role;
  full_name: string;
  phone: string | null;
  locale: Locale;
  last_sign_in_at: Date | null;
  disabled_at: Date | null;
  created_at: Date;
  two_factor_on: boolean;
}

const USER_COLUMNS =
  'id, clinic_id, email, role, full_name, phone, locale, last_sign_in_at, disabled_at, created_at, totp_enabled_at IS NOT NULL AS two_factor_on';

export interface NewUser {
  clinicId: string | null;
  email: string;
  passwordHash: string;
  role: Role;
  fullName: string;
  phone?: string | null;
  locale?: Locale;
  /** False only for a customer's own sign-up: anyone else's account is made by someone who vouches for it. */
  emailVerified?: boolean;
}

export async function insertUser(tx: Tx, u: NewUser): Promise<UserRow> {
  const { rows } = await tx.query<UserRow>(
    `INSERT INTO users (clinic_id, email, password_hash, role, full_name, phone, locale, email_verified_at)
     VALUES ($1, lower($2), $3, $4, $5, $6, coalesce($7, 'th'), CASE WHEN $8::boolean THEN now() END) RETURNING ${USER_COLUMNS}`,
    [u.clinicId, u.email, u.passwordHash, u.role, u.fullName, u.phone ?? null, u.locale ?? null, u.emailVerified ?? true],
  );
  return rows[0]!;
}

export async function findUserById(tx: Tx, id: string): Promise<UserRow | undefined> {
  const { rows } = await tx.query<UserRow>(`SELECT ${USER_COLUMNS} FROM users WHERE id = $1`, [id]);
  return rows[0];
}

export async function markSignedIn(tx: Tx, id: string): Promise<void> {
  await tx.query('UPDATE users SET last_sign_in_at = now() WHERE id = $1', [id]);
}

export interface UserProfileChanges {
  fullName?: string | undefined;
  phone?: string | null | undefined;
  locale?: Locale | undefined;
  role?: Role | undefined;
}

/** The SET list and parameters for the fields present in `changes`, numbered after `params`. */
function profileAssignments(changes: UserProfileChanges, params: unknown[]): string {
  const columns = { fullName: 'full_name', phone: 'phone', locale: 'locale', role: 'role' } as const;
  const sets = ['updated_at = now()'];
  for (const [key, column] of Object.entries(columns) as [keyof UserProfileChanges, string][]) {
    if (changes[key] === undefined) continue;
    params.push(changes[key]);
    sets.push(`${column} = $${params.length}`);
  }
  return sets.join(', ');
}

/** Sets only the fields present in `changes`; the clinic filter keeps another clinic's row out of reach. */
export async function updateClinicUser(
  tx: Tx,
  clinicId: string,
  id: string,
  changes: UserProfileChanges,
): Promise<UserRow | undefined> {
  const params: unknown[] = [clinicId, id];
  const sets = profileAssignments(changes, params);
  const { rows } = await tx.query<UserRow>(
    `UPDATE users SET ${sets} WHERE clinic_id = $1 AND id = $2 RETURNING ${USER_COLUMNS}`,
    params,
  );
  return rows[0];
}

/** The signed-in user's own name, phone and language (never their role). */
export async function updateOwnProfile(
  tx: Tx,
  id: string,
  changes: Pick<UserProfileChanges, 'fullName' | 'phone' | 'locale'>,
): Promise<UserRow | undefined> {
  const params: unknown[] = [id];
  const sets = profileAssignments({ fullName: changes.fullName, phone: changes.phone, locale: changes.locale }, params);
  const { rows } = await tx.query<UserRow>(`UPDATE users SET ${sets} WHERE id = $1 RETURNING ${USER_COLUMNS}`, params);
  return rows[0];
}

export async function passwordHashOf(tx: Tx, id: string): Promise<string | undefined> {
  const { rows } = await tx.query<{ password_hash: string }>('SELECT password_hash FROM users WHERE id = $1', [id]);
  return rows[0]?.password_hash;
}

export async function setPasswordHash(tx: Tx, id: string, passwordHash: string): Promise<boolean> {
  const { rowCount } = await tx.query('UPDATE users SET password_hash = $2, updated_at = now() WHERE id = $1', [
    id,
    passwordHash,
  ]);
  return (rowCount ?? 0) > 0;
}

export async function setClinicUserDisabled(
  tx: Tx,
  clinicId: string,
  id: string,
  disabled: boolean,
): Promise<UserRow | undefined> {
  const { rows } = await tx.query<UserRow>(
    `UPDATE users SET disabled_at = CASE WHEN $3 THEN coalesce(disabled_at, now()) END, updated_at = now()
     WHERE clinic_id = $1 AND id = $2 RETURNING ${USER_COLUMNS}`,
    [clinicId, id, disabled],
  );
  return rows[0];
}

/** Through the security-definer function of migration 0006: sessions are otherwise visible only to their user. */
export async function revokeSessionsOfClinicUser(tx: Tx, userId: string): Promise<number> {
  const { rows } = await tx.query<{ revoked: number }>('SELECT revoke_clinic_user_sessions($1) AS revoked', [userId]);
  return rows[0]!.revoked;
}

export { USER_COLUMNS };

/** Marks the user's address verified (once: a later call keeps the first time); false when no unverified user matched. */
export async function markEmailVerified(tx: Tx, id: string): Promise<boolean> {
  const { rowCount } = await tx.query('UPDATE users SET email_verified_at = now() WHERE id = $1 AND email_verified_at IS NULL', [
    id,
  ]);
  return (rowCount ?? 0) > 0;
}

export async function isEmailVerified(tx: Tx, id: string): Promise<boolean> {
  const { rows } = await tx.query<{ verified: boolean }>(
    'SELECT email_verified_at IS NOT NULL AS verified FROM users WHERE id = $1',
    [id],
  );
  return rows[0]?.verified ?? false;
}
