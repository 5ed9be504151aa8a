import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../src/users/role-vocabulary.ts';
import { createClinic, createUser, signInAs, type TestUser } from '../support/factories.ts';
import type { HttpClient } from '../support/http-client.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

/**
 * A clinic's own report. Its figures are checked against the arranged rows themselves, counted here in
 * plain code: appointments (completed, cancelled, no-show, still confirmed) in the period, the one
 * before it and outside both, on the clinic's local midnight edges (Bangkok, UTC+7), by two staff
 * members and two treatments, for customers added before and within the period. Rows in the past are
 * written as the database owner: the booking service only accepts future slots.
 */

let t: TestApp;
let owner: HttpClient;
const clinic = {} as {
  id: string;
  slug: string;
  staff: Record<'aom' | 'ben', TestUser>;
  treatments: Record<'facial' | 'peel', string>;
};
const customers = {} as Record<'regular' | 'other' | 'newcomer', string>;

const PERIOD = { from: '2025-03-01', to: '2025-03-31' };
const PREVIOUS = { from: '2025-01-29', to: '2025-02-28' };
const CUSTOMERS_ADDED = { regular: '2025-01-01', other: '2025-01-01', newcomer: '2025-03-05' } as const;

interface Visit {
  status: 'completed' | 'cancelled' | 'no_show' | 'confirmed';
  /** The clinic's local day and time. */
  day: string;
  time: string;
  staff: 'aom' | 'ben';
  treatment: 'facial' | 'peel';
  customer: keyof typeof customers;
  priceSatang: number;
}

const VISITS: Visit[] = [
  // 1 March 00:30 in Bangkok is still 28 February in UTC; 31 March 23:30 is in it, 1 April 02:00 (31 March in UTC) is not.
  {
    status: 'completed',
    day: '2025-03-01',
    time: '00:30',
    staff: 'aom',
    treatment: 'facial',
    customer: 'regular',
    priceSatang: 100_000,
  },
  {
    status: 'completed',
    day: '2025-03-10',
    time: '10:00',
    staff: 'ben',
    treatment: 'peel',
    customer: 'newcomer',
    priceSatang: 250_000,
  },
  {
    status: 'completed',
    day: '2025-03-20',
    time: '10:00',
    staff: 'aom',
    treatment: 'peel',
    customer: 'regular',
    priceSatang: 300_000,
  },
  {
    status: 'completed',
    day: '2025-03-21',
    time: '11:00',
    staff: 'aom',
    treatment: 'facial',
    customer: 'regular',
    priceSatang: 120_000,
  },
  {
    status: 'cancelled',
    day: '2025-03-11',
    time: '09:00',
    staff: 'aom',
    treatment: 'facial',
    customer: 'other',
    priceSatang: 90_000,
  },
  {
    status: 'no_show',
    day: '2025-03-12',
    time: '09:00',
    staff: 'ben',
    treatment: 'facial',
    customer: 'other',
    priceSatang: 120_000,
  },
  {
    status: 'confirmed',
    day: '2025-03-31',
    time: '23:30',
    staff: 'aom',
    treatment: 'facial',
    customer: 'newcomer',
    priceSatang: 150_000,
  },
  {
    status: 'completed',
    day: '2025-02-10',
    time: '10:00',
    staff: 'aom',
    treatment: 'facial',
    customer: 'regular',
    priceSatang: 100_000,
  },
  {
    status: 'no_show',
    day: '2025-02-11',
    time: '10:00',
    staff: 'ben',
    treatment: 'facial',
    customer: 'other',
    priceSatang: 120_000,
  },
  {
    status: 'completed',
    day: '2025-02-28',
    time: '23:30',
    staff: 'ben',
    treatment: 'peel',
    customer: 'other',
    priceSatang: 200_000,
  },
  {
    status: 'completed',
    day: '2025-04-01',
    time: '02:00',
    staff: 'aom',
    treatment: 'facial',
    customer: 'regular',
    priceSatang: 999_000,
  },
  {
    status: 'completed',
    day: '2025-01-28',
    time: '12:00',
    staff: 'aom',
    treatment: 'facial',
    customer: 'regular',
    priceSatang: 999_000,
  },
];
const ANALYSES_FINISHED = ['2025-03-05', '2025-03-31', '2025-02-20'];

beforeAll(async () => {
  t = await startTestApp();
  const created = await createClinic(t);
  await createUser(t, created.id, 'clinic_owner').then(async (user) => (owner = await signInAs(t, user)));
  clinic.id = created.id;
  clinic.slug = created.slug;
  clinic.staff = { aom: await createStaff('Aom, "the" therapist'), ben: await createStaff('=Ben') };
  clinic.treatments = { facial: await createTreatment('Hydrating facial'), peel: await createTreatment('Peel, deluxe') };
  for (const [key, day] of Object.entries(CUSTOMERS_ADDED)) {
    const { rows } = await t.db.owner.query<{ id: string }>(
      `INSERT INTO customers (clinic_id, full_name, created_at) VALUES ($1, $2, ($3::date + time '12:00') AT TIME ZONE 'Asia/Bangkok') RETURNING id`,
      [clinic.id, key, day],
    );
    customers[key as keyof typeof customers] = rows[0]!.id;
  }
  for (const v of VISITS) {
    await t.db.owner.query(
      `INSERT INTO appointments (clinic_id, customer_id, treatment_id, staff_user_id, starts_at, ends_at, status, price_satang)
       VALUES ($1, $2, $3, $4, $5, $5::timestamptz + interval '1 hour', $6, $7)`,
      [
        clinic.id,
        customers[v.customer],
        clinic.treatments[v.treatment],
        clinic.staff[v.staff].id,
        instant(v.day, v.time),
        v.status,
        v.priceSatang,
      ],
    );
  }
  for (const day of ANALYSES_FINISHED) {
    await t.db.owner.query(
      `INSERT INTO skin_analyses (clinic_id, customer_id, requested_by_user_id, provider, status, photo_sha256, photo_format, stored_bytes,
                                  width, height, working_width, working_height, quota_month, created_at, finished_at)
       VALUES ($1, $2, $3, 'local', 'completed', $4, 'jpeg', 1000, 1080, 1080, 1080, 1080, '2025-03', $5::timestamptz - interval '1 minute', $5)`,
      [clinic.id, customers.regular, clinic.staff.aom.id, randomBytes(32).toString('hex'), instant(day, '15:00')],
    );
  }
  // Another clinic busy on the same days: none of it may show.
  const other = await createClinic(t);
  const otherStaff = await createUser(t, other.id, 'clinic_staff');
  const otherCustomer = await createUser(t, other.id, 'customer');
  const {
    rows: [otherTreatment],
  } = await t.db.owner.query<{ id: string }>(
    `INSERT INTO treatments (clinic_id, name_en, category, duration_minutes, price_satang) VALUES ($1, 'Other facial', 'facial', 60, 1) RETURNING id`,
    [other.id],
  );
  await t.db.owner.query(
    `INSERT INTO appointments (clinic_id, customer_id, treatment_id, staff_user_id, starts_at, ends_at, status, price_satang)
     SELECT $1, c.id, $2, $3, $4, $4::timestamptz + interval '1 hour', 'completed', 777000 FROM customers c WHERE c.user_id = $5`,
    [other.id, otherTreatment!.id, otherStaff.id, instant('2025-03-15', '10:00'), otherCustomer.id],
  );
});

afterAll(async () => {
  await t?.close();
});

const instant = (day: string, time: string) => `${day}T${time}:00+07:00`;

async function createStaff(fullName: string): Promise<TestUser> {
  const user = await createUser(t, clinic.id, 'clinic_staff');
  await t.db.owner.query('UPDATE users SET full_name = $2 WHERE id = $1', [user.id, fullName]);
  return user;
}

async function createTreatment(name: string): Promise<string> {
  const { rows } = await t.db.owner.query<{ id: string }>(
    `INSERT INTO treatments (clinic_id, name_en, category, duration_minutes, price_satang) VALUES ($1, $2, 'facial', 60, 100000) RETURNING id`,
    [clinic.id, name],
  );
  return rows[0]!.id;
}

const query = (params: Record<string, string>) => new URLSearchParams(params).toString();
const within = (day: string, span: { from: string; to: string }) => day >= span.from && day <= span.to;
const ratio = (part: number, whole: number) => (whole === 0 ? null : Math.round((part / whole) * 10_000) / 10_000);

/** The appointment figures of some arranged visits, counted one by one. */
function appointmentFiguresOf(visits: Visit[]) {
  const count = (status: Visit['status']) => visits.filter((v) => v.status === status).length;
  const completed = count('completed');
  const cancelled = count('cancelled');
  const noShows = count('no_show');
  return {
    bookings: visits.length,
    completed,
    cancelled,
    noShows,
    completionRate: ratio(completed, completed + cancelled + noShows),
    noShowRate: ratio(noShows, completed + noShows),
    revenueSatang: visits.filter((v) => v.status === 'completed').reduce((sum, v) => sum + v.priceSatang, 0),
  };
}

/** Everything the report says about a run of local days, from the arranged rows. */
function figuresCounted(span: { from: string; to: string }) {
  const visits = VISITS.filter((v) => within(v.day, span));
  const returning = new Set(
    visits.filter((v) => v.status === 'completed' && CUSTOMERS_ADDED[v.customer] < span.from).map((v) => v.customer),
  );
  return {
    ...appointmentFiguresOf(visits),
    newCustomers: Object.values(CUSTOMERS_ADDED).filter((day) => within(day, span)).length,
    returningCustomers: returning.size,
    analysesCompleted: ANALYSES_FINISHED.filter((day) => within(day, span)).length,
  };
}

describe('the clinic report', () => {
  it("equals the figures counted from the arranged rows, for the period and the one before, on the clinic's local days", async () => {
    const res = await owner.get(`/api/reports/performance?${query({ ...PERIOD, groupBy: 'week' })}`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({
      timeZone: 'Asia/Bangkok',
      groupBy: 'week',
      period: { ...PERIOD, days: 31 },
      previousPeriod: PREVIOUS,
    });
    expect(res.body.summary.current).toEqual(figuresCounted(PERIOD));
    expect(res.body.summary.previous).toEqual(figuresCounted(PREVIOUS));
    // Sanity of the arrangement itself: each figure is there to be counted.
    expect(res.body.summary.current).toMatchObject({
      bookings: 7,
      completed: 4,
      revenueSatang: 770_000,
      newCustomers: 1,
      returningCustomers: 1,
    });
  });

  it('cuts the period into weeks from Monday, the first and last cut at its edges, each equal to its own count', async () => {
    const res = await owner.get(`/api/reports/performance?${query({ ...PERIOD, groupBy: 'week' })}`);
    const weeks = [
      ['2025-03-01', '2025-03-02'],
      ['2025-03-03', '2025-03-09'],
      ['2025-03-10', '2025-03-16'],
      ['2025-03-17', '2025-03-23'],
      ['2025-03-24', '2025-03-30'],
      ['2025-03-31', '2025-03-31'],
    ];
    expect(res.body.series).toEqual(weeks.map(([from, to]) => ({ from, to, ...figuresCounted({ from: from!, to: to! }) })));
  });

  it('by month and by day over the same days adds up to the period', async () => {
    const months = await owner.get(
      `/api/reports/performance?${query({ from: '2025-02-01', to: '2025-03-31', groupBy: 'month' })}`,
    );
    expect(months.body.series).toEqual([
      { from: '2025-02-01', to: '2025-02-28', ...figuresCounted({ from: '2025-02-01', to: '2025-02-28' }) },
      { from: '2025-03-01', to: '2025-03-31', ...figuresCounted(PERIOD) },
    ]);
    const days = await owner.get(`/api/reports/performance?${query(PERIOD)}`);
    expect(days.body.series).toHaveLength(31);
    const sum = (key: 'bookings' | 'revenueSatang' | 'analysesCompleted') =>
      days.body.series.reduce((total: number, d: Record<string, number>) => total + d[key]!, 0);
    expect([sum('bookings'), sum('revenueSatang'), sum('analysesCompleted')]).toEqual([7, 770_000, 2]);
  });

  it('breaks the period down per staff member and per treatment', async () => {
    const res = await owner.get(`/api/reports/performance?${query(PERIOD)}`);
    const inPeriod = VISITS.filter((v) => within(v.day, PERIOD));
    const per = <K extends 'staff' | 'treatment'>(key: K, value: Visit[K]) => {
      const visits = inPeriod.filter((v) => v[key] === value);
      return { ...appointmentFiguresOf(visits), customers: new Set(visits.map((v) => v.customer)).size };
    };
    expect(res.body.staff).toEqual([
      { staffId: clinic.staff.aom.id, name: 'Aom, "the" therapist', ...per('staff', 'aom') },
      { staffId: clinic.staff.ben.id, name: '=Ben', ...per('staff', 'ben') },
    ]);
    expect(res.body.treatments).toEqual([
      { treatmentId: clinic.treatments.peel, name: { en: 'Peel, deluxe', th: null, zh: null }, ...per('treatment', 'peel') },
      {
        treatmentId: clinic.treatments.facial,
        name: { en: 'Hydrating facial', th: null, zh: null },
        ...per('treatment', 'facial'),
      },
    ]);
  });

  it('the last N days end on the clinic’s own today', async () => {
    const res = await owner.get('/api/reports/performance?days=7');
    expect(res.status).toBe(200);
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Bangkok' }).format(new Date());
    expect(res.body.period).toMatchObject({ to: today, days: 7 });
    expect(res.body.series).toHaveLength(7);
  });

  it.each([
    ['from without to', { from: '2025-03-01' }, 'querystring.to'],
    ['a period longer than 366 days', { from: '2024-01-01', to: '2025-01-01' }, 'querystring.from'],
    ['to before from', { from: '2025-03-02', to: '2025-03-01' }, 'querystring.from'],
    ['an unknown grouping', { ...PERIOD, groupBy: 'year' }, 'querystring.groupBy'],
    ['days and dates together', { ...PERIOD, days: '7' }, 'querystring.days'],
  ])('%s is a 400 naming the field', async (_name, params, path) => {
    const res = await owner.get(`/api/reports/performance?${query(params)}`);
    expect(res.status).toBe(400);
    expect(res.body.type).toBe('/problems/validation-failed');
    expect(res.body.errors.map((e: { path: string }) => e.path)).toContain(path);
  });
});

describe('the CSV downloads', () => {
  const csvRows = (body: string) =>
    body
      .replace(/^\uFEFF/, '')
      .trimEnd()
      .split('\r\n');

  it('hold the period rows as the report does, with a file name, days in the clinic’s zone and baht', async () => {
    const res = await owner.get(`/api/reports/performance/periods.csv?${query({ ...PERIOD, groupBy: 'month' })}`);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toBe(`attachment; filename="${clinic.slug}-periods-2025-03-01-to-2025-03-31.csv"`);
    const counted = figuresCounted(PERIOD);
    expect(csvRows(res.body)).toEqual([
      'from,to,bookings,completed,cancelled,no_shows,completion_rate,no_show_rate,revenue_thb,new_customers,returning_customers,analyses_completed',
      [
        '2025-03-01',
        '2025-03-31',
        counted.bookings,
        counted.completed,
        counted.cancelled,
        counted.noShows,
        counted.completionRate,
        counted.noShowRate,
        '7700.00',
        counted.newCustomers,
        counted.returningCustomers,
        counted.analysesCompleted,
      ].join(','),
    ]);
  });

  it('quote names holding commas and quotes, and keep a name that starts like a formula as text', async () => {
    const staff = await owner.get(`/api/reports/performance/staff.csv?${query(PERIOD)}`);
    const [header, aom, ben] = csvRows(staff.body);
    expect(header).toBe(
      'staff_id,staff_name,bookings,completed,cancelled,no_shows,completion_rate,no_show_rate,revenue_thb,customers',
    );
    expect(aom).toMatch(new RegExp(`^${clinic.staff.aom.id},"Aom, ""the"" therapist",5,3,1,0,0\\.75,0,5200\\.00,3$`));
    expect(ben).toBe(`${clinic.staff.ben.id},'=Ben,2,1,0,1,0.5,0.5,2500.00,2`);
    const treatments = await owner.get(`/api/reports/performance/treatments.csv?${query(PERIOD)}`);
    expect(csvRows(treatments.body)[1]).toBe(`${clinic.treatments.peel},"Peel, deluxe",,,2,2,0,0,1,0,5500.00,2`);
  });
});

describe('who may read the report', () => {
  it.each(['clinic_staff', 'receptionist', 'customer', 'super_admin'] as Role[])('a %s gets 403', async (role) => {
    const client = await signInAs(t, await createUser(t, role === 'super_admin' ? null : clinic.id, role));
    for (const path of ['/api/reports/performance', '/api/reports/performance/staff.csv']) {
      const res = await client.get(`${path}?${query(PERIOD)}`);
      expect(res.status).toBe(403);
      expect(res.body.type).toBe('/problems/forbidden');
    }
  });

  it('an admin reads the same report as the owner', async () => {
    const admin = await signInAs(t, await createUser(t, clinic.id, 'clinic_admin'));
    const asAdmin = await admin.get(`/api/reports/performance?${query(PERIOD)}`);
    expect(asAdmin.status).toBe(200);
    expect(asAdmin.body).toEqual((await owner.get(`/api/reports/performance?${query(PERIOD)}`)).body);
  });

  it('another clinic’s owner sees only their own clinic', async () => {
    const otherClinic = await createClinic(t);
    const otherOwner = await signInAs(t, await createUser(t, otherClinic.id, 'clinic_owner'));
    const res = await otherOwner.get(`/api/reports/performance?${query(PERIOD)}`);
    expect(res.body.summary.current).toMatchObject({ bookings: 0, revenueSatang: 0, returningCustomers: 0 });
    expect([res.body.staff, res.body.treatments]).toEqual([[], []]);
  });
});
