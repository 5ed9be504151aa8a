import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enrolTwoFactor } from '../support/authenticator.ts';
import { createClinic, createUser, signInAs } from '../support/factories.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ TWO_FACTOR_REQUIRED_ROLES: 'super_admin,clinic_owner' });
});
afterAll(() => t.stop());

describe('two-factor sign-in required for some roles', () => {
  it('an owner without it gets a session that can only enrol; once enrolled, everything is open', async () => {
    const owner = await createUser(t, (await createClinic(t)).id, 'clinic_owner');
    const client = await signInAs(t, owner);

    const me = await client.get('/api/me');
    expect([me.status, me.body.twoFactorEnrolmentRequired]).toEqual([200, true]);
    for (const blocked of [await client.get('/api/staff'), await client.patch('/api/me', { fullName: 'Renamed' })]) {
      expect([blocked.status, blocked.body.type]).toEqual([403, '/problems/two-factor-enrolment-required']);
    }
    expect((await client.get('/api/me/two-factor')).body).toMatchObject({ enabled: false, required: true });

    await enrolTwoFactor(client);
    expect((await client.get('/api/me')).body.twoFactorEnrolmentRequired).toBe(false);
    expect((await client.get('/api/staff')).status).toBe(200);
  });

  it('a super admin without it is held to enrolment too', async () => {
    const admin = await createUser(t, null, 'super_admin');
    const blocked = await (await signInAs(t, admin)).get('/api/admin/clinics');
    expect([blocked.status, blocked.body.type]).toEqual([403, '/problems/two-factor-enrolment-required']);
  });

  it('roles not listed sign in as before', async () => {
    const receptionist = await createUser(t, (await createClinic(t)).id, 'receptionist');
    const client = await signInAs(t, receptionist);
    expect((await client.get('/api/me')).body.twoFactorEnrolmentRequired).toBe(false);
    expect((await client.get('/api/customers')).status).toBe(200);
  });
});
