import { randomBytes } from 'node:crypto';
import { loadavg } from 'node:os';
import pg from 'pg';
import { startEmbeddedPostgres, type EmbeddedDatabase } from '../src/db/embedded-postgres.ts';
import { migrate } from '../src/db/migrate.ts';
import { createLogger } from '../src/logger.ts';
import { seedDatabase } from '../src/seed/seed-runner.ts';
import { writeBenchReport } from './bench-report.ts';
import { benchOptions } from './bench-options.ts';

// Seeds a scratch database at the design's scale (1,000 clinics, 100,000 users, 1,000,000 appointments) and reports rows/s per table.
const values = benchOptions('seed bench', {
  numbers: { clinics: 1000, users: 100000, appointments: 1000000, seed: 42 },
});
const log = createLogger({ LOG_LEVEL: 'warn', NODE_ENV: 'production' });

let embedded: EmbeddedDatabase | undefined;
let serverUrl = process.env.DATABASE_URL;
if (!serverUrl) {
  embedded = await startEmbeddedPostgres('.data/bench-postgres', 0, log);
  serverUrl = embedded.url;
}
const scratch = `bwai_bench_seed_${randomBytes(4).toString('hex')}`;
const admin = new pg.Client({ connectionString: serverUrl });
await admin.connect();
await admin.query(`CREATE DATABASE ${scratch}`);
const url = new URL(serverUrl);
url.pathname = `/${scratch}`;
const pool = new pg.Pool({ connectionString: url.toString(), max: 2 });
try {
  await migrate(pool, log);
  const summary = await seedDatabase(pool, {
    clinics: values.clinics,
    users: values.users,
    appointments: values.appointments,
    seed: values.seed,
    append: false,
    asOf: new Date(`${new Date().toISOString().slice(0, 10)}T00:00:00Z`),
  });
  const rows = summary.steps.map((s) => ({
    table: s.table,
    rows: s.rows,
    seconds: Number(s.seconds.toFixed(3)),
    rowsPerSecond: Math.round(s.rows / s.seconds),
  }));
  const total = rows.reduce((sum, r) => sum + r.rows, 0);
  rows.push({
    table: 'total',
    rows: total,
    seconds: Number(summary.seconds.toFixed(3)),
    rowsPerSecond: Math.round(total / summary.seconds),
  });
  // Appointments are bound by the database's work per row (exclusion constraints, foreign keys): on a
  // shared machine the load average explains most of the spread between runs.
  process.stdout.write(
    `seed: ${values.clinics} clinics, ${values.users} users, ${values.appointments} appointments (load average ${loadavg()[0]!.toFixed(2)})\n`,
  );
  for (const r of rows)
    process.stdout.write(
      `  ${r.table.padEnd(25)} ${String(r.rows).padStart(9)} rows ${r.seconds.toFixed(2).padStart(7)} s ${String(r.rowsPerSecond).padStart(8)} rows/s\n`,
    );
  await writeBenchReport('seed', {
    loadAverage: loadavg().map((l) => Number(l.toFixed(2))),
    clinics: values.clinics,
    users: values.users,
    appointments: values.appointments,
    totalSeconds: Number(summary.seconds.toFixed(3)),
    steps: rows,
  });
} finally {
  await pool.end();
  await admin.query(`DROP DATABASE IF EXISTS ${scratch} WITH (FORCE)`);
  await admin.end();
  await embedded?.stop();
}
