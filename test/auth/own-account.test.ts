import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClinic, createUser, PASSWORD, signInAs, type TestUser } from '../support/factories.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

let t: TestApp;

beforeAll(async () => {
  t = await startTestApp({ SIGN_IN_MAX_FAILURES_PER_ACCOUNT: '3' });
});
afterAll(() => t.stop());

const NEW_PASSWORD = 'another long passphrase';

async function member(role: 'customer' | 'clinic_owner' = 'customer'): Promise<TestUser> {
  return createUser(t, (await createClinic(t)).id, role);
}

const auditActions = async (userId: string) =>
  (
    await t.db.owner.query<{ action: string; metadata: Record<string, unknown> }>(
      'SELECT action, metadata FROM audit_logs WHERE target_id = $1 AND actor_user_id = $1::uuid ORDER BY id',
      [userId],
    )
  ).rows;

describe('change password', () => {
  it('needs the current password; the new one works and every other device is signed out', async () => {
    const user = await member();
    const here = await signInAs(t, user);
    const phone = await signInAs(t, user);

    const wrong = await here.post('/api/me/password', { currentPassword: 'not my password', newPassword: NEW_PASSWORD });
    expect([wrong.status, wrong.body.type]).toEqual([403, '/problems/wrong-current-password']);

    const changed = await here.post('/api/me/password', { currentPassword: PASSWORD, newPassword: NEW_PASSWORD });
    expect([changed.status, changed.body]).toEqual([200, { revokedSessions: 1 }]);
    expect((await here.get('/api/me')).status).toBe(200);
    expect((await phone.get('/api/me')).status).toBe(401);
    await expect(signInAs(t, user)).rejects.toThrow(/401/);
    expect((await here.post('/api/auth/sign-in', { email: user.email, password: NEW_PASSWORD })).status).toBe(200);
    expect((await auditActions(user.id)).map((e) => e.action)).toContain('auth.password_change');
  });

  it('the new password follows the sign-up policy', async () => {
    const client = await signInAs(t, await member());
    const res = await client.post('/api/me/password', { currentPassword: PASSWORD, newPassword: 'short' });
    expect([res.status, res.body.type]).toEqual([400, '/problems/validation-failed']);
  });

  it('guessing the current password through a signed-in session is limited like sign-in', async () => {
    const user = await member();
    const client = await signInAs(t, user);
    for (let i = 0; i < 3; i++) {
      const res = await client.post('/api/me/password', { currentPassword: `guess ${i} of many`, newPassword: NEW_PASSWORD });
      expect(res.status).toBe(403);
    }
    const locked = await client.post('/api/me/password', { currentPassword: PASSWORD, newPassword: NEW_PASSWORD });
    expect([locked.status, locked.body.type]).toEqual([429, '/problems/sign-in-locked']);
  });

  it('a super admin changes their own password too', async () => {
    const admin = await createUser(t, null, 'super_admin');
    const client = await signInAs(t, admin);
    const res = await client.post('/api/me/password', { currentPassword: PASSWORD, newPassword: NEW_PASSWORD });
    expect(res.status).toBe(200);
    expect((await client.post('/api/auth/sign-in', { email: admin.email, password: NEW_PASSWORD })).status).toBe(200);
  });
});

describe('sign out other devices', () => {
  it('ends every other session of the user, keeps this one, and is audited', async () => {
    const user = await member('clinic_owner');
    const here = await signInAs(t, user);
    const tablet = await signInAs(t, user);
    const laptop = await signInAs(t, user);
    const colleague = await signInAs(t, await createUser(t, user.clinicId, 'receptionist'));

    const res = await here.post('/api/auth/sign-out-others');
    expect([res.status, res.body]).toEqual([200, { revokedSessions: 2 }]);
    expect((await here.get('/api/me')).status).toBe(200);
    expect((await tablet.get('/api/me')).status).toBe(401);
    expect((await laptop.get('/api/me')).status).toBe(401);
    expect((await colleague.get('/api/me')).status).toBe(200);
    expect(await auditActions(user.id)).toContainEqual({ action: 'auth.sign_out_others', metadata: { revoked: 2 } });
  });
});

describe('profile', () => {
  it('name, phone and language change at once in /api/me, and the change is audited', async () => {
    const user = await member();
    const client = await signInAs(t, user);
    expect((await client.get('/api/me')).body.locale).toBe('th');
    const res = await client.patch('/api/me', { fullName: 'Ploy Srisuk', phone: '+66 81 234 5678', locale: 'zh' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ fullName: 'Ploy Srisuk', phone: '+66 81 234 5678', locale: 'zh', role: 'customer' });
    expect((await client.get('/api/me')).body).toMatchObject({ fullName: 'Ploy Srisuk', locale: 'zh' });
    expect((await client.patch('/api/me', { phone: null })).body.phone).toBeNull();
    expect(await auditActions(user.id)).toContainEqual({
      action: 'auth.profile_update',
      metadata: { fields: ['fullName', 'phone', 'locale'] },
    });
  });

  it('the role cannot be changed this way, and an empty change is refused', async () => {
    const client = await signInAs(t, await member());
    const role = await client.patch('/api/me', { role: 'clinic_owner' });
    expect([role.status, role.body.type]).toEqual([400, '/problems/validation-failed']);
    const empty = await client.patch('/api/me', {});
    expect([empty.status, empty.body.type]).toEqual([400, '/problems/validation-failed']);
    expect((await client.get('/api/me')).body.role).toBe('customer');
  });

  it('a super admin, who has no clinic, updates their own profile', async () => {
    const client = await signInAs(t, await createUser(t, null, 'super_admin'));
    const res = await client.patch('/api/me', { locale: 'en', fullName: 'Platform Operator' });
    expect([res.status, res.body.fullName, res.body.locale]).toEqual([200, 'Platform Operator', 'en']);
  });
});
