import nodemailer from 'nodemailer';
import type { Config } from '../config.ts';

export interface EmailSender {
  send(message: { to: string; subject: string; text: string }): Promise<void>;
  close(): void;
}

/** SMTP through nodemailer; absent when SMTP_URL is not set, and then no email channel exists. */
export function createEmailSender(config: Pick<Config, 'SMTP_URL' | 'SMTP_FROM'>): EmailSender | null {
  if (!config.SMTP_URL) return null;
  const transport = nodemailer.createTransport(config.SMTP_URL);
  return {
    async send({ to, subject, text }) {
      await transport.sendMail({ from: config.SMTP_FROM, to, subject, text });
    },
    close: () => transport.close(),
  };
}
