import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClinic, createUser, signInAs } from '../support/factories.ts';
import { localDateInDays, localInstant, setUpBookableTreatment } from '../support/clinic-operations.ts';
import type { HttpClient } from '../support/http-client.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.stop());

async function clinicWithBookableTreatment(options: Parameters<typeof setUpBookableTreatment>[2] = {}) {
  const clinic = await createClinic(t, { tier: 'professional' });
  const owner = await signInAs(t, await createUser(t, clinic.id, 'clinic_owner'));
  const staff = await createUser(t, clinic.id, 'clinic_staff');
  const treatment = await setUpBookableTreatment(owner, staff.id, options);
  const receptionist = await signInAs(t, await createUser(t, clinic.id, 'receptionist'));
  return { clinic, owner, staff, treatment, receptionist };
}

const slotsOf = async (client: HttpClient, treatmentId: string, date: string) => {
  const res = await client.get(`/api/availability?treatmentId=${treatmentId}&fromDate=${date}&toDate=${date}`);
  expect(res.status).toBe(200);
  return res.body as { startsAt: string; staffUserIds: string[] }[];
};

describe('booking', () => {
  it('a customer sees slots in working hours, books one, and it is gone from availability', async () => {
    const { clinic, treatment, staff } = await clinicWithBookableTreatment();
    const customer = await signInAs(t, await createUser(t, clinic.id, 'customer'));
    const date = localDateInDays(3);
    const before = await slotsOf(customer, treatment.id, date);
    // 09:00–18:00 local, 60-minute treatment, 15-minute steps: 09:00 … 17:00.
    expect(before[0]!.startsAt).toBe(localInstant(date, '09:00'));
    expect(before[before.length - 1]!.startsAt).toBe(localInstant(date, '17:00'));
    expect(before[0]!.staffUserIds).toEqual([staff.id]);

    const booked = await customer.post('/api/appointments', { treatmentId: treatment.id, startsAt: localInstant(date, '10:00') });
    expect(booked.status).toBe(201);
    expect(booked.body).toMatchObject({ status: 'scheduled', priceSatang: 150_000, staff: { id: staff.id } });

    const after = (await slotsOf(customer, treatment.id, date)).map((s) => s.startsAt);
    for (const taken of ['09:15', '09:30', '09:45', '10:00', '10:15', '10:30', '10:45'])
      expect(after).not.toContain(localInstant(date, taken));
    expect(after).toContain(localInstant(date, '09:00'));
    expect(after).toContain(localInstant(date, '11:00'));

    const mine = await customer.get('/api/appointments/mine');
    expect(mine.body.map((a: { id: string }) => a.id)).toEqual([booked.body.id]);
  });

  it('a time outside working hours or inside the minimum notice cannot be booked', async () => {
    const { clinic, treatment } = await clinicWithBookableTreatment();
    const customer = await signInAs(t, await createUser(t, clinic.id, 'customer'));
    const date = localDateInDays(3);
    const early = await customer.post('/api/appointments', { treatmentId: treatment.id, startsAt: localInstant(date, '07:00') });
    expect([early.status, early.body.type]).toEqual([409, '/problems/slot-unavailable']);
    const soon = await customer.post('/api/appointments', {
      treatmentId: treatment.id,
      startsAt: new Date(Date.now() + 30 * 60_000).toISOString(),
    });
    expect(soon.status).toBe(409);
  });

  it('100 concurrent requests for one slot: exactly one wins, every other gets 409, one row exists', async () => {
    const { clinic, treatment, receptionist } = await clinicWithBookableTreatment();
    const date = localDateInDays(4);
    const startsAt = localInstant(date, '11:00');
    const results = await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        receptionist.post('/api/appointments', {
          treatmentId: treatment.id,
          startsAt,
          newCustomer: { fullName: `Walk-in ${i}` },
        }),
      ),
    );
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(99);
    for (const r of results.filter((x) => x.status === 409))
      expect(['/problems/slot-taken', '/problems/slot-unavailable']).toContain(r.body.type);
    const { rows } = await t.db.owner.query(
      `SELECT count(*)::int AS n FROM appointments WHERE clinic_id = $1 AND starts_at = $2`,
      [clinic.id, startsAt],
    );
    expect(rows[0].n).toBe(1);
    // A rejected booking leaves no walk-in customer behind: the write is whole or absent.
    const customers = await t.db.owner.query(
      `SELECT count(*)::int AS n FROM customers WHERE clinic_id = $1 AND full_name LIKE 'Walk-in %'`,
      [clinic.id],
    );
    expect(customers.rows[0].n).toBe(1);
  });

  it('the database itself refuses an overlapping booking for the same staff member, buffers included', async () => {
    const { clinic, treatment, staff } = await clinicWithBookableTreatment({ bufferAfterMinutes: 30 });
    const customer = await createUser(t, clinic.id, 'customer');
    const {
      rows: [c],
    } = await t.db.owner.query('SELECT id FROM customers WHERE user_id = $1', [customer.id]);
    const insert = (start: string, end: string) =>
      t.db.owner.query(
        `INSERT INTO appointments (clinic_id, customer_id, treatment_id, staff_user_id, starts_at, ends_at, buffer_after_minutes, price_satang)
         VALUES ($1, $2, $3, $4, $5, $6, 30, 0)`,
        [clinic.id, c.id, treatment.id, staff.id, start, end],
      );
    await insert('2030-01-07T03:00:00Z', '2030-01-07T04:00:00Z');
    // Starts during the first booking's 30-minute cleanup.
    await expect(insert('2030-01-07T04:15:00Z', '2030-01-07T05:15:00Z')).rejects.toMatchObject({ code: '23P01' });
    await expect(insert('2030-01-07T04:30:00Z', '2030-01-07T05:30:00Z')).resolves.toBeDefined();
  });
});

describe('cancelling and rescheduling', () => {
  it('a customer sees the fee before cancelling late and must accept it', async () => {
    const { clinic, treatment, owner } = await clinicWithBookableTreatment({ priceSatang: 200_000 });
    await owner.put('/api/booking-rules', {
      minNoticeMinutes: 0,
      maxAdvanceDays: 60,
      slotIntervalMinutes: 15,
      cancellationFees: [
        { hoursBefore: 24, feePercent: 50 },
        { hoursBefore: 12, feePercent: 75 },
        { hoursBefore: 6, feePercent: 100 },
      ],
    });
    const customer = await signInAs(t, await createUser(t, clinic.id, 'customer'));
    const date = localDateInDays(1);
    const slots = await slotsOf(customer, treatment.id, date);
    const soonest = slots.find(
      (s) => Date.parse(s.startsAt) - Date.now() < 24 * 3_600_000 && Date.parse(s.startsAt) - Date.now() > 12 * 3_600_000,
    );
    const slot = soonest ?? slots[0]!;
    const booked = await customer.post('/api/appointments', { treatmentId: treatment.id, startsAt: slot.startsAt });
    expect(booked.status).toBe(201);
    const quote = await customer.get(`/api/appointments/${booked.body.id}/cancellation-quote`);
    expect(quote.status).toBe(200);
    const hours = (Date.parse(slot.startsAt) - Date.now()) / 3_600_000;
    const expectedPercent = hours < 6 ? 100 : hours < 12 ? 75 : hours < 24 ? 50 : 0;
    expect(quote.body.feePercent).toBe(expectedPercent);
    expect(quote.body.feeSatang).toBe((200_000 * expectedPercent) / 100);

    if (quote.body.feeSatang > 0) {
      const unconfirmed = await customer.post(`/api/appointments/${booked.body.id}/cancel`, {});
      expect([unconfirmed.status, unconfirmed.body.type, unconfirmed.body.feeSatang]).toEqual([
        409,
        '/problems/fee-confirmation-required',
        quote.body.feeSatang,
      ]);
      const moved = await customer.post(`/api/appointments/${booked.body.id}/reschedule`, {
        startsAt: slots[slots.length - 1]!.startsAt,
      });
      expect([moved.status, moved.body.type]).toEqual([409, '/problems/reschedule-window-closed']);
    }
    const cancelled = await customer.post(`/api/appointments/${booked.body.id}/cancel`, {
      acceptFeeSatang: quote.body.feeSatang,
      reason: 'Feeling unwell',
    });
    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toMatchObject({ status: 'cancelled', cancellationFeeSatang: quote.body.feeSatang });
    // The slot is free again.
    expect((await slotsOf(customer, treatment.id, date)).map((s) => s.startsAt)).toContain(slot.startsAt);
    const again = await customer.post(`/api/appointments/${booked.body.id}/cancel`, { acceptFeeSatang: quote.body.feeSatang });
    expect([again.status, again.body.type, again.body.currentStatus]).toEqual([409, '/problems/invalid-transition', 'cancelled']);
  });

  it('an appointment well ahead is moved for free, and the old time opens up', async () => {
    const { clinic, treatment } = await clinicWithBookableTreatment();
    const customer = await signInAs(t, await createUser(t, clinic.id, 'customer'));
    const date = localDateInDays(5);
    const booked = await customer.post('/api/appointments', { treatmentId: treatment.id, startsAt: localInstant(date, '09:00') });
    const moved = await customer.post(`/api/appointments/${booked.body.id}/reschedule`, {
      startsAt: localInstant(date, '09:30'),
    });
    expect(moved.status).toBe(200);
    expect(moved.body.startsAt).toBe(localInstant(date, '09:30'));
    const open = (await slotsOf(customer, treatment.id, date)).map((s) => s.startsAt);
    expect(open).not.toContain(localInstant(date, '10:00'));
    expect(open).toContain(localInstant(date, '10:30'));
  });

  it('staff move an appointment through its states; an invalid move names the current state', async () => {
    const { clinic, treatment, receptionist } = await clinicWithBookableTreatment();
    const customer = await createUser(t, clinic.id, 'customer');
    const {
      rows: [c],
    } = await t.db.owner.query('SELECT id FROM customers WHERE user_id = $1', [customer.id]);
    const booked = await receptionist.post('/api/appointments', {
      treatmentId: treatment.id,
      startsAt: localInstant(localDateInDays(2), '13:00'),
      customerId: c.id,
    });
    expect(booked.status).toBe(201);
    const complete = await receptionist.post(`/api/appointments/${booked.body.id}/status`, { status: 'completed' });
    expect([complete.status, complete.body.currentStatus]).toEqual([409, 'scheduled']);
    const noShow = await receptionist.post(`/api/appointments/${booked.body.id}/status`, { status: 'confirmed' });
    expect(noShow.body.status).toBe('confirmed');
    const early = await receptionist.post(`/api/appointments/${booked.body.id}/status`, { status: 'no_show' });
    expect(early.status).toBe(409);
    for (const status of ['in_progress', 'completed']) {
      const res = await receptionist.post(`/api/appointments/${booked.body.id}/status`, { status });
      expect(res.body.status).toBe(status);
    }
    const audit = await t.db.owner.query(`SELECT action FROM audit_logs WHERE target_id = $1 ORDER BY created_at, id`, [
      booked.body.id,
    ]);
    expect(audit.rows.map((r) => r.action)).toEqual([
      'appointment.book',
      'appointment.confirmed',
      'appointment.in_progress',
      'appointment.completed',
    ]);
  });

  it('a customer cannot see or cancel another customer’s appointment', async () => {
    const { clinic, treatment } = await clinicWithBookableTreatment();
    const alice = await signInAs(t, await createUser(t, clinic.id, 'customer'));
    const bob = await signInAs(t, await createUser(t, clinic.id, 'customer'));
    const booked = await alice.post('/api/appointments', {
      treatmentId: treatment.id,
      startsAt: localInstant(localDateInDays(6), '15:00'),
    });
    expect((await bob.get(`/api/appointments/${booked.body.id}`)).status).toBe(404);
    expect((await bob.post(`/api/appointments/${booked.body.id}/cancel`, {})).status).toBe(404);
    expect((await bob.get('/api/appointments?from=2020-01-01T00:00:00Z&until=2020-01-02T00:00:00Z')).status).toBe(403);
  });
});

describe('calendar', () => {
  it('staff see the day by staff member and by room, with names, in start order', async () => {
    const { treatment, owner, receptionist, staff } = await clinicWithBookableTreatment();
    const room = await owner.post('/api/rooms', { name: 'Room 1' });
    expect(room.status).toBe(201);
    const date = localDateInDays(7);
    for (const time of ['14:00', '09:00']) {
      const res = await receptionist.post('/api/appointments', {
        treatmentId: treatment.id,
        startsAt: localInstant(date, time),
        newCustomer: { fullName: `Guest ${time}`, phone: '+66 81 234 5678' },
      });
      expect(res.status).toBe(201);
      expect(res.body.room).toEqual({ id: room.body.id, name: 'Room 1' });
    }
    const from = localInstant(date, '00:00');
    const until = localInstant(localDateInDays(8), '00:00');
    const byStaff = await receptionist.get(
      `/api/appointments?from=${encodeURIComponent(from)}&until=${encodeURIComponent(until)}&staffUserId=${staff.id}`,
    );
    expect(byStaff.body.map((a: { customer: { fullName: string } }) => a.customer.fullName)).toEqual([
      'Guest 09:00',
      'Guest 14:00',
    ]);
    const byRoom = await receptionist.get(
      `/api/appointments?from=${encodeURIComponent(from)}&until=${encodeURIComponent(until)}&roomId=${room.body.id}`,
    );
    expect(byRoom.body).toHaveLength(2);
  });

  it("a customer's profile lists their upcoming and past visits", async () => {
    const { treatment, receptionist } = await clinicWithBookableTreatment();
    const first = await receptionist.post('/api/appointments', {
      treatmentId: treatment.id,
      startsAt: localInstant(localDateInDays(9), '10:00'),
      newCustomer: { fullName: 'Regular Guest' },
    });
    const customerId = first.body.customer.id;
    const second = await receptionist.post('/api/appointments', {
      treatmentId: treatment.id,
      startsAt: localInstant(localDateInDays(12), '10:00'),
      customerId,
    });
    expect(second.status).toBe(201);
    const upcoming = await receptionist.get(`/api/customers/${customerId}/appointments?when=upcoming`);
    expect(upcoming.body.map((a: { id: string }) => a.id)).toEqual([first.body.id, second.body.id]);
    expect((await receptionist.get(`/api/customers/${customerId}/appointments?when=past`)).body).toEqual([]);
  });

  it('a customer with appointments cannot be deleted: 409 still-in-use, and nothing changes', async () => {
    const { treatment, receptionist, owner } = await clinicWithBookableTreatment();
    const booked = await receptionist.post('/api/appointments', {
      treatmentId: treatment.id,
      startsAt: localInstant(localDateInDays(10), '10:00'),
      newCustomer: { fullName: 'Kept Guest' },
    });
    const res = await owner.delete(`/api/customers/${booked.body.customer.id}`);
    expect([res.status, res.body.type]).toEqual([409, '/problems/still-in-use']);
    expect((await receptionist.get(`/api/customers/${booked.body.customer.id}`)).status).toBe(200);
  });
});
