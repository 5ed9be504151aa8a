import { timeStep, totpCode } from '../../src/auth/totp.ts';
import type { HttpClient } from './http-client.ts';

/** RFC 4648 base32, as an authenticator app reads the secret. */
export function fromBase32(text: string): Buffer {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = 0;
  let value = 0;
  const out: number[] = [];
  for (const char of text) {
    value = (value << 5) | alphabet.indexOf(char);
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}

/** An authenticator app holding the secret: the code of the current step, or of the one before or after. */
export const appFor =
  (secret: Buffer) =>
  (offset: -1 | 0 | 1 = 0) =>
    totpCode(secret, timeStep(new Date()) + offset);

/** Turns two-factor sign-in on for the signed-in client, as a person would; returns their app and recovery codes. */
export async function enrolTwoFactor(client: HttpClient) {
  const started = await client.post('/api/me/two-factor/enrolment');
  if (started.status !== 200) throw new Error(`enrolment failed: ${started.status} ${JSON.stringify(started.body)}`);
  const secret = new URL(started.body.otpauthUri).searchParams.get('secret')!;
  const code = appFor(fromBase32(secret));
  const confirmed = await client.post('/api/me/two-factor/enrolment/confirm', { code: code(-1) });
  if (confirmed.status !== 200) throw new Error(`confirmation failed: ${confirmed.status} ${JSON.stringify(confirmed.body)}`);
  return { secret, code, recoveryCodes: confirmed.body.recoveryCodes as string[] };
}
