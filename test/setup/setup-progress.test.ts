import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALL_WEEK } from '../support/clinic-operations.ts';
import { createClinic, createUser, signInAs, type TestUser } from '../support/factories.ts';
import type { HttpClient } from '../support/http-client.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t?.stop());

async function newClinic(): Promise<{ slug: string; owner: HttpClient; ownerUser: TestUser; staff: TestUser }> {
  const clinic = await createClinic(t);
  const ownerUser = await createUser(t, clinic.id, 'clinic_owner');
  return {
    slug: clinic.slug,
    owner: await signInAs(t, ownerUser),
    ownerUser,
    staff: await createUser(t, clinic.id, 'clinic_staff'),
  };
}

const NOTHING = { treatment: false, room: false, workingHours: false, bookableSlot: false, bookingLinkShared: false };

describe('the getting-started checklist', () => {
  it('a brand-new clinic has done nothing yet, and its booking link is its own address', async () => {
    const { slug, owner } = await newClinic();
    const res = await owner.get('/api/clinic/setup-progress');
    expect([res.status, res.body]).toEqual([200, { bookingLink: `/c/${slug}`, ...NOTHING }]);
  });

  it('each step ticks its item, and a slot is bookable once a performer of an active treatment has hours', async () => {
    const { owner, staff } = await newClinic();
    const progress = async () => (await owner.get('/api/clinic/setup-progress')).body;

    const treatment = await owner.post('/api/treatments', {
      name: { en: 'Peel' },
      category: 'skincare',
      durationMinutes: 30,
      priceSatang: 50_000,
      staffUserIds: [staff.id],
    });
    expect(await progress()).toMatchObject({ ...NOTHING, treatment: true });

    expect((await owner.post('/api/rooms', { name: 'Room 1' })).status).toBe(201);
    expect(await progress()).toMatchObject({ treatment: true, room: true, workingHours: false, bookableSlot: false });

    expect((await owner.put(`/api/staff/${staff.id}/working-hours`, { weeklyHours: ALL_WEEK })).status).toBe(204);
    expect(await progress()).toMatchObject({ workingHours: true, bookableSlot: true });

    // Deactivating the only treatment leaves nothing to book.
    expect((await owner.patch(`/api/treatments/${treatment.body.id}`, { isActive: false })).status).toBe(200);
    expect(await progress()).toMatchObject({ treatment: false, bookableSlot: false });
  });

  it('hours of a staff member who performs nothing do not make a slot; a disabled member counts for neither', async () => {
    const { owner, staff } = await newClinic();
    await owner.post('/api/treatments', { name: { en: 'Laser' }, category: 'laser', durationMinutes: 30, priceSatang: 1 });
    await owner.put(`/api/staff/${staff.id}/working-hours`, { weeklyHours: ALL_WEEK });
    expect((await owner.get('/api/clinic/setup-progress')).body).toMatchObject({
      treatment: true,
      workingHours: true,
      bookableSlot: false,
    });
    expect((await owner.post(`/api/staff/${staff.id}/disable`)).status).toBe(200);
    expect((await owner.get('/api/clinic/setup-progress')).body.workingHours).toBe(false);
  });

  it('copying the booking link is remembered in the clinic settings, audited like any settings change', async () => {
    const { owner, ownerUser } = await newClinic();
    const saved = await owner.patch('/api/clinic', { settings: { bookingLinkShared: true } });
    expect([saved.status, saved.body.settings.bookingLinkShared]).toEqual([200, true]);
    expect((await owner.get('/api/clinic/setup-progress')).body.bookingLinkShared).toBe(true);
    const audit = await t.db.owner.query(
      `SELECT 1 FROM audit_logs WHERE action = 'clinic.settings_update' AND actor_user_id = $1`,
      [ownerUser.id],
    );
    expect(audit.rowCount).toBe(1);
  });
});
