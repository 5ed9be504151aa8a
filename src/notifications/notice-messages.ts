import type { Locale } from '../i18n/locale-vocabulary.ts';
import { fillTemplate } from './notice-text.ts';

/** What happened, as stored in notifications.kind: the first group is told to the customer, the second to the clinic's booking staff. */
export const NOTICE_KINDS = [
  'appointment_booked',
  'appointment_rescheduled',
  'appointment_cancelled',
  'appointment_no_show',
  'analysis_ready',
  'analysis_refused',
  'appointment_booked_online',
  'appointment_cancelled_by_customer',
] as const;
export type NoticeKind = (typeof NOTICE_KINDS)[number];

type Texts = Record<NoticeKind, { title: string; body: string }> & { feeLine: string };

const TEXT: Record<Locale, Texts> = {
  en: {
    appointment_booked: { title: 'Booking confirmed', body: '{treatment} at {clinic}, {when}, with {staff}.' },
    appointment_rescheduled: { title: 'Appointment moved', body: '{treatment} at {clinic} is now {when}, with {staff}.' },
    appointment_cancelled: { title: 'Appointment cancelled', body: '{treatment} at {clinic}, {when}, is cancelled.' },
    appointment_no_show: {
      title: 'Missed appointment',
      body: 'You missed {treatment} at {clinic}, {when}. Book again whenever it suits you.',
    },
    analysis_ready: { title: 'Your skin analysis is ready', body: 'Your skin analysis at {clinic} is ready to view.' },
    analysis_refused: {
      title: 'Your photo could not be analysed',
      body: 'The photo for your skin analysis at {clinic} did not pass the quality check; a new photo is needed.',
    },
    appointment_booked_online: { title: 'New online booking', body: '{customer} booked {treatment}, {when}, with {staff}.' },
    appointment_cancelled_by_customer: { title: 'Cancelled by the customer', body: '{customer} cancelled {treatment}, {when}.' },
    feeLine: 'Cancellation fee: {fee}.',
  },
  th: {
    appointment_booked: { title: 'ยืนยันการจองแล้ว', body: '{treatment} ที่ {clinic} {when} กับ {staff}' },
    appointment_rescheduled: { title: 'เลื่อนนัดหมายแล้ว', body: '{treatment} ที่ {clinic} เปลี่ยนเป็น {when} กับ {staff}' },
    appointment_cancelled: { title: 'ยกเลิกนัดหมายแล้ว', body: '{treatment} ที่ {clinic} {when} ถูกยกเลิกแล้ว' },
    appointment_no_show: {
      title: 'คุณไม่ได้มาตามนัด',
      body: 'คุณไม่ได้มารับบริการ {treatment} ที่ {clinic} {when} สามารถจองใหม่ได้ทุกเมื่อ',
    },
    analysis_ready: { title: 'ผลวิเคราะห์ผิวของคุณพร้อมแล้ว', body: 'ผลวิเคราะห์ผิวของคุณที่ {clinic} พร้อมให้ดูแล้ว' },
    analysis_refused: {
      title: 'ไม่สามารถวิเคราะห์รูปของคุณได้',
      body: 'รูปสำหรับการวิเคราะห์ผิวที่ {clinic} ไม่ผ่านการตรวจคุณภาพ กรุณาถ่ายรูปใหม่',
    },
    appointment_booked_online: { title: 'มีการจองออนไลน์ใหม่', body: '{customer} จอง {treatment} {when} กับ {staff}' },
    appointment_cancelled_by_customer: { title: 'ลูกค้ายกเลิกนัด', body: '{customer} ยกเลิก {treatment} {when}' },
    feeLine: 'ค่าธรรมเนียมการยกเลิก: {fee}',
  },
  zh: {
    appointment_booked: { title: '预约已确认', body: '{treatment}，{clinic}，{when}，由{staff}为您服务。' },
    appointment_rescheduled: { title: '预约已改期', body: '{treatment}（{clinic}）已改至{when}，由{staff}为您服务。' },
    appointment_cancelled: { title: '预约已取消', body: '{treatment}（{clinic}，{when}）已取消。' },
    appointment_no_show: { title: '您错过了预约', body: '您错过了{treatment}（{clinic}，{when}）。欢迎随时重新预约。' },
    analysis_ready: { title: '您的皮肤分析已完成', body: '您在{clinic}的皮肤分析结果已可查看。' },
    analysis_refused: { title: '您的照片无法分析', body: '您在{clinic}的皮肤分析照片未通过质量检查，请重新拍摄。' },
    appointment_booked_online: { title: '新的在线预约', body: '{customer}预约了{treatment}，{when}，由{staff}服务。' },
    appointment_cancelled_by_customer: { title: '顾客已取消预约', body: '{customer}取消了{treatment}，{when}。' },
    feeLine: '取消费用：{fee}。',
  },
};

/** A notice's title and body in the reader's language; a cancellation with a fee says how much. */
export function noticeMessage(kind: NoticeKind, locale: Locale, values: Record<string, string>): { title: string; body: string } {
  const text = TEXT[locale];
  const body = fillTemplate(text[kind].body, values);
  return {
    title: text[kind].title,
    body: values.fee ? `${body} ${fillTemplate(text.feeLine, values)}` : body,
  };
}
