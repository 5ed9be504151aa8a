import type { Tx } from '../db/tenant-transaction.ts';

export interface WorkingHoursRow {
  staff_user_id: string;
  weekday: number;
  start_time: string;
  end_time: string;
}

export interface ScheduleExceptionRow {
  id: string;
  staff_user_id: string;
  kind: 'leave' | 'extra_shift';
  starts_at: Date;
  ends_at: Date;
  note: string;
}

export interface BookingRulesRow {
  min_notice_minutes: number;
  max_advance_days: number;
  slot_interval_minutes: number;
  cancellation_fees: { hoursBefore: number; feePercent: number }[];
}

export async function workingHoursOf(tx: Tx, clinicId: string, staffUserIds: string[]): Promise<WorkingHoursRow[]> {
  const { rows } = await tx.query<WorkingHoursRow>(
    `SELECT staff_user_id, weekday, to_char(start_time, 'HH24:MI') AS start_time, to_char(end_time, 'HH24:MI') AS end_time
     FROM staff_working_hours WHERE clinic_id = $1 AND staff_user_id = ANY($2::uuid[]) ORDER BY weekday, start_time`,
    [clinicId, staffUserIds],
  );
  return rows;
}

export async function replaceWorkingHours(
  tx: Tx,
  clinicId: string,
  staffUserId: string,
  hours: { weekday: number; start: string; end: string }[],
): Promise<void> {
  await tx.query('DELETE FROM staff_working_hours WHERE clinic_id = $1 AND staff_user_id = $2', [clinicId, staffUserId]);
  await tx.query(
    `INSERT INTO staff_working_hours (clinic_id, staff_user_id, weekday, start_time, end_time)
     SELECT $1, $2, w, s::time, e::time FROM unnest($3::int[], $4::text[], $5::text[]) AS h(w, s, e)`,
    [clinicId, staffUserId, hours.map((h) => h.weekday), hours.map((h) => h.start), hours.map((h) => h.end)],
  );
}

export async function exceptionsOf(
  tx: Tx,
  clinicId: string,
  staffUserIds: string[],
  from: Date,
  until: Date,
): Promise<ScheduleExceptionRow[]> {
  const { rows } = await tx.query<ScheduleExceptionRow>(
    `SELECT id, staff_user_id, kind, starts_at, ends_at, note FROM staff_schedule_exceptions
     WHERE clinic_id = $1 AND staff_user_id = ANY($2::uuid[]) AND starts_at < $4 AND ends_at > $3 ORDER BY starts_at`,
    [clinicId, staffUserIds, from, until],
  );
  return rows;
}

export async function insertException(
  tx: Tx,
  clinicId: string,
  staffUserId: string,
  e: { kind: string; startsAt: string; endsAt: string; note: string },
): Promise<ScheduleExceptionRow> {
  const { rows } = await tx.query<ScheduleExceptionRow>(
    `INSERT INTO staff_schedule_exceptions (clinic_id, staff_user_id, kind, starts_at, ends_at, note)
     VALUES ($1, $2, $3, $4, $5, $6) RETURNING id, staff_user_id, kind, starts_at, ends_at, note`,
    [clinicId, staffUserId, e.kind, e.startsAt, e.endsAt, e.note],
  );
  return rows[0]!;
}

export async function deleteException(tx: Tx, clinicId: string, staffUserId: string, id: string): Promise<boolean> {
  const { rowCount } = await tx.query(
    'DELETE FROM staff_schedule_exceptions WHERE clinic_id = $1 AND staff_user_id = $2 AND id = $3',
    [clinicId, staffUserId, id],
  );
  return rowCount === 1;
}

export async function treatmentIdsOf(tx: Tx, clinicId: string, staffUserId: string): Promise<string[]> {
  const { rows } = await tx.query<{ treatment_id: string }>(
    'SELECT treatment_id FROM staff_treatments WHERE clinic_id = $1 AND staff_user_id = $2 ORDER BY treatment_id',
    [clinicId, staffUserId],
  );
  return rows.map((r) => r.treatment_id);
}

export async function replaceStaffTreatments(
  tx: Tx,
  clinicId: string,
  staffUserId: string,
  treatmentIds: string[],
): Promise<void> {
  await tx.query('DELETE FROM staff_treatments WHERE clinic_id = $1 AND staff_user_id = $2', [clinicId, staffUserId]);
  await tx.query(
    'INSERT INTO staff_treatments (clinic_id, staff_user_id, treatment_id) SELECT $1, $2, t FROM unnest($3::uuid[]) AS t',
    [clinicId, staffUserId, treatmentIds],
  );
}

/** Active staff members who perform a treatment (optionally one of them). */
export async function staffForTreatment(tx: Tx, clinicId: string, treatmentId: string, staffUserId?: string): Promise<string[]> {
  const { rows } = await tx.query<{ staff_user_id: string }>(
    `SELECT st.staff_user_id FROM staff_treatments st
     JOIN users u ON u.id = st.staff_user_id AND u.clinic_id = st.clinic_id
     WHERE st.clinic_id = $1 AND st.treatment_id = $2 AND u.disabled_at IS NULL AND ($3::uuid IS NULL OR st.staff_user_id = $3)
     ORDER BY st.staff_user_id`,
    [clinicId, treatmentId, staffUserId ?? null],
  );
  return rows.map((r) => r.staff_user_id);
}

export async function findBookingRules(tx: Tx, clinicId: string): Promise<BookingRulesRow> {
  // Every clinic has a row: a trigger creates it with the defaults when the clinic is created.
  const { rows } = await tx.query<BookingRulesRow>(
    'SELECT min_notice_minutes, max_advance_days, slot_interval_minutes, cancellation_fees FROM booking_rules WHERE clinic_id = $1',
    [clinicId],
  );
  return rows[0]!;
}

export async function saveBookingRules(
  tx: Tx,
  clinicId: string,
  r: {
    minNoticeMinutes: number;
    maxAdvanceDays: number;
    slotIntervalMinutes: number;
    cancellationFees: { hoursBefore: number; feePercent: number }[];
  },
): Promise<BookingRulesRow> {
  const { rows } = await tx.query<BookingRulesRow>(
    `UPDATE booking_rules SET min_notice_minutes = $2, max_advance_days = $3, slot_interval_minutes = $4, cancellation_fees = $5, updated_at = now()
     WHERE clinic_id = $1 RETURNING min_notice_minutes, max_advance_days, slot_interval_minutes, cancellation_fees`,
    [clinicId, r.minNoticeMinutes, r.maxAdvanceDays, r.slotIntervalMinutes, JSON.stringify(r.cancellationFees)],
  );
  return rows[0]!;
}
