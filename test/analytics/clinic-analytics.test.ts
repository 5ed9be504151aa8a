import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAnalyticsCache } from '../../src/analytics/analytics-cache.ts';
import type { Role } from '../../src/users/role-vocabulary.ts';
import { createClinic, createUser, signInAs, type TestClinic, type TestUser } from '../support/factories.ts';
import { HttpClient } from '../support/http-client.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

/**
 * Clinic performance across all clinics. The figures are checked twice: against numbers arranged by
 * hand, and against separate COUNT queries per clinic and table, so a join that multiplied rows (each
 * appointment once per staff member) could not pass. Rows in the past are written as the database
 * owner: the booking and analysis services only accept new work, and a period must lie behind us.
 * Each test asks with its own period, sort or page size: a page is cached by exactly those.
 */

let t: TestApp;
let admin: HttpClient;
let adminUser: TestUser;

// March 2025, both ends included: [2025-03-01T00:00Z, 2025-04-01T00:00Z) for the clinics arranged in UTC.
const MARCH = { from: '2025-03-01', to: '2025-03-31' };
const DAY_MS = 86_400_000;

interface ArrangedClinic extends TestClinic {
  practitioner: TestUser;
  customerIds: string[];
  treatmentId: string;
}
const clinics = {} as Record<'busy' | 'small', ArrangedClinic> & { idle: TestClinic };

beforeAll(async () => {
  t = await startTestApp();
  adminUser = await createUser(t, null, 'super_admin');
  admin = await signInAs(t, adminUser);

  clinics.busy = await arrangeClinic({ tier: 'enterprise', status: 'active' }, ['clinic_admin', 'clinic_staff', 'receptionist'], {
    disabledStaff: 1,
    customersWithAccounts: 3,
  });
  // One customer before the period and one on each of its edges; the appointments likewise, and after it.
  await insertCustomer(clinics.busy, '2025-02-10T08:00:00Z');
  await insertCustomer(clinics.busy, '2025-03-01T00:00:00Z');
  await insertCustomer(clinics.busy, '2025-03-31T23:59:59Z');
  for (const [status, startsAt, price] of [
    ['completed', '2025-03-01T00:00:00Z', 100_000],
    ['completed', '2025-03-10T03:00:00Z', 150_000],
    ['completed', '2025-03-31T23:00:00Z', 250_000],
    ['cancelled', '2025-03-11T03:00:00Z', 90_000],
    ['cancelled', '2025-03-12T03:00:00Z', 90_000],
    ['no_show', '2025-03-13T03:00:00Z', 120_000],
    ['confirmed', '2025-03-14T03:00:00Z', 120_000],
    ['completed', '2025-02-28T22:00:00Z', 999_000],
    ['completed', '2025-04-01T00:00:00Z', 999_000],
    ['cancelled', '2025-04-02T03:00:00Z', 999_000],
  ] as const) {
    await insertAppointment(clinics.busy, status, startsAt, price);
  }
  await insertAnalysis(clinics.busy, 'completed', '2025-03-05T04:00:00Z');
  await insertAnalysis(clinics.busy, 'completed', '2025-03-31T23:59:00Z');
  await insertAnalysis(clinics.busy, 'failed', '2025-03-06T04:00:00Z');
  await insertAnalysis(clinics.busy, 'completed', '2025-04-01T00:00:00Z');

  clinics.small = await arrangeClinic({ tier: 'starter', status: 'trial' }, ['receptionist'], {
    disabledStaff: 0,
    customersWithAccounts: 0,
  });
  await insertCustomer(clinics.small, '2025-03-20T08:00:00Z');
  await insertAppointment(clinics.small, 'completed', '2025-03-20T03:00:00Z', 80_000);
  await insertAppointment(clinics.small, 'no_show', '2025-03-21T03:00:00Z', 80_000);
  await insertAppointment(clinics.small, 'no_show', '2025-03-22T03:00:00Z', 80_000);

  // Nothing but its owner, who never signed in: no figures and no activity at all.
  clinics.idle = await createClinic(t, { tier: 'professional', status: 'suspended' });
  await createUser(t, clinics.idle.id, 'clinic_owner');
});
afterAll(() => t.stop());

const query = (params: Record<string, string | number | undefined>) =>
  new URLSearchParams(Object.entries(params).flatMap(([k, v]) => (v === undefined ? [] : [[k, String(v)]]))).toString();
const ask = (client: HttpClient, params: Record<string, string | number | undefined>) =>
  client.get(`/api/admin/analytics/clinics?${query(params)}`);

describe('clinic performance figures', () => {
  it("every clinic's figures equal separate counts of its own rows: staff never multiply appointments", async () => {
    const res = await ask(admin, { ...MARCH, limit: 100 });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.period).toEqual({ ...MARCH, days: 31 });

    const byId = new Map<string, any>(res.body.items.map((item: any) => [item.id, item]));
    expect(byId.get(clinics.busy.id)).toMatchObject({
      slug: clinics.busy.slug,
      tier: 'enterprise',
      status: 'active',
      // Owner, admin, practitioner, receptionist and the extra practitioner; the disabled one takes no seat.
      activeStaff: 5,
      customers: { total: 6, new: 2 },
      appointments: { total: 7, completed: 3, cancelled: 2, noShow: 1, noShowRate: 0.25 },
      revenueSatang: 500_000,
      analysesCompleted: 2,
    });
    expect(byId.get(clinics.small.id)).toMatchObject({
      tier: 'starter',
      status: 'trial',
      activeStaff: 3,
      customers: { total: 1, new: 1 },
      appointments: { total: 3, completed: 1, cancelled: 0, noShow: 2, noShowRate: 0.6667 },
      revenueSatang: 80_000,
      analysesCompleted: 0,
    });
    expect(byId.get(clinics.idle.id)).toMatchObject({
      activeStaff: 1,
      customers: { total: 0, new: 0 },
      appointments: { total: 0, completed: 0, cancelled: 0, noShow: 0, noShowRate: null },
      revenueSatang: 0,
      analysesCompleted: 0,
      lastActivityAt: null,
    });

    const { rows: all } = await t.db.owner.query<{ id: string }>('SELECT id FROM clinics');
    expect([...byId.keys()].sort()).toEqual(all.map((c) => c.id).sort());
    for (const { id } of all) {
      const { slug, activeStaff, customers, appointments, revenueSatang, analysesCompleted, lastActivityAt } = byId.get(id);
      expect(
        { activeStaff, customers, appointments, revenueSatang, analysesCompleted, lastActivityAt },
        `clinic ${slug}`,
      ).toEqual(await countedSeparately(id, MARCH));
    }
    expect(res.body.totals).toEqual(await platformCountedSeparately(MARCH));
  });

  it('only what falls inside the period counts, its first and last day included', async () => {
    const april1 = await ask(admin, { from: '2025-04-01', to: '2025-04-01', sort: 'completed', limit: 100 });
    expect(april1.status).toBe(200);
    const busy = april1.body.items.find((item: any) => item.id === clinics.busy.id);
    expect(busy).toMatchObject({
      customers: { total: 6, new: 0 },
      appointments: { total: 1, completed: 1 },
      revenueSatang: 999_000,
      analysesCompleted: 1,
    });

    const february = await ask(admin, { from: '2025-02-01', to: '2025-02-28', sort: 'completed', limit: 100 });
    expect(february.body.items.find((item: any) => item.id === clinics.busy.id)).toMatchObject({
      customers: { total: 6, new: 1 },
      appointments: { total: 1, completed: 1, cancelled: 0 },
      revenueSatang: 999_000,
      analysesCompleted: 0,
    });
    expect(february.body.totals).toEqual(await platformCountedSeparately({ from: '2025-02-01', to: '2025-02-28' }));
  });

  it("without a period it covers the last 30 days, each clinic's own today included", async () => {
    const res = await ask(admin, { limit: 100 });
    expect(res.status).toBe(200);
    // The clinics arranged here count UTC days; other zones are in clinic-figure-rollups.test.ts.
    const today = new Date().toISOString().slice(0, 10);
    const from = new Date(Date.parse(today) - 29 * DAY_MS).toISOString().slice(0, 10);
    expect(res.body.period).toEqual({ days: 30, from: null, to: null });
    // The customers with accounts were added just now.
    expect(res.body.items.find((item: any) => item.id === clinics.busy.id)).toMatchObject({
      customers: { total: 6, new: 3 },
      appointments: { total: 0 },
    });
    expect(res.body.totals).toEqual(await platformCountedSeparately({ from, to: today }));
  });

  it('the last activity is the latest sign-in, booking change, new customer or analysis', async () => {
    await signInAs(t, clinics.small.practitioner);
    const res = await ask(admin, { ...MARCH, sort: 'lastActivity', limit: 100 });
    const { rows } = await t.db.owner.query<{ at: Date }>('SELECT last_sign_in_at AS at FROM users WHERE id = $1', [
      clinics.small.practitioner.id,
    ]);
    const small = res.body.items.find((item: any) => item.id === clinics.small.id);
    expect(Date.parse(small.lastActivityAt)).toBeGreaterThanOrEqual(rows[0]!.at.getTime());
    expect(small.lastActivityAt).toBe((await countedSeparately(clinics.small.id, MARCH)).lastActivityAt);
    // Nothing ever happened there: last, after every clinic with some activity.
    expect(res.body.items.at(-1).id).toBe(clinics.idle.id);
  });
});

describe('ranking and pages', () => {
  async function allPages(params: Record<string, string | number>) {
    const items: any[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < 50; page++) {
      const res = await ask(admin, { ...params, cursor });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      items.push(...res.body.items);
      cursor = res.body.nextCursor ?? undefined;
      if (!cursor) return items;
    }
    throw new Error('the pages never ended');
  }

  it('clinics come ranked by the chosen figure, page after page, none skipped or repeated', async () => {
    const { rows } = await t.db.owner.query<{ n: number }>('SELECT count(*)::int AS n FROM clinics');
    const byAppointments = await allPages({ ...MARCH, sort: 'appointments', order: 'desc', limit: 1 });
    expect(byAppointments.map((c) => c.id).slice(0, 2)).toEqual([clinics.busy.id, clinics.small.id]);
    expect(new Set(byAppointments.map((c) => c.id)).size).toBe(rows[0]!.n);
    expect(byAppointments).toHaveLength(rows[0]!.n);
    const counts = byAppointments.map((c) => c.appointments.total);
    expect(counts).toEqual([...counts].sort((a, b) => b - a));

    const byRevenueAscending = await allPages({ ...MARCH, sort: 'revenue', order: 'asc', limit: 2 });
    const revenues = byRevenueAscending.map((c) => c.revenueSatang);
    expect(revenues).toEqual([...revenues].sort((a, b) => a - b));
    expect(byRevenueAscending.map((c) => c.id).slice(-2)).toEqual([clinics.small.id, clinics.busy.id]);
    expect(new Set(byRevenueAscending.map((c) => c.id)).size).toBe(rows[0]!.n);
  });

  it('clinics without a no-show rate come last in either order', async () => {
    for (const order of ['asc', 'desc']) {
      const ranked = await allPages({ ...MARCH, sort: 'noShowRate', order, limit: 2 });
      const withRate = ranked.filter((c) => c.appointments.noShowRate !== null).map((c) => c.id);
      expect(withRate).toEqual(order === 'asc' ? [clinics.busy.id, clinics.small.id] : [clinics.small.id, clinics.busy.id]);
      expect(ranked.slice(0, 2).map((c) => c.id)).toEqual(withRate);
    }
  });

  it('a cursor works only with the sort and order it came from', async () => {
    const first = await ask(admin, { ...MARCH, sort: 'customers', limit: 1 });
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const other = await ask(admin, { ...MARCH, sort: 'revenue', limit: 1, cursor: first.body.nextCursor });
    expect([other.status, other.body.type]).toEqual([400, '/problems/validation-failed']);
    const garbage = await ask(admin, { ...MARCH, limit: 1, cursor: 'not-a-cursor' });
    expect([garbage.status, garbage.body.type]).toEqual([400, '/problems/validation-failed']);
  });
});

describe('cache', () => {
  const period = { from: '2025-03-01', to: '2025-03-15' };

  it('a second call within the cache lifetime answers with the same computedAt, and a new row shows only on another page', async () => {
    const first = await ask(admin, { ...period, sort: 'revenue' });
    expect(first.status).toBe(200);
    await insertAppointment(clinics.small, 'completed', '2025-03-02T03:00:00Z', 70_000);
    const second = await ask(admin, { ...period, sort: 'revenue' });
    expect(second.body).toEqual(first.body);
    expect(Date.parse(second.body.computedAt)).toBeLessThanOrEqual(Date.now());

    const fresh = await ask(admin, { ...period, sort: 'completed' });
    expect(fresh.body.computedAt > first.body.computedAt).toBe(true);
    expect(fresh.body.totals.revenueSatang).toBe(first.body.totals.revenueSatang + 70_000);
  });

  it('concurrent first calls for one page share one computation', async () => {
    const answers = await Promise.all(Array.from({ length: 6 }, () => ask(admin, { ...period, sort: 'cancelled' })));
    expect(answers.map((a) => a.status)).toEqual(Array(6).fill(200));
    expect(new Set(answers.map((a) => a.body.computedAt)).size).toBe(1);
  });

  it.each([
    ['in this process', () => null],
    ['in Redis when configured', () => t.redis],
  ])('the cache %s computes a key once for concurrent callers and then serves it', async (_, redis) => {
    const cache = createAnalyticsCache<{ n: number }>({
      redis: redis(),
      keyPrefix: `${t.config.REDIS_KEY_PREFIX}analytics-test:`,
      ttlSeconds: 60,
      log: t.log,
    });
    let computed = 0;
    const compute = async () => {
      computed++;
      await new Promise((resolve) => setTimeout(resolve, 20));
      return { n: computed };
    };
    const key = randomBytes(4).toString('hex');
    expect(await Promise.all(Array.from({ length: 5 }, () => cache.get(key, compute)))).toEqual(Array(5).fill({ n: 1 }));
    expect(await cache.get(key, compute)).toEqual({ n: 1 });
    expect(computed).toBe(1);
  });
});

describe('access', () => {
  it('every read is audited as the super admin, cached answers too', async () => {
    const audited = async () =>
      (
        await t.db.owner.query<{ actor_role: string; metadata: Record<string, unknown> }>(
          `SELECT actor_role, metadata FROM audit_logs WHERE action = 'analytics.clinic_performance' AND actor_user_id = $1 ORDER BY id`,
          [adminUser.id],
        )
      ).rows;
    const before = (await audited()).length;
    const first = await ask(admin, { from: '2025-01-01', to: '2025-01-31', sort: 'analyses' });
    await ask(admin, { from: '2025-01-01', to: '2025-01-31', sort: 'analyses' });
    const entries = (await audited()).slice(before);
    expect(entries).toHaveLength(2);
    for (const entry of entries) {
      expect(entry.actor_role).toBe('super_admin');
      expect(entry.metadata).toMatchObject({
        from: '2025-01-01',
        to: '2025-01-31',
        sort: 'analyses',
        order: 'desc',
        computedAt: first.body.computedAt,
      });
    }
  });

  it('with a replica configured the figures are read there, and the audit entry still goes to the primary', async () => {
    const node = await startTestApp({ DATABASE_REPLICA_URL: t.database.ownerUrl }, { database: t.database });
    try {
      const client = await signInAs(node, adminUser);
      const res = await ask(client, { from: '2025-05-01', to: '2025-05-31' });
      expect(res.status).toBe(200);
      expect(node.db.replica).not.toBe(node.db.app);
      expect(node.db.poolStats().find((p) => p.pool === 'replica')!.total).toBeGreaterThan(0);
      const { rows } = await t.db.owner.query(
        `SELECT 1 FROM audit_logs WHERE action = 'analytics.clinic_performance' AND metadata->>'from' = '2025-05-01'`,
      );
      expect(rows).toHaveLength(1);
    } finally {
      await node.stop();
    }
  });

  it.each<Role>(['clinic_owner', 'clinic_admin', 'clinic_staff', 'receptionist', 'customer'])(
    'a %s gets 403 forbidden',
    async (role) => {
      const client = await signInAs(t, await createUser(t, clinics.busy.id, role));
      const res = await ask(client, MARCH);
      expect([res.status, res.body.type]).toEqual([403, '/problems/forbidden']);
    },
  );

  it('without a session: 401', async () => {
    const res = await ask(new HttpClient(t.app), MARCH);
    expect([res.status, res.body.type]).toEqual([401, '/problems/unauthenticated']);
  });

  it.each([
    ['ends before it starts', { from: '2025-03-02', to: '2025-03-01' }, 'querystring.from'],
    ['is longer than 366 days', { from: '2024-01-01', to: '2025-01-01' }, 'querystring.from'],
    ['has a day that does not exist', { from: '2025-02-29', to: '2025-03-01' }, 'querystring.from'],
    ['is not a date', { from: 'last-month' }, 'querystring.from'],
    ['is ranked by an unknown figure', { ...MARCH, sort: 'profit' }, 'querystring.sort'],
    ['gives only its first day', { from: '2025-03-01' }, 'querystring.to'],
    ['gives both a number of days and dates', { ...MARCH, days: 7 }, 'querystring.days'],
    ['is longer than 366 days back', { days: 367 }, 'querystring.days'],
  ])('a request whose period %s gets 400 naming the field', async (_, params, field) => {
    const res = await ask(admin, params);
    expect([res.status, res.body.type]).toEqual([400, '/problems/validation-failed']);
    expect(res.body.errors.map((e: { path: string }) => e.path)).toContain(field);
  });

  it('a period of exactly 366 days is accepted', async () => {
    const res = await ask(admin, { from: '2024-01-01', to: '2024-12-31' });
    expect(res.status).toBe(200);
    expect(res.body.period).toEqual({ from: '2024-01-01', to: '2024-12-31', days: 366 });
  });
});

async function arrangeClinic(
  settings: { tier: string; status: string },
  roles: Role[],
  extra: { disabledStaff: number; customersWithAccounts: number },
): Promise<ArrangedClinic> {
  const clinic = await createClinic(t, settings);
  // A clinic counts its own local days: in UTC, the edges arranged above are the period's edges.
  // Other zones are the subject of clinic-figure-rollups.test.ts.
  await t.db.owner.query(`UPDATE clinics SET time_zone = 'UTC' WHERE id = $1`, [clinic.id]);
  await createUser(t, clinic.id, 'clinic_owner');
  const practitioner = await createUser(t, clinic.id, 'clinic_staff');
  for (const role of roles) await createUser(t, clinic.id, role);
  for (let i = 0; i < extra.disabledStaff; i++) await createUser(t, clinic.id, 'clinic_staff', { disabled: true });
  for (let i = 0; i < extra.customersWithAccounts; i++) await createUser(t, clinic.id, 'customer');
  const { rows: customers } = await t.db.owner.query<{ id: string }>('SELECT id FROM customers WHERE clinic_id = $1', [
    clinic.id,
  ]);
  const {
    rows: [treatment],
  } = await t.db.owner.query<{ id: string }>(
    `INSERT INTO treatments (clinic_id, name_en, category, duration_minutes, price_satang) VALUES ($1, 'Hydrating facial', 'facial', 60, 150000) RETURNING id`,
    [clinic.id],
  );
  return { ...clinic, practitioner, customerIds: customers.map((c) => c.id), treatmentId: treatment!.id };
}

async function insertCustomer(clinic: ArrangedClinic, createdAt: string): Promise<void> {
  const { rows } = await t.db.owner.query<{ id: string }>(
    `INSERT INTO customers (clinic_id, full_name, created_at) VALUES ($1, 'Walk-in', $2) RETURNING id`,
    [clinic.id, createdAt],
  );
  clinic.customerIds.push(rows[0]!.id);
}

async function insertAppointment(clinic: ArrangedClinic, status: string, startsAt: string, priceSatang: number): Promise<void> {
  if (clinic.customerIds.length === 0) await insertCustomer(clinic, '2024-12-01T00:00:00Z');
  await t.db.owner.query(
    `INSERT INTO appointments (clinic_id, customer_id, treatment_id, staff_user_id, starts_at, ends_at, status, price_satang, created_at, updated_at)
     VALUES ($1, $2, $3, $4, $5, $5::timestamptz + interval '1 hour', $6, $7, $5::timestamptz - interval '7 days', now())`,
    [clinic.id, clinic.customerIds[0], clinic.treatmentId, clinic.practitioner.id, startsAt, status, priceSatang],
  );
}

async function insertAnalysis(clinic: ArrangedClinic, status: 'completed' | 'failed', finishedAt: string): Promise<void> {
  await t.db.owner.query(
    `INSERT INTO skin_analyses (clinic_id, customer_id, requested_by_user_id, provider, status, photo_sha256, photo_format, stored_bytes,
                                width, height, working_width, working_height, quota_month, created_at, finished_at)
     VALUES ($1, $2, $3, 'local', $4, $5, 'jpeg', 1000, 1080, 1080, 1080, 1080, to_char($6::timestamptz, 'YYYY-MM'), $6::timestamptz - interval '1 minute', $6)`,
    [clinic.id, clinic.customerIds[0], clinic.practitioner.id, status, randomBytes(32).toString('hex'), finishedAt],
  );
}

/**
 * The figures of one clinic (or, with null, of the whole platform) by a separate COUNT per figure over
 * its own table, never joining one table to another: what the one statement must reproduce.
 */
async function figuresCounted(clinicId: string | null, period: { from: string; to: string }) {
  const from = `${period.from}T00:00:00Z`;
  const until = new Date(Date.parse(`${period.to}T00:00:00Z`) + DAY_MS).toISOString();
  const scope = clinicId ? 'clinic_id = $1' : '($1::uuid IS NULL AND clinic_id IS NOT NULL)';
  const one = async <T>(sql: string, withPeriod = false): Promise<T> =>
    (await t.db.owner.query<{ v: T }>(sql.replace('$scope', scope), withPeriod ? [clinicId, from, until] : [clinicId])).rows[0]!
      .v;
  const appointmentsIn = (status?: string) =>
    one<number>(
      `SELECT count(*)::int AS v FROM appointments WHERE $scope AND starts_at >= $2 AND starts_at < $3 ${status ? `AND status = '${status}'` : ''}`,
      true,
    );
  const completed = await appointmentsIn('completed');
  const noShow = await appointmentsIn('no_show');
  return {
    one,
    figures: {
      activeStaff: await one<number>(
        `SELECT count(*)::int AS v FROM users WHERE $scope AND role <> 'customer' AND disabled_at IS NULL`,
      ),
      customers: {
        total: await one<number>('SELECT count(*)::int AS v FROM customers WHERE $scope'),
        new: await one<number>(
          'SELECT count(*)::int AS v FROM customers WHERE $scope AND created_at >= $2 AND created_at < $3',
          true,
        ),
      },
      appointments: {
        total: await appointmentsIn(),
        completed,
        cancelled: await appointmentsIn('cancelled'),
        noShow,
        noShowRate: completed + noShow === 0 ? null : Math.round((noShow / (completed + noShow)) * 10_000) / 10_000,
      },
      revenueSatang: Number(
        await one<string>(
          `SELECT coalesce(sum(price_satang), 0)::text AS v FROM appointments WHERE $scope AND status = 'completed' AND starts_at >= $2 AND starts_at < $3`,
          true,
        ),
      ),
      analysesCompleted: await one<number>(
        `SELECT count(*)::int AS v FROM skin_analyses WHERE $scope AND status = 'completed' AND finished_at >= $2 AND finished_at < $3`,
        true,
      ),
    },
  };
}

async function countedSeparately(clinicId: string, period: { from: string; to: string }) {
  const { one, figures } = await figuresCounted(clinicId, period);
  const latest = [
    await one<Date | null>(`SELECT max(last_sign_in_at) AS v FROM users WHERE $scope AND role <> 'customer'`),
    await one<Date | null>('SELECT max(updated_at) AS v FROM appointments WHERE $scope'),
    await one<Date | null>('SELECT max(created_at) AS v FROM customers WHERE $scope'),
    await one<Date | null>('SELECT max(created_at) AS v FROM skin_analyses WHERE $scope'),
  ].filter((d): d is Date => d !== null);
  return {
    ...figures,
    lastActivityAt: latest.length ? new Date(Math.max(...latest.map((d) => d.getTime()))).toISOString() : null,
  };
}

async function platformCountedSeparately(period: { from: string; to: string }) {
  const { figures } = await figuresCounted(null, period);
  const { rows } = await t.db.owner.query<{ n: number }>('SELECT count(*)::int AS n FROM clinics');
  return { clinics: rows[0]!.n, ...figures };
}
