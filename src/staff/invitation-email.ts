import type { Locale } from '../i18n/locale-vocabulary.ts';
import { accountLinkEmail, type AccountEmail, type AccountEmailText } from '../auth/account-mail.ts';

const TEXT: AccountEmailText = {
  en: {
    subject: 'You are invited to join {clinic}',
    body: [
      'Hello {name},',
      '',
      '{clinic} has invited you to its team on Beauty with AI Precision. To accept, open this link and choose your password:',
      '',
      '{link}',
      '',
      'It works once and expires in {hours} hours. After that, ask the clinic to send a new invitation.',
      'If you were not expecting this, ignore this email.',
    ].join('\n'),
  },
  th: {
    subject: 'คุณได้รับคำเชิญให้เข้าร่วม {clinic}',
    body: [
      'สวัสดี {name}',
      '',
      '{clinic} เชิญคุณเข้าร่วมทีมใน Beauty with AI Precision หากต้องการตอบรับ โปรดเปิดลิงก์นี้และตั้งรหัสผ่านของคุณ:',
      '',
      '{link}',
      '',
      'ลิงก์ใช้ได้ครั้งเดียวและหมดอายุใน {hours} ชั่วโมง หลังจากนั้นโปรดขอให้คลินิกส่งคำเชิญใหม่',
      'หากคุณไม่ได้คาดว่าจะได้รับอีเมลนี้ ไม่ต้องทำอะไร',
    ].join('\n'),
  },
  zh: {
    subject: '{clinic} 邀请您加入',
    body: [
      '{name}，您好：',
      '',
      '{clinic} 邀请您加入其在 Beauty with AI Precision 上的团队。如需接受，请打开此链接并设置您的密码：',
      '',
      '{link}',
      '',
      '该链接仅可使用一次，{hours}小时后失效。失效后请让诊所重新发送邀请。',
      '如果您没有预期收到此邮件，请忽略。',
    ].join('\n'),
  },
};

/** The invitation in the invitee's language; the link opens the web app's page that accepts it. */
export function invitationEmail(f: {
  to: string;
  name: string;
  clinic: string;
  locale: Locale;
  token: string;
  hours: number;
  publicUrl: string | undefined;
}): AccountEmail {
  return accountLinkEmail(TEXT, {
    ...f,
    page: 'accept-invitation',
    vars: { name: f.name, clinic: f.clinic, hours: String(f.hours) },
  });
}
