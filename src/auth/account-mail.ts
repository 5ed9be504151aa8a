import type { Locale } from '../i18n/locale-vocabulary.ts';
import type { Logger } from '../logger.ts';
import type { EmailSender } from '../notifications/email-sender.ts';

export interface AccountEmail {
  to: string;
  subject: string;
  text: string;
}

/** An account email's words in each language; `{link}`, `{token}` and the other `{key}`s are filled in. */
export type AccountEmailText = Record<Locale, { subject: string; body: string }>;

/**
 * An emailed link to a page of the web app carrying a token, in the recipient's language. Every
 * `{key}` of `vars` in the subject and body is replaced, and `{link}` by the page's address with the token.
 */
export function accountLinkEmail(
  text: AccountEmailText,
  f: { to: string; locale: Locale; page: string; token: string; publicUrl: string | undefined; vars: Record<string, string> },
): AccountEmail {
  const { subject, body } = text[f.locale];
  const link = `${f.publicUrl ?? ''}/${f.page}?token=${f.token}`;
  const values: Record<string, string> = { ...f.vars, link, token: f.token };
  const fill = (template: string) => template.replace(/\{(\w+)\}/g, (whole, key: string) => values[key] ?? whole);
  return { to: f.to, subject: fill(subject), text: fill(body) };
}

/**
 * Sends the emails of account flows (verification, password reset, staff invitation). Sent after the transaction and
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
