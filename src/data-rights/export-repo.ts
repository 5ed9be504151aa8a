import type { AnalysisRow } from '../analysis/analysis-repo.ts';
import type { AppointmentRow, CalendarRow } from '../appointments/appointment-repo.ts';
import type { Tx } from '../db/tenant-transaction.ts';

export type ExportedAppointmentRow = Pick<
  AppointmentRow,
  | 'id'
  | 'starts_at'
  | 'ends_at'
  | 'status'
  | 'price_satang'
  | 'notes'
  | 'cancellation_fee_satang'
  | 'cancellation_reason'
  | 'cancelled_at'
  | 'created_at'
> &
  Pick<CalendarRow, 'staff_name' | 'room_name' | 'treatment_name_en' | 'treatment_name_th' | 'treatment_name_zh'>;

/** Every appointment of the customer, oldest first; each join is to one row by primary key, so nothing fans out. */
export async function appointmentsOf(tx: Tx, clinicId: string, customerId: string): Promise<ExportedAppointmentRow[]> {
  const { rows } = await tx.query<ExportedAppointmentRow>(
    `SELECT a.id, a.starts_at, a.ends_at, a.status, a.price_satang, a.notes, a.cancellation_fee_satang,
       a.cancellation_reason, a.cancelled_at, a.created_at, u.full_name AS staff_name, r.name AS room_name,
       t.name_en AS treatment_name_en, t.name_th AS treatment_name_th, t.name_zh AS treatment_name_zh
     FROM appointments a
     JOIN users u ON u.id = a.staff_user_id
     JOIN treatments t ON t.id = a.treatment_id
     LEFT JOIN rooms r ON r.id = a.room_id
     WHERE a.clinic_id = $1 AND a.customer_id = $2 ORDER BY a.starts_at, a.id`,
    [clinicId, customerId],
  );
  return rows;
}

export interface ExportedConsentRow {
  id: string;
  text_version: string;
  locale: string;
  granted_at: Date;
  withdrawn_at: Date | null;
}

/** Every consent the customer gave, withdrawn ones included, oldest first. */
export async function consentsOf(tx: Tx, clinicId: string, customerId: string): Promise<ExportedConsentRow[]> {
  const { rows } = await tx.query<ExportedConsentRow>(
    `SELECT id, text_version, locale, granted_at, withdrawn_at FROM analysis_consents
     WHERE clinic_id = $1 AND customer_id = $2 ORDER BY granted_at, id`,
    [clinicId, customerId],
  );
  return rows;
}

/** Every analysis of the customer, whatever its status, oldest first. */
export async function analysesOf(tx: Tx, clinicId: string, customerId: string): Promise<AnalysisRow[]> {
  const { rows } = await tx.query<AnalysisRow>(
    'SELECT * FROM skin_analyses WHERE clinic_id = $1 AND customer_id = $2 ORDER BY created_at, id',
    [clinicId, customerId],
  );
  return rows;
}

export interface ExportedNotificationRow {
  id: string;
  channel: string;
  kind: string;
  title: string;
  body: string;
  status: string;
  sent_at: Date | null;
  read_at: Date | null;
  created_at: Date;
}

/** Notifications about the customer and those addressed to their account: what the erasure deletes. */
export async function notificationsOf(
  tx: Tx,
  clinicId: string,
  customerId: string,
  userId: string | null,
): Promise<ExportedNotificationRow[]> {
  const { rows } = await tx.query<ExportedNotificationRow>(
    `SELECT id, channel, kind, title, body, status, sent_at, read_at, created_at FROM notifications
     WHERE clinic_id = $1 AND (customer_id = $2 OR ($3::uuid IS NOT NULL AND recipient_user_id = $3))
     ORDER BY created_at, id`,
    [clinicId, customerId, userId],
  );
  return rows;
}
