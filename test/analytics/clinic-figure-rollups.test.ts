import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clinicPerformance } from '../../src/analytics/clinic-analytics-repo.ts';
import { unsafeWithPlatformAccess, type Tx } from '../../src/db/tenant-transaction.ts';
import { localDateInDays, localInstant, setUpBookableTreatment } from '../support/clinic-operations.ts';
import { createClinic, createUser, signInAs, type TestClinic, type TestUser } from '../support/factories.ts';
import { liveClinicFigures, type LiveFigures } from '../support/live-clinic-figures.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

/**
 * The figures the writes keep (migration 0018) against the same figures computed from the rows
 * themselves, for every clinic, after every kind of write that changes one: bookings, reschedules
 * across days, cancellations, completions, no-shows, deletions, price changes, analyses, customers and
 * staff, clinic-local midnights in zones ahead of and behind UTC, DST changes, a time zone change, and
 * parallel bookings. Past rows are written as the database owner (the services only accept new
 * work); the triggers do not care who wrote.
 */

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.stop());

const PLATFORM = { clinicId: null, userId: null, role: 'super_admin' } as const;
const asPlatform = <T>(work: (tx: Tx) => Promise<T>) => unsafeWithPlatformAccess(t.db.app, PLATFORM, work, { readOnly: true });

type Period = { from: string; to: string };
const comparable = (f: LiveFigures) => ({
  active_staff: f.active_staff,
  customers: f.customers,
  new_customers: f.new_customers,
  appointments: f.appointments,
  completed: f.completed,
  cancelled: f.cancelled,
  no_shows: f.no_shows,
  revenue_satang: String(f.revenue_satang),
  analyses_completed: f.analyses_completed,
  last_activity_at: f.last_activity_at?.toISOString() ?? null,
});

/** Every clinic's figures for the period, both ways, and the platform's totals from the rollups. */
async function bothWays(period: Period) {
  const rolled = await asPlatform((tx) =>
    clinicPerformance(tx, { period, sort: 'revenue', order: 'desc', after: null, limit: 100_000 }),
  );
  const live = await asPlatform((tx) => liveClinicFigures(tx, period));
  return {
    rolled: Object.fromEntries(rolled.clinics.map((row) => [row.id, comparable(row)])),
    live: Object.fromEntries([...live].map(([id, row]) => [id, comparable(row)])),
    totals: rolled.totals,
    liveRows: [...live.values()],
  };
}

async function expectRollupsEqualLive(periods: Period[], step: string): Promise<void> {
  for (const period of periods) {
    const { rolled, live, totals, liveRows } = await bothWays(period);
    expect(rolled, `${step}: ${period.from}..${period.to}`).toEqual(live);
    const sum = (pick: (f: LiveFigures) => number) => liveRows.reduce((s, f) => s + pick(f), 0);
    expect(
      {
        clinics: totals.clinics,
        appointments: totals.appointments,
        completed: totals.completed,
        revenue: String(totals.revenue_satang),
        newCustomers: totals.new_customers,
      },
      `${step}: totals ${period.from}..${period.to}`,
    ).toEqual({
      clinics: liveRows.length,
      appointments: sum((f) => f.appointments),
      completed: sum((f) => f.completed),
      revenue: String(sum((f) => Number(f.revenue_satang))),
      newCustomers: sum((f) => f.new_customers),
    });
  }
}

/** Single days at and around the instants below, and periods that start, end or lie inside them. */
const PERIODS: Period[] = [
  { from: '2025-02-28', to: '2025-02-28' },
  { from: '2025-03-01', to: '2025-03-01' },
  { from: '2025-03-01', to: '2025-03-31' },
  { from: '2025-03-02', to: '2025-03-31' },
  { from: '2025-03-08', to: '2025-03-08' },
  { from: '2025-03-09', to: '2025-03-09' },
  { from: '2025-03-10', to: '2025-04-08' },
  { from: '2025-11-01', to: '2025-11-02' },
  { from: '2025-11-02', to: '2025-11-02' },
  { from: '2025-11-03', to: '2025-11-03' },
  { from: '2025-01-01', to: '2025-12-31' },
  { from: '2024-12-31', to: '2025-12-31' },
  { from: '2026-01-01', to: '2026-01-01' },
];

interface Arranged extends TestClinic {
  staff: TestUser;
  treatmentId: string;
  customerId: string;
}

async function arrangeClinic(timeZone: string): Promise<Arranged> {
  const clinic = await createClinic(t, { tier: 'professional' });
  if (timeZone !== 'Asia/Bangkok')
    await t.db.owner.query('UPDATE clinics SET time_zone = $2 WHERE id = $1', [clinic.id, timeZone]);
  await createUser(t, clinic.id, 'clinic_owner');
  const staff = await createUser(t, clinic.id, 'clinic_staff');
  const {
    rows: [treatment],
  } = await t.db.owner.query<{ id: string }>(
    `INSERT INTO treatments (clinic_id, name_en, category, duration_minutes, price_satang) VALUES ($1, 'Peel', 'facial', 30, 100000) RETURNING id`,
    [clinic.id],
  );
  const customerId = await insertCustomer(clinic.id, '2024-06-01T00:00:00Z');
  return { ...clinic, staff, treatmentId: treatment!.id, customerId };
}

async function insertCustomer(clinicId: string, createdAt: string): Promise<string> {
  const { rows } = await t.db.owner.query<{ id: string }>(
    `INSERT INTO customers (clinic_id, full_name, created_at) VALUES ($1, 'Walk-in', $2) RETURNING id`,
    [clinicId, createdAt],
  );
  return rows[0]!.id;
}

async function insertAppointment(
  clinic: Arranged,
  startsAt: string,
  status = 'scheduled',
  priceSatang = 100_000,
): Promise<string> {
  const { rows } = await t.db.owner.query<{ id: string }>(
    `INSERT INTO appointments (clinic_id, customer_id, treatment_id, staff_user_id, starts_at, ends_at, status, price_satang)
     VALUES ($1, $2, $3, $4, $5, $5::timestamptz + interval '1 millisecond', $6, $7) RETURNING id`,
    [clinic.id, clinic.customerId, clinic.treatmentId, clinic.staff.id, startsAt, status, priceSatang],
  );
  return rows[0]!.id;
}

const updateAppointment = (id: string, set: string, values: unknown[] = []) =>
  t.db.owner.query(`UPDATE appointments SET ${set}, updated_at = now() WHERE id = $1`, [id, ...values]);

async function insertAnalysis(clinic: Arranged, status: string, finishedAt: string | null): Promise<string> {
  const { rows } = await t.db.owner.query<{ id: string }>(
    `INSERT INTO skin_analyses (clinic_id, customer_id, requested_by_user_id, provider, status, photo_sha256, photo_format, stored_bytes,
                                width, height, working_width, working_height, quota_month, created_at, finished_at)
     VALUES ($1, $2, $3, 'local', $4, $5, 'jpeg', 1000, 1080, 1080, 1080, 1080, '2025-03', coalesce($6::timestamptz, now()) - interval '1 minute', $6)
     RETURNING id`,
    [clinic.id, clinic.customerId, clinic.staff.id, status, randomBytes(32).toString('hex'), finishedAt],
  );
  return rows[0]!.id;
}

describe('rollups equal the live computation', () => {
  it('after bookings, reschedules across days, cancellations, completions, no-shows, deletions and price changes', async () => {
    const clinic = await arrangeClinic('Asia/Bangkok');
    await expectRollupsEqualLive(PERIODS, 'arranged');

    // 1 March 00:00 in Bangkok is 28 February 17:00 UTC; a minute before is still 28 February there.
    const firstOfMarch = await insertAppointment(clinic, '2025-02-28T17:00:00Z');
    const lastOfFebruary = await insertAppointment(clinic, '2025-02-28T16:59:00Z');
    const midMarch = await insertAppointment(clinic, '2025-03-15T03:00:00Z');
    const sameDayAgain = await insertAppointment(clinic, '2025-03-15T05:00:00Z');
    await expectRollupsEqualLive(PERIODS, 'booked');

    await updateAppointment(midMarch, `starts_at = '2025-04-02T03:00:00Z', ends_at = '2025-04-02T04:00:00Z'`);
    await updateAppointment(sameDayAgain, `starts_at = '2025-03-15T09:00:00Z', ends_at = '2025-03-15T10:00:00Z'`);
    await expectRollupsEqualLive(PERIODS, 'rescheduled to another day and within the day');

    await updateAppointment(firstOfMarch, `status = 'completed'`);
    await updateAppointment(lastOfFebruary, `status = 'no_show'`);
    await updateAppointment(sameDayAgain, `status = 'cancelled', cancelled_at = now()`);
    await expectRollupsEqualLive(PERIODS, 'completed, no-show, cancelled');

    await updateAppointment(firstOfMarch, 'price_satang = $2', [123_456]);
    await updateAppointment(
      midMarch,
      `status = 'completed', starts_at = '2025-03-31T16:59:00Z', ends_at = '2025-03-31T17:30:00Z'`,
    );
    await expectRollupsEqualLive(PERIODS, 'price changed; completed and moved in one statement');

    await updateAppointment(firstOfMarch, `status = 'in_progress'`);
    await t.db.owner.query('DELETE FROM appointments WHERE id = $1', [lastOfFebruary]);
    await expectRollupsEqualLive(PERIODS, 'completion undone; no-show deleted');

    // Many rows of one clinic in one statement, on days with and without running totals.
    await t.db.owner.query(
      `INSERT INTO appointments (clinic_id, customer_id, treatment_id, staff_user_id, starts_at, ends_at, status, price_satang)
       SELECT $1, $2, $3, $4, s, s + interval '1 minute', CASE WHEN i % 3 = 0 THEN 'completed' WHEN i % 3 = 1 THEN 'cancelled' ELSE 'no_show' END, 1000 * i
       FROM generate_series(1, 40) i, LATERAL (SELECT '2025-02-20T10:00:00Z'::timestamptz + i * interval '7 hours') x(s)`,
      [clinic.id, clinic.customerId, clinic.treatmentId, clinic.staff.id],
    );
    await t.db.owner.query(
      `UPDATE appointments SET price_satang = price_satang + 1 WHERE clinic_id = $1 AND status = 'completed'`,
      [clinic.id],
    );
    await expectRollupsEqualLive(PERIODS, 'bulk insert and bulk price change');
    await t.db.owner.query(`DELETE FROM appointments WHERE clinic_id = $1 AND status = 'cancelled'`, [clinic.id]);
    await expectRollupsEqualLive(PERIODS, 'bulk delete');
  });

  it("a clinic's own midnight decides the day: zones ahead of and behind UTC, and both DST changes", async () => {
    const newYork = await arrangeClinic('America/New_York');
    const kiritimati = await arrangeClinic('Pacific/Kiritimati');
    const pagoPago = await arrangeClinic('Pacific/Pago_Pago');
    // New York, spring forward on 9 March 2025 (a 23-hour day) and fall back on 2 November (25 hours).
    for (const at of [
      '2025-03-09T04:59:59.999Z', // 8 March 23:59:59.999 EST
      '2025-03-09T05:00:00Z', // 9 March 00:00 EST
      '2025-03-10T03:59:59Z', // 9 March 23:59:59 EDT
      '2025-03-10T04:00:00Z', // 10 March 00:00 EDT
      '2025-11-02T04:00:00Z', // 2 November 00:00 EDT
      '2025-11-02T05:30:00Z', // 2 November 01:30 EDT, the first of two
      '2025-11-02T06:30:00Z', // 2 November 01:30 EST, the second
      '2025-11-03T04:59:00Z', // 2 November 23:59 EST
      '2025-11-03T05:00:00Z', // 3 November 00:00 EST
    ])
      await insertAppointment(newYork, at, 'completed', 10_000);
    // UTC+14 and UTC-11: the same instant is on different days there.
    for (const clinic of [kiritimati, pagoPago]) {
      await insertAppointment(clinic, '2025-02-28T10:00:00Z', 'completed', 20_000);
      await insertAppointment(clinic, '2025-03-01T10:59:00Z', 'no_show');
      await insertAppointment(clinic, '2025-03-31T10:00:00Z', 'completed', 30_000);
      await insertCustomer(clinic.id, '2025-03-01T10:00:00Z');
    }
    await expectRollupsEqualLive(PERIODS, 'zones');

    // And by hand, so the two cannot agree on a wrong day.
    const { rolled } = await bothWays({ from: '2025-03-09', to: '2025-03-09' });
    expect(rolled[newYork.id]).toMatchObject({ appointments: 2, revenue_satang: '20000' });
    const fallBack = await bothWays({ from: '2025-11-02', to: '2025-11-02' });
    expect(fallBack.rolled[newYork.id]).toMatchObject({ appointments: 4 });
    const firstOfMarch = await bothWays({ from: '2025-03-01', to: '2025-03-01' });
    // 28 Feb 10:00 UTC is 1 March 00:00 in Kiritimati; 1 March 10:59 UTC is 28 February 23:59 in Pago Pago.
    expect(firstOfMarch.rolled[kiritimati.id]).toMatchObject({ appointments: 1, completed: 1, new_customers: 0 });
    expect(firstOfMarch.rolled[pagoPago.id]).toMatchObject({ appointments: 0, new_customers: 0 });
  });

  it("changing a clinic's time zone moves its figures to its new local days", async () => {
    const clinic = await arrangeClinic('Asia/Bangkok');
    await insertAppointment(clinic, '2025-03-01T02:00:00Z', 'completed', 50_000);
    await insertCustomer(clinic.id, '2025-03-01T02:00:00Z');
    await insertAnalysis(clinic, 'completed', '2025-03-01T02:00:00Z');
    const before = await bothWays({ from: '2025-03-01', to: '2025-03-01' });
    expect(before.rolled[clinic.id]).toMatchObject({ appointments: 1, new_customers: 1, analyses_completed: 1 });

    // 02:00 UTC on 1 March is 28 February 21:00 in New York.
    await t.db.owner.query(`UPDATE clinics SET time_zone = 'America/New_York' WHERE id = $1`, [clinic.id]);
    const after = await bothWays({ from: '2025-03-01', to: '2025-03-01' });
    expect(after.rolled[clinic.id]).toMatchObject({ appointments: 0, new_customers: 0, analyses_completed: 0 });
    const feb28 = await bothWays({ from: '2025-02-28', to: '2025-02-28' });
    expect(feb28.rolled[clinic.id]).toMatchObject({ appointments: 1, new_customers: 1, analyses_completed: 1 });
    await expectRollupsEqualLive(PERIODS, 'time zone changed');
  });

  it('analyses count on the day they complete; queued, failed and rejected ones do not', async () => {
    const clinic = await arrangeClinic('Asia/Ho_Chi_Minh');
    const running = await insertAnalysis(clinic, 'queued', null);
    await insertAnalysis(clinic, 'failed', '2025-03-05T01:00:00Z');
    const rejected = await insertAnalysis(clinic, 'analysing', null);
    const done = await insertAnalysis(clinic, 'completed', '2025-03-31T16:59:00Z');
    await expectRollupsEqualLive(PERIODS, 'analyses inserted');

    await t.db.owner.query('UPDATE skin_analyses SET progress = 40 WHERE id = $1', [running]);
    await t.db.owner.query(
      `UPDATE skin_analyses SET status = 'completed', progress = 100, finished_at = '2025-03-09T10:00:00Z' WHERE id = $1`,
      [running],
    );
    await t.db.owner.query(`UPDATE skin_analyses SET status = 'rejected', finished_at = '2025-03-09T11:00:00Z' WHERE id = $1`, [
      rejected,
    ]);
    await t.db.owner.query(`UPDATE skin_analyses SET finished_at = '2025-03-31T17:00:00Z' WHERE id = $1`, [done]);
    await expectRollupsEqualLive(PERIODS, 'analyses completed, rejected, moved past midnight');
    await t.db.owner.query('DELETE FROM skin_analyses WHERE id = $1', [running]);
    await expectRollupsEqualLive(PERIODS, 'analysis deleted');
  });

  it('customers added and removed, staff added, disabled, signed in and leaving: the current figures follow', async () => {
    const clinic = await arrangeClinic('Asia/Singapore');
    const walkIn = await insertCustomer(clinic.id, '2025-02-28T16:00:00Z');
    const extra = await createUser(t, clinic.id, 'receptionist');
    await createUser(t, clinic.id, 'customer');
    await expectRollupsEqualLive(PERIODS, 'added');

    await t.db.owner.query('UPDATE customers SET full_name = $2 WHERE id = $1', [walkIn, 'Renamed']);
    await t.db.owner.query('DELETE FROM customers WHERE id = $1', [walkIn]);
    await t.db.owner.query('UPDATE users SET disabled_at = now() WHERE id = $1', [clinic.staff.id]);
    await signInAs(t, extra);
    await expectRollupsEqualLive(PERIODS, 'customer removed, staff disabled, staff signed in');

    await t.db.owner.query(`UPDATE users SET role = 'customer' WHERE id = $1`, [extra.id]);
    await expectRollupsEqualLive(PERIODS, 'staff became a customer account');
    // Only the owner is left on the staff; the receptionist's sign-in no longer counts as staff activity.
    const { rolled } = await bothWays(PERIODS[0]!);
    expect(rolled[clinic.id]!.active_staff).toBe(1);
  });
});

describe('the last N days', () => {
  it("end on each clinic's own local today: at 18:00 UTC a Bangkok clinic's today is already the next day", async () => {
    const bangkok = await arrangeClinic('Asia/Bangkok');
    const utc = await arrangeClinic('UTC');
    // 20:00 UTC on 10 March: 11 March in Bangkok, still 10 March in UTC.
    for (const clinic of [bangkok, utc]) await insertAppointment(clinic, '2025-03-10T20:00:00Z', 'completed', 70_000);
    const now = new Date('2025-03-10T18:00:00Z');
    const rolled = async (days: number) => {
      const { clinics } = await asPlatform((tx) =>
        clinicPerformance(tx, { period: { days, now }, sort: 'revenue', order: 'desc', after: null, limit: 100_000 }),
      );
      const of = (id: string) => comparable(clinics.find((row) => row.id === id)!);
      return { bangkok: of(bangkok.id), utc: of(utc.id) };
    };
    const live = async (period: Period, clinic: Arranged) =>
      comparable((await asPlatform((tx) => liveClinicFigures(tx, period))).get(clinic.id)!);

    const today = await rolled(1);
    expect(today.bangkok).toMatchObject({ appointments: 1, revenue_satang: '70000' });
    expect(today.bangkok).toEqual(await live({ from: '2025-03-11', to: '2025-03-11' }, bangkok));
    expect(today.utc).toMatchObject({ appointments: 1, revenue_satang: '70000' });
    expect(today.utc).toEqual(await live({ from: '2025-03-10', to: '2025-03-10' }, utc));
    const week = await rolled(7);
    expect(week.bangkok).toEqual(await live({ from: '2025-03-05', to: '2025-03-11' }, bangkok));
    expect(week.utc).toEqual(await live({ from: '2025-03-04', to: '2025-03-10' }, utc));
  });
});

describe('through the API, as the application role', () => {
  it('bookings, a reschedule to another day and a cancellation keep the rollups exact', async () => {
    const clinic = await createClinic(t, { tier: 'professional' });
    const owner = await signInAs(t, await createUser(t, clinic.id, 'clinic_owner'));
    const staff = await createUser(t, clinic.id, 'clinic_staff');
    const treatment = await setUpBookableTreatment(owner, staff.id, { durationMinutes: 15 });
    const receptionist = await signInAs(t, await createUser(t, clinic.id, 'receptionist'));
    const days = [localDateInDays(3), localDateInDays(4)];
    const soon: Period[] = [
      { from: days[0]!, to: days[0]! },
      { from: days[1]!, to: days[1]! },
      { from: localDateInDays(-1), to: localDateInDays(30) },
    ];

    const booked = await receptionist.post('/api/appointments', {
      treatmentId: treatment.id,
      startsAt: localInstant(days[0]!, '10:00'),
      newCustomer: { fullName: 'Walk-in' },
    });
    expect(booked.status, JSON.stringify(booked.body)).toBe(201);
    const moved = await receptionist.post(`/api/appointments/${booked.body.id}/reschedule`, {
      startsAt: localInstant(days[1]!, '11:00'),
    });
    expect(moved.status, JSON.stringify(moved.body)).toBe(200);
    await expectRollupsEqualLive(soon, 'booked and rescheduled');
    expect((await bothWays(soon[1]!)).rolled[clinic.id]).toMatchObject({ appointments: 1, new_customers: 0 });

    const cancelled = await receptionist.post(`/api/appointments/${booked.body.id}/cancel`, {});
    expect(cancelled.status, JSON.stringify(cancelled.body)).toBe(200);
    await expectRollupsEqualLive(soon, 'cancelled');
    expect((await bothWays(soon[1]!)).rolled[clinic.id]).toMatchObject({ appointments: 1, cancelled: 1 });
  });

  it('parallel bookings on the same day, with new customers, are each counted once', async () => {
    const clinic = await createClinic(t, { tier: 'enterprise' });
    const owner = await signInAs(t, await createUser(t, clinic.id, 'clinic_owner'));
    const staff = await Promise.all([createUser(t, clinic.id, 'clinic_staff'), createUser(t, clinic.id, 'clinic_staff')]);
    const treatments = [];
    for (const member of staff) treatments.push(await setUpBookableTreatment(owner, member.id, { durationMinutes: 15 }));
    const receptionist = await signInAs(t, await createUser(t, clinic.id, 'receptionist'));
    const day = localDateInDays(5);
    const times = Array.from(
      { length: 12 },
      (_, i) => `${String(9 + Math.floor(i / 4)).padStart(2, '0')}:${String((i % 4) * 15).padStart(2, '0')}`,
    );
    const results = await Promise.all(
      treatments.flatMap((treatment, s) =>
        times.map((time, i) =>
          receptionist.post('/api/appointments', {
            treatmentId: treatment.id,
            startsAt: localInstant(day, time),
            newCustomer: { fullName: `Parallel ${s}-${i}` },
          }),
        ),
      ),
    );
    expect(results.map((r) => r.status)).toEqual(Array(24).fill(201));
    const today = localDateInDays(0);
    await expectRollupsEqualLive(
      [
        { from: day, to: day },
        { from: today, to: today },
      ],
      'parallel bookings',
    );
    expect((await bothWays({ from: day, to: day })).rolled[clinic.id]).toMatchObject({ appointments: 24 });
    expect((await bothWays({ from: today, to: today })).rolled[clinic.id]).toMatchObject({ new_customers: 24, customers: 24 });
  });
});
