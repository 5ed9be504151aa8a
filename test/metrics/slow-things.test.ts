import { createHash } from 'node:crypto';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { createDatabase, type Database } from '../../src/db/database.ts';
import { statementLabel } from '../../src/db/slow-statements.ts';
import { createLogger } from '../../src/logger.ts';
import { createRuntime } from '../../src/runtime.ts';
import { createClinic, createUser, signInAs } from '../support/factories.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { createTestDatabase, TEST_APP_PASSWORD, type TestDatabase } from '../support/test-database.ts';

const SECRET = 'a-parameter-that-must-not-be-logged';

/** A logger whose lines the test reads back. */
function capturingLogger(config: Parameters<typeof createLogger>[0]) {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      for (const line of chunk.toString('utf8').split('\n')) if (line.trim()) lines.push(JSON.parse(line));
      callback();
    },
  });
  return { log: createLogger(config, destination), lines };
}

describe('slow statements', () => {
  let database: TestDatabase;
  let db: Database;
  let lines: Record<string, unknown>[];
  beforeAll(async () => {
    database = await createTestDatabase();
    const config = loadConfig({
      NODE_ENV: 'test',
      LOG_LEVEL: 'warn',
      DATABASE_URL: database.ownerUrl,
      DATABASE_APP_PASSWORD: TEST_APP_PASSWORD,
      SLOW_QUERY_MS: '200',
    });
    const captured = capturingLogger(config);
    lines = captured.lines;
    db = createDatabase(database.ownerUrl, config, captured.log);
  });
  afterAll(async () => {
    await db.close();
    await database.drop();
  });

  it('a statement over SLOW_QUERY_MS is logged with its name and duration, never its parameters; a quick one is not', async () => {
    await db.owner.query('SELECT $1::text AS quick FROM pg_roles LIMIT 1', [SECRET]);
    await db.owner.query('SELECT pg_sleep(0.3), $1::text AS slow FROM pg_roles LIMIT 1', [SECRET]);
    const slow = lines.filter((l) => l.msg === 'slow statement');
    expect(slow).toHaveLength(1);
    expect(slow[0]).toMatchObject({ statement: 'SELECT pg_roles', pool: 'owner' });
    expect(slow[0]!.durationMs).toBeGreaterThanOrEqual(300);
    expect(JSON.stringify(lines)).not.toContain(SECRET);
  });

  it('a statement is named by its verb and first table, or by its query name', () => {
    expect(statementLabel('  UPDATE skin_analyses SET status = $2 WHERE id = $1')).toBe('UPDATE skin_analyses');
    expect(statementLabel("INSERT INTO pgboss.job (name) VALUES ('x')")).toBe('INSERT pgboss.job');
    expect(statementLabel("ALTER ROLE bwai_app WITH LOGIN PASSWORD 'hunter2'")).toBe('ALTER');
    expect(statementLabel({ name: 'find-customer', text: 'SELECT 1' })).toBe('find-customer');
    // The name a prepared statement is given from its text's hash is not a label.
    const text = 'SELECT * FROM customers WHERE id = $1';
    const named = { name: `s0_${createHash('sha1').update(text).digest('base64url')}`, text };
    expect(statementLabel(named)).toBe('SELECT customers');
  });
});

describe('request timings', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.stop());

  it('an API response says in Server-Timing how long it waited for a connection, spent in the database and took', async () => {
    const clinic = await createClinic(t);
    const owner = await signInAs(t, await createUser(t, clinic.id, 'clinic_owner'));
    const res = await owner.get('/api/clinic');
    expect(res.status).toBe(200);
    const timing = String(res.headers['server-timing']);
    expect(timing).toMatch(/^pool;dur=\d+\.\d, db;dur=\d+\.\d, total;dur=\d+\.\d$/);
    const figure = (name: string) => Number(new RegExp(`${name};dur=([\\d.]+)`).exec(timing)![1]);
    expect(figure('db')).toBeGreaterThan(0);
    expect(figure('db')).toBeLessThanOrEqual(figure('total'));
  });

  it('a request slower than SLOW_REQUEST_MS is logged with its stage timings', async () => {
    // A node of its own on the same data, logging to the test, with every request counting as slow.
    const config = loadConfig({
      NODE_ENV: 'test',
      LOG_LEVEL: 'warn',
      STORAGE_DIR: t.config.STORAGE_DIR,
      DATABASE_URL: t.database.ownerUrl,
      DATABASE_APP_PASSWORD: TEST_APP_PASSWORD,
      SLOW_REQUEST_MS: '0',
    });
    const { log, lines } = capturingLogger(config);
    const runtime = createRuntime(config, log, t.database.ownerUrl);
    const app = await runtime.buildApp();
    try {
      const clinic = await createClinic(t);
      const owner = await signInAs({ ...t, app }, await createUser(t, clinic.id, 'clinic_owner'));
      expect((await owner.get('/api/clinic')).status).toBe(200);
      const slow = lines.find((l) => l.msg === 'slow request' && l.route === '/api/clinic');
      expect(slow).toMatchObject({ method: 'GET', statusCode: 200, transactions: expect.any(Number) });
      expect(slow!.dbMs).toBeGreaterThanOrEqual(0);
      expect(slow!.totalMs).toBeGreaterThanOrEqual(slow!.dbMs as number);
    } finally {
      await app.close();
      await runtime.close();
    }
  });
});
