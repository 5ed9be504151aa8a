import type { Tx } from '../db/tenant-transaction.ts';
import type { Locale } from '../i18n/locale-vocabulary.ts';
import { noticeMessage, type NoticeKind } from '../notifications/notice-messages.ts';
import type { NotificationOutbox } from '../notifications/notification-outbox.ts';

/** Tells the customer their analysis is ready, or that its photo was refused by the quality gate; in the caller's transaction. */
export async function noticeAnalysisOutcome(
  tx: Tx,
  outbox: NotificationOutbox,
  analysis: { clinic_id: string; customer_id: string },
  outcome: 'completed' | 'rejected',
): Promise<void> {
  const { rows } = await tx.query<{ user_id: string | null; email: string | null; locale: Locale; clinic_name: string }>(
    `SELECT cu.user_id, coalesce(cu.email, acct.email) AS email, coalesce(acct.locale, cl.locale) AS locale, cl.name AS clinic_name
     FROM customers cu JOIN clinics cl ON cl.id = cu.clinic_id LEFT JOIN users acct ON acct.id = cu.user_id
     WHERE cu.clinic_id = $1 AND cu.id = $2`,
    [analysis.clinic_id, analysis.customer_id],
  );
  const c = rows[0];
  if (!c) return;
  const kind: NoticeKind = outcome === 'completed' ? 'analysis_ready' : 'analysis_refused';
  await outbox.publish(tx, {
    clinicId: analysis.clinic_id,
    appointmentId: null,
    customerId: analysis.customer_id,
    kind,
    recipients: [{ userId: c.user_id, email: c.email, locale: c.locale }],
    message: (locale) => noticeMessage(kind, locale, { clinic: c.clinic_name }),
  });
}
