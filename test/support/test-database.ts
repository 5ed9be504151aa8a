import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';

export const TEST_APP_PASSWORD = 'bwai-app-test-password';
/** Owns the test databases: not a superuser, no BYPASSRLS (see global-setup.ts). */
export const TEST_OWNER_ROLE = 'bwai_test_owner';
export const TEST_OWNER_PASSWORD = 'bwai-test-owner-password';

export function asTestOwner(url: string): string {
  const u = new URL(url);
  u.username = TEST_OWNER_ROLE;
  u.password = TEST_OWNER_PASSWORD;
  return u.toString();
}

export interface TestDatabase {
  name: string;
  ownerUrl: string;
  drop(): Promise<void>;
}

/** A fresh database for one test file, cloned from the migrated template (or empty, from template0). */
export async function createTestDatabase({ migrated = true } = {}): Promise<TestDatabase> {
  const adminUrl = inject('adminUrl');
  const template = migrated ? inject('templateDatabase') : 'template0';
  const name = `bwai_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name} TEMPLATE ${template} OWNER ${TEST_OWNER_ROLE}`);
  } finally {
    await admin.end();
  }
  const ownerUrl = new URL(asTestOwner(adminUrl));
  ownerUrl.pathname = `/${name}`;
  return {
    name,
    ownerUrl: ownerUrl.toString(),
    async drop() {
      const client = new pg.Client({ connectionString: adminUrl });
      await client.connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}
