import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClinic, createUser, PASSWORD, signInAs } from '../support/factories.ts';
import { HttpClient } from '../support/http-client.ts';
import { mailSettings, startSmtpSink, type SmtpSink } from '../support/smtp-sink.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

let t: TestApp;
let smtp: SmtpSink;
let nextAddress = 0;

beforeAll(async () => {
  smtp = await startSmtpSink();
  t = await startTestApp({ ...mailSettings(smtp), SIGN_IN_MAX_FAILURES_PER_ACCOUNT: '4' });
});
afterAll(async () => {
  await t.stop();
  await smtp.close();
});

const fromNewAddress = () => new HttpClient(t.app, `10.78.${Math.floor(nextAddress / 250)}.${(nextAddress++ % 250) + 1}`);
const NEW_PASSWORD = 'a brand new passphrase';

const tokenIn = (text: string) => /reset-password\?token=([A-Za-z0-9_-]{43})/.exec(text)?.[1];

async function clinicMember(role: 'customer' | 'receptionist' = 'customer', locale?: 'en' | 'th' | 'zh') {
  const clinic = await createClinic(t);
  const user = await createUser(t, clinic.id, role);
  if (locale) await t.db.owner.query('UPDATE users SET locale = $2 WHERE id = $1', [user.id, locale]);
  return user;
}

const requestReset = (email: string, client = fromNewAddress()) => client.post('/api/auth/password-reset', { email });
const confirm = (token: string, password = NEW_PASSWORD) =>
  fromNewAddress().post('/api/auth/password-reset/confirm', { token, password });

describe('forgotten password', () => {
  it('a reset link sets a new password, signs the account out everywhere and is audited', async () => {
    const user = await clinicMember('receptionist', 'en');
    const signedIn = await signInAs(t, user);
    const res = await requestReset(user.email);
    expect([res.status, res.body]).toEqual([202, { status: 'check-your-email' }]);

    const [mail] = await smtp.mailsTo(user.email);
    expect(mail!.subject).toBe('Reset your password');
    expect(mail!.text).toContain('https://app.example.test/reset-password?token=');
    const token = tokenIn(mail!.text)!;
    expect((await confirm(token)).status).toBe(204);

    expect((await signedIn.get('/api/me')).status).toBe(401);
    const old = await fromNewAddress().post('/api/auth/sign-in', { email: user.email, password: PASSWORD });
    expect(old.status).toBe(401);
    const fresh = await fromNewAddress().post('/api/auth/sign-in', { email: user.email, password: NEW_PASSWORD });
    expect(fresh.status).toBe(200);

    const { rows } = await t.db.owner.query(
      `SELECT action, actor_user_id, metadata FROM audit_logs WHERE target_id = $1 AND action LIKE 'auth.password_reset%' ORDER BY id`,
      [user.id],
    );
    expect(rows.map((r) => r.action)).toEqual(['auth.password_reset_requested', 'auth.password_reset']);
    expect(rows[1]).toMatchObject({ actor_user_id: user.id, metadata: { revokedSessions: 1 } });
  });

  it('the same answer for an address without an account, and no email is sent to it', async () => {
    const unknown = `nobody-${Date.now()}@example.test`;
    const res = await requestReset(unknown);
    expect([res.status, res.body]).toEqual([202, { status: 'check-your-email' }]);
    const disabled = await createUser(t, (await createClinic(t)).id, 'clinic_staff', { disabled: true });
    expect((await requestReset(disabled.email)).status).toBe(202);
    const superAdmin = await createUser(t, null, 'super_admin');
    expect((await requestReset(superAdmin.email)).status).toBe(202);

    // A known address's mail arrives after these were asked for: none of them got one.
    const known = await clinicMember();
    await requestReset(known.email);
    await smtp.mailsTo(known.email);
    const to = smtp.messages.flatMap((m) => m.to);
    expect(to).not.toContain(unknown);
    expect(to).not.toContain(disabled.email);
    expect(to).not.toContain(superAdmin.email);
  });

  it('the email is in the account language (Thai, Chinese)', async () => {
    const thai = await clinicMember('customer', 'th');
    const chinese = await clinicMember('customer', 'zh');
    await requestReset(thai.email);
    await requestReset(chinese.email);
    const [th] = await smtp.mailsTo(thai.email);
    const [zh] = await smtp.mailsTo(chinese.email);
    expect(th!.subject).toBe('ตั้งรหัสผ่านใหม่');
    expect(th!.text).toContain('ลิงก์ใช้ได้ครั้งเดียวและหมดอายุใน 30 นาที');
    expect(zh!.subject).toBe('重置您的密码');
    expect(zh!.text).toContain('30分钟后失效');
    expect(tokenIn(th!.text)).toBeDefined();
  });

  it('a link works once, only the newest one works, and an expired one is refused', async () => {
    const user = await clinicMember();
    await requestReset(user.email);
    const first = tokenIn((await smtp.mailsTo(user.email))[0]!.text)!;
    // A second request within a minute sends nothing more: the first link stays the one to use.
    await requestReset(user.email);
    await new Promise((r) => setTimeout(r, 500));
    expect(smtp.messages.filter((m) => m.to.includes(user.email))).toHaveLength(1);

    expect((await confirm(first)).status).toBe(204);
    const again = await confirm(first, 'yet another passphrase');
    expect([again.status, again.body.type]).toEqual([400, '/problems/account-token-invalid']);

    // The next request a minute later replaces any earlier unused link.
    await t.db.owner.query(`UPDATE account_tokens SET created_at = created_at - interval '2 minutes' WHERE user_id = $1`, [
      user.id,
    ]);
    await requestReset(user.email);
    const second = tokenIn((await smtp.mailsTo(user.email, 2))[1]!.text)!;
    await t.db.owner.query(`UPDATE account_tokens SET created_at = created_at - interval '2 minutes' WHERE user_id = $1`, [
      user.id,
    ]);
    await requestReset(user.email);
    const third = tokenIn((await smtp.mailsTo(user.email, 3))[2]!.text)!;
    expect((await confirm(second)).body.type).toBe('/problems/account-token-invalid');

    await t.db.owner.query(
      `UPDATE account_tokens SET expires_at = now() - interval '1 second' WHERE user_id = $1 AND used_at IS NULL`,
      [user.id],
    );
    expect((await confirm(third)).body.type).toBe('/problems/account-token-invalid');
    // What is stored is the token's SHA-256, never the token.
    const { rows } = await t.db.owner.query(
      `SELECT count(*)::int AS n FROM account_tokens WHERE user_id = $1 AND token_hash = sha256(convert_to($2, 'UTF8'))`,
      [user.id, third],
    );
    expect(rows[0].n).toBe(1);
  });

  it('two confirmations of one link at the same instant: exactly one sets the password', async () => {
    const user = await clinicMember();
    await requestReset(user.email);
    const token = tokenIn((await smtp.mailsTo(user.email))[0]!.text)!;
    const answers = await Promise.all([confirm(token, 'first racing passphrase'), confirm(token, 'second racing passphrase')]);
    expect(answers.map((a) => a.status).sort()).toEqual([204, 400]);
  });

  it('the new password follows the sign-up policy', async () => {
    const user = await clinicMember();
    await requestReset(user.email);
    const token = tokenIn((await smtp.mailsTo(user.email))[0]!.text)!;
    const short = await confirm(token, 'short');
    expect([short.status, short.body.type]).toEqual([400, '/problems/validation-failed']);
    // A refused password does not spend the link.
    expect((await confirm(token)).status).toBe(204);
  });

  it('requests for one address are limited like sign-in attempts, whether or not it has an account', async () => {
    const unknown = `limit-${Date.now()}@example.test`;
    for (let i = 0; i < 4; i++) expect((await requestReset(unknown)).status).toBe(202);
    const refused = await requestReset(unknown);
    expect([refused.status, refused.body.type]).toEqual([429, '/problems/too-many-requests']);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
  });
});
