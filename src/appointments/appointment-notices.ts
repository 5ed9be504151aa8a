import type { Actor, Tx } from '../db/tenant-transaction.ts';
import { isCustomer } from '../customers/customer-access.ts';
import type { Locale } from '../i18n/locale-vocabulary.ts';
import { noticeMessage, type NoticeKind } from '../notifications/notice-messages.ts';
import type { NoticeRecipient, NotificationOutbox } from '../notifications/notification-outbox.ts';
import { formatBaht, formatWhen, localName } from '../notifications/notice-text.ts';
import { findReminderTarget, type ReminderTargetRow } from './appointment-repo.ts';

export type AppointmentChange = 'booked' | 'rescheduled' | 'cancelled' | 'no_show';

/** What the clinic's booking staff hear of when a customer acts online. */
const STAFF_NOTICE: Partial<Record<AppointmentChange, NoticeKind>> = {
  booked: 'appointment_booked_online',
  cancelled: 'appointment_cancelled_by_customer',
};

/** Staff who handle bookings: told of what customers do online. */
async function bookingStaff(tx: Tx, clinicId: string): Promise<NoticeRecipient[]> {
  const { rows } = await tx.query<{ id: string; email: string; locale: Locale }>(
    `SELECT id, email, locale FROM users
     WHERE clinic_id = $1 AND role IN ('clinic_owner', 'clinic_admin', 'receptionist') AND disabled_at IS NULL`,
    [clinicId],
  );
  return rows.map((u) => ({ userId: u.id, email: u.email, locale: u.locale }));
}

function wording(a: ReminderTargetRow, feeSatang: number) {
  return (locale: Locale) => ({
    treatment: localName(locale, { en: a.treatment_name_en, th: a.treatment_name_th, zh: a.treatment_name_zh }),
    clinic: a.clinic_name,
    when: formatWhen(locale, a.clinic_time_zone, a.starts_at),
    staff: a.staff_name,
    customer: a.customer_name,
    ...(feeSatang > 0 ? { fee: formatBaht(locale, feeSatang) } : {}),
  });
}

/**
 * Tells the customer of a change to their appointment and, when the customer made it online, the
 * clinic's booking staff too; in the caller's transaction, after the change is written.
 */
export async function noticeAppointmentChange(
  tx: Tx,
  outbox: NotificationOutbox,
  actor: Actor,
  appointment: { clinicId: string; id: string },
  change: AppointmentChange,
  feeSatang = 0,
): Promise<void> {
  const a = (await findReminderTarget(tx, appointment.clinicId, appointment.id))!;
  const values = wording(a, feeSatang);
  const kind: NoticeKind = `appointment_${change}`;
  await outbox.publish(tx, {
    clinicId: a.clinic_id,
    appointmentId: a.id,
    customerId: a.customer_id,
    kind,
    recipients: [
      {
        userId: a.customer_user_id,
        email: a.customer_email,
        locale: a.customer_locale ?? a.clinic_locale,
      },
    ],
    message: (locale) => noticeMessage(kind, locale, values(locale)),
  });
  const staffKind = STAFF_NOTICE[change];
  if (staffKind && isCustomer(actor)) {
    await outbox.publish(tx, {
      clinicId: a.clinic_id,
      appointmentId: a.id,
      customerId: a.customer_id,
      kind: staffKind,
      recipients: await bookingStaff(tx, a.clinic_id),
      message: (locale) => noticeMessage(staffKind, locale, values(locale)),
    });
  }
}
