import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDatabase, type SeedOptions, type SeedSummary } from '../../src/seed/seed-runner.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';

const AS_OF = '2026-01-15T00:00:00Z';
const SMALL: SeedOptions = { clinics: 3, users: 60, appointments: 300, seed: 42, append: false, asOf: new Date(AS_OF) };

let db: TestDatabase;
let pool: pg.Pool;
let summary: SeedSummary;
beforeAll(async () => {
  db = await createTestDatabase();
  pool = new pg.Pool({ connectionString: db.ownerUrl, max: 2 });
  summary = await seedDatabase(pool, SMALL);
});
afterAll(async () => {
  await pool.end();
  await db.drop();
});

async function one<T = Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<T> {
  const { rows } = await pool.query(sql, params);
  return rows[0] as T;
}

describe('seeded clinic operations', () => {
  it('makes exactly the appointments asked for, spread over every clinic that has staff and customers', async () => {
    expect(summary.steps.find((s) => s.table === 'appointments')?.rows).toBe(300);
    expect(await one('SELECT count(*)::int AS n FROM appointments')).toEqual({ n: 300 });
    const { rows } = await pool.query(
      `SELECT c.slug, count(a.id)::int AS n FROM clinics c LEFT JOIN appointments a ON a.clinic_id = c.id GROUP BY c.slug`,
    );
    for (const r of rows) expect(r.n, r.slug).toBeGreaterThan(0);
  });

  it('gives every clinic a catalogue across all seven categories, named in English, Thai and Chinese, in satang', async () => {
    const { rows } = await pool.query(`
      SELECT clinic_id, count(*)::int AS treatments, count(DISTINCT category)::int AS categories,
             bool_and(name_th ~ '[\u0E00-\u0E7F]') AS thai, bool_and(name_zh ~ '[\u4E00-\u9FFF]') AS chinese, bool_and(name_en ~ '^[A-Za-z0-9 ,()-]+$') AS english,
             min(duration_minutes) AS shortest, max(duration_minutes) AS longest, max(price_satang)::bigint AS dearest,
             bool_and(price_satang % 1000 = 0) AS whole_ten_baht
      FROM treatments GROUP BY clinic_id`);
    expect(rows).toHaveLength(3);
    for (const r of rows) {
      expect(r.treatments).toBeGreaterThanOrEqual(8);
      expect(r.treatments).toBeLessThanOrEqual(25);
      expect(r).toMatchObject({ categories: 7, thai: true, chinese: true, english: true, whole_ten_baht: true });
      expect(r.shortest).toBeGreaterThanOrEqual(15);
      expect(r.longest).toBeLessThanOrEqual(120);
      // Prices in satang: the dearest treatment is thousands of baht, not a few.
      expect(Number(r.dearest)).toBeGreaterThan(100_000);
    }
    expect(
      await one(`SELECT count(*)::int AS n FROM treatments WHERE buffer_before_minutes > 0 OR buffer_after_minutes > 0`),
    ).not.toEqual({ n: 0 });
  });

  it('has one to six rooms per clinic, and someone to perform every treatment', async () => {
    const { rows } = await pool.query(`SELECT count(*)::int AS n FROM rooms GROUP BY clinic_id`);
    expect(rows).toHaveLength(3);
    for (const r of rows) {
      expect(r.n).toBeGreaterThanOrEqual(1);
      expect(r.n).toBeLessThanOrEqual(6);
    }
    expect(
      await one(
        `SELECT count(*)::int AS n FROM treatments t WHERE NOT EXISTS (SELECT 1 FROM staff_treatments st WHERE st.treatment_id = t.id)`,
      ),
    ).toEqual({ n: 0 });
    // Only clinic accounts that treat have hours and skills: never a customer or a receptionist.
    expect(
      await one(`SELECT count(*)::int AS n FROM (SELECT staff_user_id FROM staff_working_hours UNION SELECT staff_user_id FROM staff_treatments) s
                 JOIN users u ON u.id = s.staff_user_id WHERE u.role NOT IN ('clinic_owner', 'clinic_admin', 'clinic_staff')`),
    ).toEqual({ n: 0 });
  });

  it('books every appointment, buffers included, inside one of its staff member’s working windows in the clinic’s zone, and off their leave', async () => {
    expect(
      await one(`SELECT count(*)::int AS n FROM appointments a JOIN clinics c ON c.id = a.clinic_id
        WHERE NOT EXISTS (
          SELECT 1 FROM staff_working_hours h
          WHERE h.clinic_id = a.clinic_id AND h.staff_user_id = a.staff_user_id
            AND h.weekday = extract(isodow FROM lower(a.blocked_during) AT TIME ZONE c.time_zone)
            AND (lower(a.blocked_during) AT TIME ZONE c.time_zone)::time >= h.start_time
            AND (upper(a.blocked_during) AT TIME ZONE c.time_zone) <= (lower(a.blocked_during) AT TIME ZONE c.time_zone)::date + h.end_time)`),
    ).toEqual({ n: 0 });
    expect(
      await one(`SELECT count(*)::int AS n FROM appointments a JOIN staff_schedule_exceptions e
        ON e.staff_user_id = a.staff_user_id AND e.kind = 'leave' AND tstzrange(e.starts_at, e.ends_at) && a.blocked_during`),
    ).toEqual({ n: 0 });
    expect(await one(`SELECT count(*)::int AS n FROM staff_schedule_exceptions`)).not.toEqual({ n: 0 });
  });

  it('never has two active appointments of one staff member or one room overlap, buffers included', async () => {
    const overlapping = (column: string) =>
      one(`SELECT count(*)::int AS n FROM appointments a JOIN appointments b
             ON a.${column} = b.${column} AND a.id < b.id AND a.blocked_during && b.blocked_during
           WHERE a.status NOT IN ('cancelled', 'no_show') AND b.status NOT IN ('cancelled', 'no_show')`);
    expect(await overlapping('staff_user_id')).toEqual({ n: 0 });
    expect(await overlapping('room_id')).toEqual({ n: 0 });
    // Every clinic has rooms, so every booking holds one, as the booking page would give it.
    expect(await one(`SELECT count(*)::int AS n FROM appointments WHERE room_id IS NULL`)).toEqual({ n: 0 });
  });

  it('books each treatment with a staff member who performs it, at the treatment’s price, duration and buffers', async () => {
    expect(
      await one(`SELECT count(*)::int AS n FROM appointments a JOIN treatments t ON t.id = a.treatment_id
        WHERE a.price_satang <> t.price_satang OR a.ends_at - a.starts_at <> make_interval(mins => t.duration_minutes)
           OR a.buffer_before_minutes <> t.buffer_before_minutes OR a.buffer_after_minutes <> t.buffer_after_minutes
           OR NOT EXISTS (SELECT 1 FROM staff_treatments st WHERE st.staff_user_id = a.staff_user_id AND st.treatment_id = a.treatment_id)`),
    ).toEqual({ n: 0 });
  });

  it('has settled the past and only booked the future, with a plausible mix of states', async () => {
    const { rows } = await pool.query(
      `SELECT CASE WHEN starts_at >= $1 THEN 'future' WHEN starts_at < $1::timestamptz - interval '1 day' THEN 'past' ELSE 'last day' END AS period,
              status, count(*)::int AS n
       FROM appointments GROUP BY 1, 2`,
      [AS_OF],
    );
    const count = (period: string, statuses: string[]) =>
      rows.filter((r) => r.period === period && statuses.includes(r.status)).reduce((sum, r) => sum + r.n, 0);
    expect(count('past', ['scheduled', 'confirmed', 'in_progress'])).toBe(0);
    expect(count('future', ['in_progress', 'completed', 'cancelled', 'no_show'])).toBe(0);
    expect(count('future', ['scheduled', 'confirmed'])).toBeGreaterThan(0);
    const past = count('past', ['completed', 'cancelled', 'no_show']);
    expect(count('past', ['completed']) / past).toBeGreaterThan(0.7);
    expect(count('past', ['cancelled'])).toBeGreaterThan(0);
    expect(count('past', ['no_show'])).toBeGreaterThan(0);
    // Booked before it started and before today; nothing changed after today.
    expect(
      await one(
        `SELECT count(*)::int AS n FROM appointments WHERE created_at > starts_at OR created_at > $1 OR updated_at > $1 OR updated_at < created_at`,
        [AS_OF],
      ),
    ).toEqual({ n: 0 });
  });

  it('charges cancellation fees only on cancelled appointments, as the default policy says for how late they were cancelled', async () => {
    expect(
      await one(`SELECT count(*)::int AS n FROM appointments
        WHERE status <> 'cancelled' AND (cancellation_fee_satang IS NOT NULL OR cancelled_at IS NOT NULL OR cancellation_reason IS NOT NULL)`),
    ).toEqual({ n: 0 });
    const fees = await one<{ wrong: number; charged: number; free: number }>(`
      WITH c AS (
        SELECT price_satang, cancellation_fee_satang AS fee, extract(epoch FROM starts_at - cancelled_at) / 3600 AS hours
        FROM appointments WHERE status = 'cancelled'
      )
      SELECT count(*) FILTER (WHERE fee IS DISTINCT FROM round(price_satang * (CASE WHEN hours < 6 THEN 100 WHEN hours < 12 THEN 75 WHEN hours < 24 THEN 50 ELSE 0 END) / 100.0)
                                 OR hours <= 0)::int AS wrong,
             count(*) FILTER (WHERE fee > 0)::int AS charged, count(*) FILTER (WHERE fee = 0)::int AS free
      FROM c`);
    expect(fees.wrong).toBe(0);
    expect(fees.charged).toBeGreaterThan(0);
    expect(fees.free).toBeGreaterThan(0);
  });

  it('books customers and front-desk staff of the same clinic, and customers who had signed up by then', async () => {
    expect(
      await one(`SELECT count(*)::int AS n FROM appointments a LEFT JOIN users u ON u.id = a.created_by_user_id
        WHERE u.id IS NULL OR u.clinic_id <> a.clinic_id`),
    ).toEqual({ n: 0 });
    const late = await one<{
      late: number;
      all: number;
    }>(`SELECT count(*) FILTER (WHERE c.created_at > a.created_at)::int AS late, count(*)::int AS all
      FROM appointments a JOIN customers c ON c.id = a.customer_id`);
    // Only a clinic's first bookings, before any customer signed up, go to its earliest customer.
    expect(late.late / late.all).toBeLessThan(0.05);
  });
});
