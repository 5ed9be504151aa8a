import { newestFirst } from '../db/keyset.ts';
import type { Tx } from '../db/tenant-transaction.ts';
import type { Cursor } from '../http/pagination.ts';

export type Channel = 'in_app' | 'email' | 'log';

export interface NotificationRow {
  id: string;
  clinic_id: string;
  appointment_id: string | null;
  recipient_user_id: string | null;
  customer_id: string | null;
  channel: Channel;
  kind: string;
  title: string;
  body: string;
  status: 'pending' | 'sent' | 'failed' | 'cancelled';
  error: string | null;
  sent_at: Date | null;
  read_at: Date | null;
  created_at: Date;
  event_id: string | null;
}

export interface NewNotification {
  clinicId: string;
  appointmentId: string | null;
  recipientUserId: string | null;
  customerId: string | null;
  channel: Channel;
  kind: string;
  title: string;
  body: string;
}

/** Returns the new row, or nothing when this appointment's notice of this kind went out on this channel before. */
export async function insertNotification(tx: Tx, n: NewNotification): Promise<NotificationRow | undefined> {
  const { rows } = await tx.query<NotificationRow>(
    `INSERT INTO notifications (clinic_id, appointment_id, recipient_user_id, customer_id, channel, kind, title, body)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
     ON CONFLICT (appointment_id, kind, channel) WHERE appointment_id IS NOT NULL AND event_id IS NULL DO NOTHING RETURNING *`,
    [n.clinicId, n.appointmentId, n.recipientUserId, n.customerId, n.channel, n.kind, n.title, n.body],
  );
  return rows[0];
}

export async function pendingEmails(tx: Tx, appointmentId: string, kind: string): Promise<NotificationRow[]> {
  const { rows } = await tx.query<NotificationRow>(
    `SELECT * FROM notifications WHERE appointment_id = $1 AND kind = $2 AND channel = 'email' AND status IN ('pending', 'failed')`,
    [appointmentId, kind],
  );
  return rows;
}

export async function recordDelivery(
  tx: Tx,
  id: string,
  outcome: { status: 'sent' | 'failed'; error?: string | undefined },
): Promise<void> {
  await tx.query(
    `UPDATE notifications SET status = $2, error = $3, sent_at = CASE WHEN $2 = 'sent' THEN now() END WHERE id = $1`,
    [id, outcome.status, outcome.error ?? null],
  );
}

/** One page of a person's inbox, newest first (limit + 1 rows: see pageByCreation). */
export function listForRecipient(
  tx: Tx,
  clinicId: string,
  userId: string,
  unreadOnly: boolean,
  page: { after: Cursor | null; limit: number },
): Promise<NotificationRow[]> {
  const where = ['clinic_id = $1', 'recipient_user_id = $2', "channel = 'in_app'"];
  if (unreadOnly) where.push('read_at IS NULL');
  return newestFirst<NotificationRow>(tx, 'notifications', '*', { where, params: [clinicId, userId] }, page);
}

export async function countUnread(tx: Tx, clinicId: string, userId: string): Promise<number> {
  const { rows } = await tx.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM notifications
     WHERE clinic_id = $1 AND recipient_user_id = $2 AND channel = 'in_app' AND read_at IS NULL`,
    [clinicId, userId],
  );
  return rows[0]!.n;
}

export async function markAllRead(tx: Tx, clinicId: string, userId: string): Promise<void> {
  await tx.query(
    `UPDATE notifications SET read_at = now()
     WHERE clinic_id = $1 AND recipient_user_id = $2 AND channel = 'in_app' AND read_at IS NULL`,
    [clinicId, userId],
  );
}

export async function markRead(tx: Tx, clinicId: string, userId: string, id: string): Promise<boolean> {
  const { rowCount } = await tx.query(
    `UPDATE notifications SET read_at = coalesce(read_at, now()) WHERE clinic_id = $1 AND recipient_user_id = $2 AND id = $3 AND channel = 'in_app'`,
    [clinicId, userId, id],
  );
  return rowCount === 1;
}
