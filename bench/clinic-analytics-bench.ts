import { mkdir, writeFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { createAnalyticsCache } from '../src/analytics/analytics-cache.ts';
import { clinicPerformance, type ClinicPerformanceRow } from '../src/analytics/clinic-analytics-repo.ts';
import { ClinicAnalyticsQuery, type ClinicAnalyticsPage } from '../src/analytics/clinic-analytics-schemas.ts';
import { createClinicAnalyticsService } from '../src/analytics/clinic-analytics-service.ts';
import type { PlatformActor, Tx } from '../src/db/tenant-transaction.ts';
import { connectRedis } from '../src/cache/redis-connection.ts';
import { loadConfig } from '../src/config.ts';
import { createDatabase, enableAppRoleLogin } from '../src/db/database.ts';
import { unsafeWithPlatformAccess } from '../src/db/tenant-transaction.ts';
import { createLogger } from '../src/logger.ts';
import { fail, notSeededMessage, seededDatabaseUrl, seededTotals } from './seeded-database.ts';
import { round, summarise, timed, type Timing } from './timing.ts';

// Clinic performance for every clinic over a period (default: the last 30 days), on a seeded
// database, three ways in one run: (a) the N+1 pattern (list the clinics, then separate count queries
// per clinic), (b) the one statement the service runs, uncached, and (c) the service call served from
// its cache (the audit entry on the primary included). Both reads go through the replica pool as the
// platform role, as the service reads. (a) and (b) must agree on every figure of every clinic.
const TARGETS = { oneQueryMs: 100, cachedMs: 2, ratio: 50 };
const READER: PlatformActor = { userId: null, role: 'super_admin' };
const META = { ip: null, userAgent: 'clinic-analytics-bench' };

const { values } = parseArgs({
  options: {
    'database-url': { type: 'string' },
    iterations: { type: 'string', default: '50' },
    'n1-iterations': { type: 'string', default: '5' },
    'cached-iterations': { type: 'string', default: '500' },
    from: { type: 'string' },
    to: { type: 'string' },
    'skip-vacuum': { type: 'boolean', default: false },
  },
});
const iterations = Number(values.iterations);
const n1Iterations = Number(values['n1-iterations']);
const cachedIterations = Number(values['cached-iterations']);
const config = loadConfig({ ...process.env, LOG_LEVEL: 'warn' });
const url = seededDatabaseUrl('clinic analytics bench', values['database-url']);
const query = ClinicAnalyticsQuery.parse({ from: values.from, to: values.to });
const period = { from: new Date(`${query.from}T00:00:00Z`), until: new Date(Date.parse(`${query.to}T00:00:00Z`) + 86_400_000) };
const log = createLogger(config);
const db = createDatabase(url, config, log);
const redis = config.REDIS_URL ? connectRedis(config.REDIS_URL, log) : null;

/** One clinic's figures as the bench compares them: the repository's columns, the rate left out (it is derived). */
type Figures = Pick<
  ClinicPerformanceRow,
  | 'active_staff'
  | 'customers'
  | 'new_customers'
  | 'appointments'
  | 'completed'
  | 'cancelled'
  | 'no_shows'
  | 'revenue_satang'
  | 'analyses_completed'
> & {
  last_activity_at: number | null;
};
// Everything the statement reads.
const TABLES = ['clinics', 'users', 'customers', 'appointments', 'skin_analyses'];
const FIGURES = [
  'active_staff',
  'customers',
  'new_customers',
  'appointments',
  'completed',
  'cancelled',
  'no_shows',
  'revenue_satang',
  'analyses_completed',
  'last_activity_at',
] as const;

try {
  const size = await seededTotals(db.owner);
  if (size.appointments === 0) fail(notSeededMessage('clinic analytics bench', url));
  if (!config.DATABASE_APP_URL) await enableAppRoleLogin(db.owner, config.DATABASE_APP_PASSWORD);
  const vacuumed = values['skip-vacuum'] ? [] : await vacuumNeverVacuumed();
  const loadAtStart = loadavg().map(round);
  const service = createClinicAnalyticsService({
    primary: db.app,
    replica: db.replica,
    cache: createAnalyticsCache<ClinicAnalyticsPage>({
      redis,
      keyPrefix: `${config.REDIS_KEY_PREFIX}analytics-bench:`,
      ttlSeconds: config.ANALYTICS_CACHE_SECONDS,
      log,
    }),
  });
  const cached = () => service.clinicPerformance(READER, query, META);

  const asPlatform = <T>(work: (tx: Tx) => Promise<T>) =>
    unsafeWithPlatformAccess(db.replica, { clinicId: null, ...READER }, work, { readOnly: true });
  const oneQuery = (limit: number) =>
    asPlatform((tx) => clinicPerformance(tx, { ...period, sort: query.sort, order: query.order, after: null, limit }));

  // Correctness first: every figure of every clinic, both ways.
  const nPlusOneResult = await asPlatform(nPlusOne);
  const oneQueryResult = await oneQuery(size.clinics);
  const mismatches = compare(nPlusOneResult.figures, new Map(oneQueryResult.clinics.map((r) => [r.id, figuresOf(r)])));

  await cached();
  for (let i = 0; i < 3; i++) await oneQuery(size.clinics);
  const n1Ms: number[] = [];
  const oneMs: number[] = [];
  const pageMs: number[] = [];
  // Interleaved, so that all three see the same moments of a shared machine.
  for (let i = 0; i < iterations; i++) {
    if (i % Math.max(1, Math.floor(iterations / n1Iterations)) === 0 && n1Ms.length < n1Iterations)
      n1Ms.push(await timed(() => asPlatform(nPlusOne)));
    oneMs.push(await timed(() => oneQuery(size.clinics)));
    pageMs.push(await timed(() => oneQuery(query.limit + 1)));
  }
  const cachedMs: number[] = [];
  for (let i = 0; i < cachedIterations; i++) cachedMs.push(await timed(cached));

  const results = {
    nPlusOne: { queries: nPlusOneResult.queries, ...summarise(n1Ms) },
    oneQuery: { clinics: oneQueryResult.clinics.length, ...summarise(oneMs) },
    firstPage: { clinics: query.limit, ...summarise(pageMs) },
    cached: summarise(cachedMs),
  };
  const ratioP50 = round(results.nPlusOne.p50 / results.oneQuery.p50);
  const ratioP95 = round(results.nPlusOne.p95 / results.oneQuery.p95);
  const plan = await explainOneQuery(size.clinics);
  const loadAtEnd = loadavg().map(round);
  print(size, results, ratioP50, mismatches, plan, loadAtEnd, vacuumed);
  await mkdir('bench/results', { recursive: true });
  await writeFile(
    'bench/results/clinic-analytics.json',
    `${JSON.stringify(
      {
        at: new Date().toISOString(),
        // How shared the machine was while the numbers were taken.
        loadAverage: { atStart: loadAtStart, atEnd: loadAtEnd },
        database: size,
        period: { from: query.from, to: query.to },
        sort: { by: query.sort, order: query.order, pageSize: query.limit },
        cache: redis ? 'redis' : 'in-process',
        vacuumedFirst: values['skip-vacuum'] ? 'skipped (--skip-vacuum)' : vacuumed,
        iterations: { nPlusOne: n1Ms.length, oneQuery: iterations, cached: cachedIterations },
        targets: TARGETS,
        results,
        ratioP50,
        ratioP95,
        countsEqual: mismatches.length === 0,
        mismatches: mismatches.slice(0, 20),
        plan,
      },
      null,
      2,
    )}\n`,
  );
  if (mismatches.length > 0) process.exitCode = 1;
} finally {
  await db.close();
  if (redis) await redis.quit().catch(() => redis.disconnect());
}

/**
 * The seeder analyses but cannot vacuum (it runs in one transaction), and a server with autovacuum off
 * never does: until then no page is marked all-visible and every index-only scan reads the table too.
 * A vacuum now is what autovacuum does minutes after a bulk load; --skip-vacuum measures without it.
 */
async function vacuumNeverVacuumed(): Promise<string[]> {
  const { rows } = await db.owner.query<{ relname: string }>(
    'SELECT relname FROM pg_stat_user_tables WHERE relname = ANY($1) AND last_vacuum IS NULL AND last_autovacuum IS NULL ORDER BY relname',
    [TABLES],
  );
  for (const { relname } of rows) await db.owner.query(`VACUUM (ANALYZE) ${relname}`);
  return rows.map((r) => r.relname);
}

/** The clinic list, then each figure of each clinic by its own query, as a first version would write it. */
async function nPlusOne(tx: Tx): Promise<{ figures: Map<string, Figures>; queries: number }> {
  let queries = 0;
  const one = async <T>(sql: string, params: unknown[]): Promise<T> => {
    queries++;
    const { rows } = await tx.query<{ v: T }>(sql, params);
    return rows[0]!.v;
  };
  const staffRoles = `role IN ('clinic_owner', 'clinic_admin', 'clinic_staff', 'receptionist')`;
  const inPeriod = (column: string) => `${column} >= $2 AND ${column} < $3`;
  const { rows: clinics } = await tx.query<{ id: string }>('SELECT id FROM clinics ORDER BY created_at DESC, id');
  queries++;
  const figures = new Map<string, Figures>();
  for (const { id } of clinics) {
    const p = [id, period.from, period.until];
    const appointmentsIn = (status?: string) =>
      one<number>(
        `SELECT count(*)::int AS v FROM appointments WHERE clinic_id = $1 AND ${inPeriod('starts_at')}${status ? ` AND status = '${status}'` : ''}`,
        p,
      );
    const latest = [
      await one<Date | null>(`SELECT max(last_sign_in_at) AS v FROM users WHERE clinic_id = $1 AND ${staffRoles}`, [id]),
      await one<Date | null>('SELECT max(created_at) AS v FROM customers WHERE clinic_id = $1', [id]),
      await one<Date | null>('SELECT max(updated_at) AS v FROM appointments WHERE clinic_id = $1', [id]),
      await one<Date | null>('SELECT max(created_at) AS v FROM skin_analyses WHERE clinic_id = $1', [id]),
    ].filter((d): d is Date => d !== null);
    figures.set(id, {
      active_staff: await one<number>(
        `SELECT count(*)::int AS v FROM users WHERE clinic_id = $1 AND ${staffRoles} AND disabled_at IS NULL`,
        [id],
      ),
      customers: await one<number>('SELECT count(*)::int AS v FROM customers WHERE clinic_id = $1', [id]),
      new_customers: await one<number>(
        `SELECT count(*)::int AS v FROM customers WHERE clinic_id = $1 AND ${inPeriod('created_at')}`,
        p,
      ),
      appointments: await appointmentsIn(),
      completed: await appointmentsIn('completed'),
      cancelled: await appointmentsIn('cancelled'),
      no_shows: await appointmentsIn('no_show'),
      revenue_satang: await one<string>(
        `SELECT coalesce(sum(price_satang), 0)::bigint AS v FROM appointments WHERE clinic_id = $1 AND status = 'completed' AND ${inPeriod('starts_at')}`,
        p,
      ),
      analyses_completed: await one<number>(
        `SELECT count(*)::int AS v FROM skin_analyses WHERE clinic_id = $1 AND status = 'completed' AND ${inPeriod('finished_at')}`,
        p,
      ),
      last_activity_at: latest.length ? Math.max(...latest.map((d) => d.getTime())) : null,
    });
  }
  return { figures, queries };
}

function figuresOf(row: ClinicPerformanceRow): Figures {
  return { ...row, last_activity_at: row.last_activity_at?.getTime() ?? null };
}

function compare(expected: Map<string, Figures>, actual: Map<string, Figures>) {
  const mismatches: { clinicId: string; figure: string; nPlusOne: unknown; oneQuery: unknown }[] = [];
  for (const [clinicId, e] of expected) {
    const a = actual.get(clinicId);
    for (const figure of FIGURES) {
      if (!a || e[figure] !== a[figure]) mismatches.push({ clinicId, figure, nPlusOne: e[figure], oneQuery: a?.[figure] });
    }
  }
  for (const clinicId of actual.keys())
    if (!expected.has(clinicId)) mismatches.push({ clinicId, figure: 'clinic', nPlusOne: undefined, oneQuery: 'present' });
  return mismatches;
}

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  'Heap Fetches'?: number;
  'Actual Rows': number;
  'Actual Loops': number;
  Plans?: PlanNode[];
}

/** EXPLAIN ANALYZE of the very statement the repository sends: its transaction puts EXPLAIN in front (of all but its settings). */
async function explainOneQuery(limit: number) {
  let plan: { Plan: PlanNode; 'Planning Time': number; 'Execution Time': number } | undefined;
  await unsafeWithPlatformAccess(
    db.replica,
    { clinicId: null, ...READER },
    async (tx) => {
      const explaining = {
        query: async (text: string, params?: unknown[]) => {
          if (text.startsWith('SET ')) return tx.query(text, params);
          const result = await tx.query<{ 'QUERY PLAN': [NonNullable<typeof plan>] }>(
            `EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) ${text}`,
            params,
          );
          plan = result.rows[0]!['QUERY PLAN'][0];
          return result;
        },
      } as unknown as Tx;
      await clinicPerformance(explaining, { ...period, sort: query.sort, order: query.order, after: null, limit });
    },
    { readOnly: true },
  );
  const scans: string[] = [];
  let heapFetches = 0;
  const walk = (node: PlanNode) => {
    if (node['Relation Name']) {
      scans.push(
        `${node['Node Type']}${node['Index Name'] ? ` using ${node['Index Name']}` : ''} on ${node['Relation Name']} (rows ${node['Actual Rows']} x ${node['Actual Loops']})`,
      );
    }
    heapFetches += node['Heap Fetches'] ?? 0;
    (node.Plans ?? []).forEach(walk);
  };
  walk(plan!.Plan);
  return { executionMs: plan!['Execution Time'], planningMs: plan!['Planning Time'], heapFetches, scans };
}

function print(
  size: { clinics: number; users: number; appointments: number },
  results: Record<'oneQuery' | 'firstPage' | 'cached', Timing> & { nPlusOne: Timing & { queries: number } },
  ratio: number,
  mismatches: unknown[],
  plan: Awaited<ReturnType<typeof explainOneQuery>>,
  load: number[],
  vacuumed: string[],
): void {
  const n = (v: number) => v.toLocaleString('en-US');
  const ms = (v: number) => v.toFixed(2);
  const met = (ok: boolean) => (ok ? 'met' : 'MISSED');
  const table = [
    ['case', 'p50 ms', 'p95 ms', 'target'],
    [
      `(a) N+1: clinic list, then ${(results.nPlusOne.queries - 1) / size.clinics} queries per clinic`,
      ms(results.nPlusOne.p50),
      ms(results.nPlusOne.p95),
      '',
    ],
    [
      `(b) one query, all ${n(size.clinics)} clinics, uncached`,
      ms(results.oneQuery.p50),
      ms(results.oneQuery.p95),
      `< ${TARGETS.oneQueryMs} ms ${met(results.oneQuery.p95 < TARGETS.oneQueryMs)}`,
    ],
    [`(b) one query, first page of ${query.limit}, uncached`, ms(results.firstPage.p50), ms(results.firstPage.p95), ''],
    [
      '(c) service call, cached (audit entry included)',
      ms(results.cached.p50),
      ms(results.cached.p95),
      `< ${TARGETS.cachedMs} ms ${met(results.cached.p95 < TARGETS.cachedMs)}`,
    ],
  ];
  const widths = table[0]!.map((_, i) => Math.max(...table.map((row) => row[i]!.length)));
  const line = (row: string[]) =>
    `  ${row.map((cell, i) => (i === 0 || i === 3 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('   ')}`;
  process.stdout.write(
    [
      '',
      `clinic analytics bench: ${n(size.clinics)} clinics, ${n(size.users)} users, ${n(size.appointments)} appointments; period ${query.from} to ${query.to}; cache ${redis ? 'Redis' : 'in-process'}; load average ${load[0]!.toFixed(2)}`,
      ...(vacuumed.length ? [`vacuumed first (never vacuumed before, as autovacuum would have): ${vacuumed.join(', ')}`] : []),
      '',
      line(table[0]!),
      ...table.slice(1).map(line),
      '',
      `N+1 / one query (p50): ${ratio.toFixed(1)}x, target >= ${TARGETS.ratio}x ${met(ratio >= TARGETS.ratio)}`,
      mismatches.length === 0
        ? `counts: (a) and (b) agree on all ${FIGURES.length} figures of all ${n(size.clinics)} clinics`
        : `counts: ${n(mismatches.length)} figures DIFFER between (a) and (b); see bench/results/clinic-analytics.json`,
      `plan of (b): execution ${ms(plan.executionMs)} ms, planning ${ms(plan.planningMs)} ms, heap fetches ${n(plan.heapFetches)}`,
      ...plan.scans.map((scan) => `    ${scan}`),
      'written: bench/results/clinic-analytics.json',
      '',
    ].join('\n'),
  );
}
