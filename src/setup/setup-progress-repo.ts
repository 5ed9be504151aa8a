import type { Tx } from '../db/tenant-transaction.ts';

export interface SetupCountsRow {
  slug: string;
  time_zone: string;
  booking_link_shared: boolean;
  has_treatment: boolean;
  has_room: boolean;
  has_working_hours: boolean;
  /** Active treatments that an active staff member performs, oldest first: the ones a slot can be for. */
  performed_treatment_ids: string[];
}

/**
 * What a new clinic has set up, in one statement: each part is an EXISTS (or a short LIMITed list)
 * over an index that leads with clinic_id, so the answer costs the same for a clinic of any size.
 */
export async function setupCounts(tx: Tx, clinicId: string, candidates: number): Promise<SetupCountsRow> {
  const { rows } = await tx.query<SetupCountsRow>(
    `SELECT c.slug, c.time_zone, coalesce((c.settings->>'bookingLinkShared')::boolean, false) AS booking_link_shared,
       EXISTS (SELECT 1 FROM treatments t WHERE t.clinic_id = $1 AND t.is_active) AS has_treatment,
       EXISTS (SELECT 1 FROM rooms r WHERE r.clinic_id = $1 AND r.is_active) AS has_room,
       EXISTS (SELECT 1 FROM staff_working_hours h JOIN users u ON u.id = h.staff_user_id
               WHERE h.clinic_id = $1 AND u.disabled_at IS NULL) AS has_working_hours,
       ARRAY(SELECT t.id FROM treatments t
             WHERE t.clinic_id = $1 AND t.is_active AND EXISTS (
               SELECT 1 FROM staff_treatments st JOIN users u ON u.id = st.staff_user_id
               WHERE st.clinic_id = $1 AND st.treatment_id = t.id AND u.disabled_at IS NULL)
             ORDER BY t.created_at, t.id LIMIT $2) AS performed_treatment_ids
     FROM clinics c WHERE c.id = $1`,
    [clinicId, candidates],
  );
  return rows[0]!;
}
