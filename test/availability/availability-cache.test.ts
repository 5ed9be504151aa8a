import { describe, expect, it } from 'vitest';
import { ALL_WEEK, localDateInDays, localInstant, setUpBookableTreatment } from '../support/clinic-operations.ts';
import { createClinic, createUser, signInAs } from '../support/factories.ts';
import type { HttpClient } from '../support/http-client.ts';
import { eventually } from '../support/eventually.ts';
import { twoApiNodes, withRedis } from '../support/two-api-nodes.ts';

// A day's availability through the response cache, on two API nodes sharing one database and Redis:
// every write that changes what can be booked, made through one node, shows on the other, which had it cached.
const nodes = twoApiNodes();

const date = localDateInDays(5);
const at = (time: string) => localInstant(date, time);

async function bookableClinic() {
  const clinic = await createClinic(nodes.a, { tier: 'professional' });
  const owner = await createUser(nodes.a, clinic.id, 'clinic_owner');
  const ownerOnA = await signInAs(nodes.a, owner);
  const staff = await createUser(nodes.a, clinic.id, 'clinic_staff');
  const treatment = await setUpBookableTreatment(ownerOnA, staff.id);
  const customer = await createUser(nodes.a, clinic.id, 'customer');
  return {
    staff,
    treatment,
    ownerOnA,
    ownerOnB: await signInAs(nodes.b, owner),
    customerOnA: await signInAs(nodes.a, customer),
    customerOnB: await signInAs(nodes.b, customer),
  };
}

async function startsOn(client: HttpClient, treatmentId: string, day = date): Promise<string[]> {
  const res = await client.get(`/api/availability?treatmentId=${treatmentId}&fromDate=${day}&toDate=${day}`);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return (res.body as { startsAt: string }[]).map((s) => s.startsAt);
}

/** Reads through `reader` until `check` holds (the other node's write has reached it); fails if it never does. */
async function seenOn(reader: HttpClient, treatmentId: string, check: (starts: string[]) => boolean) {
  const starts = await eventually(() => startsOn(reader, treatmentId), check);
  expect(check(starts), `availability on the other node: ${starts.join(', ')}`).toBe(true);
  return starts;
}

describe.skipIf(!withRedis)('the availability cache', () => {
  it('a booking, a cancellation and a reschedule on one node show on the other at once', async () => {
    const c = await bookableClinic();
    expect(await startsOn(c.customerOnB, c.treatment.id)).toContain(at('10:00'));
    const booked = await c.customerOnA.post('/api/appointments', { treatmentId: c.treatment.id, startsAt: at('10:00') });
    expect(booked.status).toBe(201);
    await seenOn(c.customerOnB, c.treatment.id, (s) => !s.includes(at('10:00')));

    const moved = await c.ownerOnA.post(`/api/appointments/${booked.body.id}/reschedule`, { startsAt: at('14:00') });
    expect(moved.status, JSON.stringify(moved.body)).toBe(200);
    await seenOn(c.customerOnB, c.treatment.id, (s) => s.includes(at('10:00')) && !s.includes(at('14:00')));

    const cancelled = await c.ownerOnA.post(`/api/appointments/${booked.body.id}/cancel`, { waiveFee: true });
    expect(cancelled.status, JSON.stringify(cancelled.body)).toBe(200);
    await seenOn(c.customerOnB, c.treatment.id, (s) => s.includes(at('14:00')));
  });

  it('leave, working hours and who performs the treatment, changed on one node, show on the other', async () => {
    const c = await bookableClinic();
    expect(await startsOn(c.ownerOnB, c.treatment.id)).toContain(at('09:00'));

    const leave = await c.ownerOnA.post(`/api/staff/${c.staff.id}/exceptions`, {
      kind: 'leave',
      startsAt: at('09:00'),
      endsAt: at('13:00'),
    });
    expect(leave.status, JSON.stringify(leave.body)).toBe(201);
    await seenOn(c.ownerOnB, c.treatment.id, (s) => s[0] === at('13:00'));

    expect((await c.ownerOnA.delete(`/api/staff/${c.staff.id}/exceptions/${leave.body.id}`)).status).toBe(204);
    await seenOn(c.ownerOnB, c.treatment.id, (s) => s[0] === at('09:00'));

    const weekday = new Date(`${date}T12:00:00Z`).getUTCDay() || 7;
    const hours = await c.ownerOnA.put(`/api/staff/${c.staff.id}/working-hours`, {
      weeklyHours: [{ weekday, start: '15:00', end: '18:00' }],
    });
    expect(hours.status, JSON.stringify(hours.body)).toBe(204);
    await seenOn(c.ownerOnB, c.treatment.id, (s) => s[0] === at('15:00'));

    expect((await c.ownerOnA.put(`/api/staff/${c.staff.id}/treatments`, { treatmentIds: [] })).status).toBe(204);
    await seenOn(c.ownerOnB, c.treatment.id, (s) => s.length === 0);
  });

  it('a disabled staff member and a deactivated treatment show on the other node', async () => {
    const c = await bookableClinic();
    expect(await startsOn(c.customerOnB, c.treatment.id)).toContain(at('09:00'));
    const disabled = await c.ownerOnA.post(`/api/staff/${c.staff.id}/disable`);
    expect(disabled.status, JSON.stringify(disabled.body)).toBe(200);
    await seenOn(c.customerOnB, c.treatment.id, (s) => s.length === 0);
    expect((await c.ownerOnA.post(`/api/staff/${c.staff.id}/enable`)).status).toBe(200);
    await seenOn(c.customerOnB, c.treatment.id, (s) => s.includes(at('09:00')));

    expect((await c.ownerOnA.patch(`/api/treatments/${c.treatment.id}`, { isActive: false })).status).toBe(200);
    const gone = await eventually(
      () => c.customerOnB.get(`/api/availability?treatmentId=${c.treatment.id}&fromDate=${date}&toDate=${date}`),
      (res) => res.status === 404,
    );
    expect(gone.status).toBe(404);
  });

  it('a room added on one node frees, on the other, a time whose only room was taken', async () => {
    const c = await bookableClinic();
    const second = await createUser(nodes.a, (await c.ownerOnA.get('/api/clinic')).body.id, 'clinic_staff');
    expect((await c.ownerOnA.put(`/api/staff/${second.id}/working-hours`, { weeklyHours: ALL_WEEK })).status).toBe(204);
    expect((await c.ownerOnA.put(`/api/staff/${second.id}/treatments`, { treatmentIds: [c.treatment.id] })).status).toBe(204);
    expect((await c.ownerOnA.post('/api/rooms', { name: 'Room 1' })).status).toBe(201);
    const booked = await c.customerOnA.post('/api/appointments', { treatmentId: c.treatment.id, startsAt: at('10:00') });
    expect(booked.status, JSON.stringify(booked.body)).toBe(201);
    // One staff member is still free at 10:00, but the only room is not.
    await seenOn(c.customerOnB, c.treatment.id, (s) => s.includes(at('09:00')) && !s.includes(at('10:00')));
    expect((await c.ownerOnA.post('/api/rooms', { name: 'Room 2' })).status).toBe(201);
    await seenOn(c.customerOnB, c.treatment.id, (s) => s.includes(at('10:00')));
  });

  it('booking rules changed on one node show on the other, as rules and as slots; the minimum notice applies to customers, not staff', async () => {
    const c = await bookableClinic();
    const tomorrow = localDateInDays(1);
    expect(await startsOn(c.customerOnB, c.treatment.id)).toContain(at('09:15'));
    const before = (await c.customerOnB.get('/api/booking-rules')).body.minNoticeMinutes;
    expect(before).not.toBe(7 * 24 * 60);
    const rules = await c.ownerOnA.put('/api/booking-rules', {
      minNoticeMinutes: 7 * 24 * 60,
      maxAdvanceDays: 90,
      slotIntervalMinutes: 60,
      cancellationFees: [],
    });
    expect(rules.status, JSON.stringify(rules.body)).toBe(200);
    await seenOn(c.ownerOnB, c.treatment.id, (s) => s.length > 0 && !s.includes(at('09:15')));
    const seenRules = await eventually(
      () => c.customerOnB.get('/api/booking-rules'),
      (res) => res.body.minNoticeMinutes !== before,
    );
    expect(seenRules.body).toMatchObject({ minNoticeMinutes: 7 * 24 * 60, slotIntervalMinutes: 60 });
    // Staff fill the cache for tomorrow; the customer then reads the same entry with the week's notice applied.
    expect((await startsOn(c.ownerOnB, c.treatment.id, tomorrow)).length).toBeGreaterThan(0);
    expect(await startsOn(c.customerOnB, c.treatment.id, tomorrow)).toEqual([]);
  });
});
