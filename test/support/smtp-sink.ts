import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface SmtpSink {
  url: string;
  messages: { to: string[]; raw: string }[];
  /** The messages received for an address, read, once there are `count` of them or 5 s have passed. */
  mailsTo(address: string, count?: number): Promise<{ subject: string; text: string }[]>;
  /** Refuses the next `count` messages with a temporary error (451), as a busy server does; they are not kept. */
  refuseNext(count: number): void;
  close(): Promise<void>;
}

/** The settings an app needs to mail through the sink, with links to a public address. */
export const mailSettings = (sink: SmtpSink) => ({
  SMTP_URL: sink.url,
  SMTP_FROM: 'Clinic <clinic@example.com>',
  PUBLIC_URL: 'https://app.example.test',
});

/** A real SMTP server on a free port that keeps what it receives. */
export async function startSmtpSink(): Promise<SmtpSink> {
  const messages: SmtpSink['messages'] = [];
  let refusals = 0;
  const server = new SMTPServer({
    authOptional: true,
    // Its bundled certificate has expired: plain SMTP on loopback is enough for a test.
    disabledCommands: ['STARTTLS'],
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        if (refusals > 0) {
          refusals--;
          return callback(Object.assign(new Error('Try again later'), { responseCode: 451 }));
        }
        messages.push({ to: session.envelope.rcptTo.map((r) => r.address), raw: Buffer.concat(chunks).toString('utf8') });
        callback();
      });
    },
  });
  server.listen(0, '127.0.0.1');
  await once(server.server, 'listening');
  const { port } = server.server.address() as AddressInfo;
  const mailsTo = async (address: string, count = 1) => {
    const deadline = Date.now() + 5_000;
    for (;;) {
      const mails = messages.filter((m) => m.to.includes(address)).map((m) => readMail(m.raw));
      if (mails.length >= count || Date.now() > deadline) return mails;
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  return {
    refuseNext(count: number) {
      refusals = count;
    },
    url: `smtp://127.0.0.1:${port}`,
    messages,
    mailsTo,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/**
 * The text of a single-part message as a reader sees it: the body decoded from its transfer encoding
 * (quoted-printable or base64, as nodemailer picks for non-ASCII text) and the subject's encoded words.
 */
export function readMail(raw: string): { subject: string; text: string } {
  const split = raw.indexOf('\r\n\r\n');
  const head = raw.slice(0, split).replace(/\r\n[ \t]+/g, ' ');
  const body = raw.slice(split + 4);
  const header = (name: string) => new RegExp(`^${name}: (.*)$`, 'im').exec(head)?.[1] ?? '';
  const encoding = header('Content-Transfer-Encoding').toLowerCase();
  const text =
    encoding === 'base64'
      ? Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8')
      : encoding === 'quoted-printable'
        ? quotedPrintable(body.replace(/=\r?\n/g, ''))
        : body;
  const subject = header('Subject').replace(/=\?utf-8\?([BQ])\?([^?]*)\?=\s*/gi, (_, kind: string, data: string) =>
    kind.toUpperCase() === 'B' ? Buffer.from(data, 'base64').toString('utf8') : quotedPrintable(data.replace(/_/g, ' ')),
  );
  return { subject, text: text.replace(/\r\n/g, '\n') };
}

const quotedPrintable = (s: string) =>
  Buffer.from(
    s.replace(/=([0-9A-F]{2})/gi, (_, hex: string) => String.fromCharCode(parseInt(hex, 16))),
    'latin1',
  ).toString('utf8');
