import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { APP_ROLE, asAppRole, assertAppRoleIsRestricted, enableAppRoleLogin } from '../../src/db/database.ts';
import { createTestDatabase, TEST_APP_PASSWORD, type TestDatabase } from '../support/test-database.ts';

let db: TestDatabase;
let admin: pg.Pool;
const roles: string[] = [];

beforeAll(async () => {
  db = await createTestDatabase();
  admin = new pg.Pool({ connectionString: inject('adminUrl'), max: 2 });
});
afterAll(async () => {
  await db.drop();
  for (const role of roles) await admin.query(`DROP ROLE IF EXISTS ${role}`);
  await admin.end();
});

/** A role of this cluster for one test, so the shared application role is never changed. */
async function createRole(attributes: string): Promise<string> {
  const role = `bwai_test_role_${randomBytes(4).toString('hex')}`;
  roles.push(role);
  await admin.query(`CREATE ROLE ${role} ${attributes}`);
  return role;
}

// The local server may trust its connections, so the stored verifier is what shows a password changed.
async function storedPassword(role: string): Promise<{ canLogin: boolean; verifier: string | null }> {
  const { rows } = await admin.query<{ canLogin: boolean; verifier: string | null }>(
    'SELECT rolcanlogin AS "canLogin", rolpassword AS verifier FROM pg_authid WHERE rolname = $1',
    [role],
  );
  return rows[0]!;
}

async function refusal(url: string): Promise<string | undefined> {
  const pool = new pg.Pool({ connectionString: url, max: 1 });
  try {
    await assertAppRoleIsRestricted(pool);
    return undefined;
  } catch (error) {
    return (error as Error).message;
  } finally {
    await pool.end();
  }
}

describe('the application role password', () => {
  it('is set when the app creates the login, and a password an operator rotated later is kept', async () => {
    const role = await createRole('NOLOGIN');
    const owner = new pg.Pool({ connectionString: inject('adminUrl'), max: 1 });
    try {
      expect(await storedPassword(role)).toEqual({ canLogin: false, verifier: null });
      expect(await enableAppRoleLogin(owner, 'first-configured-password', role)).toBe(true);
      const created = await storedPassword(role);
      expect(created.canLogin).toBe(true);
      expect(created.verifier).toMatch(/^SCRAM-SHA-256\$/);

      await admin.query(`ALTER ROLE ${role} PASSWORD 'rotated-by-the-operator'`);
      const rotated = await storedPassword(role);
      expect(rotated.verifier).not.toBe(created.verifier);
      expect(await enableAppRoleLogin(owner, 'first-configured-password', role)).toBe(false);
      expect(await storedPassword(role)).toEqual(rotated);
    } finally {
      await owner.end();
    }
  });
});

describe('start-up refuses an application role that row-level security does not bind', () => {
  it('bwai_app passes', async () => {
    expect(await refusal(asAppRole(db.ownerUrl, TEST_APP_PASSWORD))).toBeUndefined();
  });

  it('the owner of the tables is refused', async () => {
    expect(await refusal(db.ownerUrl)).toMatch(/^the application role "bwai_test_owner" owns the tables \(/);
  });

  it('a superuser is refused', async () => {
    const url = new URL(inject('adminUrl'));
    url.pathname = `/${db.name}`;
    expect(await refusal(url.toString())).toMatch(/^the application role "\w+" is a superuser,/);
  });

  it('a role with BYPASSRLS is refused', async () => {
    const role = await createRole(`LOGIN PASSWORD 'bypass-role-password' BYPASSRLS`);
    const url = new URL(db.ownerUrl);
    url.username = role;
    url.password = 'bypass-role-password';
    expect(await refusal(url.toString())).toBe(
      `the application role "${role}" has BYPASSRLS, so row-level security would not separate clinics: ` +
        `connect DATABASE_APP_URL as ${APP_ROLE} (not superuser, no BYPASSRLS, owning nothing)`,
    );
  });
});
