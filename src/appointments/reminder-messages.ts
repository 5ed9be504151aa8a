import type { Locale } from '../i18n/locale-vocabulary.ts';
import { fillTemplate, formatWhen, localName } from '../notifications/notice-text.ts';
import type { ReminderKind } from './appointment-reminders.ts';

const TEXT: Record<Locale, { title: Record<ReminderKind, string>; body: string }> = {
  en: {
    title: { '24h': 'Reminder: your appointment tomorrow', '2h': 'Reminder: your appointment in 2 hours' },
    body: '{treatment} at {clinic}, {when}, with {staff}. To cancel or reschedule, open your appointments.',
  },
  th: {
    title: { '24h': 'แจ้งเตือน: นัดหมายของคุณพรุ่งนี้', '2h': 'แจ้งเตือน: นัดหมายของคุณในอีก 2 ชั่วโมง' },
    body: '{treatment} ที่ {clinic} {when} กับ {staff} หากต้องการยกเลิกหรือเลื่อนนัด โปรดเปิดหน้านัดหมายของคุณ',
  },
  zh: {
    title: { '24h': '提醒：您明天的预约', '2h': '提醒：您的预约将在2小时后开始' },
    body: '{treatment}，{clinic}，{when}，由{staff}为您服务。如需取消或改期，请打开您的预约。',
  },
};

export interface ReminderFacts {
  kind: ReminderKind;
  locale: Locale;
  timeZone: string;
  startsAt: Date;
  clinic: string;
  staff: string;
  treatment: { en: string | null; th: string | null; zh: string | null };
}

/** The reminder in the customer's language, with the time in the clinic's zone. */
export function reminderMessage(f: ReminderFacts): { title: string; body: string } {
  const text = TEXT[f.locale];
  const body = fillTemplate(text.body, {
    treatment: localName(f.locale, f.treatment),
    clinic: f.clinic,
    when: formatWhen(f.locale, f.timeZone, f.startsAt),
    staff: f.staff,
  });
  return { title: text.title[f.kind], body };
}
