import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';

/**
 * Beyond one primary the schema is to be distributed by clinic_id (Citus, deploy/README.md): a
 * distributed table's primary key, unique and exclusion constraints must include the distribution
 * column, and a foreign key between distributed tables must include it on both sides.
 */

/** Tables that belong to no clinic: copied whole to every node (reference tables) or kept on the coordinator. */
const PLATFORM_WIDE: Record<string, string> = {
  clinics: 'the tenants themselves (their id is every other table’s clinic_id): a reference table',
  subscription_tiers: 'the plans’ default limits, read by every clinic: a reference table',
  feature_flag_defaults: 'a flag’s platform-wide state and rollout share, read by every clinic: a reference table',
  sessions: 'looked up by token hash before any clinic is known, and super admins have no clinic',
  schema_migrations: 'the migration ledger: the coordinator’s own table',
};

/**
 * Keys that still lack clinic_id, each with what has to change before its table can be distributed.
 * The test fails when a new key joins this list and when one leaves it (update the list and the README).
 */
const NOT_YET_DISTRIBUTABLE: Record<string, { keys: string[]; change: string }> = {
  account_tokens: {
    keys: ['account_tokens_pkey', 'account_tokens_token_hash_key', 'account_tokens_user_id_fkey'],
    change:
      'primary key (clinic_id, id); the emailed link carries the clinic so the hash is unique per clinic; ' +
      "a super admin's tokens (no clinic) reference the platform-wide identity that users splits into",
  },
  analysis_consents: { keys: ['analysis_consents_pkey'], change: 'primary key (clinic_id, id)' },
  appointment_reminders: { keys: ['appointment_reminders_pkey'], change: 'primary key (clinic_id, appointment_id, kind)' },
  appointments: {
    keys: ['appointments_pkey', 'appointments_room_no_overlap', 'appointments_staff_no_overlap'],
    change:
      'primary key (clinic_id, id); clinic_id WITH = in both no-overlap exclusions (staff and rooms belong to one clinic, so the rule is the same)',
  },
  audit_logs: {
    keys: ['audit_logs_pkey'],
    change: 'primary key (clinic_id, created_at, id); platform events (no clinic) move to a table of their own',
  },
  customers: {
    keys: ['customers_pkey', 'customers_user_id_fkey', 'customers_user_id_key'],
    change: 'primary key (clinic_id, id); user_id unique per clinic, referencing the platform-wide identity (see users)',
  },
  feature_flags: { keys: ['feature_flags_pkey'], change: 'primary key (clinic_id, id)' },
  notifications: {
    keys: ['notifications_appointment_kind_channel_key', 'notifications_pkey'],
    change: 'primary key (clinic_id, id); clinic_id first in the one-notice-per-appointment index',
  },
  notification_deliveries: {
    keys: ['notification_deliveries_notification_id_fkey', 'notification_deliveries_pkey'],
    change: 'primary key (clinic_id, id); the notice referenced by (clinic_id, notification_id)',
  },
  rooms: { keys: ['rooms_pkey'], change: 'primary key (clinic_id, id)' },
  sessions: {
    keys: ['sessions_user_id_fkey'],
    change: 'references the platform-wide identity once users is split (see users)',
  },
  skin_analyses: { keys: ['skin_analyses_pkey'], change: 'primary key (clinic_id, id)' },
  staff_schedule_exceptions: { keys: ['staff_schedule_exceptions_pkey'], change: 'primary key (clinic_id, id)' },
  staff_treatments: { keys: ['staff_treatments_pkey'], change: 'primary key (clinic_id, staff_user_id, treatment_id)' },
  staff_working_hours: { keys: ['staff_working_hours_pkey'], change: 'primary key (clinic_id, id)' },
  treatments: { keys: ['treatments_pkey'], change: 'primary key (clinic_id, id)' },
  users: {
    keys: ['users_email_key', 'users_pkey'],
    change:
      'a person signs in by email across clinics and super admins have no clinic: users splits into a platform-wide identity (email, password) and per-clinic memberships keyed (clinic_id, id)',
  },
};

let database: TestDatabase;
let owner: pg.Client;
beforeAll(async () => {
  database = await createTestDatabase();
  owner = new pg.Client({ connectionString: database.ownerUrl });
  await owner.connect();
});
afterAll(async () => {
  await owner?.end();
  await database?.drop();
});

// Partitions follow their parent table; only parents are listed.
const TABLES = `c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p') AND NOT c.relispartition`;
const clinicColumn = (table: string, columns: string) =>
  `EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = ${table} AND a.attname = 'clinic_id' AND a.attnum = ANY (${columns}))`;

async function tables(): Promise<{ name: string; tenant: boolean }[]> {
  const { rows } = await owner.query<{ name: string; tenant: boolean }>(
    `SELECT c.relname AS name,
            EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'clinic_id' AND NOT a.attisdropped) AS tenant
     FROM pg_class c WHERE ${TABLES} ORDER BY 1`,
  );
  return rows;
}

/** Primary keys, unique constraints and indexes, and exclusion constraints without clinic_id; foreign keys between tenant tables without it. */
async function keysWithoutClinic(): Promise<Record<string, string[]>> {
  const { rows } = await owner.query<{ table: string; key: string }>(
    `SELECT c.relname AS table, ic.relname AS key
     FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid JOIN pg_class ic ON ic.oid = i.indexrelid
     WHERE ${TABLES} AND (i.indisunique OR i.indisexclusion) AND c.relname <> ALL ($1::text[])
       AND NOT ${clinicColumn('c.oid', 'i.indkey')}
     UNION ALL
     SELECT c.relname, f.conname
     FROM pg_constraint f JOIN pg_class c ON c.oid = f.conrelid JOIN pg_class r ON r.oid = f.confrelid
     WHERE ${TABLES} AND f.contype = 'f' AND r.relname <> ALL ($1::text[])
       AND NOT (${clinicColumn('f.conrelid', 'f.conkey')} AND ${clinicColumn('f.confrelid', 'f.confkey')})
     ORDER BY 1, 2`,
    [Object.keys(PLATFORM_WIDE)],
  );
  const byTable: Record<string, string[]> = {};
  for (const { table, key } of rows) (byTable[table] ??= []).push(key);
  return byTable;
}

describe('distribution by clinic', () => {
  it('every table is a clinic’s (it has clinic_id) or is declared platform-wide', async () => {
    const all = await tables();
    expect(all.filter((t) => !t.tenant).map((t) => t.name)).toEqual(Object.keys(PLATFORM_WIDE).sort());
  });

  it('every key of a clinic’s table includes clinic_id, except those listed with the change they need', async () => {
    const expected = Object.fromEntries(Object.entries(NOT_YET_DISTRIBUTABLE).map(([table, { keys }]) => [table, keys]));
    expect(await keysWithoutClinic()).toEqual(expected);
  });

  it('a new table whose key lacks clinic_id is caught', async () => {
    await owner.query(`CREATE TABLE distribution_probe (id uuid PRIMARY KEY, clinic_id uuid NOT NULL, code text UNIQUE)`);
    try {
      expect((await keysWithoutClinic()).distribution_probe).toEqual(['distribution_probe_code_key', 'distribution_probe_pkey']);
    } finally {
      await owner.query('DROP TABLE distribution_probe');
    }
  });
});
