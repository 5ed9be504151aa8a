import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.ts';
import { MigrationChangedError, migrate, readMigrations } from '../../src/db/migrate.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';

const log = createLogger({ LOG_LEVEL: 'silent', NODE_ENV: 'test' });
const cleanup: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const c of cleanup.reverse()) await c();
});

async function emptyDatabase(): Promise<{ db: TestDatabase; pool: pg.Pool }> {
  const db = await createTestDatabase({ migrated: false });
  const pool = new pg.Pool({ connectionString: db.ownerUrl, max: 4 });
  cleanup.push(async () => {
    await pool.end();
    await db.drop();
  });
  return { db, pool };
}

// Everything a migration can change that a client would notice: relations, columns, policies, indexes.
async function schemaFingerprint(pool: pg.Pool): Promise<string> {
  const { rows } = await pool.query(`
    SELECT string_agg(x, E'\n' ORDER BY x) AS fp FROM (
      SELECT 'col ' || table_name || '.' || column_name || ' ' || data_type AS x FROM information_schema.columns WHERE table_schema = 'public'
      UNION ALL SELECT 'policy ' || tablename || '.' || policyname FROM pg_policies WHERE schemaname = 'public'
      UNION ALL SELECT 'index ' || indexname FROM pg_indexes WHERE schemaname = 'public'
      UNION ALL SELECT 'migration ' || name || ' ' || checksum FROM schema_migrations) s`);
  return rows[0].fp;
}

describe('migrations', () => {
  it('a fresh database gets every migration, and a second run changes nothing', async () => {
    const { pool } = await emptyDatabase();
    const all = (await readMigrations()).map((m) => m.name);
    expect(await migrate(pool, log)).toEqual(all);
    const before = await schemaFingerprint(pool);
    expect(await migrate(pool, log)).toEqual([]);
    expect(await schemaFingerprint(pool)).toBe(before);
  });

  it('two nodes migrating at once apply each migration exactly once', async () => {
    const { db, pool } = await emptyDatabase();
    const other = new pg.Pool({ connectionString: db.ownerUrl, max: 4 });
    cleanup.push(() => other.end());
    const [a, b] = await Promise.all([migrate(pool, log), migrate(other, log)]);
    const all = (await readMigrations()).map((m) => m.name);
    expect([...a, ...b].sort()).toEqual(all);
    const { rows } = await pool.query('SELECT name, count(*)::int AS n FROM schema_migrations GROUP BY name');
    expect(rows.every((r) => r.n === 1)).toBe(true);
    expect(rows).toHaveLength(all.length);
  });

  it('indexes built CONCURRENTLY outside a transaction end up valid', async () => {
    const { pool } = await emptyDatabase();
    await migrate(pool, log);
    const { rows } = await pool.query(
      `SELECT c.relname, i.indisvalid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE c.relname = 'feature_flags_clinic_id_feature_key_idx'`,
    );
    expect(rows).toEqual([{ relname: 'feature_flags_clinic_id_feature_key_idx', indisvalid: true }]);
  });

  it('a migration edited after it was applied stops the runner with a clear error', async () => {
    const { pool } = await emptyDatabase();
    const dir = await mkdtemp(join(tmpdir(), 'migrations-'));
    await writeFile(join(dir, '0001_first.sql'), 'CREATE TABLE first_table (id int);');
    expect(await migrate(pool, log, dir)).toEqual(['0001_first.sql']);
    await writeFile(join(dir, '0001_first.sql'), 'CREATE TABLE first_table (id bigint);');
    await expect(migrate(pool, log, dir)).rejects.toThrow(MigrationChangedError);
  });

  it('a failing migration leaves nothing of itself behind', async () => {
    const { pool } = await emptyDatabase();
    const dir = await mkdtemp(join(tmpdir(), 'migrations-'));
    await writeFile(join(dir, '0001_broken.sql'), 'CREATE TABLE half_done (id int);\nSELECT no_such_function();');
    await expect(migrate(pool, log, dir)).rejects.toThrow(/no_such_function/);
    const { rows } = await pool.query(`SELECT to_regclass('half_done') AS t, (SELECT count(*)::int FROM schema_migrations) AS n`);
    expect(rows[0]).toEqual({ t: null, n: 0 });
  });
});
