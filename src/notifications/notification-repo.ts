import type { Tx } from '../db/tenant-transaction.ts';

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
     ON CONFLICT (appointment_id, kind, channel) WHERE appointment_id IS NOT NULL DO NOTHING RETURNING *`,
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

export async function listForRecipient(
  tx: Tx,
  clinicId: string,
  userId: string,
  unreadOnly: boolean,
  limit: number,
): Promise<NotificationRow[]> {
  const { rows } = await tx.query<NotificationRow>(
    `SELECT * FROM notifications
     WHERE clinic_id = $1 AND recipient_user_id = $2 AND channel = 'in_app' AND (NOT $3 OR read_at IS NULL)
     ORDER BY created_at DESC, id DESC LIMIT $4`,
    [clinicId, userId, unreadOnly, limit],
  );
  return rows;
}

export async function markRead(tx: Tx, clinicId: string, userId: string, id: string): Promise<boolean> {
  const { rowCount } = await tx.query(
    `UPDATE notifications SET read_at = coalesce(read_at, now()) WHERE clinic_id = $1 AND recipient_user_id = $2 AND id = $3 AND channel = 'in_app'`,
    [clinicId, userId, id],
  );
  return rowCount === 1;
}
