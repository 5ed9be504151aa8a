import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asAppRole } from '../../src/db/database.ts';
import { readInTenant, withTenant, type TenantScope } from '../../src/db/tenant-transaction.ts';
import { createTestDatabase, TEST_APP_PASSWORD, type TestDatabase } from '../support/test-database.ts';

// The tenant transaction on a pipelined connection, as the API's pool runs it: what the caller sees
// when a statement sent ahead of the previous answer fails, and what the connection is left with.

let db: TestDatabase;
let owner: pg.Pool;
// One connection: each test's next statement meets whatever the previous one left on it.
let app: pg.Pool;
let scope: TenantScope;

beforeAll(async () => {
  db = await createTestDatabase();
  owner = new pg.Pool({ connectionString: db.ownerUrl, max: 1 });
  app = new pg.Pool({ connectionString: asAppRole(db.ownerUrl, TEST_APP_PASSWORD), max: 1, pipeline: true });
  const clinic = await owner.query<{ id: string }>(
    `INSERT INTO clinics (slug, name, tier, status) VALUES ('tenant-read-' || md5(random()::text), 'Tenant Read', 'starter', 'active') RETURNING id`,
  );
  const clinicId = clinic.rows[0]!.id;
  await owner.query(`INSERT INTO customers (clinic_id, full_name) VALUES ($1, 'Read Customer')`, [clinicId]);
  scope = { clinicId, userId: null, role: 'clinic_owner' };
});

afterAll(async () => {
  await app?.end();
  await owner?.end();
  await db?.drop();
});

const idle = async () => {
  const client = await app.connect();
  try {
    return client.getTransactionStatus();
  } finally {
    client.release();
  }
};

describe('a one-statement tenant read', () => {
  it('returns the rows of its clinic', async () => {
    const { rows } = await readInTenant(app, scope, (tx) => tx.query<{ full_name: string }>('SELECT full_name FROM customers'));
    expect(rows).toEqual([{ full_name: 'Read Customer' }]);
  });

  it('cannot write: it runs read-only, and the connection is idle afterwards', async () => {
    const write = readInTenant(app, scope, (tx) =>
      tx.query(`INSERT INTO customers (clinic_id, full_name) VALUES ($1, 'Written')`, [scope.clinicId]),
    );
    await expect(write).rejects.toMatchObject({ code: '25006' });
    expect(await idle()).toBe('I');
    expect((await owner.query(`SELECT 1 FROM customers WHERE full_name = 'Written'`)).rowCount).toBe(0);
  });

  it('a failing statement reports its own error, and the next read on the connection works', async () => {
    await expect(readInTenant(app, scope, (tx) => tx.query('SELECT no_such_column FROM customers'))).rejects.toMatchObject({
      code: '42703',
    });
    expect(await idle()).toBe('I');
    const { rowCount } = await readInTenant(app, scope, (tx) => tx.query('SELECT 1 FROM customers'));
    expect(rowCount).toBe(1);
  });

  it('refuses a second statement, which would run outside its transaction', async () => {
    const twice = readInTenant(app, scope, async (tx) => {
      await tx.query('SELECT 1');
      return tx.query('SELECT 2');
    });
    await expect(twice).rejects.toThrow(/one statement/);
    expect(await idle()).toBe('I');
  });
});

describe('a tenant transaction whose opening goes out with its first statement', () => {
  it('reports the failed opening, not the aborted statement behind it', async () => {
    const attempt = withTenant(app, scope, (tx) => tx.query('SELECT 1 FROM customers'), { statementTimeoutMs: -1 });
    // 22023: the statement timeout is out of range; the SELECT sent behind it failed with 25P02.
    await expect(attempt).rejects.toMatchObject({ code: '22023' });
    expect(await idle()).toBe('I');
    const { rowCount } = await withTenant(app, scope, (tx) => tx.query('SELECT 1 FROM customers'));
    expect(rowCount).toBe(1);
  });
});
