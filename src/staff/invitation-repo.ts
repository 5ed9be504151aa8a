import { newestFirst } from '../db/keyset.ts';
import type { Tx } from '../db/tenant-transaction.ts';
import type { Cursor } from '../http/pagination.ts';
import { USER_COLUMNS, type UserRow } from '../users/user-repo.ts';
import { STAFF_ROLES } from '../users/role-vocabulary.ts';

/** An invited account that has not accepted yet, and when its newest link stops working (null: revoked or never sent). */
export interface InvitationRow extends UserRow {
  expires_at: Date | null;
}

const INVITATION_COLUMNS = `${USER_COLUMNS},
  (SELECT max(t.expires_at) FROM account_tokens t
   WHERE t.user_id = users.id AND t.purpose = 'invitation' AND t.used_at IS NULL) AS expires_at`;

/**
 * A pending invitation is an enabled staff account whose address is not proven yet: staff accounts
 * made with a password are verified by construction, an invited one when its link is followed.
 */
const PENDING = ['clinic_id = $1', 'role = ANY($2::text[])', 'disabled_at IS NULL', 'email_verified_at IS NULL'];

export async function listPendingInvitations(
  tx: Tx,
  clinicId: string,
  page: { after: Cursor | null; limit: number },
): Promise<InvitationRow[]> {
  return newestFirst<InvitationRow>(
    tx,
    'users',
    INVITATION_COLUMNS,
    { where: [...PENDING], params: [clinicId, STAFF_ROLES] },
    page,
  );
}

export async function findPendingInvitation(tx: Tx, clinicId: string, id: string): Promise<InvitationRow | undefined> {
  const { rows } = await tx.query<InvitationRow>(
    `SELECT ${INVITATION_COLUMNS} FROM users WHERE ${PENDING.join(' AND ')} AND id = $3`,
    [clinicId, STAFF_ROLES, id],
  );
  return rows[0];
}

/** Spends every live invitation link of the account, so none of them can be accepted any more. */
export async function spendInvitationTokens(tx: Tx, clinicId: string, userId: string): Promise<void> {
  await tx.query(
    `UPDATE account_tokens SET used_at = now() WHERE clinic_id = $1 AND user_id = $2 AND purpose = 'invitation' AND used_at IS NULL`,
    [clinicId, userId],
  );
}
