import type { Logger } from '../logger.ts';
import type { EmailSender } from '../notifications/email-sender.ts';

export interface AccountEmail {
  to: string;
  subject: string;
  text: string;
}

/**
 * Sends the emails of account flows (verification, password reset). Sent after the transaction and
 * never changes the answer to the request: a failure is logged, not reported, so an answer cannot
 * tell whether an address has an account.
 */
export function createAccountMail(email: EmailSender | null, log: Logger) {
  return async function sendAccountEmail(message: AccountEmail, kind: string): Promise<void> {
    if (!email) {
      log.warn({ kind }, 'no SMTP_URL: an account email was not sent');
      return;
    }
    await email.send(message).catch((error: unknown) => log.error({ kind, err: error }, 'an account email could not be sent'));
  };
}

export type SendAccountEmail = ReturnType<typeof createAccountMail>;
