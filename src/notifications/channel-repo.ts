import type { Tx } from '../db/tenant-transaction.ts';

export type OutsideChannel = 'email' | 'line';

export interface PreferenceRow {
  user_id: string;
  email: boolean;
  line: boolean;
  line_user_id: string | null;
}

export interface LineChannelRow {
  clinic_id: string;
  access_token: string;
  enabled: boolean;
  updated_at: Date;
}

export interface DeliveryRow {
  id: string;
  clinic_id: string;
  notification_id: string;
  channel: OutsideChannel;
  address: string;
  status: 'pending' | 'sent' | 'failed';
  attempts: number;
  title: string;
  body: string;
  clinic_name: string;
}

/** The stored choices of these people; someone who never chose has no row (email on, LINE off). */
export async function findPreferences(tx: Tx, clinicId: string, userIds: string[]): Promise<Map<string, PreferenceRow>> {
  if (userIds.length === 0) return new Map();
  const { rows } = await tx.query<PreferenceRow>(
    `SELECT user_id, email, line, line_user_id FROM notification_preferences WHERE clinic_id = $1 AND user_id = ANY($2::uuid[])`,
    [clinicId, userIds],
  );
  return new Map(rows.map((r) => [r.user_id, r]));
}

export async function savePreferences(
  tx: Tx,
  clinicId: string,
  userId: string,
  p: { email: boolean; line: boolean; lineUserId: string | null },
): Promise<PreferenceRow> {
  const { rows } = await tx.query<PreferenceRow>(
    `INSERT INTO notification_preferences (clinic_id, user_id, email, line, line_user_id) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (clinic_id, user_id) DO UPDATE SET email = $3, line = $4, line_user_id = $5, updated_at = now()
     RETURNING user_id, email, line, line_user_id`,
    [clinicId, userId, p.email, p.line, p.lineUserId],
  );
  return rows[0]!;
}

export async function findLineChannel(tx: Tx, clinicId: string): Promise<LineChannelRow | undefined> {
  const { rows } = await tx.query<LineChannelRow>(`SELECT * FROM clinic_line_channels WHERE clinic_id = $1`, [clinicId]);
  return rows[0];
}

export async function saveLineChannel(
  tx: Tx,
  clinicId: string,
  c: { accessToken?: string | undefined; enabled: boolean },
): Promise<LineChannelRow | undefined> {
  // Without a new token only `enabled` changes, and only for a clinic that has stored one.
  const { rows } = c.accessToken
    ? await tx.query<LineChannelRow>(
        `INSERT INTO clinic_line_channels (clinic_id, access_token, enabled) VALUES ($1, $2, $3)
         ON CONFLICT (clinic_id) DO UPDATE SET access_token = $2, enabled = $3, updated_at = now() RETURNING *`,
        [clinicId, c.accessToken, c.enabled],
      )
    : await tx.query<LineChannelRow>(
        `UPDATE clinic_line_channels SET enabled = $2, updated_at = now() WHERE clinic_id = $1 RETURNING *`,
        [clinicId, c.enabled],
      );
  return rows[0];
}

export async function insertDelivery(
  tx: Tx,
  d: { clinicId: string; notificationId: string; channel: OutsideChannel; address: string },
): Promise<void> {
  await tx.query(
    `INSERT INTO notification_deliveries (clinic_id, notification_id, channel, address) VALUES ($1, $2, $3, $4)
     ON CONFLICT (clinic_id, notification_id, channel) DO NOTHING`,
    [d.clinicId, d.notificationId, d.channel, d.address],
  );
}

/** The deliveries of a notification not sent yet, with what they say. */
export async function unsentDeliveries(tx: Tx, clinicId: string, notificationId: string): Promise<DeliveryRow[]> {
  const { rows } = await tx.query<DeliveryRow>(
    `SELECT d.id, d.clinic_id, d.notification_id, d.channel, d.address, d.status, d.attempts, n.title, n.body, c.name AS clinic_name
     FROM notification_deliveries d JOIN notifications n ON n.id = d.notification_id JOIN clinics c ON c.id = d.clinic_id
     WHERE d.clinic_id = $1 AND d.notification_id = $2 AND d.status <> 'sent' ORDER BY d.channel`,
    [clinicId, notificationId],
  );
  return rows;
}

export async function recordDeliveryOutcome(
  tx: Tx,
  id: string,
  outcome: { status: 'sent' | 'failed'; error?: string | undefined },
): Promise<void> {
  await tx.query(
    `UPDATE notification_deliveries SET status = $2, error = $3, attempts = attempts + 1,
       sent_at = CASE WHEN $2 = 'sent' THEN now() END WHERE id = $1`,
    [id, outcome.status, outcome.error ?? null],
  );
}
