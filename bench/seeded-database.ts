import type pg from 'pg';

// What the benchmarks that run on a seeded database (`--database-url`) share: finding it, saying how
// to seed it, and stopping with one line when it is missing or empty.
export const SEED_COMMAND = 'npm run seed -- --clinics 1000 --users 100000 --appointments 1000000';

/** Ends a benchmark with one line on stderr, as a wrong argument or an unfit database should. */
export function fail(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(1);
}

/** A database URL fit for a report: the password masked. */
export function redactPassword(databaseUrl: string): string {
  const u = new URL(databaseUrl);
  if (u.password) u.password = '***';
  return u.toString();
}

/** The seeded database to run on: `--database-url`, else DATABASE_URL; with neither, the bench stops. */
export function seededDatabaseUrl(bench: string, given: string | undefined): string {
  const url = given ?? process.env.DATABASE_URL;
  if (!url) fail(`${bench}: no database. Pass --database-url (or set DATABASE_URL) to a database seeded with: ${SEED_COMMAND}`);
  return url;
}

/** What to say when the database has no appointments: how to seed that very database. */
export function notSeededMessage(bench: string, url: string): string {
  return `${bench}: ${new URL(url).pathname.slice(1) || 'the database'} has no appointments. Seed it first:\n  ${SEED_COMMAND} --database-url ${redactPassword(url)}`;
}

export interface SeededTotals {
  clinics: number;
  users: number;
  appointments: number;
}

/** How much the database holds; all zero when it is not even migrated. */
export async function seededTotals(pool: pg.Pool): Promise<SeededTotals> {
  try {
    const { rows } = await pool.query<SeededTotals>(
      `SELECT (SELECT count(*) FROM clinics)::int AS clinics, (SELECT count(*) FROM users)::int AS users, (SELECT count(*) FROM appointments)::int AS appointments`,
    );
    return rows[0]!;
  } catch (error) {
    // 42P01: no such table, so nothing is seeded either.
    if ((error as { code?: string }).code === '42P01') return { clinics: 0, users: 0, appointments: 0 };
    throw error;
  }
}
