import { createHash } from 'node:crypto';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { enableAppRoleLogin } from '../../src/db/database.ts';
import { startEmbeddedPostgres, type EmbeddedDatabase } from '../../src/db/embedded-postgres.ts';
import { migrate, readMigrations } from '../../src/db/migrate.ts';
import { createLogger } from '../../src/logger.ts';
import { TEST_APP_PASSWORD } from './test-database.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    adminUrl: string;
    templateDatabase: string;
  }
}

let embedded: EmbeddedDatabase | undefined;

/**
 * One migrated template per set of migrations; every test file clones it (CREATE DATABASE ...
 * TEMPLATE), which takes milliseconds and lets files run in parallel without sharing rows.
 */
export async function setup(project: TestProject): Promise<void> {
  const log = createLogger({ LOG_LEVEL: 'warn', NODE_ENV: 'test' });
  let adminUrl = process.env.DATABASE_URL;
  if (!adminUrl) {
    embedded = await startEmbeddedPostgres('.data/test-postgres', 0, log);
    adminUrl = embedded.url;
  }
  const migrations = await readMigrations();
  const digest = createHash('sha256').update(migrations.map((m) => m.checksum).join()).digest('hex').slice(0, 12);
  const templateDatabase = `bwai_template_${digest}`;

  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    // Two test runs on one server build the template once.
    await admin.query('SELECT pg_advisory_lock(7240315002)');
    const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [templateDatabase]);
    if (!exists.rowCount) {
      await admin.query(`CREATE DATABASE ${templateDatabase}_building`);
      const pool = new pg.Pool({ connectionString: withDatabase(adminUrl, `${templateDatabase}_building`), max: 2 });
      try {
        await migrate(pool, log);
      } finally {
        await pool.end();
      }
      await admin.query(`ALTER DATABASE ${templateDatabase}_building RENAME TO ${templateDatabase}`);
    }
    const pool = new pg.Pool({ connectionString: adminUrl, max: 1 });
    await enableAppRoleLogin(pool, TEST_APP_PASSWORD);
    await pool.end();
  } finally {
    await admin.query('SELECT pg_advisory_unlock(7240315002)');
    await admin.end();
  }
  project.provide('adminUrl', adminUrl);
  project.provide('templateDatabase', templateDatabase);
}

export async function teardown(): Promise<void> {
  await embedded?.stop();
}

export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}
