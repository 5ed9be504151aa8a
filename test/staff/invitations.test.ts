import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClinic, createUser, signInAs } from '../support/factories.ts';
import { HttpClient } from '../support/http-client.ts';
import { mailSettings, startSmtpSink, type SmtpSink } from '../support/smtp-sink.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

let t: TestApp;
let smtp: SmtpSink;
let n = 0;

beforeAll(async () => {
  smtp = await startSmtpSink();
  t = await startTestApp({ ...mailSettings(smtp), INVITATION_HOURS: '48' });
});
afterAll(async () => {
  await t.stop();
  await smtp.close();
});

const PASSWORD = 'my own new passphrase';
const anonymous = () => new HttpClient(t.app, `10.79.${Math.floor(n / 250)}.${(n++ % 250) + 1}`);
const invitee = (role = 'receptionist', locale = 'en') => ({
  email: `invitee-${Date.now().toString(36)}-${++n}@example.test`,
  fullName: 'Nok Invitee',
  role,
  locale,
});

async function managerOf(tier = 'starter', role: 'clinic_owner' | 'clinic_admin' = 'clinic_owner') {
  const clinic = await createClinic(t, { tier });
  const manager = await createUser(t, clinic.id, role);
  return { clinic, manager, client: await signInAs(t, manager) };
}

const tokenIn = (text: string) => /accept-invitation\?token=([A-Za-z0-9_-]{43})/.exec(text)?.[1];
const accept = (token: string, password = PASSWORD) => anonymous().post('/api/auth/invitations/accept', { token, password });
const signIn = (email: string, password = PASSWORD) => anonymous().post('/api/auth/sign-in', { email, password });
/** As if the newest link had been sent a minute ago, so that a resend is not refused as too soon. */
const aMinuteLater = (userId: string) =>
  t.db.owner.query(`UPDATE account_tokens SET created_at = created_at - interval '61 seconds' WHERE user_id = $1`, [userId]);

describe('staff invitations', () => {
  it('invite → email → accept → sign in, with the role invited and audit entries for both ends', async () => {
    const { clinic, manager, client } = await managerOf();
    const body = invitee('receptionist', 'en');
    const res = await client.post('/api/staff/invitations', body);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ email: body.email, fullName: 'Nok Invitee', role: 'receptionist', locale: 'en' });
    const hoursLeft = (Date.parse(res.body.expiresAt) - Date.now()) / 3_600_000;
    expect(hoursLeft).toBeGreaterThan(47.9);
    expect(hoursLeft).toBeLessThanOrEqual(48);

    const listed = await client.get('/api/staff/invitations');
    expect(listed.body.items.map((i: { id: string }) => i.id)).toEqual([res.body.id]);
    // Pending: nobody can sign in to the account yet.
    expect((await signIn(body.email)).status).toBe(401);

    const [mail] = await smtp.mailsTo(body.email);
    expect(mail!.subject).toBe(`You are invited to join Clinic ${clinic.slug}`);
    expect(mail!.text).toContain('https://app.example.test/accept-invitation?token=');
    expect(mail!.text).toContain('expires in 48 hours');
    const token = tokenIn(mail!.text)!;
    expect((await accept(token)).status).toBe(204);

    const signedIn = await signIn(body.email);
    expect(signedIn.status).toBe(200);
    expect((await client.get('/api/staff/invitations')).body.items).toEqual([]);
    const member = await client.get(`/api/staff/${res.body.id}`);
    expect(member.body).toMatchObject({ role: 'receptionist', clinicId: clinic.id, disabledAt: null });

    const { rows } = await t.db.owner.query(
      `SELECT action, actor_user_id FROM audit_logs WHERE target_id = $1 AND action LIKE 'staff.%' ORDER BY id`,
      [res.body.id],
    );
    expect(rows).toEqual([
      { action: 'staff.invite', actor_user_id: manager.id },
      { action: 'staff.invitation_accept', actor_user_id: res.body.id },
    ]);
  });

  it('the email is in the language chosen for the invitee', async () => {
    const { client } = await managerOf();
    const th = invitee('clinic_staff', 'th');
    const zh = invitee('clinic_staff', 'zh');
    expect((await client.post('/api/staff/invitations', th)).status).toBe(201);
    expect((await client.post('/api/staff/invitations', zh)).status).toBe(201);
    const [thMail] = await smtp.mailsTo(th.email);
    const [zhMail] = await smtp.mailsTo(zh.email);
    expect(thMail!.subject).toMatch(/^คุณได้รับคำเชิญให้เข้าร่วม Clinic /);
    expect(thMail!.text).toContain('หมดอายุใน 48 ชั่วโมง');
    expect(zhMail!.subject).toMatch(/ 邀请您加入$/);
    expect(zhMail!.text).toContain('48小时后失效');
  });

  it('a used token is refused the second time, and the password it set stays', async () => {
    const { client } = await managerOf();
    const body = invitee();
    await client.post('/api/staff/invitations', body);
    const token = tokenIn((await smtp.mailsTo(body.email))[0]!.text)!;
    expect((await accept(token)).status).toBe(204);
    const again = await accept(token, 'a password of the attacker');
    expect([again.status, again.body.type]).toEqual([400, '/problems/account-token-invalid']);
    expect((await signIn(body.email)).status).toBe(200);
    expect((await signIn(body.email, 'a password of the attacker')).status).toBe(401);
  });

  it('an expired token is refused; a resent one works and voids the earlier link', async () => {
    const { client } = await managerOf();
    const body = invitee();
    const invited = await client.post('/api/staff/invitations', body);
    const first = tokenIn((await smtp.mailsTo(body.email))[0]!.text)!;
    await t.db.owner.query(`UPDATE account_tokens SET expires_at = now() - interval '1 second' WHERE user_id = $1`, [
      invited.body.id,
    ]);
    const expired = await accept(first);
    expect([expired.status, expired.body.type]).toEqual([400, '/problems/account-token-invalid']);
    expect((await signIn(body.email)).status).toBe(401);

    await aMinuteLater(invited.body.id);
    const resent = await client.post(`/api/staff/invitations/${invited.body.id}/resend`);
    expect(resent.status).toBe(200);
    expect(Date.parse(resent.body.expiresAt)).toBeGreaterThan(Date.now());
    const second = tokenIn((await smtp.mailsTo(body.email, 2))[1]!.text)!;
    expect(second).not.toBe(first);
    expect((await accept(second)).status).toBe(204);
    expect((await signIn(body.email)).status).toBe(200);
  });

  it('a resend makes the earlier link stop working, and is refused within a minute of the last email', async () => {
    const { client } = await managerOf();
    const body = invitee();
    const invited = await client.post('/api/staff/invitations', body);
    const first = tokenIn((await smtp.mailsTo(body.email))[0]!.text)!;
    const tooSoon = await client.post(`/api/staff/invitations/${invited.body.id}/resend`);
    expect([tooSoon.status, tooSoon.body.type]).toEqual([429, '/problems/too-many-requests']);
    expect(Number(tooSoon.headers['retry-after'])).toBeGreaterThan(0);

    await aMinuteLater(invited.body.id);
    expect((await client.post(`/api/staff/invitations/${invited.body.id}/resend`)).status).toBe(200);
    expect(await smtp.mailsTo(body.email, 2)).toHaveLength(2);
    expect((await accept(first)).status).toBe(400);
    const { rows } = await t.db.owner.query(`SELECT count(*)::int AS n FROM audit_logs WHERE target_id = $1 AND action = $2`, [
      invited.body.id,
      'staff.invitation_resend',
    ]);
    expect(rows[0].n).toBe(1);
  });

  it('an invitation takes a seat: a full plan answers 402 tier-user-limit, and revoking frees the seat', async () => {
    const { clinic, client } = await managerOf('starter');
    // The starter plan's 5 seats: the owner, three staff, and an invitation.
    for (let i = 0; i < 3; i++) await createUser(t, clinic.id, 'clinic_staff');
    const last = await client.post('/api/staff/invitations', invitee());
    expect(last.status).toBe(201);
    const full = await client.post('/api/staff/invitations', invitee());
    expect(full.status).toBe(402);
    expect(full.body).toMatchObject({ type: '/problems/tier-user-limit', limit: 5, activeUsers: 5 });
    expect((await client.post('/api/staff', { ...invitee(), password: 'an initial password' })).status).toBe(402);

    expect((await client.delete(`/api/staff/invitations/${last.body.id}`)).status).toBe(204);
    expect((await client.post('/api/staff/invitations', invitee())).status).toBe(201);
  });

  it('a revoked invitation cannot be accepted, is no longer listed, and is audited', async () => {
    const { manager, client } = await managerOf();
    const body = invitee();
    const invited = await client.post('/api/staff/invitations', body);
    const token = tokenIn((await smtp.mailsTo(body.email))[0]!.text)!;
    expect((await client.delete(`/api/staff/invitations/${invited.body.id}`)).status).toBe(204);
    const res = await accept(token);
    expect([res.status, res.body.type]).toEqual([400, '/problems/account-token-invalid']);
    expect((await signIn(body.email)).status).toBe(401);
    expect((await client.get('/api/staff/invitations')).body.items).toEqual([]);
    expect((await client.delete(`/api/staff/invitations/${invited.body.id}`)).status).toBe(404);
    const { rows } = await t.db.owner.query(`SELECT actor_user_id FROM audit_logs WHERE target_id = $1 AND action = $2`, [
      invited.body.id,
      'staff.invitation_revoke',
    ]);
    expect(rows).toEqual([{ actor_user_id: manager.id }]);
  });

  it('an account disabled after its invitation was sent is not brought back by the link', async () => {
    const { client } = await managerOf();
    const body = invitee();
    const invited = await client.post('/api/staff/invitations', body);
    const token = tokenIn((await smtp.mailsTo(body.email))[0]!.text)!;
    expect((await client.post(`/api/staff/${invited.body.id}/disable`)).status).toBe(200);
    expect((await accept(token)).status).toBe(400);
    expect((await signIn(body.email)).status).toBe(401);
  });

  it('an admin invites only the roles below admin; owners are never invited', async () => {
    const { client } = await managerOf('starter', 'clinic_admin');
    const admin = await client.post('/api/staff/invitations', invitee('clinic_admin'));
    expect([admin.status, admin.body.type]).toEqual([403, '/problems/forbidden']);
    expect((await client.post('/api/staff/invitations', invitee('clinic_staff'))).status).toBe(201);
    const owner = await client.post('/api/staff/invitations', invitee('clinic_owner'));
    expect([owner.status, owner.body.type]).toEqual([400, '/problems/validation-failed']);
  });

  it('an address that already has an account is refused with 409 email-taken', async () => {
    const { client } = await managerOf();
    const elsewhere = await createUser(t, (await createClinic(t)).id, 'customer');
    const res = await client.post('/api/staff/invitations', { ...invitee(), email: elsewhere.email });
    expect([res.status, res.body.type]).toEqual([409, '/problems/email-taken']);
  });

  it("another clinic's invitation can be neither read, resent, revoked nor accepted into the other clinic", async () => {
    const a = await managerOf();
    const b = await managerOf();
    const body = invitee();
    const invited = await b.client.post('/api/staff/invitations', body);
    const token = tokenIn((await smtp.mailsTo(body.email))[0]!.text)!;

    expect((await a.client.get('/api/staff/invitations')).body.items).toEqual([]);
    expect((await a.client.post(`/api/staff/invitations/${invited.body.id}/resend`)).status).toBe(404);
    expect((await a.client.delete(`/api/staff/invitations/${invited.body.id}`)).status).toBe(404);
    expect((await a.client.get(`/api/staff/${invited.body.id}`)).status).toBe(404);
    expect(await smtp.mailsTo(body.email, 2)).toHaveLength(1);

    // Accepted, the account belongs to the clinic that invited it and to no other.
    expect((await accept(token)).status).toBe(204);
    const { rows } = await t.db.owner.query('SELECT clinic_id, disabled_at FROM users WHERE id = $1', [invited.body.id]);
    expect(rows).toEqual([{ clinic_id: b.clinic.id, disabled_at: null }]);
    expect((await a.client.get(`/api/staff/${invited.body.id}`)).status).toBe(404);
    const me = await (async () => {
      const client = anonymous();
      await client.post('/api/auth/sign-in', { email: body.email, password: PASSWORD });
      return client.get('/api/me');
    })();
    expect(me.body).toMatchObject({ clinicId: b.clinic.id, role: 'receptionist' });
  });

  it('the new password follows the sign-up rules', async () => {
    const { client } = await managerOf();
    const body = invitee();
    await client.post('/api/staff/invitations', body);
    const token = tokenIn((await smtp.mailsTo(body.email))[0]!.text)!;
    const short = await accept(token, 'short');
    expect([short.status, short.body.type]).toEqual([400, '/problems/validation-failed']);
    expect((await accept(token)).status).toBe(204);
  });
});
