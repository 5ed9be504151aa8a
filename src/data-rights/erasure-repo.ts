import { storedImagesOf } from '../analysis/analysis-repo.ts';
import type { Tx } from '../db/tenant-transaction.ts';

export interface ErasureRequestRow {
  id: string;
  customer_id: string;
  customer_name: string;
  requested_at: Date;
}

/** Records a customer's request; asking again while one is open returns the open one. */
export async function openErasureRequest(tx: Tx, clinicId: string, customerId: string): Promise<Date> {
  await tx.query(
    `INSERT INTO erasure_requests (clinic_id, customer_id) VALUES ($1, $2)
     ON CONFLICT (clinic_id, customer_id) WHERE erased_at IS NULL DO NOTHING`,
    [clinicId, customerId],
  );
  return (await findOpenErasureRequest(tx, clinicId, customerId))!;
}

/** When the customer's open request was made; undefined when they have none. */
export async function findOpenErasureRequest(tx: Tx, clinicId: string, customerId: string): Promise<Date | undefined> {
  const { rows } = await tx.query<{ requested_at: Date }>(
    'SELECT requested_at FROM erasure_requests WHERE clinic_id = $1 AND customer_id = $2 AND erased_at IS NULL',
    [clinicId, customerId],
  );
  return rows[0]?.requested_at;
}

/** Requests still waiting for the clinic, oldest first (the one waiting longest is answered first). */
export async function listOpenErasureRequests(tx: Tx, clinicId: string): Promise<ErasureRequestRow[]> {
  const { rows } = await tx.query<ErasureRequestRow>(
    `SELECT r.id, r.customer_id, c.full_name AS customer_name, r.requested_at
     FROM erasure_requests r JOIN customers c ON c.clinic_id = r.clinic_id AND c.id = r.customer_id
     WHERE r.clinic_id = $1 AND r.erased_at IS NULL ORDER BY r.requested_at`,
    [clinicId],
  );
  return rows;
}

/** Closes the open request, or records one made by staff directly; the customer's id goes with the customer row. */
export async function markErased(tx: Tx, clinicId: string, customerId: string, erasedBy: string | null): Promise<void> {
  const { rowCount } = await tx.query(
    `UPDATE erasure_requests SET erased_at = now(), erased_by_user_id = $3
     WHERE clinic_id = $1 AND customer_id = $2 AND erased_at IS NULL`,
    [clinicId, customerId, erasedBy],
  );
  if (rowCount) return;
  await tx.query(
    `INSERT INTO erasure_requests (clinic_id, customer_id, erased_at, erased_by_user_id) VALUES ($1, $2, now(), $3)`,
    [clinicId, customerId, erasedBy],
  );
}

/** Deletes the customer's analyses; returns what storage still holds for them (heatmaps by analysis, photos by hash). */
export async function deleteAnalysesOf(
  tx: Tx,
  clinicId: string,
  customerId: string,
): Promise<{ analysisIds: string[]; photoSha256s: string[] }> {
  const { rows } = await tx.query<{ id: string; photo_sha256: string }>(
    'DELETE FROM skin_analyses WHERE clinic_id = $1 AND customer_id = $2 RETURNING id, photo_sha256',
    [clinicId, customerId],
  );
  return storedImagesOf(rows);
}

/** Consents and notifications about the customer, and those addressed to their account. */
export async function deleteConsentsAndNotifications(
  tx: Tx,
  clinicId: string,
  customerId: string,
  userId: string | null,
): Promise<void> {
  await tx.query('DELETE FROM analysis_consents WHERE clinic_id = $1 AND customer_id = $2', [clinicId, customerId]);
  await tx.query(
    'DELETE FROM notifications WHERE clinic_id = $1 AND (customer_id = $2 OR ($3::uuid IS NOT NULL AND recipient_user_id = $3))',
    [clinicId, customerId, userId],
  );
}

/** The customer's appointments still to come that hold a slot: cancelled by the erasure. */
export async function upcomingAppointmentIds(tx: Tx, clinicId: string, customerId: string, now: Date): Promise<string[]> {
  const { rows } = await tx.query<{ id: string }>(
    `SELECT id FROM appointments
     WHERE clinic_id = $1 AND customer_id = $2 AND starts_at > $3 AND status IN ('scheduled', 'confirmed')`,
    [clinicId, customerId, now],
  );
  return rows.map((r) => r.id);
}

/**
 * Keeps of each appointment only what the clinic's accounts need (date, treatment, staff, price, status):
 * the link to the customer, free-text notes and reasons, and the account that booked it are cleared.
 */
export async function detachAppointments(tx: Tx, clinicId: string, customerId: string, userId: string | null): Promise<number> {
  await tx.query(
    `DELETE FROM appointment_reminders WHERE clinic_id = $1
       AND appointment_id IN (SELECT id FROM appointments WHERE clinic_id = $1 AND customer_id = $2)`,
    [clinicId, customerId],
  );
  const { rowCount } = await tx.query(
    `UPDATE appointments SET customer_id = NULL, notes = '', cancellation_reason = NULL, updated_at = now(),
       created_by_user_id = CASE WHEN created_by_user_id = $3 THEN NULL ELSE created_by_user_id END
     WHERE clinic_id = $1 AND customer_id = $2`,
    [clinicId, customerId, userId],
  );
  return rowCount ?? 0;
}

/**
 * The account row stays (audit entries name its id) but holds nothing of the person and cannot sign in:
 * no address to sign in with, an unknown password, disabled, no second factor.
 */
export async function anonymiseAccount(tx: Tx, clinicId: string, userId: string, passwordHash: string): Promise<string> {
  const { rows } = await tx.query<{ email: string }>(
    `UPDATE users u SET email = 'erased-' || u.id || '@erased.invalid', full_name = 'Erased', phone = NULL,
       password_hash = $3, disabled_at = coalesce(u.disabled_at, now()), totp_secret = NULL, totp_enabled_at = NULL,
       totp_last_step = NULL, totp_recovery_hashes = '{}', updated_at = now()
     FROM users before WHERE before.id = u.id AND u.clinic_id = $1 AND u.id = $2 RETURNING before.email`,
    [clinicId, userId, passwordHash],
  );
  // An emailed link (password reset, verification) cannot bring the account back.
  await tx.query('UPDATE account_tokens SET used_at = now() WHERE user_id = $1 AND used_at IS NULL', [userId]);
  return rows[0]!.email;
}

/** Through the security-definer function of migration 0025: audit entries are otherwise append-only. */
export async function forgetEmailInAuditLog(tx: Tx, email: string): Promise<void> {
  await tx.query('SELECT forget_email_in_audit_log($1)', [email]);
}
