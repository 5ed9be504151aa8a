import type { Tx } from '../db/tenant-transaction.ts';
import type { Locale } from '../i18n/locale-vocabulary.ts';
import type { AppointmentStatus } from './appointment-moves.ts';

export interface AppointmentRow {
  id: string;
  clinic_id: string;
  customer_id: string;
  treatment_id: string;
  staff_user_id: string;
  room_id: string | null;
  starts_at: Date;
  ends_at: Date;
  buffer_before_minutes: number;
  buffer_after_minutes: number;
  status: AppointmentStatus;
  price_satang: string;
  notes: string;
  cancellation_fee_satang: string | null;
  cancellation_reason: string | null;
  cancelled_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

/** A row with the names a calendar shows; every join is to one row (by primary key), so nothing fans out. */
export interface CalendarRow extends AppointmentRow {
  customer_name: string;
  customer_phone: string | null;
  staff_name: string;
  room_name: string | null;
  treatment_name_en: string | null;
  treatment_name_th: string | null;
  treatment_name_zh: string | null;
}

const COLUMNS = `a.id, a.clinic_id, a.customer_id, a.treatment_id, a.staff_user_id, a.room_id, a.starts_at, a.ends_at,
  a.buffer_before_minutes, a.buffer_after_minutes, a.status, a.price_satang, a.notes, a.cancellation_fee_satang,
  a.cancellation_reason, a.cancelled_at, a.created_at, a.updated_at`;
const CALENDAR_SELECT = `SELECT ${COLUMNS}, c.full_name AS customer_name, c.phone AS customer_phone, u.full_name AS staff_name,
  r.name AS room_name, t.name_en AS treatment_name_en, t.name_th AS treatment_name_th, t.name_zh AS treatment_name_zh
  FROM appointments a
  JOIN customers c ON c.id = a.customer_id
  JOIN users u ON u.id = a.staff_user_id
  JOIN treatments t ON t.id = a.treatment_id
  LEFT JOIN rooms r ON r.id = a.room_id`;

export interface NewAppointment {
  clinicId: string;
  customerId: string;
  treatmentId: string;
  staffUserId: string;
  roomId: string | null;
  startsAt: Date;
  endsAt: Date;
  bufferBeforeMinutes: number;
  bufferAfterMinutes: number;
  priceSatang: number;
  notes: string;
  createdByUserId: string | null;
}

export async function insertAppointment(tx: Tx, a: NewAppointment): Promise<AppointmentRow> {
  const { rows } = await tx.query<AppointmentRow>(
    `INSERT INTO appointments AS a (clinic_id, customer_id, treatment_id, staff_user_id, room_id, starts_at, ends_at,
       buffer_before_minutes, buffer_after_minutes, price_satang, notes, created_by_user_id)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING ${COLUMNS}`,
    [
      a.clinicId,
      a.customerId,
      a.treatmentId,
      a.staffUserId,
      a.roomId,
      a.startsAt,
      a.endsAt,
      a.bufferBeforeMinutes,
      a.bufferAfterMinutes,
      a.priceSatang,
      a.notes,
      a.createdByUserId,
    ],
  );
  return rows[0]!;
}

/**
 * One appointment of the clinic; given a customer, only that customer's own (another's is not found).
 * An erased customer's appointments stay for the clinic's accounts only (no customer): nobody acts on them.
 */
const ONE_APPOINTMENT =
  'a.clinic_id = $1 AND a.id = $2 AND a.customer_id IS NOT NULL AND ($3::uuid IS NULL OR a.customer_id = $3)';

export async function findCalendarEntry(
  tx: Tx,
  clinicId: string,
  id: string,
  customerId?: string,
): Promise<CalendarRow | undefined> {
  const { rows } = await tx.query<CalendarRow>(`${CALENDAR_SELECT} WHERE ${ONE_APPOINTMENT}`, [clinicId, id, customerId ?? null]);
  return rows[0];
}

/** Locks the row: a status change and a reschedule of the same appointment never interleave. */
export async function lockAppointment(
  tx: Tx,
  clinicId: string,
  id: string,
  customerId?: string,
): Promise<AppointmentRow | undefined> {
  const { rows } = await tx.query<AppointmentRow>(`SELECT ${COLUMNS} FROM appointments a WHERE ${ONE_APPOINTMENT} FOR UPDATE`, [
    clinicId,
    id,
    customerId ?? null,
  ]);
  return rows[0];
}

export interface CalendarFilter {
  from: Date;
  until: Date;
  staffUserId?: string | undefined;
  roomId?: string | undefined;
  customerId?: string | undefined;
  statuses?: AppointmentStatus[] | undefined;
}

/** A clinic's calendar window, served by appointments_clinic_id_starts_at_idx. */
export async function listCalendar(tx: Tx, clinicId: string, f: CalendarFilter): Promise<CalendarRow[]> {
  const { rows } = await tx.query<CalendarRow>(
    `${CALENDAR_SELECT}
     WHERE a.clinic_id = $1 AND a.starts_at >= $2 AND a.starts_at < $3
       AND ($4::uuid IS NULL OR a.staff_user_id = $4) AND ($5::uuid IS NULL OR a.room_id = $5)
       AND ($6::uuid IS NULL OR a.customer_id = $6) AND ($7::text[] IS NULL OR a.status = ANY($7))
     ORDER BY a.starts_at, a.id`,
    [clinicId, f.from, f.until, f.staffUserId ?? null, f.roomId ?? null, f.customerId ?? null, f.statuses ?? null],
  );
  return rows;
}

/** A customer's own appointments, upcoming (soonest first) or past (latest first). */
export async function listForCustomer(
  tx: Tx,
  clinicId: string,
  customerId: string,
  when: 'upcoming' | 'past',
  now: Date,
  limit: number,
): Promise<CalendarRow[]> {
  const { rows } = await tx.query<CalendarRow>(
    `${CALENDAR_SELECT}
     WHERE a.clinic_id = $1 AND a.customer_id = $2 AND ${when === 'upcoming' ? 'a.ends_at >= $3' : 'a.ends_at < $3'}
     ORDER BY a.starts_at ${when === 'upcoming' ? 'ASC' : 'DESC'} LIMIT $4`,
    [clinicId, customerId, now, limit],
  );
  return rows;
}

export interface BusyRow {
  staff_user_id: string;
  room_id: string | null;
  blocked_from: Date;
  blocked_until: Date;
}

/** Intervals (with buffers) that hold a staff member or a room, excluding one appointment being moved. */
export async function busyIntervals(
  tx: Tx,
  clinicId: string,
  staffUserIds: string[],
  from: Date,
  until: Date,
  exceptAppointmentId?: string,
): Promise<BusyRow[]> {
  const { rows } = await tx.query<BusyRow>(
    `SELECT staff_user_id, room_id, lower(blocked_during) AS blocked_from, upper(blocked_during) AS blocked_until
     FROM appointments
     WHERE clinic_id = $1 AND status NOT IN ('cancelled', 'no_show') AND blocked_during && tstzrange($3, $4)
       -- The start bounds let appointments_clinic_id_starts_at_idx serve this: a booking's blocked range
       -- reaches at most 4 h (buffer) before its start and 14 h (duration and buffer) after it.
       AND starts_at > $3::timestamptz - interval '14 hours' AND starts_at < $4::timestamptz + interval '4 hours'
       AND (staff_user_id = ANY($2::uuid[]) OR room_id IS NOT NULL) AND ($5::uuid IS NULL OR id <> $5)`,
    [clinicId, staffUserIds, from, until, exceptAppointmentId ?? null],
  );
  return rows;
}

export async function setStatus(
  tx: Tx,
  id: string,
  status: AppointmentStatus,
  cancellation?: { feeSatang: number; reason: string | null },
): Promise<void> {
  await tx.query(
    `UPDATE appointments SET status = $2, updated_at = now(),
       cancellation_fee_satang = CASE WHEN $2 = 'cancelled' THEN $3 ELSE cancellation_fee_satang END,
       cancellation_reason = CASE WHEN $2 = 'cancelled' THEN $4 ELSE cancellation_reason END,
       cancelled_at = CASE WHEN $2 = 'cancelled' THEN now() ELSE cancelled_at END
     WHERE id = $1`,
    [id, status, cancellation?.feeSatang ?? null, cancellation?.reason ?? null],
  );
}

export async function moveAppointment(
  tx: Tx,
  id: string,
  to: { startsAt: Date; endsAt: Date; staffUserId: string; roomId: string | null },
): Promise<void> {
  await tx.query(
    'UPDATE appointments SET starts_at = $2, ends_at = $3, staff_user_id = $4, room_id = $5, updated_at = now() WHERE id = $1',
    [id, to.startsAt, to.endsAt, to.staffUserId, to.roomId],
  );
}

export async function insertReminder(
  tx: Tx,
  r: { clinicId: string; appointmentId: string; kind: string; jobId: string; dueAt: Date },
): Promise<void> {
  await tx.query(
    'INSERT INTO appointment_reminders (clinic_id, appointment_id, kind, job_id, due_at) VALUES ($1, $2, $3, $4, $5)',
    [r.clinicId, r.appointmentId, r.kind, r.jobId, r.dueAt],
  );
}

export async function deleteReminders(tx: Tx, appointmentId: string): Promise<string[]> {
  const { rows } = await tx.query<{ job_id: string }>(
    'DELETE FROM appointment_reminders WHERE appointment_id = $1 RETURNING job_id',
    [appointmentId],
  );
  return rows.map((r) => r.job_id);
}

export interface ReminderTargetRow extends CalendarRow {
  customer_user_id: string | null;
  customer_email: string | null;
  customer_locale: Locale | null;
  clinic_name: string;
  clinic_time_zone: string;
  clinic_locale: Locale;
}

/** The appointment with who to remind and how to word it: its customer's account, address and language. */
export async function findReminderTarget(tx: Tx, clinicId: string, id: string): Promise<ReminderTargetRow | undefined> {
  const { rows } = await tx.query<ReminderTargetRow>(
    `SELECT q.*, cu.user_id AS customer_user_id, coalesce(cu.email, acct.email) AS customer_email, acct.locale AS customer_locale,
            cl.name AS clinic_name, cl.time_zone AS clinic_time_zone, cl.locale AS clinic_locale
     FROM (${CALENDAR_SELECT} WHERE a.clinic_id = $1 AND a.id = $2) q
     JOIN customers cu ON cu.id = q.customer_id
     LEFT JOIN users acct ON acct.id = cu.user_id
     JOIN clinics cl ON cl.id = q.clinic_id`,
    [clinicId, id],
  );
  return rows[0];
}

/** The customer's appointments still to come that hold a slot (not cancelled, not no-show); served by appointments_customer_id_starts_at_idx. */
export async function countUpcomingOfCustomer(tx: Tx, clinicId: string, customerId: string, now: Date): Promise<number> {
  const { rows } = await tx.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM appointments
     WHERE customer_id = $2 AND clinic_id = $1 AND starts_at > $3 AND status IN ('scheduled', 'confirmed')`,
    [clinicId, customerId, now],
  );
  return rows[0]!.n;
}
