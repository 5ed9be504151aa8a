import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClinic, createUser, PASSWORD, signInAs } from '../support/factories.ts';
import { HttpClient } from '../support/http-client.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ SIGN_IN_MAX_FAILURES_PER_ACCOUNT: '3' });
});
afterAll(() => t.stop());

describe('sign-in', () => {
  it('a correct password signs in, sets an httpOnly cookie and /api/me answers', async () => {
    const clinic = await createClinic(t);
    const owner = await createUser(t, clinic.id, 'clinic_owner');
    const client = new HttpClient(t.app);
    const res = await client.post('/api/auth/sign-in', { email: owner.email.toUpperCase(), password: PASSWORD });
    expect(res.status).toBe(200);
    expect(res.body.user).toMatchObject({ id: owner.id, role: 'clinic_owner', clinicId: clinic.id });
    const setCookie = String(res.headers['set-cookie']);
    expect(setCookie).toMatch(/bwai_session=.*HttpOnly/);
    expect(setCookie).toMatch(/SameSite=Lax/);
    const me = await client.get('/api/me');
    expect(me.status).toBe(200);
    expect(me.body.email).toBe(owner.email);
    expect(me.body.lastSignInAt).not.toBeNull();
  });

  it('a wrong password and an unknown email get the same answer', async () => {
    const clinic = await createClinic(t);
    const user = await createUser(t, clinic.id, 'customer');
    const wrong = await new HttpClient(t.app, '10.9.0.1').post('/api/auth/sign-in', {
      email: user.email,
      password: 'not the password',
    });
    const unknown = await new HttpClient(t.app, '10.9.0.2').post('/api/auth/sign-in', {
      email: 'nobody@example.test',
      password: 'not the password',
    });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.headers['content-type']).toMatch(/application\/problem\+json/);
    const strip = (b: Record<string, unknown>) => ({ ...b, requestId: undefined });
    expect(strip(wrong.body)).toEqual(strip(unknown.body));
    expect(wrong.body.type).toBe('/problems/invalid-credentials');
  });

  it('repeated failures from one address lock it out of the account with 429 and Retry-After, even for the right password', async () => {
    const clinic = await createClinic(t);
    const user = await createUser(t, clinic.id, 'customer');
    for (let i = 0; i < 3; i++) {
      const res = await new HttpClient(t.app, '10.8.0.1').post('/api/auth/sign-in', {
        email: user.email,
        password: 'wrong password',
      });
      expect(res.status).toBe(401);
    }
    const locked = await new HttpClient(t.app, '10.8.0.1').post('/api/auth/sign-in', { email: user.email, password: PASSWORD });
    expect(locked.status).toBe(429);
    expect(locked.body.type).toBe('/problems/sign-in-locked');
    expect(Number(locked.headers['retry-after'])).toBeGreaterThan(0);
  });

  it('a write without the CSRF token is rejected even with a valid session cookie', async () => {
    const clinic = await createClinic(t);
    const user = await createUser(t, clinic.id, 'clinic_owner');
    const client = await signInAs(t, user);
    const res = await client.postWithoutCsrf('/api/auth/sign-out-everywhere');
    expect(res.status).toBe(403);
    expect(res.body.type).toBe('/problems/csrf-token-invalid');
    expect((await client.get('/api/me')).status).toBe(200);
  });

  it('a revoked session is rejected after sign-out everywhere', async () => {
    const clinic = await createClinic(t);
    const user = await createUser(t, clinic.id, 'receptionist');
    const laptop = await signInAs(t, user);
    const phone = await signInAs(t, user);
    const res = await laptop.post('/api/auth/sign-out-everywhere');
    expect(res.status).toBe(200);
    expect(res.body.revokedSessions).toBe(2);
    expect((await phone.get('/api/me')).status).toBe(401);
    expect((await laptop.get('/api/me')).status).toBe(401);
  });

  it('a disabled user and a user of a suspended clinic cannot sign in', async () => {
    const clinic = await createClinic(t);
    const disabled = await createUser(t, clinic.id, 'clinic_staff', { disabled: true });
    const suspendedClinic = await createClinic(t, { status: 'suspended' });
    const member = await createUser(t, suspendedClinic.id, 'clinic_staff');
    const a = await new HttpClient(t.app).post('/api/auth/sign-in', { email: disabled.email, password: PASSWORD });
    const b = await new HttpClient(t.app).post('/api/auth/sign-in', { email: member.email, password: PASSWORD });
    expect([a.status, a.body.type]).toEqual([403, '/problems/account-disabled']);
    expect([b.status, b.body.type]).toEqual([403, '/problems/clinic-suspended']);
  });
});

describe('sign-up', () => {
  it('a customer signs up into an active clinic by slug, is told to check their email, and signs in with the password', async () => {
    const clinic = await createClinic(t);
    const client = new HttpClient(t.app);
    const res = await client.post('/api/auth/sign-up', {
      clinicSlug: clinic.slug,
      email: 'New.Customer@Example.test',
      password: 'a long enough password',
      fullName: 'Nok Customer',
    });
    expect([res.status, res.body]).toEqual([202, { status: 'check-your-email' }]);
    expect(res.headers['set-cookie']).toBeUndefined();
    expect((await client.get('/api/me')).status).toBe(401);
    const signedIn = await client.post('/api/auth/sign-in', {
      email: 'new.customer@example.test',
      password: 'a long enough password',
    });
    expect(signedIn.status).toBe(200);
    expect(signedIn.body.user).toMatchObject({ role: 'customer', clinicId: clinic.id, email: 'new.customer@example.test' });
    expect((await client.get('/api/me')).body.fullName).toBe('Nok Customer');
  });

  it('bad input gets a 400 problem listing the fields, and nothing is created', async () => {
    const clinic = await createClinic(t);
    const res = await new HttpClient(t.app).post('/api/auth/sign-up', {
      clinicSlug: clinic.slug,
      email: 'not-an-email',
      password: 'short',
      fullName: '',
    });
    expect(res.status).toBe(400);
    expect(res.body.type).toBe('/problems/validation-failed');
    expect(res.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(['body.email', 'body.fullName', 'body.password']);
    const { rowCount } = await t.db.owner.query('SELECT 1 FROM users WHERE clinic_id = $1', [clinic.id]);
    expect(rowCount).toBe(0);
  });
});
