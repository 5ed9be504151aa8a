import type { Role, Tx } from '../db/tenant-transaction.ts';

export interface UserRow {
  id: string;
  clinic_id: string | null;
  email: string;
  role: Role;
  full_name: string;
  phone: string | null;
  locale: 'en' | 'th' | 'zh';
  last_sign_in_at: Date | null;
  disabled_at: Date | null;
  created_at: Date;
}

const USER_COLUMNS = 'id, clinic_id, email, role, full_name, phone, locale, last_sign_in_at, disabled_at, created_at';

export interface NewUser {
  clinicId: string | null;
  email: string;
  passwordHash: string;
  role: Role;
  fullName: string;
  phone?: string | null;
  locale?: 'en' | 'th' | 'zh';
}

export async function insertUser(tx: Tx, u: NewUser): Promise<UserRow> {
  const { rows } = await tx.query<UserRow>(
    `INSERT INTO users (clinic_id, email, password_hash, role, full_name, phone, locale)
     VALUES ($1, lower($2), $3, $4, $5, $6, coalesce($7, 'th')) RETURNING ${USER_COLUMNS}`,
    [u.clinicId, u.email, u.passwordHash, u.role, u.fullName, u.phone ?? null, u.locale ?? null],
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

export { USER_COLUMNS };
