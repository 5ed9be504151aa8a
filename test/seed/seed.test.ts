import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SEED_PASSWORD, seedDatabase, type SeedOptions } from '../../src/seed/seed-runner.ts';
import { SeedRefusedError } from '../../src/seed/seed-step.ts';
import { HttpClient } from '../support/http-client.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';

const run = promisify(execFile);
const SMALL: SeedOptions = {
  clinics: 3,
  users: 60,
  appointments: 300,
  seed: 42,
  append: false,
  asOf: new Date('2026-01-15T00:00:00Z'),
};
const TABLES = [
  'clinics',
  'users',
  'customers',
  'treatments',
  'rooms',
  'staff_working_hours',
  'staff_schedule_exceptions',
  'staff_treatments',
  'appointments',
];

let t: TestApp;
const cleanup: (() => Promise<void>)[] = [];
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  for (const c of cleanup.reverse()) await c();
  await t.stop();
});

async function freshDatabase(): Promise<{ db: TestDatabase; pool: pg.Pool }> {
  const db = await createTestDatabase();
  const pool = new pg.Pool({ connectionString: db.ownerUrl, max: 2 });
  cleanup.push(async () => {
    await pool.end();
    await db.drop();
  });
  return { db, pool };
}

/** Every column of every row, in id order: equal digests mean identical data. */
async function digest(pool: pg.Pool): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const table of TABLES) {
    // staff_treatments has no id: its rows sort by their text, which is unique through the primary key.
    const order = table === 'staff_treatments' ? 't::text' : 't.id';
    const { rows } = await pool.query<{ d: string }>(
      `SELECT md5(string_agg(t::text, E'\\n' ORDER BY ${order})) AS d FROM ${table} t`,
    );
    out[table] = rows[0]!.d;
  }
  return out;
}

async function rosterViolations(pool: pg.Pool) {
  const { rows } = await pool.query(`
    SELECT c.slug, c.tier,
           count(*) FILTER (WHERE u.role = 'clinic_owner')::int AS owners,
           count(*) FILTER (WHERE u.role <> 'customer')::int AS staff,
           t.max_users
    FROM clinics c JOIN subscription_tiers t ON t.key = c.tier LEFT JOIN users u ON u.clinic_id = c.id
    GROUP BY c.id, t.max_users
    HAVING count(*) FILTER (WHERE u.role = 'clinic_owner') <> 1
        OR count(*) FILTER (WHERE u.role <> 'customer') > coalesce(t.max_users, 2147483647)`);
  return rows;
}

describe('seeding', () => {
  it('the same seed gives identical data in two databases, and another seed does not', async () => {
    const a = await freshDatabase();
    const b = await freshDatabase();
    const c = await freshDatabase();
    await seedDatabase(a.pool, SMALL);
    await seedDatabase(b.pool, SMALL);
    await seedDatabase(c.pool, { ...SMALL, seed: 43 });
    const first = await digest(a.pool);
    expect(await digest(b.pool)).toEqual(first);
    // An empty table digests to null, and would pass for repeatable.
    for (const table of TABLES) expect(first[table], table).toBeTruthy();
    const other = await digest(c.pool);
    for (const table of TABLES) expect(other[table], table).not.toBe(first[table]);
  });

  it('makes the counts asked for, one owner per clinic within its user limit, and a customer record per customer', async () => {
    for (const scale of [
      { clinics: 3, users: 60, appointments: 300 },
      { clinics: 40, users: 4_000, appointments: 4_000 },
    ]) {
      const { pool } = await freshDatabase();
      const summary = await seedDatabase(pool, { ...SMALL, ...scale });
      const { rows } =
        await pool.query(`SELECT (SELECT count(*) FROM clinics)::int AS clinics, (SELECT count(*) FROM users)::int AS users,
        (SELECT count(*) FROM users WHERE role = 'customer')::int AS customer_users, (SELECT count(*) FROM customers)::int AS customers,
        (SELECT count(*) FROM users u WHERE role = 'customer'
           AND NOT EXISTS (SELECT 1 FROM customers c WHERE c.user_id = u.id AND c.clinic_id = u.clinic_id))::int AS without_record`);
      expect(rows[0]).toMatchObject({ clinics: scale.clinics, users: scale.users, without_record: 0 });
      expect(rows[0].customers).toBe(rows[0].customer_users);
      expect(summary.steps.slice(0, 3).map((s) => [s.table, s.rows])).toEqual([
        ['clinics', scale.clinics],
        ['users', scale.users],
        ['customers', rows[0].customers],
      ]);
      expect(summary.steps.map((s) => s.table)).toEqual(TABLES);
      expect(summary.steps.at(-1)).toMatchObject({ table: 'appointments', rows: scale.appointments });
      const { rows: counted } = await pool.query('SELECT count(*)::int AS n FROM appointments');
      expect(counted[0].n).toBe(scale.appointments);
      expect(await rosterViolations(pool)).toEqual([]);
    }
  });

  it('a seeded owner signs in with the shared password', async () => {
    const summary = await seedDatabase(t.db.owner, SMALL);
    const res = await new HttpClient(t.app).post('/api/auth/sign-in', {
      email: summary.sampleOwnerEmail,
      password: SEED_PASSWORD,
    });
    expect(res.status).toBe(200);
    expect(res.body.user.role).toBe('clinic_owner');
  });

  it('refuses a database that has clinics, and with --append adds new clinics and users after them', async () => {
    const { pool } = await freshDatabase();
    await seedDatabase(pool, SMALL);
    const before = await digest(pool);
    await expect(seedDatabase(pool, SMALL)).rejects.toThrow(SeedRefusedError);
    const summary = await seedDatabase(pool, { ...SMALL, append: true });
    expect(summary.offset).toEqual({ clinics: 3, users: 60 });
    const { rows } =
      await pool.query(`SELECT (SELECT count(*) FROM clinics)::int AS clinics, (SELECT count(*) FROM users)::int AS users,
      (SELECT count(*) FROM appointments)::int AS appointments`);
    expect(rows[0]).toEqual({ clinics: 6, users: 120, appointments: 600 });
    const { rows: firstRun } = await pool.query<{ d: string }>(
      `SELECT md5(string_agg(t::text, E'\\n' ORDER BY t.id)) AS d FROM clinics t WHERE slug ~ '-[123]$'`,
    );
    expect(firstRun[0]!.d).toBe(before.clinics);
    expect(await rosterViolations(pool)).toEqual([]);
  });

  it('refuses more appointments than the seeded staff could take, leaving the database empty', async () => {
    const { pool } = await freshDatabase();
    await expect(seedDatabase(pool, { ...SMALL, appointments: 5_000_000 })).rejects.toThrow(
      /--appointments 5000000 would not fit.*--users or --clinics/,
    );
    const { rows } = await pool.query(
      `SELECT (SELECT count(*) FROM clinics)::int AS clinics, (SELECT count(*) FROM treatments)::int AS treatments`,
    );
    expect(rows[0]).toEqual({ clinics: 0, treatments: 0 });
  });

  it('the command seeds a database given by URL, prints the shared password, and refuses to seed it twice', async () => {
    const { db } = await freshDatabase();
    const args = [
      '--import',
      'tsx',
      'src/seed/seed-command.ts',
      '--clinics',
      '2',
      '--users',
      '20',
      '--appointments',
      '100',
      '--database-url',
      db.ownerUrl,
    ];
    const env = { ...process.env, LOG_LEVEL: 'warn', DATABASE_URL: '' };
    const first = await run(process.execPath, args, { env });
    expect(first.stdout).toContain(SEED_PASSWORD);
    expect(first.stdout).toMatch(/users\s+20\s/);
    expect(first.stdout).toMatch(/appointments\s+100\s/);
    const second = await run(process.execPath, args, { env }).catch((error: { code: number; stderr: string }) => error);
    expect(second).toMatchObject({ code: 1 });
    expect((second as { stderr: string }).stderr).toMatch(/already has 2 clinics.*--append/);
  });
});
