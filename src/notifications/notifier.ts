import type { Logger } from '../logger.ts';
import type { Tx } from '../db/tenant-transaction.ts';
import type { EmailSender } from './email-sender.ts';
import { insertNotification, pendingEmails, recordDelivery, type NotificationRow } from './notification-repo.ts';

export interface Recipient {
  userId: string | null;
  customerId: string | null;
  email: string | null;
}

export interface Notice {
  clinicId: string;
  appointmentId: string;
  kind: string;
  title: string;
  body: string;
}

export interface PendingEmail {
  notificationId: string;
  to: string;
  subject: string;
  text: string;
}

/**
 * A notice goes to the log, to the in-app list when the recipient has an account, and by email when
 * SMTP is configured and an address is known; each delivery is a notifications row with its outcome.
 * Email is sent outside any transaction: `record` writes the rows, `sendEmails` talks to SMTP, and
 * the caller stores the outcomes with `recordDelivery`.
 */
export interface Notifier {
  record(tx: Tx, recipient: Recipient, notice: Notice): Promise<PendingEmail[]>;
  sendEmails(pending: PendingEmail[]): Promise<{ notificationId: string; status: 'sent' | 'failed'; error?: string }[]>;
}

export function createNotifier(log: Logger, email: EmailSender | null): Notifier {
  return {
    async record(tx, recipient, notice) {
      const row = (channel: NotificationRow['channel']) =>
        insertNotification(tx, { ...notice, recipientUserId: recipient.userId, customerId: recipient.customerId, channel });
      const logged = await row('log');
      if (logged) {
        log.info(
          { notificationId: logged.id, clinicId: notice.clinicId, kind: notice.kind, appointmentId: notice.appointmentId },
          notice.title,
        );
        await recordDelivery(tx, logged.id, { status: 'sent' });
      }
      if (recipient.userId) {
        const inApp = await row('in_app');
        if (inApp) await recordDelivery(tx, inApp.id, { status: 'sent' });
      }
      if (email && recipient.email) await row('email');
      // Also emails that an earlier attempt left pending (stopped before recording) or failed (retrying now).
      const pending = email && recipient.email ? await pendingEmails(tx, notice.appointmentId, notice.kind) : [];
      return pending.map((p) => ({ notificationId: p.id, to: recipient.email!, subject: p.title, text: p.body }));
    },

    async sendEmails(pending) {
      return Promise.all(
        pending.map((p) =>
          email!.send({ to: p.to, subject: p.subject, text: p.text }).then(
            () => ({ notificationId: p.notificationId, status: 'sent' as const }),
            (error: unknown) => ({
              notificationId: p.notificationId,
              status: 'failed' as const,
              error: error instanceof Error ? error.message : String(error),
            }),
          ),
        ),
      );
    },
  };
}
