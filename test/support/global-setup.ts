import { createHash } from 'node:crypto';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { enableAppRoleLogin } from '../../src/db/database.ts';
import { startEmbeddedPostgres, type EmbeddedDatabase } from '../../src/db/embedded-postgres.ts';
import { migrate, readMigrations } from '../../src/db/migrate.ts';
import { createLogger } from '../../src/logger.ts';
import { asTestOwner, TEST_APP_PASSWORD, TEST_OWNER_PASSWORD, TEST_OWNER_ROLE } from './test-database.ts';

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
 *
 * The databases belong to a role that is not a superuser and cannot bypass row-level security, as
 * the administrative user of managed PostgreSQL is not: it runs the migrations and is the owner
 * connection of every test, so the whole suite shows the platform working on such a server.
 */
export async function setup(project: TestProject): Promise<void> {
  const log = createLogger({ LOG_LEVEL: 'warn', NODE_ENV: 'test' });
  let adminUrl = process.env.DATABASE_URL;
  if (!adminUrl) {
    embedded = await startEmbeddedPostgres('.data/test-postgres', 0, log);
    adminUrl = embedded.url;
  }
  const migrations = await readMigrations();
  const digest = createHash('sha256')
    .update(`${TEST_OWNER_ROLE}:${migrations.map((m) => m.checksum).join()}`)
    .digest('hex')
    .slice(0, 12);
  const templateDatabase = `bwai_template_${digest}`;

  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    // Two test runs on one server build the template once.
    await admin.query('SELECT pg_advisory_lock(7240315002)');
    await prepareOwnerRole(admin);
    const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [templateDatabase]);
    if (!exists.rowCount) {
      await admin.query(`DROP DATABASE IF EXISTS ${templateDatabase}_building`);
      await admin.query(`CREATE DATABASE ${templateDatabase}_building OWNER ${TEST_OWNER_ROLE}`);
      const pool = new pg.Pool({ connectionString: asTestOwner(withDatabase(adminUrl, `${templateDatabase}_building`)), max: 2 });
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

/**
 * The owner role: may create databases and roles (migration 0001 creates the application roles),
 * nothing more. From PostgreSQL 16 CREATEROLE covers only roles one administers, so application
 * roles an earlier run made as superuser are handed to it as their creator would hold them: to
 * administer, not to act as.
 */
async function prepareOwnerRole(admin: pg.Client): Promise<void> {
  const exists = await admin.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [TEST_OWNER_ROLE]);
  const attributes = `LOGIN PASSWORD ${pg.escapeLiteral(TEST_OWNER_PASSWORD)} NOSUPERUSER NOBYPASSRLS CREATEDB CREATEROLE INHERIT`;
  await admin.query(`${exists.rowCount ? 'ALTER' : 'CREATE'} ROLE ${TEST_OWNER_ROLE} WITH ${attributes}`);
  const { rows } = await admin.query<{ version: number }>(`SELECT current_setting('server_version_num')::int AS version`);
  if (rows[0]!.version < 160000) return;
  const appRoles = await admin.query<{ rolname: string }>(
    `SELECT rolname FROM pg_roles WHERE rolname IN ('bwai_app', 'bwai_platform')`,
  );
  for (const { rolname } of appRoles.rows)
    await admin.query(`GRANT ${rolname} TO ${TEST_OWNER_ROLE} WITH ADMIN TRUE, INHERIT FALSE, SET FALSE`);
}

export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}
