import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SESSION_COOKIE } from '../../src/auth/session-token.ts';
import { appFor, fromBase32 } from '../support/authenticator.ts';
import { createClinic, createUser, PASSWORD, signInAs, type TestUser } from '../support/factories.ts';
import { HttpClient } from '../support/http-client.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

let t: TestApp;
let nextAddress = 0;

beforeAll(async () => {
  t = await startTestApp({ SIGN_IN_MAX_FAILURES_PER_ACCOUNT: '4' });
});
afterAll(() => t.stop());

const fromNewAddress = () => new HttpClient(t.app, `10.79.${Math.floor(nextAddress / 250)}.${(nextAddress++ % 250) + 1}`);

/** Turns two-factor sign-in on for the user, as they would in the browser; returns their app and recovery codes. */
async function enrol(user: TestUser) {
  const client = await signInAs(t, user);
  const started = await client.post('/api/me/two-factor/enrolment');
  expect(started.status).toBe(200);
  const secret = new URL(started.body.otpauthUri).searchParams.get('secret')!;
  expect(secret).toBe(started.body.secret);
  const code = appFor(fromBase32(secret));
  const confirmed = await client.post('/api/me/two-factor/enrolment/confirm', { code: code(-1) });
  expect(confirmed.status).toBe(200);
  return { client, code, recoveryCodes: confirmed.body.recoveryCodes as string[] };
}

async function passwordStep(user: TestUser, client = fromNewAddress()) {
  const res = await client.post('/api/auth/sign-in', { email: user.email, password: PASSWORD });
  expect(res.status).toBe(202);
  return { client, challenge: res.body.challenge as string, res };
}

const owner = async () => createUser(t, (await createClinic(t)).id, 'clinic_owner');

describe('two-factor sign-in', () => {
  it('after the password, sign-in waits for a code: a wrong one is refused, the right one opens the session', async () => {
    const user = await owner();
    const { code } = await enrol(user);
    const { client, challenge, res } = await passwordStep(user);
    expect(res.body).toMatchObject({ status: 'two-factor-required' });
    expect(client.cookie(SESSION_COOKIE)).toBeUndefined();
    expect((await client.get('/api/me')).status).toBe(401);

    const wrong = await client.post('/api/auth/sign-in/two-factor', {
      challenge,
      code: code(0) === '123456' ? '654321' : '123456',
    });
    expect([wrong.status, wrong.body.type]).toEqual([400, '/problems/two-factor-code-invalid']);
    // Kept as typed: should the clock pass into the next step, it is still inside the window.
    const typed = code(0);
    const right = await client.post('/api/auth/sign-in/two-factor', { challenge, code: typed });
    expect([right.status, right.body.user.id]).toEqual([200, user.id]);
    expect((await client.get('/api/me')).status).toBe(200);

    // The challenge was spent with it, and so was the code.
    const again = await fromNewAddress().post('/api/auth/sign-in/two-factor', { challenge, code: code(1) });
    expect(again.body.type).toBe('/problems/account-token-invalid');
    const { challenge: next } = await passwordStep(user);
    const replayed = await fromNewAddress().post('/api/auth/sign-in/two-factor', { challenge: next, code: typed });
    expect(replayed.body.type).toBe('/problems/two-factor-code-invalid');

    const { rows } = await t.db.owner.query(
      `SELECT metadata FROM audit_logs WHERE target_id = $1 AND action = 'auth.sign_in' ORDER BY id DESC LIMIT 1`,
      [user.id],
    );
    expect(rows[0].metadata).toEqual({ secondFactor: 'totp' });
  });

  it('a recovery code signs in once in place of a code', async () => {
    const user = await owner();
    const { client: enrolled, recoveryCodes } = await enrol(user);
    expect(recoveryCodes).toHaveLength(10);
    expect(new Set(recoveryCodes).size).toBe(10);
    const first = await passwordStep(user);
    const ok = await first.client.post('/api/auth/sign-in/two-factor', {
      challenge: first.challenge,
      code: recoveryCodes[3]!.toUpperCase(),
    });
    expect(ok.status).toBe(200);
    const second = await passwordStep(user);
    const reused = await second.client.post('/api/auth/sign-in/two-factor', {
      challenge: second.challenge,
      code: recoveryCodes[3],
    });
    expect(reused.body.type).toBe('/problems/two-factor-code-invalid');
    expect((await enrolled.get('/api/me/two-factor')).body).toEqual({
      enabled: true,
      recoveryCodesLeft: 9,
      recommended: true,
      required: false,
    });
    // Only hashes are stored.
    const { rows } = await t.db.owner.query(
      `SELECT array_to_string(totp_recovery_hashes, ',') AS stored FROM users WHERE id = $1`,
      [user.id],
    );
    expect(rows[0].stored).not.toContain(recoveryCodes[0]!.replace('-', ''));
  });

  it('guessing codes is stopped after a few tries, even with the right code afterwards', async () => {
    const user = await owner();
    const { code } = await enrol(user);
    const { client, challenge } = await passwordStep(user);
    const wrong = code(0) === '000000' ? '111111' : '000000';
    for (let i = 0; i < 4; i++) {
      expect((await client.post('/api/auth/sign-in/two-factor', { challenge, code: wrong })).status).toBe(400);
    }
    const locked = await client.post('/api/auth/sign-in/two-factor', { challenge, code: code(0) });
    expect([locked.status, locked.body.type]).toEqual([429, '/problems/too-many-requests']);
  });

  it('a challenge expires', async () => {
    const user = await owner();
    const { code } = await enrol(user);
    const { client, challenge } = await passwordStep(user);
    await t.db.owner.query(
      `UPDATE account_tokens SET expires_at = now() - interval '1 second' WHERE user_id = $1 AND purpose = 'sign-in-challenge'`,
      [user.id],
    );
    const late = await client.post('/api/auth/sign-in/two-factor', { challenge, code: code(0) });
    expect([late.status, late.body.type]).toEqual([400, '/problems/account-token-invalid']);
  });

  it('a super admin signs in with a code too', async () => {
    const admin = await createUser(t, null, 'super_admin');
    const { code } = await enrol(admin);
    const { client, challenge } = await passwordStep(admin);
    const res = await client.post('/api/auth/sign-in/two-factor', { challenge, code: code(0) });
    expect([res.status, res.body.user.role]).toEqual([200, 'super_admin']);
    expect((await client.get('/api/admin/clinics')).status).toBe(200);
  });
});

describe('enrolment and turning it off', () => {
  it('nothing changes until the first code confirms the secret; a wrong first code leaves it off', async () => {
    const user = await createUser(t, (await createClinic(t)).id, 'customer');
    const client = await signInAs(t, user);
    expect((await client.get('/api/me/two-factor')).body).toEqual({
      enabled: false,
      recoveryCodesLeft: 0,
      recommended: false,
      required: false,
    });
    const started = await client.post('/api/me/two-factor/enrolment');
    const code = appFor(fromBase32(started.body.secret));
    const wrong = await client.post('/api/me/two-factor/enrolment/confirm', { code: code(0) === '000000' ? '111111' : '000000' });
    expect(wrong.body.type).toBe('/problems/two-factor-code-invalid');
    expect((await client.get('/api/me/two-factor')).body.enabled).toBe(false);
    expect((await fromNewAddress().post('/api/auth/sign-in', { email: user.email, password: PASSWORD })).status).toBe(200);
  });

  it('starting again while it is on is a conflict', async () => {
    const { client } = await enrol(await owner());
    const res = await client.post('/api/me/two-factor/enrolment');
    expect([res.status, res.body.type]).toEqual([409, '/problems/conflict']);
  });

  it('turning it off needs a code; then sign-in is one step again, and both changes are audited', async () => {
    const user = await owner();
    const { client, code } = await enrol(user);
    const wrong = await client.post('/api/me/two-factor/disable', { code: code(0) === '000000' ? '111111' : '000000' });
    expect(wrong.body.type).toBe('/problems/two-factor-code-invalid');
    expect((await client.post('/api/me/two-factor/disable', { code: code(0) })).status).toBe(204);
    expect((await fromNewAddress().post('/api/auth/sign-in', { email: user.email, password: PASSWORD })).status).toBe(200);
    const { rows } = await t.db.owner.query(
      `SELECT action FROM audit_logs WHERE target_id = $1 AND action LIKE 'auth.two_factor%' ORDER BY id`,
      [user.id],
    );
    expect(rows.map((r) => r.action)).toEqual(['auth.two_factor_enable', 'auth.two_factor_disable']);
  });
});
