import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONSENT_VERSION } from '../../src/analysis/consent-text.ts';
import { uploadPhoto } from '../analysis/analysis-steps.ts';
import { localDateInDays, localInstant, setUpBookableTreatment } from '../support/clinic-operations.ts';
import { createClinic, createUser, PASSWORD, signInAs, type TestClinic } from '../support/factories.ts';
import { HttpClient, type Response } from '../support/http-client.ts';
import { mailSettings, startSmtpSink, type SmtpSink } from '../support/smtp-sink.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

let t: TestApp;
let smtp: SmtpSink;
let photo: Buffer;
let nextAddress = 0;

beforeAll(async () => {
  smtp = await startSmtpSink();
  t = await startTestApp(mailSettings(smtp));
  photo = await sharp({ create: { width: 640, height: 480, channels: 3, background: { r: 180, g: 150, b: 130 } } })
    .jpeg()
    .toBuffer();
});
afterAll(async () => {
  await t.stop();
  await smtp.close();
});

/** A clinic open for booking, with the given sign-up policy (none: the default). */
async function bookableClinic(signUpPolicy?: 'open' | 'email-verified' | 'invitation-only') {
  const clinic = await createClinic(t, { tier: 'professional' });
  const owner = await signInAs(t, await createUser(t, clinic.id, 'clinic_owner'));
  if (signUpPolicy) expect((await owner.patch('/api/clinic', { settings: { signUpPolicy } })).status).toBe(200);
  const staff = await createUser(t, clinic.id, 'clinic_staff');
  const treatment = await setUpBookableTreatment(owner, staff.id);
  return { clinic, owner, treatment };
}

// Each sign-up from its own address, so the per-address API budget in the RateLimit header is the same for each.
const fromNewAddress = () => new HttpClient(t.app, `10.77.${Math.floor(nextAddress / 250)}.${(nextAddress++ % 250) + 1}`);

function signUp(client: HttpClient, clinic: TestClinic, email: string) {
  return client.post('/api/auth/sign-up', {
    clinicSlug: clinic.slug,
    email,
    password: 'a long enough password',
    fullName: 'Ploy Customer',
  });
}

const uniqueEmail = (tag: string) => `${tag}-${Date.now()}-${nextAddress}@example.test`;

/** The mail the sink received for an address, waiting a little for SMTP. */
async function mailTo(address: string, count = 1): Promise<string[]> {
  const deadline = Date.now() + 5_000;
  for (;;) {
    const mails = smtp.messages.filter((m) => m.to.includes(address)).map((m) => m.raw);
    if (mails.length >= count || Date.now() > deadline) return mails;
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The verification token in an email: the code line (quoted-printable soft breaks undone). */
const tokenIn = (raw: string) => /verification code: ([A-Za-z0-9_-]{43})/.exec(raw.replace(/=\r?\n/g, ''))?.[1];

const book = (client: HttpClient, treatmentId: string, time: string) =>
  client.post('/api/appointments', { treatmentId, startsAt: localInstant(localDateInDays(4), time) });

describe('sign-up in a clinic that requires a verified email (the default)', () => {
  it('an unverified customer gets 403 email-not-verified on upload and booking; after the emailed link both work', async () => {
    const { clinic, treatment } = await bookableClinic();
    const email = uniqueEmail('verify');
    const client = fromNewAddress();
    expect((await signUp(client, clinic, email)).status).toBe(202);
    expect((await client.post('/api/auth/sign-in', { email, password: 'a long enough password' })).status).toBe(200);
    expect((await client.post('/api/analysis-consent', { version: CONSENT_VERSION, locale: 'en' })).status).toBe(201);

    const refusedUpload = await uploadPhoto(client, photo);
    expect([refusedUpload.status, refusedUpload.body.type]).toEqual([403, '/problems/email-not-verified']);
    const refusedBooking = await book(client, treatment.id, '10:00');
    expect([refusedBooking.status, refusedBooking.body.type]).toEqual([403, '/problems/email-not-verified']);

    const [mail] = await mailTo(email);
    expect(mail).toMatch(/Confirm your email address/);
    expect(mail!.replace(/=\r?\n/g, '')).toContain('https://app.example.test/verify-email?token=');
    const token = tokenIn(mail!)!;
    expect((await fromNewAddress().post('/api/auth/verify-email', { token })).status).toBe(204);

    expect((await uploadPhoto(client, photo)).status).toBe(202);
    expect((await book(client, treatment.id, '10:00')).status).toBe(201);
  });

  it('a verification token works once, and an expired one is refused', async () => {
    const { clinic } = await bookableClinic();
    const once = uniqueEmail('once');
    await signUp(fromNewAddress(), clinic, once);
    const token = tokenIn((await mailTo(once))[0]!)!;
    expect((await fromNewAddress().post('/api/auth/verify-email', { token })).status).toBe(204);
    const again = await fromNewAddress().post('/api/auth/verify-email', { token });
    expect([again.status, again.body.type]).toEqual([400, '/problems/account-token-invalid']);

    const late = uniqueEmail('late');
    await signUp(fromNewAddress(), clinic, late);
    const lateToken = tokenIn((await mailTo(late))[0]!)!;
    await t.db.owner.query(
      `UPDATE account_tokens SET expires_at = now() - interval '1 second' WHERE user_id = (SELECT id FROM users WHERE email = $1)`,
      [late],
    );
    const expired = await fromNewAddress().post('/api/auth/verify-email', { token: lateToken });
    expect([expired.status, expired.body.type]).toEqual([400, '/problems/account-token-invalid']);
    const { rows } = await t.db.owner.query('SELECT email_verified_at FROM users WHERE email = $1', [late]);
    expect(rows[0].email_verified_at).toBeNull();
    // Only a hash of the token is kept.
    const stored = await t.db.owner.query(`SELECT 1 FROM account_tokens WHERE encode(token_hash, 'escape') LIKE $1`, [
      `%${lateToken}%`,
    ]);
    expect(stored.rowCount).toBe(0);
  });

  it('a resent link replaces the previous one, and is not sent twice within a minute', async () => {
    const { clinic } = await bookableClinic();
    const email = uniqueEmail('resend');
    const client = fromNewAddress();
    await signUp(client, clinic, email);
    const first = tokenIn((await mailTo(email))[0]!)!;
    await client.post('/api/auth/sign-in', { email, password: 'a long enough password' });
    await t.db.owner.query(
      `UPDATE account_tokens SET created_at = created_at - interval '2 minutes' WHERE user_id = (SELECT id FROM users WHERE email = $1)`,
      [email],
    );
    expect((await client.post('/api/auth/verify-email/resend')).status).toBe(202);
    const tooSoon = await client.post('/api/auth/verify-email/resend');
    expect(tooSoon.status).toBe(429);
    expect(Number(tooSoon.headers['retry-after'])).toBeGreaterThan(0);
    const second = tokenIn((await mailTo(email, 2))[1]!)!;
    expect((await fromNewAddress().post('/api/auth/verify-email', { token: first })).status).toBe(400);
    expect((await fromNewAddress().post('/api/auth/verify-email', { token: second })).status).toBe(204);
    const done = await client.post('/api/auth/verify-email/resend');
    expect([done.status, done.body.type]).toEqual([409, '/problems/conflict']);
  });

  it('customers made by staff and staff accounts need no verification', async () => {
    const { clinic, treatment } = await bookableClinic();
    const customer = await signInAs(t, await createUser(t, clinic.id, 'customer'));
    expect((await book(customer, treatment.id, '11:00')).status).toBe(201);
  });
});

describe('other sign-up policies', () => {
  it('an open clinic lets a new customer book before verifying', async () => {
    const { clinic, treatment } = await bookableClinic('open');
    const email = uniqueEmail('open');
    const client = fromNewAddress();
    expect((await signUp(client, clinic, email)).status).toBe(202);
    await client.post('/api/auth/sign-in', { email, password: 'a long enough password' });
    expect((await book(client, treatment.id, '12:00')).status).toBe(201);
  });

  it('an invitation-only clinic refuses sign-up with 403 and creates nothing', async () => {
    const { clinic } = await bookableClinic('invitation-only');
    const email = uniqueEmail('invite');
    const res = await signUp(fromNewAddress(), clinic, email);
    expect([res.status, res.body.type]).toEqual([403, '/problems/sign-up-by-invitation-only']);
    expect((await t.db.owner.query('SELECT 1 FROM users WHERE email = $1', [email])).rowCount).toBe(0);
  });

  it('owners and admins set the policy; an unknown one is refused', async () => {
    const { owner } = await bookableClinic();
    const bad = await owner.patch('/api/clinic', { settings: { signUpPolicy: 'anyone' } });
    expect([bad.status, bad.body.errors?.[0]?.path]).toEqual([400, 'body.settings.signUpPolicy']);
    expect((await owner.patch('/api/clinic', { settings: { signUpPolicy: 'open' } })).body.settings.signUpPolicy).toBe('open');
  });
});

describe('an address that is already registered', () => {
  /** Everything a caller sees, less what differs between any two requests. */
  const visible = (res: Response) => {
    // Server-Timing differs run to run as the date does (the response time is a side channel either way).
    const { 'x-request-id': _id, date: _date, 'server-timing': _timing, ...headers } = res.headers;
    return { status: res.status, headers, body: res.body };
  };

  it('gets exactly the answer a new address gets, and its owner is told by email', async () => {
    const { clinic } = await bookableClinic();
    const other = await createClinic(t);
    const existing = await createUser(t, other.id, 'clinic_staff');
    const taken = await signUp(fromNewAddress(), clinic, existing.email);
    const fresh = await signUp(fromNewAddress(), clinic, uniqueEmail('fresh'));
    expect(visible(taken)).toEqual(visible(fresh));
    expect(taken.headers['set-cookie']).toBeUndefined();

    const [notice] = await mailTo(existing.email);
    expect(notice).toMatch(/Someone tried to sign up/);
    expect(tokenIn(notice!)).toBeUndefined();
    // The existing account is untouched: its own password still signs in.
    expect((await fromNewAddress().post('/api/auth/sign-in', { email: existing.email, password: PASSWORD })).status).toBe(200);
    expect((await t.db.owner.query('SELECT 1 FROM users WHERE email = $1', [existing.email])).rowCount).toBe(1);
  });

  it('two sign-ups of one new address at once: one account, both answered alike', async () => {
    const { clinic } = await bookableClinic();
    const email = uniqueEmail('race');
    const results = await Promise.all([signUp(fromNewAddress(), clinic, email), signUp(fromNewAddress(), clinic, email)]);
    expect(results.map((r) => [r.status, r.body])).toEqual(Array(2).fill([202, { status: 'check-your-email' }]));
    expect((await t.db.owner.query('SELECT 1 FROM users WHERE email = $1', [email])).rowCount).toBe(1);
  });
});
