import type { Tx } from '../db/tenant-transaction.ts';

export interface TreatmentRow {
  id: string;
  clinic_id: string;
  name_en: string | null;
  name_th: string | null;
  name_zh: string | null;
  description: string;
  category: string;
  duration_minutes: number;
  price_satang: string;
  buffer_before_minutes: number;
  buffer_after_minutes: number;
  is_active: boolean;
  created_at: Date;
  updated_at: Date;
}

export interface TreatmentFields {
  nameEn?: string | null;
  nameTh?: string | null;
  nameZh?: string | null;
  description?: string;
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
  category: 'category',
  durationMinutes: 'duration_minutes',
  priceSatang: 'price_satang',
  bufferBeforeMinutes: 'buffer_before_minutes',
  bufferAfterMinutes: 'buffer_after_minutes',
  isActive: 'is_active',
};

export async function listTreatments(
  tx: Tx,
  clinicId: string,
  filter: { category?: string; activeOnly: boolean },
): Promise<TreatmentRow[]> {
  const { rows } = await tx.query<TreatmentRow>(
    `SELECT * FROM treatments
     WHERE clinic_id = $1 AND ($2::text IS NULL OR category = $2) AND (NOT $3 OR is_active)
     ORDER BY category, coalesce(name_en, name_th, name_zh), id`,
    [clinicId, filter.category ?? null, filter.activeOnly],
  );
  return rows;
}

export async function findTreatment(tx: Tx, clinicId: string, id: string): Promise<TreatmentRow | undefined> {
  const { rows } = await tx.query<TreatmentRow>('SELECT * FROM treatments WHERE clinic_id = $1 AND id = $2', [clinicId, id]);
  return rows[0];
}

export async function insertTreatment(
  tx: Tx,
  clinicId: string,
  fields: Required<Pick<TreatmentFields, 'category' | 'durationMinutes' | 'priceSatang'>> & TreatmentFields,
): Promise<TreatmentRow> {
  const entries = Object.entries(fields).filter(([, v]) => v !== undefined) as [keyof TreatmentFields, unknown][];
  const { rows } = await tx.query<TreatmentRow>(
    `INSERT INTO treatments (clinic_id, ${entries.map(([k]) => COLUMNS[k]).join(', ')})
     VALUES ($1, ${entries.map((_, i) => `$${i + 2}`).join(', ')}) RETURNING *`,
    [clinicId, ...entries.map(([, v]) => v)],
  );
  return rows[0]!;
}

export async function updateTreatment(
  tx: Tx,
  clinicId: string,
  id: string,
  fields: TreatmentFields,
): Promise<TreatmentRow | undefined> {
  const entries = Object.entries(fields).filter(([, v]) => v !== undefined) as [keyof TreatmentFields, unknown][];
  const { rows } = await tx.query<TreatmentRow>(
    `UPDATE treatments SET ${[...entries.map(([k], i) => `${COLUMNS[k]} = $${i + 3}`), 'updated_at = now()'].join(', ')}
     WHERE clinic_id = $1 AND id = $2 RETURNING *`,
    [clinicId, id, ...entries.map(([, v]) => v)],
  );
  return rows[0];
}
