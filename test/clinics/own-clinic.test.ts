import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClinic, createUser, signInAs } from '../support/factories.ts';
import type { HttpClient } from '../support/http-client.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

/** What a clinic that never changed its settings has. */
const DEFAULT_SETTINGS = {
  currency: 'THB',
  monthlyAnalysesPerCustomer: 10,
  maxUpcomingBookingsPerCustomer: 5,
  photoRetentionMonths: null,
  signUpPolicy: 'email-verified',
  bookingLinkShared: false,
};

let t: TestApp;
let admin: HttpClient;
beforeAll(async () => {
  t = await startTestApp();
  admin = await signInAs(t, await createUser(t, null, 'super_admin'));
});
afterAll(() => t.stop());

async function clinicWithOwner(overrides: { tier?: string } = {}) {
  const clinic = await createClinic(t, overrides);
  const owner = await signInAs(t, await createUser(t, clinic.id, 'clinic_owner'));
  return { clinic, owner };
}

describe('reading my clinic', () => {
  it('staff see the plan, settings with defaults and effective limits', async () => {
    const { clinic, owner } = await clinicWithOwner({ tier: 'professional' });
    const res = await owner.get('/api/clinic');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      id: clinic.id,
      slug: clinic.slug,
      name: `Clinic ${clinic.slug}`,
      timeZone: 'Asia/Bangkok',
      locale: 'th',
      tier: 'professional',
      status: 'active',
      settings: DEFAULT_SETTINGS,
      limits: {
        tier: 'professional',
        maxUsers: 20,
        monthlyAnalyses: 500,
        storageBytes: 50 * 1024 ** 3,
        apiRequestsPerMinute: 1500,
      },
      analysisProvider: null,
      effectiveAnalysisProvider: 'local',
    });
  });

  it('customers see only the public fields', async () => {
    const { clinic } = await clinicWithOwner();
    const customer = await signInAs(t, await createUser(t, clinic.id, 'customer'));
    const res = await customer.get('/api/clinic');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      id: clinic.id,
      slug: clinic.slug,
      name: `Clinic ${clinic.slug}`,
      timeZone: 'Asia/Bangkok',
      locale: 'th',
    });
  });

  it('/api/me carries a summary of the clinic, and null for a super admin', async () => {
    const { clinic, owner } = await clinicWithOwner();
    const me = await owner.get('/api/me');
    expect(me.status).toBe(200);
    expect(me.body.clinic).toEqual({
      id: clinic.id,
      slug: clinic.slug,
      name: `Clinic ${clinic.slug}`,
      status: 'active',
      tier: 'starter',
      timeZone: 'Asia/Bangkok',
      locale: 'th',
    });
    expect(me.body.role).toBe('clinic_owner');
    const adminMe = await admin.get('/api/me');
    expect(adminMe.status).toBe(200);
    expect(adminMe.body.clinic).toBeNull();
  });

  it('a super admin has no clinic of their own to read', async () => {
    expect((await admin.get('/api/clinic')).status).toBe(403);
  });
});

describe('changing my clinic', () => {
  it('an owner updates name, time zone and settings, and sees it at once everywhere', async () => {
    const { clinic, owner } = await clinicWithOwner();
    // Read first, so the cache holds the old clinic.
    expect((await owner.get('/api/clinic')).body.name).toBe(`Clinic ${clinic.slug}`);
    expect((await owner.get('/api/me')).body.clinic.name).toBe(`Clinic ${clinic.slug}`);

    const res = await owner.patch('/api/clinic', {
      name: 'Siam Glow',
      timeZone: 'Asia/Ho_Chi_Minh',
      locale: 'en',
      settings: {
        contactPhone: '+66 2 123 4567',
        contactEmail: 'Hello@SiamGlow.example',
        website: 'https://siamglow.example',
        brandColor: '#C0FFEE',
      },
    });
    expect(res.status).toBe(200);
    const expectedSettings = {
      currency: 'THB',
      contactPhone: '+66 2 123 4567',
      contactEmail: 'hello@siamglow.example',
      website: 'https://siamglow.example',
      brandColor: '#C0FFEE',
    };
    expect(res.body).toMatchObject({ name: 'Siam Glow', timeZone: 'Asia/Ho_Chi_Minh', locale: 'en', settings: expectedSettings });

    expect((await owner.get('/api/clinic')).body).toMatchObject({
      name: 'Siam Glow',
      timeZone: 'Asia/Ho_Chi_Minh',
      settings: expectedSettings,
    });
    expect((await owner.get('/api/me')).body.clinic).toMatchObject({
      name: 'Siam Glow',
      timeZone: 'Asia/Ho_Chi_Minh',
      locale: 'en',
    });

    const { rows } = await t.db.owner.query(
      `SELECT actor_role, metadata FROM audit_logs WHERE action = 'clinic.settings_update' AND clinic_id = $1`,
      [clinic.id],
    );
    expect(rows).toHaveLength(1);
    expect(rows[0].actor_role).toBe('clinic_owner');
    expect(rows[0].metadata.from.name).toBe(`Clinic ${clinic.slug}`);
    expect(rows[0].metadata.to.name).toBe('Siam Glow');
  });

  it('settings merge key by key, and a key sent as null goes back to its default', async () => {
    const { clinic } = await clinicWithOwner();
    const manager = await signInAs(t, await createUser(t, clinic.id, 'clinic_admin'));
    await manager.patch('/api/clinic', { settings: { currency: 'USD', address: '1 Sukhumvit Rd' } });
    await manager.patch('/api/clinic', { settings: { brandColor: '#112233' } });
    const res = await manager.patch('/api/clinic', { settings: { currency: null } });
    expect(res.status).toBe(200);
    expect(res.body.settings).toEqual({ ...DEFAULT_SETTINGS, address: '1 Sukhumvit Rd', brandColor: '#112233' });
  });

  it('a bad colour, an unknown key or an unknown time zone gets 400 and changes nothing', async () => {
    const { clinic, owner } = await clinicWithOwner();
    for (const body of [
      { settings: { brandColor: 'red' } },
      { settings: { favouriteColour: '#ffffff' } },
      { timeZone: 'Asia/Atlantis' },
      { timeZone: 'asia/bangkok' },
      {},
    ]) {
      const res = await owner.patch('/api/clinic', body);
      expect([res.status, res.body.type]).toEqual([400, '/problems/validation-failed']);
    }
    const { rows } = await t.db.owner.query('SELECT settings, time_zone FROM clinics WHERE id = $1', [clinic.id]);
    expect(rows[0]).toEqual({ settings: {}, time_zone: 'Asia/Bangkok' });
  });

  it('a receptionist, staff member or customer gets 403 and nothing changes', async () => {
    const { clinic } = await clinicWithOwner();
    for (const role of ['receptionist', 'clinic_staff', 'customer'] as const) {
      const client = await signInAs(t, await createUser(t, clinic.id, role));
      const res = await client.patch('/api/clinic', { name: 'Hijacked' });
      expect([res.status, res.body.type]).toEqual([403, '/problems/forbidden']);
    }
    const { rows } = await t.db.owner.query('SELECT name FROM clinics WHERE id = $1', [clinic.id]);
    expect(rows[0].name).toBe(`Clinic ${clinic.slug}`);
  });

  it("an owner's change touches only their own clinic", async () => {
    const mine = await clinicWithOwner();
    const theirs = await clinicWithOwner();
    await mine.owner.patch('/api/clinic', { name: 'Mine Only' });
    expect((await theirs.owner.get('/api/clinic')).body).toMatchObject({
      id: theirs.clinic.id,
      name: `Clinic ${theirs.clinic.slug}`,
    });
    expect((await mine.owner.get(`/api/admin/clinics/${theirs.clinic.id}`)).status).toBe(403);
  });

  it("a super admin's tier change shows in the clinic's own view at once", async () => {
    const { clinic, owner } = await clinicWithOwner();
    expect((await owner.get('/api/clinic')).body.tier).toBe('starter');
    await admin.patch(`/api/admin/clinics/${clinic.id}`, { tier: 'enterprise', quotaOverrides: { monthly_analyses: 9 } });
    const res = await owner.get('/api/clinic');
    expect(res.body).toMatchObject({ tier: 'enterprise', limits: { tier: 'enterprise', maxUsers: null, monthlyAnalyses: 9 } });
    expect((await owner.get('/api/me')).body.clinic.tier).toBe('enterprise');
  });
});
