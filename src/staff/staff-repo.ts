import { newestFirst } from '../db/keyset.ts';
import type { Tx } from '../db/tenant-transaction.ts';
import type { Cursor } from '../http/pagination.ts';
import { USER_COLUMNS, type UserRow } from '../users/user-repo.ts';
import { STAFF_ROLES, type StaffRole } from '../users/role-vocabulary.ts';

export interface StaffListFilter {
  roles: readonly StaffRole[];
  includeDisabled: boolean;
  after: Cursor | null;
  limit: number;
}

/** Newest first, keyset by (created_at, id) so it can use users_clinic_id_role_idx and stay O(limit). */
export async function listClinicStaff(tx: Tx, clinicId: string, f: StaffListFilter): Promise<UserRow[]> {
  const params: unknown[] = [clinicId, f.roles];
  const where = ['clinic_id = $1', 'role = ANY($2::text[])'];
  if (!f.includeDisabled) where.push('disabled_at IS NULL');
  return newestFirst<UserRow>(tx, 'users', USER_COLUMNS, { where, params }, f);
}

/** A staff member of the clinic; customers' accounts and other clinics' users are not found. */
export async function findClinicStaffMember(tx: Tx, clinicId: string, id: string): Promise<UserRow | undefined> {
  const { rows } = await tx.query<UserRow>(
    `SELECT ${USER_COLUMNS} FROM users WHERE clinic_id = $1 AND id = $2 AND role = ANY($3::text[])`,
    [clinicId, id, STAFF_ROLES],
  );
  return rows[0];
}

/** The seats a tier limits: every enabled account of the clinic except customers'. */
export async function countActiveStaffSeats(tx: Tx, clinicId: string): Promise<number> {
  const { rows } = await tx.query<{ n: number }>(
    `SELECT count(*)::integer AS n FROM users WHERE clinic_id = $1 AND role = ANY($2::text[]) AND disabled_at IS NULL`,
    [clinicId, STAFF_ROLES],
  );
  return rows[0]!.n;
}

export async function countActiveOwners(tx: Tx, clinicId: string): Promise<number> {
  const { rows } = await tx.query<{ n: number }>(
    `SELECT count(*)::integer AS n FROM users WHERE clinic_id = $1 AND role = 'clinic_owner' AND disabled_at IS NULL`,
    [clinicId],
  );
  return rows[0]!.n;
}
