import { randomBytes, randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asAppRole } from '../../src/db/database.ts';
import { ANONYMOUS, readInTenant, withTenant, type TenantScope } from '../../src/db/tenant-transaction.ts';
import { createTestDatabase, TEST_APP_PASSWORD, type TestDatabase } from '../support/test-database.ts';

/**
 * The second wall, checked in raw SQL as the application role: whatever the query forgets, Postgres
 * shows a transaction only its own clinic's rows. Tables are found from the catalogue, so a new table
 * with a clinic_id column is checked as soon as it exists (and needs a seeder in SEEDERS below).
 */

type Row = Record<string, unknown>;

interface Tenant {
  clinicId: string;
  userId: string;
  /** The row each seeder made for this clinic, as stored: later seeders take their foreign keys from it. */
  seeded: Record<string, Row>;
}

const seededId = (x: Tenant, table: string) => x.seeded[table]!.id as string;

/**
 * One valid row per table for a clinic; used by the owner to seed and by the app role to try a foreign
 * insert. Seeded in this order, so a row may refer to rows of the tables above it (composite foreign
 * keys: the parent must be the same clinic's).
 */
const SEEDERS: Record<string, (tenant: Tenant) => Row> = {
  users: (x) => ({
    clinic_id: x.clinicId,
    email: `rls-${randomUUID()}@example.test`,
    password_hash: 'x',
    role: 'clinic_staff',
    full_name: 'RLS Staff',
  }),
  customers: (x) => ({ clinic_id: x.clinicId, full_name: 'RLS Customer' }),
  feature_flags: (x) => ({ clinic_id: x.clinicId, feature_key: `rls.${randomBytes(4).toString('hex')}`, enabled: true }),
  audit_logs: (x) => ({ clinic_id: x.clinicId, actor_user_id: x.userId, action: 'rls.test' }),
  treatments: (x) => ({
    clinic_id: x.clinicId,
    name_en: 'RLS Facial',
    category: 'facial',
    duration_minutes: 60,
    price_satang: 150_000,
  }),
  rooms: (x) => ({ clinic_id: x.clinicId, name: `RLS Room ${randomBytes(3).toString('hex')}` }),
  staff_working_hours: (x) => ({
    clinic_id: x.clinicId,
    staff_user_id: seededId(x, 'users'),
    weekday: 1,
    start_time: '09:00',
    end_time: '18:00',
  }),
  staff_schedule_exceptions: (x) => ({
    clinic_id: x.clinicId,
    staff_user_id: seededId(x, 'users'),
    kind: 'leave',
    starts_at: '2030-01-07T02:00:00Z',
    ends_at: '2030-01-07T11:00:00Z',
  }),
  staff_treatments: (x) => ({
    clinic_id: x.clinicId,
    staff_user_id: seededId(x, 'users'),
    treatment_id: seededId(x, 'treatments'),
  }),
  booking_rules: (x) => ({ clinic_id: x.clinicId, min_notice_minutes: 30, slot_interval_minutes: 30 }),
  appointments: (x) => ({
    clinic_id: x.clinicId,
    customer_id: seededId(x, 'customers'),
    treatment_id: seededId(x, 'treatments'),
    staff_user_id: seededId(x, 'users'),
    room_id: seededId(x, 'rooms'),
    starts_at: '2030-01-08T03:00:00Z',
    ends_at: '2030-01-08T04:00:00Z',
    price_satang: 150_000,
  }),
  appointment_reminders: (x) => ({
    clinic_id: x.clinicId,
    appointment_id: seededId(x, 'appointments'),
    kind: '24h',
    job_id: randomUUID(),
    due_at: '2030-01-07T03:00:00Z',
  }),
  notifications: (x) => ({
    clinic_id: x.clinicId,
    appointment_id: seededId(x, 'appointments'),
    customer_id: seededId(x, 'customers'),
    channel: 'in_app',
    kind: 'appointment.booked',
    title: 'RLS',
    body: 'RLS',
  }),
  notification_deliveries: (x) => ({
    clinic_id: x.clinicId,
    notification_id: seededId(x, 'notifications'),
    channel: 'email',
    address: 'rls@example.test',
  }),
  notification_preferences: (x) => ({ clinic_id: x.clinicId, user_id: x.userId, email: false }),
  clinic_line_channels: (x) => ({ clinic_id: x.clinicId, access_token: 'rls-line-channel-access-token' }),
  analysis_consents: (x) => ({
    clinic_id: x.clinicId,
    customer_id: seededId(x, 'customers'),
    text_version: 'rls-consent',
    locale: 'th',
    recorded_by_user_id: x.userId,
  }),
  skin_analyses: (x) => ({
    clinic_id: x.clinicId,
    customer_id: seededId(x, 'customers'),
    requested_by_user_id: x.userId,
    provider: 'local',
    photo_sha256: randomBytes(32).toString('hex'),
    photo_format: 'jpeg',
    stored_bytes: 1_000,
    width: 1080,
    height: 1080,
    working_width: 1080,
    working_height: 1080,
    quota_month: '2030-01',
  }),
  clinic_analysis_usage: (x) => ({ clinic_id: x.clinicId, month: '2030-01', analyses_used: 1 }),
  clinic_storage_usage: (x) => ({ clinic_id: x.clinicId, bytes_used: 1_000 }),
  account_tokens: (x) => ({
    clinic_id: x.clinicId,
    user_id: x.userId,
    purpose: 'verify-email',
    token_hash: randomBytes(32),
    expires_at: '2030-01-01T00:00:00Z',
  }),
  customer_analysis_usage: (x) => ({
    clinic_id: x.clinicId,
    customer_id: seededId(x, 'customers'),
    month: '2030-01',
    analyses_used: 1,
  }),
  clinic_current_figures: (x) => ({ clinic_id: x.clinicId, active_staff: 1 }),
  erasure_requests: (x) => ({ clinic_id: x.clinicId, customer_id: seededId(x, 'customers') }),
  clinic_running_totals: (x) => ({
    clinic_id: x.clinicId,
    day: '2031-01-01',
    appointments: 1,
    completed: 1,
    cancelled: 0,
    no_shows: 0,
    revenue_satang: 150_000,
    analyses_completed: 0,
    new_customers: 1,
  }),
};

// A trigger gives every new clinic its row in these tables (keyed by clinic_id): seeding sets its values instead.
const MADE_WITH_THE_CLINIC = new Set(['booking_rules', 'clinic_current_figures']);

let db: TestDatabase;
let owner: pg.Pool;
let app: pg.Pool;
// As the API's pool is: statements sent without waiting for the previous answer, one connection so
// that what a read leaves on its connection is what the next statement meets.
let pipelined: pg.Pool;
let tenantTables: string[];
let partitions: string[];
const a = {} as Tenant;
const b = {} as Tenant;
const scopeOf = (x: Tenant): TenantScope => ({ clinicId: x.clinicId, userId: x.userId, role: 'clinic_owner' });

async function insert(client: Pick<pg.Pool, 'query'>, table: string, row: Row): Promise<Row> {
  const columns = Object.keys(row);
  const { rows } = await client.query(
    `INSERT INTO ${table} (${columns.join(', ')}) VALUES (${columns.map((_, i) => `$${i + 1}`).join(', ')}) RETURNING *`,
    Object.values(row),
  );
  return rows[0];
}

async function seed(table: string, tenant: Tenant): Promise<Row> {
  const { clinic_id: clinicId, ...values } = SEEDERS[table]!(tenant);
  if (!MADE_WITH_THE_CLINIC.has(table)) return insert(owner, table, { clinic_id: clinicId, ...values });
  const columns = Object.keys(values);
  const { rows } = await owner.query(
    `UPDATE ${table} SET ${columns.map((c, i) => `${c} = $${i + 2}`).join(', ')} WHERE clinic_id = $1 RETURNING *`,
    [clinicId, ...Object.values(values)],
  );
  if (rows.length !== 1) throw new Error(`${table}: expected the row made with clinic ${clinicId}`);
  return rows[0];
}

async function makeTenant(slug: string): Promise<Tenant> {
  const clinic = await owner.query<{ id: string }>(
    `INSERT INTO clinics (slug, name, tier, status) VALUES ($1, $1, 'starter', 'active') RETURNING id`,
    [slug],
  );
  const clinicId = clinic.rows[0]!.id;
  const user = await owner.query<{ id: string }>(
    `INSERT INTO users (clinic_id, email, password_hash, role, full_name) VALUES ($1, $2, 'x', 'clinic_owner', 'RLS Owner') RETURNING id`,
    [clinicId, `${slug}-owner@example.test`],
  );
  return { clinicId, userId: user.rows[0]!.id, seeded: {} };
}

async function seedSession(userId: string): Promise<void> {
  await owner.query(`INSERT INTO sessions (user_id, token_hash, expires_at) VALUES ($1, $2, now() + interval '1 day')`, [
    userId,
    randomBytes(32),
  ]);
}

beforeAll(async () => {
  db = await createTestDatabase();
  owner = new pg.Pool({ connectionString: db.ownerUrl, max: 2 });
  app = new pg.Pool({ connectionString: asAppRole(db.ownerUrl, TEST_APP_PASSWORD), max: 4 });
  pipelined = new pg.Pool({ connectionString: asAppRole(db.ownerUrl, TEST_APP_PASSWORD), max: 1, pipeline: true });

  const { rows } = await owner.query<{ table_name: string; partition: boolean }>(`
    SELECT col.table_name, c.relispartition AS partition
    FROM information_schema.columns col
    JOIN pg_class c ON c.relname = col.table_name AND c.relnamespace = 'public'::regnamespace
    WHERE col.table_schema = 'public' AND col.column_name = 'clinic_id' AND c.relkind IN ('r', 'p')
    ORDER BY 1`);
  // Partitions are reached only through their parent (the app role holds no grant on them): their parent is checked.
  tenantTables = rows.filter((r) => !r.partition).map((r) => r.table_name);
  partitions = rows.filter((r) => r.partition).map((r) => r.table_name);

  Object.assign(a, await makeTenant(`rls-a-${randomBytes(3).toString('hex')}`));
  Object.assign(b, await makeTenant(`rls-b-${randomBytes(3).toString('hex')}`));
  const seedOrder = Object.keys(SEEDERS).filter((table) => tenantTables.includes(table));
  for (const tenant of [a, b]) {
    for (const table of seedOrder) tenant.seeded[table] = await seed(table, tenant);
    await seedSession(tenant.userId);
  }
  // A colleague in A: their session is A's clinic but not A's owner's.
  const colleague = await owner.query<{ id: string }>(
    `INSERT INTO users (clinic_id, email, password_hash, role, full_name) VALUES ($1, $2, 'x', 'receptionist', 'RLS Colleague') RETURNING id`,
    [a.clinicId, `rls-colleague-${randomUUID()}@example.test`],
  );
  await seedSession(colleague.rows[0]!.id);
});

afterAll(async () => {
  await app?.end();
  await pipelined?.end();
  await owner?.end();
  await db?.drop();
});

describe('row-level security as the application role', () => {
  it('finds the tenant tables, and each has a seeder here', () => {
    expect(tenantTables).toEqual(
      expect.arrayContaining([
        'audit_logs',
        'customers',
        'feature_flags',
        'users',
        'appointments',
        'booking_rules',
        'notifications',
        'rooms',
        'staff_schedule_exceptions',
        'staff_treatments',
        'staff_working_hours',
        'treatments',
        'analysis_consents',
        'clinic_analysis_usage',
        'clinic_storage_usage',
        'customer_analysis_usage',
        'account_tokens',
        'skin_analyses',
        'clinic_current_figures',
        'clinic_running_totals',
        'notification_deliveries',
        'notification_preferences',
        'clinic_line_channels',
      ]),
    );
    const unseeded = tenantTables.filter((table) => !SEEDERS[table]);
    expect(unseeded, 'add a seeder to SEEDERS in test/isolation/rls.test.ts').toEqual([]);
  });

  it('every tenant table, its partitions, clinics and sessions have RLS enabled and forced', async () => {
    expect(partitions.length).toBeGreaterThan(0);
    const names = [...tenantTables, ...partitions, 'clinics', 'sessions'];
    const { rows } = await owner.query<{ relname: string; enabled: boolean; forced: boolean }>(
      `SELECT relname, relrowsecurity AS enabled, relforcerowsecurity AS forced FROM pg_class
       WHERE relnamespace = 'public'::regnamespace AND relname = ANY($1::text[]) ORDER BY relname`,
      [names],
    );
    expect(rows).toHaveLength(names.length);
    expect(rows.filter((r) => !r.enabled || !r.forced).map((r) => r.relname)).toEqual([]);
  });

  it("with clinic A's settings, a query with no WHERE sees only A's rows", async () => {
    await withTenant(app, scopeOf(a), async (tx) => {
      for (const table of tenantTables) {
        const { rows } = await tx.query<{ clinic_id: string }>(`SELECT * FROM ${table}`);
        expect(rows.length, table).toBeGreaterThan(0);
        expect(new Set(rows.map((r) => r.clinic_id)), table).toEqual(new Set([a.clinicId]));
      }
      const clinics = await tx.query<{ id: string }>('SELECT * FROM clinics');
      expect(clinics.rows.map((r) => r.id)).toEqual([a.clinicId]);
      const sessions = await tx.query<{ user_id: string }>('SELECT * FROM sessions');
      expect(sessions.rows.map((r) => r.user_id)).toEqual([a.userId]);
    });
  });

  it("a one-statement read in A's scope, sent in one round trip, sees only A's rows and leaves no scope on its connection", async () => {
    for (const table of [...tenantTables, 'clinics']) {
      const { rows } = await readInTenant(pipelined, scopeOf(a), (tx) => tx.query<Row>(`SELECT * FROM ${table}`));
      expect(rows.length, table).toBeGreaterThan(0);
      expect(new Set(rows.map((r) => r.clinic_id ?? r.id)), table).toEqual(new Set([a.clinicId]));
      const after = await pipelined.query<{ clinic: string | null }>(`SELECT current_setting('app.clinic_id', true) AS clinic`);
      expect(after.rows[0]!.clinic ?? '', table).toBe('');
      expect((await pipelined.query(`SELECT * FROM ${table}`)).rowCount, table).toBe(0);
    }
  });

  it('with no tenant set, every table looks empty', async () => {
    for (const table of [...tenantTables, 'clinics', 'sessions']) {
      expect((await app.query(`SELECT * FROM ${table}`)).rowCount, table).toBe(0);
      const scoped = await withTenant(app, ANONYMOUS, (tx) => tx.query(`SELECT * FROM ${table}`));
      expect(scoped.rowCount, table).toBe(0);
    }
  });

  it("scoped to A, inserting a row for B fails, and so does a session for B's user", async () => {
    for (const table of tenantTables) {
      const attempt = withTenant(app, scopeOf(a), (tx) => insert(tx, table, SEEDERS[table]!(b)));
      await expect(attempt, table).rejects.toMatchObject({ code: '42501' });
    }
    await expect(
      withTenant(app, scopeOf(a), (tx) =>
        insert(tx, 'sessions', { user_id: b.userId, token_hash: randomBytes(32), expires_at: new Date(Date.now() + 3600_000) }),
      ),
    ).rejects.toMatchObject({ code: '42501' });
    await expect(
      withTenant(app, scopeOf(a), (tx) =>
        insert(tx, 'clinics', { slug: `rls-new-${randomBytes(3).toString('hex')}`, name: 'New', tier: 'starter' }),
      ),
    ).rejects.toMatchObject({ code: '42501' });
    const { rows } = await owner.query(`SELECT count(*)::int AS n FROM users WHERE clinic_id = $1`, [b.clinicId]);
    expect(rows[0].n).toBe(2);
  });

  it("scoped to A, an update or delete aimed at B's rows reaches none of them", async () => {
    const rowsOfB = async () => {
      const digests: Record<string, unknown> = {};
      for (const table of tenantTables)
        digests[table] = (
          await owner.query(
            `SELECT md5(string_agg(t::text, ',' ORDER BY t::text)) AS digest FROM ${table} t WHERE clinic_id = $1`,
            [b.clinicId],
          )
        ).rows[0].digest;
      return digests;
    };
    const before = await rowsOfB();
    for (const table of tenantTables) {
      for (const statement of [
        `UPDATE ${table} SET clinic_id = clinic_id WHERE clinic_id = $1`,
        `DELETE FROM ${table} WHERE clinic_id = $1`,
      ]) {
        // Either the grant refuses the statement outright, or RLS leaves it nothing to touch.
        const touched = await withTenant(app, scopeOf(a), async (tx) => (await tx.query(statement, [b.clinicId])).rowCount).catch(
          (error: { code?: string }) => {
            expect(error.code, `${statement}: ${String(error)}`).toBe('42501');
            return 0;
          },
        );
        expect(touched, statement).toBe(0);
      }
    }
    expect(await rowsOfB()).toEqual(before);
  });

  it('the application role is neither superuser nor able to bypass RLS', async () => {
    const { rows } = await app.query('SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user');
    expect(rows).toEqual([{ rolsuper: false, rolbypassrls: false }]);
  });

  it("the tables' owner is no superuser and cannot bypass RLS, as on managed PostgreSQL: its own policy on each table lets it reach every clinic", async () => {
    const {
      rows: [me],
    } = await owner.query('SELECT current_user AS name, rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user');
    expect(me).toMatchObject({ rolsuper: false, rolbypassrls: false });
    const uncovered = await owner.query<{ relname: string }>(
      `SELECT c.relname FROM pg_class c
       WHERE c.relnamespace = 'public'::regnamespace AND c.relrowsecurity AND c.relkind IN ('r', 'p') AND NOT c.relispartition
         AND NOT EXISTS (SELECT 1 FROM pg_policies p WHERE p.schemaname = 'public' AND p.tablename = c.relname AND p.cmd = 'ALL' AND p.roles = ARRAY[current_user]::name[])`,
    );
    expect(
      uncovered.rows.map((r) => r.relname),
      'create RLS tables with enable_tenant_rls(), which adds the owner policy',
    ).toEqual([]);
    for (const table of tenantTables) {
      const { rows } = await owner.query<{ clinic_id: string }>(
        `SELECT DISTINCT clinic_id FROM ${table} WHERE clinic_id = ANY($1)`,
        [[a.clinicId, b.clinicId]],
      );
      expect(rows.map((r) => r.clinic_id).sort(), table).toEqual([a.clinicId, b.clinicId].sort());
    }
    const {
      rows: [membership],
    } = await app.query(`SELECT pg_has_role(current_user, $1, 'MEMBER') AS member`, [me.name]);
    expect(membership.member).toBe(false);
  });

  it('each table gives the application role one permissive policy per command, so the planner can merge it with the query', async () => {
    // Two permissive policies are ORed: the app's own clinic_id condition then stops matching the
    // policy's, the planner counts it twice and picks worse plans (migration 0015).
    const { rows } = await owner.query<{ tablename: string; command: string }>(
      `SELECT p.tablename, c.command FROM pg_policies p
       CROSS JOIN LATERAL unnest(CASE p.cmd WHEN 'ALL' THEN ARRAY['SELECT', 'INSERT', 'UPDATE', 'DELETE'] ELSE ARRAY[p.cmd] END) AS c(command)
       WHERE p.schemaname = 'public' AND p.permissive = 'PERMISSIVE' AND 'bwai_app' = ANY (p.roles)
       GROUP BY p.tablename, c.command HAVING count(*) > 1`,
    );
    expect(rows).toEqual([]);
  });

  it('the application role cannot switch RLS off on any table', async () => {
    for (const table of [...tenantTables, 'clinics', 'sessions']) {
      await expect(app.query(`ALTER TABLE ${table} DISABLE ROW LEVEL SECURITY`), table).rejects.toMatchObject({ code: '42501' });
      await expect(app.query(`ALTER TABLE ${table} NO FORCE ROW LEVEL SECURITY`), table).rejects.toMatchObject({ code: '42501' });
    }
  });

  it('the application role cannot become the owner or a superuser', async () => {
    const { rows } = await owner.query<{ rolname: string }>(
      `SELECT rolname FROM pg_roles WHERE rolsuper OR rolname = current_user`,
    );
    expect(rows.length).toBeGreaterThan(0);
    for (const { rolname } of rows) {
      await expect(app.query(`SET ROLE ${pg.escapeIdentifier(rolname)}`), rolname).rejects.toMatchObject({ code: '42501' });
      await expect(app.query(`SET SESSION AUTHORIZATION ${pg.escapeIdentifier(rolname)}`), rolname).rejects.toMatchObject({
        code: '42501',
      });
    }
  });

  it('with row_security off, a query on a protected table is an error, not a full read', async () => {
    const client = await app.connect();
    try {
      await client.query('BEGIN');
      await client.query(`SELECT set_config('app.clinic_id', $1, true)`, [a.clinicId]);
      await client.query('SET LOCAL row_security = off');
      await expect(client.query('SELECT * FROM customers')).rejects.toMatchObject({
        code: '42501',
        message: expect.stringMatching(/row-level security/),
      });
    } finally {
      await client.query('ROLLBACK');
      client.release();
    }
  });

  it("the session-revoking function reaches only the caller's clinic, and only for an owner or admin", async () => {
    const live = async (userId: string) =>
      (await owner.query(`SELECT count(*)::int AS n FROM sessions WHERE user_id = $1 AND revoked_at IS NULL`, [userId])).rows[0]
        .n;
    const revoke = (scope: TenantScope, userId: string) =>
      withTenant(app, scope, async (tx) => (await tx.query('SELECT revoke_clinic_user_sessions($1) AS n', [userId])).rows[0].n);
    expect(await revoke(scopeOf(a), b.userId)).toBe(0);
    expect(await revoke({ ...scopeOf(b), role: 'receptionist' }, b.userId)).toBe(0);
    expect(await revoke(ANONYMOUS, b.userId)).toBe(0);
    expect(await live(b.userId)).toBe(1);
  });

  it("a super admin's clinic-less account token is seen by that user alone, and no one writes one for another", async () => {
    const admins = await owner.query<{ id: string }>(
      `INSERT INTO users (clinic_id, email, password_hash, role, full_name)
       VALUES (NULL, $1, 'x', 'super_admin', 'RLS Admin'), (NULL, $2, 'x', 'super_admin', 'RLS Other Admin') RETURNING id`,
      [`rls-admin-${randomUUID()}@example.test`, `rls-admin-${randomUUID()}@example.test`],
    );
    const [admin, other] = admins.rows.map((r) => r.id);
    const token = {
      user_id: admin,
      purpose: 'sign-in-challenge',
      token_hash: randomBytes(32),
      expires_at: '2030-01-01T00:00:00Z',
    };
    await insert(owner, 'account_tokens', token);
    const visibleTo = (scope: TenantScope) =>
      withTenant(app, scope, async (tx) => (await tx.query('SELECT 1 FROM account_tokens WHERE clinic_id IS NULL')).rowCount);
    expect(await visibleTo({ clinicId: null, userId: admin!, role: 'super_admin' })).toBe(1);
    expect(await visibleTo({ clinicId: null, userId: other!, role: 'super_admin' })).toBe(0);
    expect(await visibleTo(scopeOf(a))).toBe(0);
    expect(await visibleTo(ANONYMOUS)).toBe(0);
    const forOther = withTenant(app, { clinicId: null, userId: admin!, role: 'super_admin' }, (tx) =>
      insert(tx, 'account_tokens', { ...token, user_id: other, token_hash: randomBytes(32) }),
    );
    await expect(forOther).rejects.toMatchObject({ code: '42501' });
  });

  it('the application role can neither change nor delete audit entries', async () => {
    await withTenant(app, scopeOf(a), async (tx) => {
      expect((await tx.query('SELECT 1 FROM audit_logs')).rowCount).toBeGreaterThan(0);
    });
    await expect(
      withTenant(app, scopeOf(a), (tx) => tx.query(`UPDATE audit_logs SET action = 'rls.rewritten'`)),
    ).rejects.toMatchObject({ code: '42501' });
    await expect(withTenant(app, scopeOf(a), (tx) => tx.query('DELETE FROM audit_logs'))).rejects.toMatchObject({
      code: '42501',
    });
    await expect(withTenant(app, scopeOf(a), (tx) => tx.query('TRUNCATE audit_logs'))).rejects.toMatchObject({ code: '42501' });
    const { rows } = await owner.query(`SELECT count(*)::int AS n FROM audit_logs WHERE action = 'rls.test'`);
    expect(rows[0].n).toBe(2);
  });

  it('tenant settings end with the transaction: the same pooled connection then sees none', async () => {
    const single = new pg.Pool({ connectionString: asAppRole(db.ownerUrl, TEST_APP_PASSWORD), max: 1 });
    try {
      const inside = await withTenant(
        single,
        scopeOf(a),
        async (tx) =>
          (
            await tx.query(
              `SELECT pg_backend_pid() AS pid, current_setting('app.clinic_id', true) AS clinic, current_setting('app.user_id', true) AS "user"`,
            )
          ).rows[0],
      );
      expect(inside).toMatchObject({ clinic: a.clinicId, user: a.userId });
      const after = (
        await single.query(
          `SELECT pg_backend_pid() AS pid, current_setting('app.clinic_id', true) AS clinic, current_setting('app.user_id', true) AS "user", current_setting('app.role', true) AS role`,
        )
      ).rows[0];
      expect(after.pid).toBe(inside.pid);
      expect([after.clinic ?? '', after.user ?? '', after.role ?? '']).toEqual(['', '', '']);
      expect((await single.query('SELECT * FROM customers')).rowCount).toBe(0);

      await expect(
        withTenant(single, scopeOf(a), async (tx) => {
          await tx.query('SELECT 1');
          throw new Error('work failed');
        }),
      ).rejects.toThrow('work failed');
      const afterRollback = (
        await single.query(`SELECT pg_backend_pid() AS pid, current_setting('app.clinic_id', true) AS clinic`)
      ).rows[0];
      expect(afterRollback).toEqual({ pid: inside.pid, clinic: '' });
    } finally {
      await single.end();
    }
  });
});
