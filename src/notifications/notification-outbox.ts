import { randomUUID } from 'node:crypto';
import type PgBoss from 'pg-boss';
import type { Tx } from '../db/tenant-transaction.ts';
import type { Locale } from '../i18n/locale-vocabulary.ts';
import { inTransaction, sendJob } from '../jobs/job-queue.ts';
import { findLineChannel, findPreferences, insertDelivery, type OutsideChannel } from './channel-repo.ts';
import type { NoticeKind } from './notice-messages.ts';

/** Postgres channel on which a new inbox row is announced (on commit) to every API node's live streams. */
export const NOTIFICATION_CHANNEL = 'notification_created';
export const DELIVERY_QUEUE = 'notification-deliveries';

export interface DeliveryJobData {
  clinicId: string;
  notificationId: string;
}

export interface NoticeRecipient {
  /** The person's account; without one there is no inbox, only their email address. */
  userId: string | null;
  email: string | null;
  locale: Locale;
}

export interface NoticeEvent {
  clinicId: string;
  appointmentId: string | null;
  /**
   * The customer the notice is about, on every recipient's row (the staff's too, whose text names them):
   * erasing the customer deletes them all.
   */
  customerId: string;
  kind: NoticeKind;
  recipients: NoticeRecipient[];
  /** The title and body in one reader's language. */
  message: (locale: Locale) => { title: string; body: string };
}

export interface NotificationOutbox {
  /**
   * Writes the event's notifications, one per recipient, and their deliveries in the caller's
   * transaction: a change and its notices commit together or not at all. Outside channels are sent
   * after commit by the delivery job; live inboxes hear of it through NOTIFY, also delivered on commit.
   */
  publish(tx: Tx, event: NoticeEvent): Promise<void>;
}

export function createNotificationOutbox({ jobs, emailEnabled }: { jobs: PgBoss; emailEnabled: boolean }): NotificationOutbox {
  return {
    async publish(tx, event) {
      // Someone with neither an account nor an address (a walk-in without email) cannot be told anything.
      const recipients = event.recipients.filter((r) => r.userId || r.email);
      if (recipients.length === 0) return;
      const eventId = randomUUID();
      const accounts = recipients.flatMap((r) => (r.userId ? [r.userId] : []));
      const preferences = await findPreferences(tx, event.clinicId, accounts);
      const line = await findLineChannel(tx, event.clinicId);
      for (const recipient of recipients) {
        const { title, body } = event.message(recipient.locale);
        const { rows } = await tx.query<{ id: string }>(
          `INSERT INTO notifications (clinic_id, appointment_id, recipient_user_id, customer_id, channel, kind, title, body, status, sent_at, event_id)
           VALUES ($1, $2, $3, $4, 'in_app', $5, $6, $7, 'sent', now(), $8) RETURNING id`,
          [event.clinicId, event.appointmentId, recipient.userId, event.customerId, event.kind, title, body, eventId],
        );
        const notificationId = rows[0]!.id;
        const chosen = recipient.userId ? preferences.get(recipient.userId) : undefined;
        const outside: { channel: OutsideChannel; address: string }[] = [];
        if (emailEnabled && recipient.email && (chosen?.email ?? true))
          outside.push({ channel: 'email', address: recipient.email });
        if (line?.enabled && chosen?.line && chosen.line_user_id) outside.push({ channel: 'line', address: chosen.line_user_id });
        for (const o of outside) await insertDelivery(tx, { clinicId: event.clinicId, notificationId, ...o });
        if (outside.length) {
          const data: DeliveryJobData = { clinicId: event.clinicId, notificationId };
          await sendJob(jobs, { queue: DELIVERY_QUEUE }, data, { db: inTransaction(tx) });
        }
        if (recipient.userId) {
          await tx.query('SELECT pg_notify($1, $2)', [
            NOTIFICATION_CHANNEL,
            JSON.stringify({ id: notificationId, clinicId: event.clinicId, userId: recipient.userId }),
          ]);
        }
      }
    },
  };
}
