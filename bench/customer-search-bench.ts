import pg from 'pg';
import { loadConfig } from '../src/config.ts';
import { listCustomers } from '../src/customers/customer-repo.ts';
import { createDatabase, enableAppRoleLogin } from '../src/db/database.ts';
import { migrate } from '../src/db/migrate.ts';
import { withTenant, type TenantScope } from '../src/db/tenant-transaction.ts';
import { createLogger } from '../src/logger.ts';
import { writeBenchReport } from './bench-report.ts';
import { benchOptions } from './bench-options.ts';
import { round, summarise, timed } from './timing.ts';

// Receptionist search (name, phone or email contains …) in one clinic of 100,000 customers, as the
// app runs it (withTenant + listCustomers as the application role, RLS on). Baseline in the same run:
// the same query with bitmap scans switched off, i.e. without the trigram indexes.
const { customers, iterations } = benchOptions('customer search bench', { numbers: { customers: 100000, iterations: 200 } });
const config = loadConfig({ ...process.env, LOG_LEVEL: 'warn' });
if (!config.DATABASE_URL)
  throw new Error('customer search bench: set DATABASE_URL to a server where a scratch database may be created');
const log = createLogger(config);
const name = 'bwai_bench_customer_search';
const admin = new pg.Client({ connectionString: config.DATABASE_URL });
await admin.connect();
await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
await admin.query(`CREATE DATABASE ${name}`);
const url = new URL(config.DATABASE_URL);
url.pathname = `/${name}`;
const db = createDatabase(url.toString(), config, log);
try {
  process.stdout.write('migrating…\n');
  await migrate(db.owner, log);
  if (!config.DATABASE_APP_URL) await enableAppRoleLogin(db.owner, config.DATABASE_APP_PASSWORD);
  const {
    rows: [clinic],
  } = await db.owner.query<{ id: string }>(
    `INSERT INTO clinics (slug, name, tier, status) VALUES ('search-bench', 'Search Bench', 'enterprise', 'active') RETURNING id`,
  );
  process.stdout.write(`inserting ${customers} customers…\n`);
  // Deterministic names from Thai and English name parts; phones and emails derived from the index.
  await db.owner.query(
    `INSERT INTO customers (clinic_id, full_name, email, phone, created_at)
     SELECT $1, (ARRAY['Somchai','Nok','Ploy','Anan','Kanya','Mali','Emma','Fah','Lek','Niran','Suda','James'])[1 + i % 12] || ' ' ||
                (ARRAY['Srisuk','Wongsakul','Chaiyaporn','Boonmee','Inthanon','Rattanakorn','Clarke','Charoensuk','Phromma','Saetang'])[1 + (i / 12) % 10] || ' ' || i,
            'customer' || i || '@example.com', '+66 8' || lpad((i * 7919 % 100000000)::text, 8, '0'), now() - i * interval '1 minute'
     FROM generate_series(1, $2::int) AS i`,
    [clinic!.id, customers],
  );
  await db.owner.query('ANALYZE customers');
  const scope: TenantScope = { clinicId: clinic!.id, userId: null, role: 'receptionist' };
  const terms = ['Wongsakul 4', 'customer9876@', '+66 8123', 'nok rat'];
  const results = [];
  for (const q of terms) {
    const run = (withIndexes: boolean) => async () =>
      withTenant(db.app, scope, async (tx) => {
        if (!withIndexes) await tx.query('SET LOCAL enable_bitmapscan = off');
        return listCustomers(tx, clinic!.id, { q, after: null, limit: 25 });
      });
    const indexed = await time(run(true));
    const baseline = await time(run(false));
    results.push({ q, indexedMs: indexed, withoutIndexMs: baseline, speedup: round(baseline.p50 / indexed.p50) });
  }
  console.table(
    results.map((r) => ({
      search: r.q,
      'p50 ms': r.indexedMs.p50,
      'p99 ms': r.indexedMs.p99,
      'no-index p50 ms': r.withoutIndexMs.p50,
      speedup: `${r.speedup}×`,
    })),
  );
  await writeBenchReport('customer-search', { customers, iterations, results });
} finally {
  await db.close();
  await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin.end();
}

async function time(fn: () => Promise<unknown>) {
  for (let i = 0; i < 20; i++) await fn();
  const samples: number[] = [];
  for (let i = 0; i < iterations; i++) samples.push(await timed(fn));
  return summarise(samples);
}
