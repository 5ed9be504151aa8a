import type pg from 'pg';
import { withTenant } from '../db/tenant-transaction.ts';
import type { Logger } from '../logger.ts';
import { recordDelivery } from '../notifications/notification-repo.ts';
import type { Notifier } from '../notifications/notifier.ts';
import type { ReminderJobData } from './appointment-reminders.ts';
import { findReminderTarget } from './appointment-repo.ts';
import { reminderMessage } from './reminder-messages.ts';

/** Sends the reminders the reminder jobs ask for, through every channel the customer has. */
export function createReminderDelivery({ pool, notifier, log }: { pool: pg.Pool; notifier: Notifier; log: Logger }) {
  return {
    /**
     * Reminds a customer of an appointment. Safe to retry: each channel sends at most once per
     * appointment and kind, and a reminder for a cancelled or moved appointment does nothing.
     */
    async remind(data: ReminderJobData): Promise<void> {
      const scope = { clinicId: data.clinicId, userId: null, role: null };
      const pending = await withTenant(pool, scope, async (tx) => {
        const a = await findReminderTarget(tx, data.clinicId, data.appointmentId);
        const stillDue =
          a && (a.status === 'scheduled' || a.status === 'confirmed') && a.starts_at.toISOString() === data.startsAt;
        if (!stillDue) {
          log.info(
            { appointmentId: data.appointmentId, kind: data.kind },
            'reminder skipped: appointment moved or no longer active',
          );
          return [];
        }
        const message = reminderMessage({
          kind: data.kind,
          locale: a.customer_locale ?? a.clinic_locale,
          timeZone: a.clinic_time_zone,
          startsAt: a.starts_at,
          clinic: a.clinic_name,
          staff: a.staff_name,
          treatment: { en: a.treatment_name_en, th: a.treatment_name_th, zh: a.treatment_name_zh },
        });
        return notifier.record(
          tx,
          { userId: a.customer_user_id, customerId: a.customer_id, email: a.customer_email },
          { clinicId: a.clinic_id, appointmentId: a.id, kind: `appointment_reminder_${data.kind}`, ...message },
        );
      });
      if (pending.length === 0) return;
      const outcomes = await notifier.sendEmails(pending);
      await withTenant(pool, scope, async (tx) => {
        for (const o of outcomes) await recordDelivery(tx, o.notificationId, o);
      });
      const failed = outcomes.filter((o) => o.status === 'failed');
      // A failed email makes the job fail, so pg-boss retries it; channels already delivered are skipped then.
      if (failed.length) throw new Error(`reminder email failed: ${failed.map((f) => f.error).join('; ')}`);
    },
  };
}

export type ReminderDelivery = ReturnType<typeof createReminderDelivery>;
