import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type pg from 'pg';
import type { Logger } from '../logger.ts';

const MIGRATIONS_DIR = fileURLToPath(new URL('./migrations/', import.meta.url));
// Any fixed number: every node that starts at once waits here, so migrations run exactly once.
const MIGRATION_LOCK_KEY = 7_240_315_001;
const NO_TRANSACTION_MARKER = '-- migrate:no-transaction';

export interface MigrationFile {
  name: string;
  sql: string;
  checksum: string;
}

export async function readMigrations(dir = MIGRATIONS_DIR): Promise<MigrationFile[]> {
  const names = (await readdir(dir)).filter((n) => n.endsWith('.sql')).sort();
  return Promise.all(
    names.map(async (name) => {
      const sql = await readFile(`${dir}/${name}`, 'utf8');
      return { name, sql, checksum: createHash('sha256').update(sql).digest('hex') };
    }),
  );
}

export class MigrationChangedError extends Error {}

/** Applies pending migrations in order; returns the names it applied. Needs a session-mode connection. */
export async function migrate(owner: pg.Pool, log: Logger, dir = MIGRATIONS_DIR): Promise<string[]> {
  const migrations = await readMigrations(dir);
  const client = await owner.connect();
  try {
    await acquireMigrationLock(client);
    await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
      name text PRIMARY KEY, checksum text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`);
    const { rows } = await client.query<{ name: string; checksum: string }>('SELECT name, checksum FROM schema_migrations');
    const applied = new Map(rows.map((r) => [r.name, r.checksum]));
    const pending = migrations.filter((m) => {
      const checksum = applied.get(m.name);
      if (checksum && checksum !== m.checksum) {
        throw new MigrationChangedError(`migration ${m.name} was edited after it was applied; add a new migration instead`);
      }
      return !checksum;
    });
    for (const [i, m] of pending.entries()) {
      log.info({ migration: m.name, step: `${i + 1}/${pending.length}` }, 'applying migration');
      await applyMigration(client, m);
    }
    return pending.map((m) => m.name);
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => undefined);
    client.release();
  }
}

/**
 * Polls instead of blocking in pg_advisory_lock: a session blocked there is an open transaction, and
 * CREATE INDEX CONCURRENTLY on the winning node waits for every open transaction — a deadlock.
 */
async function acquireMigrationLock(client: pg.PoolClient): Promise<void> {
  for (;;) {
    const { rows } = await client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1) AS locked', [MIGRATION_LOCK_KEY]);
    if (rows[0]!.locked) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

async function applyMigration(client: pg.PoolClient, m: MigrationFile): Promise<void> {
  if (m.sql.trimStart().startsWith(NO_TRANSACTION_MARKER)) {
    // A multi-statement string runs as one implicit transaction, which CONCURRENTLY refuses:
    // send each statement on its own.
    for (const statement of splitStatements(m.sql)) await client.query(statement);
    await client.query('INSERT INTO schema_migrations (name, checksum) VALUES ($1, $2)', [m.name, m.checksum]);
    return;
  }
  try {
    await client.query('BEGIN');
    await client.query(m.sql);
    await client.query('INSERT INTO schema_migrations (name, checksum) VALUES ($1, $2)', [m.name, m.checksum]);
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK');
    throw error;
  }
}

/** Splits on semicolons that end a line; no-transaction migrations hold simple statements only. */
function splitStatements(sql: string): string[] {
  return sql
    .split(/;\s*$/m)
    .map((s) => s.replace(/^\s*--.*$/gm, '').trim())
    .filter(Boolean);
}

export async function isMigrated(pool: pg.Pool, dir = MIGRATIONS_DIR): Promise<boolean> {
  const expected = (await readMigrations(dir)).map((m) => m.name);
  const { rows } = await pool.query<{ name: string }>('SELECT name FROM schema_migrations WHERE name = ANY($1::text[])', [
    expected,
  ]);
  return rows.length === expected.length;
}
