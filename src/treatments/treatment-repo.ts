import { STAFF_ROLES } from '../users/role-vocabulary.ts';
import type { Tx } from '../db/tenant-transaction.ts';

export interface TreatmentRow {
  id: string;
  clinic_id: string;
  name_en: string | null;
  name_th: string | null;
  name_zh: string | null;
  description: string;
  description_th: string;
  description_zh: string;
  category: string;
  duration_minutes: number;
  price_satang: string;
  buffer_before_minutes: number;
  buffer_after_minutes: number;
  is_active: boolean;
  created_at: Date;
  updated_at: Date;
  /** Who performs the treatment, from staff_treatments. */
  staff_user_ids: string[];
}

export interface TreatmentFields {
  nameEn?: string | null;
  nameTh?: string | null;
  nameZh?: string | null;
  description?: string;
  descriptionTh?: string;
  descriptionZh?: string;
  category?: string;
  durationMinutes?: number;
  priceSatang?: number;
  bufferBeforeMinutes?: number;
  bufferAfterMinutes?: number;
  isActive?: boolean;
}

const COLUMNS: Record<keyof TreatmentFields, string> = {
  nameEn: 'name_en',
  nameTh: 'name_th',
  nameZh: 'name_zh',
  description: 'description',
  descriptionTh: 'description_th',
  descriptionZh: 'description_zh',
  category: 'category',
  durationMinutes: 'duration_minutes',
  priceSatang: 'price_satang',
  bufferBeforeMinutes: 'buffer_before_minutes',
  bufferAfterMinutes: 'buffer_after_minutes',
  isActive: 'is_active',
};

// An ARRAY sub-select per treatment rather than a join with GROUP BY: one row per treatment, served by
// the staff_treatments (clinic_id, treatment_id) index.
const WITH_STAFF = `t.*, ARRAY(SELECT st.staff_user_id FROM staff_treatments st
  WHERE st.clinic_id = t.clinic_id AND st.treatment_id = t.id ORDER BY st.staff_user_id) AS staff_user_ids`;

export async function listTreatments(
  tx: Tx,
  clinicId: string,
  filter: { category?: string; activeOnly: boolean },
): Promise<TreatmentRow[]> {
  const { rows } = await tx.query<TreatmentRow>(
    `SELECT ${WITH_STAFF} FROM treatments t
     WHERE clinic_id = $1 AND ($2::text IS NULL OR category = $2) AND (NOT $3 OR is_active)
     ORDER BY category, coalesce(name_en, name_th, name_zh), id`,
    [clinicId, filter.category ?? null, filter.activeOnly],
  );
  return rows;
}

export async function findTreatment(tx: Tx, clinicId: string, id: string): Promise<TreatmentRow | undefined> {
  const { rows } = await tx.query<TreatmentRow>(`SELECT ${WITH_STAFF} FROM treatments t WHERE clinic_id = $1 AND id = $2`, [
    clinicId,
    id,
  ]);
  return rows[0];
}

export async function insertTreatment(
  tx: Tx,
  clinicId: string,
  fields: Required<Pick<TreatmentFields, 'category' | 'durationMinutes' | 'priceSatang'>> & TreatmentFields,
): Promise<{ id: string }> {
  const entries = Object.entries(fields).filter(([, v]) => v !== undefined) as [keyof TreatmentFields, unknown][];
  const { rows } = await tx.query<{ id: string }>(
    `INSERT INTO treatments (clinic_id, ${entries.map(([k]) => COLUMNS[k]).join(', ')})
     VALUES ($1, ${entries.map((_, i) => `$${i + 2}`).join(', ')}) RETURNING id`,
    [clinicId, ...entries.map(([, v]) => v)],
  );
  return rows[0]!;
}

export async function updateTreatment(tx: Tx, clinicId: string, id: string, fields: TreatmentFields): Promise<boolean> {
  const entries = Object.entries(fields).filter(([, v]) => v !== undefined) as [keyof TreatmentFields, unknown][];
  const { rowCount } = await tx.query(
    `UPDATE treatments SET ${[...entries.map(([k], i) => `${COLUMNS[k]} = $${i + 3}`), 'updated_at = now()'].join(', ')}
     WHERE clinic_id = $1 AND id = $2`,
    [clinicId, id, ...entries.map(([, v]) => v)],
  );
  return rowCount === 1;
}

/** How many of `ids` are staff accounts of the clinic (a customer's account performs nothing). */
export async function countStaffMembers(tx: Tx, clinicId: string, ids: string[]): Promise<number> {
  const { rows } = await tx.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM users WHERE clinic_id = $1 AND id = ANY($2::uuid[]) AND role = ANY($3::text[])`,
    [clinicId, ids, STAFF_ROLES],
  );
  return rows[0]!.n;
}

export async function replaceTreatmentStaff(
  tx: Tx,
  clinicId: string,
  treatmentId: string,
  staffUserIds: string[],
): Promise<void> {
  await tx.query('DELETE FROM staff_treatments WHERE clinic_id = $1 AND treatment_id = $2', [clinicId, treatmentId]);
  await tx.query(
    'INSERT INTO staff_treatments (clinic_id, staff_user_id, treatment_id) SELECT $1, s, $2 FROM unnest($3::uuid[]) AS s',
    [clinicId, treatmentId, staffUserIds],
  );
}
