import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localDateInDays, localInstant, setUpBookableTreatment } from '../support/clinic-operations.ts';
import { createClinic, createUser, signInAs, type TestUser } from '../support/factories.ts';
import type { HttpClient } from '../support/http-client.ts';
import { startSmtpSink, type SmtpSink } from '../support/smtp-sink.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

let t: TestApp;
let smtp: SmtpSink;
beforeAll(async () => {
  smtp = await startSmtpSink();
  t = await startTestApp({ SMTP_URL: smtp.url, SMTP_FROM: 'Clinic <clinic@example.com>' });
});
afterAll(async () => {
  await t.stop();
  await smtp.close();
});

interface Notice {
  id: string;
  kind: string;
  title: string;
  body: string;
  appointmentId: string | null;
  readAt: string | null;
}

async function clinicSetup() {
  const clinic = await createClinic(t, { tier: 'professional' });
  const ownerUser = await createUser(t, clinic.id, 'clinic_owner');
  const owner = await signInAs(t, ownerUser);
  const admin = await createUser(t, clinic.id, 'clinic_admin');
  const receptionistUser = await createUser(t, clinic.id, 'receptionist');
  const staff = await createUser(t, clinic.id, 'clinic_staff');
  await createUser(t, clinic.id, 'receptionist', { disabled: true });
  const treatment = await setUpBookableTreatment(owner, staff.id);
  const customerUser = await createUser(t, clinic.id, 'customer');
  await t.db.owner.query(`UPDATE users SET locale = 'en' WHERE id = ANY($1)`, [[customerUser.id, ownerUser.id, admin.id]]);
  await t.db.owner.query(`UPDATE users SET locale = 'th' WHERE id = $1`, [receptionistUser.id]);
  return {
    clinic,
    owner,
    ownerUser,
    admin,
    receptionistUser,
    receptionist: await signInAs(t, receptionistUser),
    staff,
    treatment,
    customerUser,
    customer: await signInAs(t, customerUser),
  };
}

const inboxOf = async (client: HttpClient, query = '') => {
  const res = await client.get(`/api/notifications${query}`);
  expect(res.status).toBe(200);
  return res.body as { items: Notice[]; nextCursor: string | null };
};
const kindsFor = async (userId: string) =>
  (
    await t.db.owner.query<{ kind: string }>(
      `SELECT kind FROM notifications WHERE recipient_user_id = $1 AND event_id IS NOT NULL ORDER BY created_at, kind`,
      [userId],
    )
  ).rows.map((r) => r.kind);
const customerIdOf = async (user: TestUser) =>
  (await t.db.owner.query<{ id: string }>('SELECT id FROM customers WHERE user_id = $1', [user.id])).rows[0]!.id;

describe('appointment events make notifications', () => {
  it("a customer's online booking is confirmed to them and told to the clinic's booking staff, each in their language", async () => {
    const s = await clinicSetup();
    const startsAt = localInstant(localDateInDays(3), '10:00');
    const booked = await s.customer.post('/api/appointments', { treatmentId: s.treatment.id, startsAt });
    expect(booked.status).toBe(201);

    const mine = await inboxOf(s.customer);
    expect(mine.items).toHaveLength(1);
    expect(mine.items[0]).toMatchObject({
      kind: 'appointment_booked',
      title: 'Booking confirmed',
      appointmentId: booked.body.id,
    });
    expect(mine.items[0]!.body).toContain('Hydrating facial');

    const front = await inboxOf(s.receptionist);
    expect(front.items).toHaveLength(1);
    expect(front.items[0]).toMatchObject({ kind: 'appointment_booked_online', title: 'มีการจองออนไลน์ใหม่' });
    expect(front.items[0]!.body).toContain('Test customer');
    expect(await kindsFor(s.ownerUser.id)).toEqual(['appointment_booked_online']);
    expect(await kindsFor(s.admin.id)).toEqual(['appointment_booked_online']);
    // Staff who only perform treatments, and disabled accounts, hear nothing.
    expect(await kindsFor(s.staff.id)).toEqual([]);
    const disabled = await t.db.owner.query(
      `SELECT count(*)::int AS n FROM notifications n JOIN users u ON u.id = n.recipient_user_id
       WHERE u.clinic_id = $1 AND u.disabled_at IS NOT NULL`,
      [s.clinic.id],
    );
    expect(disabled.rows[0].n).toBe(0);
  });

  it('a booking staff make is confirmed to the customer only', async () => {
    const s = await clinicSetup();
    const booked = await s.receptionist.post('/api/appointments', {
      treatmentId: s.treatment.id,
      startsAt: localInstant(localDateInDays(4), '11:00'),
      customerId: await customerIdOf(s.customerUser),
    });
    expect(booked.status).toBe(201);
    expect(await kindsFor(s.customerUser.id)).toEqual(['appointment_booked']);
    expect(await kindsFor(s.receptionistUser.id)).toEqual([]);
    expect(await kindsFor(s.ownerUser.id)).toEqual([]);

    // A walk-in with neither an account nor an address is told nothing, and nothing is kept for them.
    const walkIn = await s.receptionist.post('/api/appointments', {
      treatmentId: s.treatment.id,
      startsAt: localInstant(localDateInDays(4), '14:00'),
      newCustomer: { fullName: 'Walk-in guest' },
    });
    expect(walkIn.status).toBe(201);
    const kept = await t.db.owner.query('SELECT count(*)::int AS n FROM notifications WHERE appointment_id = $1', [
      walkIn.body.id,
    ]);
    expect(kept.rows[0].n).toBe(0);
  });

  it('moving and cancelling are told to the customer; a customer cancelling is told to the staff too', async () => {
    const s = await clinicSetup();
    const date = localDateInDays(5);
    const booked = await s.customer.post('/api/appointments', {
      treatmentId: s.treatment.id,
      startsAt: localInstant(date, '10:00'),
    });
    const moved = await s.customer.post(`/api/appointments/${booked.body.id}/reschedule`, {
      startsAt: localInstant(date, '14:00'),
    });
    expect(moved.status).toBe(200);
    const cancelled = await s.customer.post(`/api/appointments/${booked.body.id}/cancel`, { reason: 'travel' });
    expect(cancelled.status).toBe(200);
    expect(await kindsFor(s.customerUser.id)).toEqual(['appointment_booked', 'appointment_rescheduled', 'appointment_cancelled']);
    expect(await kindsFor(s.receptionistUser.id)).toEqual(['appointment_booked_online', 'appointment_cancelled_by_customer']);
    const [cancelNotice, movedNotice] = (await inboxOf(s.customer)).items;
    expect(cancelNotice).toMatchObject({ kind: 'appointment_cancelled', title: 'Appointment cancelled' });
    expect(cancelNotice!.body).not.toContain('fee');
    expect(movedNotice!.body).toContain('14:00');
  });

  it('a cancellation with a fee names the fee, and a no-show is told to the customer', async () => {
    const s = await clinicSetup();
    await t.db.owner.query(
      `UPDATE booking_rules SET cancellation_fees = '[{"hoursBefore": 10000, "feePercent": 50}]' WHERE clinic_id = $1`,
      [s.clinic.id],
    );
    const customerId = await customerIdOf(s.customerUser);
    const first = await s.owner.post('/api/appointments', {
      treatmentId: s.treatment.id,
      startsAt: localInstant(localDateInDays(2), '10:00'),
      customerId,
    });
    const cancelled = await s.owner.post(`/api/appointments/${first.body.id}/cancel`, { acceptFeeSatang: 75_000 });
    expect(cancelled.status).toBe(200);
    const feeNotice = (await inboxOf(s.customer)).items[0]!;
    expect(feeNotice.kind).toBe('appointment_cancelled');
    expect(feeNotice.body).toMatch(/Cancellation fee: THB\s750\.00\./);

    const second = await s.owner.post('/api/appointments', {
      treatmentId: s.treatment.id,
      startsAt: localInstant(localDateInDays(2), '12:00'),
      customerId,
    });
    expect((await s.owner.post(`/api/appointments/${second.body.id}/status`, { status: 'confirmed' })).status).toBe(200);
    // Time passes: the appointment's start is behind us.
    await t.db.owner.query(
      `UPDATE appointments SET starts_at = now() - interval '2 hours', ends_at = now() - interval '1 hour' WHERE id = $1`,
      [second.body.id],
    );
    expect((await s.owner.post(`/api/appointments/${second.body.id}/status`, { status: 'no_show' })).status).toBe(200);
    expect((await inboxOf(s.customer)).items[0]).toMatchObject({ kind: 'appointment_no_show', title: 'Missed appointment' });
  });

  it('a change that fails leaves no notification behind', async () => {
    const s = await clinicSetup();
    const startsAt = localInstant(localDateInDays(3), '10:00');
    expect((await s.customer.post('/api/appointments', { treatmentId: s.treatment.id, startsAt })).status).toBe(201);
    const other = await signInAs(t, await createUser(t, s.clinic.id, 'customer'));
    expect((await other.post('/api/appointments', { treatmentId: s.treatment.id, startsAt })).status).toBe(409);
    expect(await inboxOf(other)).toEqual({ items: [], nextCursor: null });
    expect(await kindsFor(s.receptionistUser.id)).toEqual(['appointment_booked_online']);
  });
});

describe('the inbox', () => {
  it('pages newest first, counts unread, and marks one or all read', async () => {
    const s = await clinicSetup();
    const date = localDateInDays(6);
    for (const time of ['09:00', '11:00', '13:00'])
      expect(
        (await s.customer.post('/api/appointments', { treatmentId: s.treatment.id, startsAt: localInstant(date, time) })).status,
      ).toBe(201);
    const all = await inboxOf(s.receptionist);
    expect(all.items).toHaveLength(3);
    const first = await inboxOf(s.receptionist, '?limit=2');
    expect(first.items.map((n) => n.id)).toEqual(all.items.slice(0, 2).map((n) => n.id));
    const rest = await inboxOf(s.receptionist, `?limit=2&cursor=${first.nextCursor}`);
    expect(rest).toEqual({ items: [all.items[2]], nextCursor: null });
    expect((await s.receptionist.get('/api/notifications?cursor=nonsense')).status).toBe(400);

    expect((await s.receptionist.get('/api/notifications/unread-count')).body).toEqual({ unread: 3 });
    expect((await s.receptionist.post(`/api/notifications/${all.items[1]!.id}/read`)).status).toBe(204);
    expect((await s.receptionist.get('/api/notifications/unread-count')).body).toEqual({ unread: 2 });
    expect((await inboxOf(s.receptionist, '?unread=true')).items.map((n) => n.id)).toEqual([all.items[0]!.id, all.items[2]!.id]);
    // Someone else's notification is not found, and marking it changes nothing.
    const admin = await signInAs(t, s.admin);
    expect((await admin.post(`/api/notifications/${all.items[0]!.id}/read`)).status).toBe(404);
    expect((await s.receptionist.post('/api/notifications/read-all')).status).toBe(204);
    expect((await s.receptionist.get('/api/notifications/unread-count')).body).toEqual({ unread: 0 });
    // The owner's own notices stay unread.
    expect((await s.owner.get('/api/notifications/unread-count')).body).toEqual({ unread: 3 });
  });
});

describe('channel preferences and the clinic LINE channel', () => {
  it('in-app is always on; LINE needs a linked id, and counts once the clinic has LINE', async () => {
    const s = await clinicSetup();
    expect((await s.customer.get('/api/notifications/preferences')).body).toEqual({
      inApp: true,
      email: true,
      line: false,
      lineUserId: null,
      lineAvailable: false,
    });
    expect((await s.customer.put('/api/notifications/preferences', { email: false, line: true })).status).toBe(400);
    expect(
      (await s.customer.put('/api/notifications/preferences', { email: false, line: true, lineUserId: 'not-a-line-id' })).status,
    ).toBe(400);
    const lineUserId = `U${'a1'.repeat(16)}`;
    const saved = await s.customer.put('/api/notifications/preferences', { email: false, line: true, lineUserId });
    expect(saved.body).toEqual({ inApp: true, email: false, line: true, lineUserId, lineAvailable: false });

    const token = 'line-channel-access-token-abcdefghijkl-WXYZ';
    expect((await s.receptionist.put('/api/clinic/line-channel', { accessToken: token })).status).toBe(403);
    expect((await s.owner.get('/api/clinic/line-channel')).status).toBe(404);
    expect((await s.owner.put('/api/clinic/line-channel', { enabled: true })).status).toBe(404);
    const stored = await s.owner.put('/api/clinic/line-channel', { accessToken: token });
    expect(stored.status).toBe(200);
    expect(stored.body).toMatchObject({ enabled: true, tokenHint: 'WXYZ' });
    expect(JSON.stringify((await s.owner.get('/api/clinic/line-channel')).body)).not.toContain(token.slice(0, 10));
    const audit = await t.db.owner.query(
      `SELECT metadata FROM audit_logs WHERE clinic_id = $1 AND action = 'clinic.line_channel.update'`,
      [s.clinic.id],
    );
    expect(audit.rows).toEqual([{ metadata: { enabled: true, tokenChanged: true } }]);
    expect((await s.customer.get('/api/notifications/preferences')).body.lineAvailable).toBe(true);
    const off = await s.owner.put('/api/clinic/line-channel', { enabled: false });
    expect(off.body).toMatchObject({ enabled: false, tokenHint: 'WXYZ' });
    expect((await s.customer.get('/api/notifications/preferences')).body.lineAvailable).toBe(false);
  });
});
