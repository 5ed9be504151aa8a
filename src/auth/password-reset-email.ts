import type { Locale } from '../i18n/locale-vocabulary.ts';
import { accountLinkEmail, type AccountEmail, type AccountEmailText } from './account-mail.ts';

const TEXT: AccountEmailText = {
  en: {
    subject: 'Reset your password',
    body: [
      'Hello {name},',
      '',
      'Someone asked to reset the password of your account. To choose a new one, open this link:',
      '',
      '{link}',
      '',
      'Your reset code: {token}',
      '',
      'It works once and expires in {minutes} minutes. Setting a new password signs you out on every device.',
      'If you did not ask for this, ignore this email: your password stays as it is.',
    ].join('\n'),
  },
  th: {
    subject: 'ตั้งรหัสผ่านใหม่',
    body: [
      'สวัสดี {name}',
      '',
      'มีผู้ขอตั้งรหัสผ่านใหม่สำหรับบัญชีของคุณ หากต้องการตั้งรหัสผ่านใหม่ โปรดเปิดลิงก์นี้:',
      '',
      '{link}',
      '',
      'รหัสสำหรับตั้งรหัสผ่านใหม่: {token}',
      '',
      'ลิงก์ใช้ได้ครั้งเดียวและหมดอายุใน {minutes} นาที เมื่อตั้งรหัสผ่านใหม่แล้ว ทุกอุปกรณ์จะออกจากระบบ',
      'หากคุณไม่ได้ขอ ไม่ต้องทำอะไร รหัสผ่านของคุณจะยังคงเดิม',
    ].join('\n'),
  },
  zh: {
    subject: '重置您的密码',
    body: [
      '{name}，您好：',
      '',
      '有人请求重置您账户的密码。如需设置新密码，请打开此链接：',
      '',
      '{link}',
      '',
      '您的重置码：{token}',
      '',
      '该链接仅可使用一次，{minutes}分钟后失效。设置新密码后，您将在所有设备上退出登录。',
      '如果这不是您本人的请求，请忽略此邮件，您的密码不会改变。',
    ].join('\n'),
  },
};

/** The reset email in the account's language; the link opens the web app's reset page. */
export function passwordResetEmail(f: {
  to: string;
  name: string;
  locale: Locale;
  token: string;
  minutes: number;
  publicUrl: string | undefined;
}): AccountEmail {
  return accountLinkEmail(TEXT, { ...f, page: 'reset-password', vars: { name: f.name, minutes: String(f.minutes) } });
}
