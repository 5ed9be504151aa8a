import { parseArgs } from 'node:util';
import cliProgress from 'cli-progress';
import { z } from 'zod';
import { ConfigError, loadConfig } from '../config.ts';
import { createDatabase } from '../db/database.ts';
import { EmbeddedPostgresError, startEmbeddedPostgres, type EmbeddedDatabase } from '../db/embedded-postgres.ts';
import { MigrationChangedError, migrate } from '../db/migrate.ts';
import { createLogger } from '../logger.ts';
import { SEED_PASSWORD, seedDatabase, type SeedProgress, type SeedSummary } from './seed-runner.ts';
import { SeedRefusedError } from './seed-step.ts';
import { SEED_STEPS } from './seed-steps.ts';

const USAGE =
  'usage: npm run seed -- [--clinics 1000] [--users 100000] [--appointments 1000 per clinic] [--seed 42] [--as-of YYYY-MM-DD] [--append] [--database-url URL]';
const APPOINTMENTS_PER_CLINIC = 1_000;
const TABLE_WIDTH = Math.max(...SEED_STEPS.map((s) => s.table.length));

const Args = z
  .object({
    clinics: z.coerce.number().int().min(1).max(1_000_000).default(1_000),
    users: z.coerce.number().int().min(1).max(10_000_000).default(100_000),
    appointments: z.coerce.number().int().min(0).max(100_000_000).optional(),
    seed: z.coerce
      .number()
      .int()
      .min(0)
      .max(2 ** 31 - 1)
      .default(42),
    'as-of': z.iso.date().optional(),
    append: z.boolean().default(false),
    'database-url': z
      .string()
      .regex(/^postgres(ql)?:\/\//, 'a postgres:// connection URL')
      .optional(),
  })
  .refine((a) => a.users >= a.clinics, {
    message: 'at least as many users as clinics (every clinic has an owner)',
    path: ['users'],
  });

class UsageError extends Error {}
const EXPECTED_FAILURES = [UsageError, ConfigError, EmbeddedPostgresError, MigrationChangedError, SeedRefusedError];

async function main(): Promise<void> {
  const args = parseCommandLine(process.argv.slice(2));
  const config = loadConfig();
  const log = createLogger(config);
  const asOf = args['as-of'] ?? new Date().toISOString().slice(0, 10);
  const appointments = args.appointments ?? args.clinics * APPOINTMENTS_PER_CLINIC;

  let embedded: EmbeddedDatabase | undefined;
  let url = args['database-url'] ?? config.DATABASE_URL;
  if (!url) {
    embedded = await startEmbeddedPostgres(config.EMBEDDED_DB_DIR, config.EMBEDDED_DB_PORT, log);
    url = embedded.url;
  }
  const db = createDatabase(url, config, log);
  try {
    if (embedded || config.RUN_MIGRATIONS) await migrate(db.owner, log);
    const bars = new ProgressBars();
    const summary = await seedDatabase(
      db.owner,
      {
        clinics: args.clinics,
        users: args.users,
        appointments,
        seed: args.seed,
        append: args.append,
        asOf: new Date(`${asOf}T00:00:00Z`),
      },
      bars,
    ).finally(() => bars.stop());
    printSummary(summary, { ...args, appointments, asOf });
  } finally {
    await db.close();
    await embedded?.stop();
  }
}

function parseCommandLine(argv: string[]): z.infer<typeof Args> {
  let values: Record<string, unknown>;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      options: {
        clinics: { type: 'string' },
        users: { type: 'string' },
        appointments: { type: 'string' },
        seed: { type: 'string' },
        'as-of': { type: 'string' },
        append: { type: 'boolean' },
        'database-url': { type: 'string' },
      },
    }));
  } catch (error) {
    throw new UsageError(`${(error as Error).message}\n${USAGE}`);
  }
  const parsed = Args.safeParse(values);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new UsageError(`--${String(issue.path[0] ?? 'arguments')}: ${issue.message}\n${USAGE}`);
  }
  return parsed.data;
}

/** One bar per table on stderr (the summary on stdout stays clean when redirected); plain lines without a terminal. */
class ProgressBars implements SeedProgress {
  private readonly tty = process.stderr.isTTY === true;
  private readonly multi = new cliProgress.MultiBar(
    { format: ' {table} {bar} {value}/{total} rows  {rate} rows/s', barsize: 30 },
    cliProgress.Presets.shades_classic,
  );
  private current: { bar: cliProgress.SingleBar; started: number; rows: number } | undefined;

  stepStarted(table: string, plannedRows: number): void {
    if (!this.tty) {
      process.stderr.write(`seeding ${table}: ${plannedRows.toLocaleString('en-US')} rows\n`);
      return;
    }
    this.current?.bar.stop();
    this.current = {
      bar: this.multi.create(plannedRows, 0, { table: table.padEnd(TABLE_WIDTH), rate: 0 }),
      started: performance.now(),
      rows: 0,
    };
  }

  rowsWritten(_table: string, rows: number): void {
    const c = this.current;
    if (!c) return;
    c.rows += rows;
    c.bar.increment(rows, { rate: Math.round(c.rows / ((performance.now() - c.started) / 1000)).toLocaleString('en-US') });
  }

  stop(): void {
    if (this.tty) this.multi.stop();
  }
}

function printSummary(summary: SeedSummary, args: z.infer<typeof Args> & { appointments: number; asOf: string }): void {
  const n = (v: number) => v.toLocaleString('en-US');
  const rows = summary.steps.map((s) => [
    s.table,
    n(s.rows),
    s.seconds.toFixed(2),
    n(Math.round(s.rows / Math.max(s.seconds, 0.001))),
  ]);
  const total = summary.steps.reduce((sum, s) => sum + s.rows, 0);
  rows.push(['total', n(total), summary.seconds.toFixed(2), n(Math.round(total / summary.seconds))]);
  const table = [['table', 'rows', 'seconds', 'rows/s'], ...rows];
  const widths = table[0]!.map((_, i) => Math.max(...table.map((r) => r[i]!.length)));
  const line = (r: string[]) =>
    `  ${r.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('   ')}`;
  const out = [
    '',
    `Seeded ${n(args.clinics)} clinics, ${n(args.users)} users and ${n(args.appointments)} appointments (seed ${args.seed}, as of ${args.asOf}${summary.offset.clinics ? `, appended after ${n(summary.offset.clinics)} clinics` : ''}).`,
    '',
    line(table[0]!),
    ...rows.map(line),
    '',
    `Every seeded account signs in with the password: ${SEED_PASSWORD}`,
    '  (hashed once and shared by all: hashing each account with argon2 would take minutes)',
    ...(summary.sampleOwnerEmail ? [`An owner to try: ${summary.sampleOwnerEmail}`] : []),
    `The same data again, into an empty database: npm run seed -- --clinics ${args.clinics} --users ${args.users} --appointments ${args.appointments} --seed ${args.seed} --as-of ${args.asOf}`,
    '',
  ];
  process.stdout.write(out.join('\n'));
}

main().catch((error: unknown) => {
  if (EXPECTED_FAILURES.some((type) => error instanceof type)) {
    process.stderr.write(`seed: ${(error as Error).message}\n`);
  } else {
    process.stderr.write(`seed failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  }
  process.exit(1);
});
