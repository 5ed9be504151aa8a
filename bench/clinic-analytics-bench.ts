import { loadavg } from 'node:os';
import { createAnalyticsCache } from '../src/analytics/analytics-cache.ts';
import { clinicPerformance, type ClinicPerformanceRow } from '../src/analytics/clinic-analytics-repo.ts';
import { ClinicAnalyticsQuery, type ClinicAnalyticsPage } from '../src/analytics/clinic-analytics-schemas.ts';
import { createClinicAnalyticsService } from '../src/analytics/clinic-analytics-service.ts';
import { connectRedis } from '../src/cache/redis-connection.ts';
import { loadConfig } from '../src/config.ts';
import { createDatabase, enableAppRoleLogin } from '../src/db/database.ts';
import { unsafeWithPlatformAccess, withTenant, type PlatformActor, type Tx } from '../src/db/tenant-transaction.ts';
import { createLogger } from '../src/logger.ts';
import { liveClinicFigures, type LiveFigures } from '../test/support/live-clinic-figures.ts';
import { writeBenchReport } from './bench-report.ts';
import { benchOptions } from './bench-options.ts';
import { fail, notSeededMessage, seededDatabaseUrl, seededTotals } from './seeded-database.ts';
import { round, summarise, timed, type Timing } from './timing.ts';

// Clinic performance for every clinic, on a seeded database, over a 30-day and a 366-day period ending
// today (or one --from/--to period), four ways in one run: (a) the N+1 pattern (list the clinics, then
// separate count queries per clinic), (b) the live statement computing the figures from the rows (what
// the service ran before the rollups; kept in test/support as the rollups' reference), (c) the
// statement the service runs, over the rollups the writes keep, uncached, and (d) the service call
// served from its cache (the audit entry on the primary included). Reads go through the replica pool
// as the platform role, as the service reads. (a), (b) and (c) must agree on every figure of every
// clinic. Then the write side: what the rollup triggers add to a booking, a completion and a
// reschedule, from EXPLAIN ANALYZE's trigger times in transactions that are rolled back.
const TARGETS = { rollupMs: 20, cachedMs: 2, ratio: 200 };
const READER: PlatformActor = { userId: null, role: 'super_admin' };
const META = { ip: null, userAgent: 'clinic-analytics-bench' };
const DAY_MS = 86_400_000;

const values = benchOptions('clinic analytics bench', {
  numbers: { iterations: 50, 'n1-iterations': 3, 'cached-iterations': 500, 'write-samples': 30 },
  strings: ['database-url', 'from', 'to'],
  switches: ['skip-vacuum'],
});
const {
  iterations,
  'n1-iterations': n1Iterations,
  'cached-iterations': cachedIterations,
  'write-samples': writeSamples,
} = values;
const config = loadConfig({ ...process.env, LOG_LEVEL: 'warn' });
const url = seededDatabaseUrl('clinic analytics bench', values['database-url']);
const today = new Date().toISOString().slice(0, 10);
const daysBefore = (day: string, n: number) => new Date(Date.parse(day) - n * DAY_MS).toISOString().slice(0, 10);
const queries =
  values.from || values.to
    ? [ClinicAnalyticsQuery.parse({ from: values.from, to: values.to })]
    : [
        ClinicAnalyticsQuery.parse({ from: daysBefore(today, 29), to: today }),
        ClinicAnalyticsQuery.parse({ from: daysBefore(today, 365), to: today }),
      ];
const log = createLogger(config);
const db = createDatabase(url, config, log);
const redis = config.REDIS_URL ? connectRedis(config.REDIS_URL, log) : null;

/** One clinic's figures as the bench compares them: the repository's columns, the rate left out (it is derived). */
type Figures = Omit<LiveFigures, 'last_activity_at' | 'revenue_satang'> & {
  revenue_satang: string;
  last_activity_at: number | null;
};
// Everything the live statement and the rollups read.
const TABLES = [
  'clinics',
  'users',
  'customers',
  'appointments',
  'skin_analyses',
  'clinic_running_totals',
  'clinic_current_figures',
];
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

const asPlatform = <T>(work: (tx: Tx) => Promise<T>) =>
  unsafeWithPlatformAccess(db.replica, { clinicId: null, ...READER }, work, { readOnly: true });

try {
  const size = await seededTotals(db.owner);
  if (size.appointments === 0) fail(notSeededMessage('clinic analytics bench', url));
  const { rows: rollupTables } = await db.owner.query(`SELECT 1 FROM pg_class WHERE relname = 'clinic_running_totals'`);
  if (rollupTables.length === 0)
    fail(
      'clinic analytics bench: the rollups are missing; migrate the database first (npm run migrate with DATABASE_URL set to it)',
    );
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

  const periods = [];
  for (const query of queries) periods.push(await measurePeriod(query, size.clinics, service));
  const writes = await measureWrites();
  const loadAtEnd = loadavg().map(round);
  print(size, periods, writes, loadAtEnd, vacuumed);
  await writeBenchReport('clinic-analytics', {
    // How shared the machine was while the numbers were taken.
    loadAverage: { atStart: loadAtStart, atEnd: loadAtEnd },
    database: size,
    cache: redis ? 'redis' : 'in-process',
    vacuumedFirst: values['skip-vacuum'] ? 'skipped (--skip-vacuum)' : vacuumed,
    iterations: { nPlusOne: n1Iterations, live: iterations, rollup: iterations, cached: cachedIterations },
    targets: TARGETS,
    periods: periods.map((p) => ({ ...p, mismatches: p.mismatches.slice(0, 20) })),
    writes,
  });
  if (periods.some((p) => p.mismatches.length > 0)) process.exitCode = 1;
} finally {
  await db.close();
  if (redis) await redis.quit().catch(() => redis.disconnect());
}

async function measurePeriod(
  query: ClinicAnalyticsQuery,
  clinics: number,
  service: ReturnType<typeof createClinicAnalyticsService>,
) {
  const period = datesOf(query);
  const rollup = (limit: number) =>
    asPlatform((tx) => clinicPerformance(tx, { period, sort: query.sort, order: query.order, after: null, limit }));
  const live = () => asPlatform((tx) => liveClinicFigures(tx, period));
  const cached = () => service.clinicPerformance(READER, query, META);

  // Correctness first: every figure of every clinic, three ways.
  const nPlusOneResult = await asPlatform((tx) => nPlusOne(tx, period));
  const rollupResult = await rollup(clinics);
  const liveResult = await live();
  const rolled = new Map(rollupResult.clinics.map((r) => [r.id, figuresOf(r)]));
  const mismatches = [
    ...compare('nPlusOne', nPlusOneResult.figures, rolled),
    ...compare('live', new Map([...liveResult].map(([id, f]) => [id, figuresOf(f)])), rolled),
  ];

  await cached();
  for (let i = 0; i < 3; i++) await rollup(clinics);
  const n1Ms: number[] = [];
  const liveMs: number[] = [];
  const rollupMs: number[] = [];
  const pageMs: number[] = [];
  // Interleaved, so that all of them see the same moments of a shared machine.
  for (let i = 0; i < iterations; i++) {
    if (i % Math.max(1, Math.floor(iterations / n1Iterations)) === 0 && n1Ms.length < n1Iterations)
      n1Ms.push(await timed(() => asPlatform((tx) => nPlusOne(tx, period))));
    liveMs.push(await timed(live));
    rollupMs.push(await timed(() => rollup(clinics)));
    pageMs.push(await timed(() => rollup(query.limit + 1)));
  }
  const cachedMs: number[] = [];
  for (let i = 0; i < cachedIterations; i++) cachedMs.push(await timed(cached));

  const results = {
    nPlusOne: { queries: nPlusOneResult.queries, ...summarise(n1Ms) },
    live: summarise(liveMs),
    rollup: { clinics: rollupResult.clinics.length, ...summarise(rollupMs) },
    firstPage: { clinics: query.limit, ...summarise(pageMs) },
    cached: summarise(cachedMs),
  };
  return {
    period,
    days: (Date.parse(period.to) - Date.parse(period.from)) / DAY_MS + 1,
    results,
    ratioP50: round(results.nPlusOne.p50 / results.rollup.p50),
    liveOverRollupP50: round(results.live.p50 / results.rollup.p50),
    mismatches,
    plan: await explainRollup(query, clinics),
  };
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
async function nPlusOne(
  tx: Tx,
  period: { from: string; to: string },
): Promise<{ figures: Map<string, Figures>; queries: number }> {
  let queries = 0;
  const one = async <T>(sql: string, params: unknown[]): Promise<T> => {
    queries++;
    const { rows } = await tx.query<{ v: T }>(sql, params);
    return rows[0]!.v;
  };
  const staffRoles = `role IN ('clinic_owner', 'clinic_admin', 'clinic_staff', 'receptionist')`;
  const inPeriod = (column: string) => `${column} >= $2 AND ${column} < $3`;
  // Each clinic's period runs from its own local midnight to its own local midnight.
  const { rows: clinics } = await tx.query<{ id: string; since: Date; until: Date }>(
    `SELECT id, ($1::date::timestamp AT TIME ZONE time_zone) AS since, (($2::date + 1)::timestamp AT TIME ZONE time_zone) AS until
     FROM clinics ORDER BY created_at DESC, id`,
    [period.from, period.to],
  );
  queries++;
  const figures = new Map<string, Figures>();
  for (const { id, since, until } of clinics) {
    const p = [id, since, until];
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

function figuresOf(row: LiveFigures | ClinicPerformanceRow): Figures {
  return {
    ...Object.fromEntries(FIGURES.map((f) => [f, row[f]])),
    revenue_satang: String(row.revenue_satang),
    last_activity_at: row.last_activity_at?.getTime() ?? null,
  } as Figures;
}

function compare(baseline: string, expected: Map<string, Figures>, actual: Map<string, Figures>) {
  const mismatches: { baseline: string; clinicId: string; figure: string; expected: unknown; rollup: unknown }[] = [];
  for (const [clinicId, e] of expected) {
    const a = actual.get(clinicId);
    for (const figure of FIGURES) {
      if (!a || e[figure] !== a[figure])
        mismatches.push({ baseline, clinicId, figure, expected: e[figure], rollup: a?.[figure] });
    }
  }
  for (const clinicId of actual.keys())
    if (!expected.has(clinicId))
      mismatches.push({ baseline, clinicId, figure: 'clinic', expected: undefined, rollup: 'present' });
  return mismatches;
}

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  'Heap Fetches'?: number;
  'Actual Rows': number;
  'Actual Loops': number;
  'Shared Hit Blocks'?: number;
  'Shared Read Blocks'?: number;
  Plans?: PlanNode[];
}

/** The bench measures periods of two dates, the same for every clinic, so that each is checked against the N+1 of those dates. */
function datesOf(query: ClinicAnalyticsQuery): { from: string; to: string } {
  if (!('from' in query.period)) throw new Error('clinic analytics bench: a period of two dates');
  return query.period;
}

/** EXPLAIN (ANALYZE, BUFFERS) of the very statement the repository sends, through a stand-in transaction. */
async function explainRollup(query: ClinicAnalyticsQuery, limit: number) {
  let plan: { Plan: PlanNode; 'Planning Time': number; 'Execution Time': number } | undefined;
  await asPlatform(async (tx) => {
    const explaining = {
      query: async (text: string, params?: unknown[]) => {
        const result = await tx.query<{ 'QUERY PLAN': [NonNullable<typeof plan>] }>(
          `EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) ${text}`,
          params,
        );
        plan = result.rows[0]!['QUERY PLAN'][0];
        // The repository reads the rows it asked for: run the statement itself for them.
        return tx.query(text, params);
      },
    } as unknown as Tx;
    await clinicPerformance(explaining, {
      period: datesOf(query),
      sort: query.sort,
      order: query.order,
      after: null,
      limit,
    });
  });
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
  return {
    executionMs: plan!['Execution Time'],
    planningMs: plan!['Planning Time'],
    sharedHitBlocks: plan!.Plan['Shared Hit Blocks'] ?? 0,
    sharedReadBlocks: plan!.Plan['Shared Read Blocks'] ?? 0,
    heapFetches,
    scans,
  };
}

interface WritePlan {
  'Execution Time': number;
  Triggers?: { 'Trigger Name': string; Time: number; Calls: number }[];
}

/**
 * What the rollups add to the writes that feed them: a booking tomorrow and one in 30 days (every
 * running total after its day takes its change), completing an appointment of the last week, and
 * moving one to another day. Each is run as the application role in its clinic's scope under
 * EXPLAIN ANALYZE, which times each trigger apart from the statement, then rolled back.
 */
async function measureWrites() {
  const { rows: picks } = await db.owner.query<{
    clinic_id: string;
    customer_id: string;
    treatment_id: string;
    staff_user_id: string;
    time_zone: string;
    done_id: string | null;
    later_rows_tomorrow: number;
  }>(
    `SELECT c.id AS clinic_id, a.customer_id, a.treatment_id, a.staff_user_id, c.time_zone,
            (SELECT d.id FROM appointments d WHERE d.clinic_id = c.id AND d.status IN ('scheduled', 'confirmed')
               AND d.starts_at < now() AND d.starts_at > now() - interval '7 days' LIMIT 1) AS done_id,
            (SELECT count(*)::int FROM clinic_running_totals r WHERE r.clinic_id = c.id AND r.day > current_date) AS later_rows_tomorrow
     FROM (SELECT id, time_zone FROM clinics ORDER BY md5(id::text) LIMIT $1) c
     CROSS JOIN LATERAL (SELECT customer_id, treatment_id, staff_user_id FROM appointments WHERE clinic_id = c.id LIMIT 1) a`,
    [writeSamples],
  );
  const samples: Record<
    'bookTomorrow' | 'bookIn30Days' | 'complete' | 'reschedule',
    { statementMs: number; rollupMs: number }[]
  > = {
    bookTomorrow: [],
    bookIn30Days: [],
    complete: [],
    reschedule: [],
  };
  const rolledBack = new Error('rolled back on purpose');
  const explain = async (clinicId: string, sql: string, params: unknown[]) => {
    let plan: WritePlan | undefined;
    await withTenant(db.app, { clinicId, userId: null, role: 'clinic_owner' }, async (tx) => {
      const { rows } = await tx.query<{ 'QUERY PLAN': [WritePlan] }>(`EXPLAIN (ANALYZE, FORMAT JSON) ${sql}`, params);
      plan = rows[0]!['QUERY PLAN'][0];
      throw rolledBack;
    }).catch((error: unknown) => {
      // A seeded booking may already hold the staff member at that hour: that sample is skipped.
      if (error !== rolledBack && (error as { code?: string }).code !== '23P01') throw error;
    });
    if (!plan) return undefined;
    const rollupMs = (plan.Triggers ?? [])
      .filter((tr) => tr['Trigger Name'].includes('_figures_'))
      .reduce((s, tr) => s + tr.Time, 0);
    return { statementMs: round(plan['Execution Time']), rollupMs: round(rollupMs) };
  };
  // 03:07 at night, local: outside any seeded working hours.
  const book = (p: (typeof picks)[number], days: number) =>
    explain(
      p.clinic_id,
      `INSERT INTO appointments (clinic_id, customer_id, treatment_id, staff_user_id, starts_at, ends_at, price_satang)
       SELECT $1, $2, $3, $4, s, s + interval '30 minutes', 150000
       FROM (SELECT ((current_date + $5::int)::timestamp + interval '3 hours 7 minutes') AT TIME ZONE $6 AS s) x`,
      [p.clinic_id, p.customer_id, p.treatment_id, p.staff_user_id, days, p.time_zone],
    );
  for (const p of picks) {
    const tomorrow = await book(p, 1);
    if (tomorrow) samples.bookTomorrow.push(tomorrow);
    const later = await book(p, 30);
    if (later) samples.bookIn30Days.push(later);
    if (p.done_id) {
      const complete = await explain(
        p.clinic_id,
        `UPDATE appointments SET status = 'completed', updated_at = now() WHERE id = $1`,
        [p.done_id],
      );
      if (complete) samples.complete.push(complete);
      const reschedule = await explain(
        p.clinic_id,
        `UPDATE appointments SET starts_at = starts_at + interval '3 days', ends_at = ends_at + interval '3 days', updated_at = now() WHERE id = $1`,
        [p.done_id],
      );
      if (reschedule) samples.reschedule.push(reschedule);
    }
  }
  const laterRows = picks.map((p) => p.later_rows_tomorrow).sort((a, b) => a - b);
  return {
    runningTotalsAfterTomorrowP50: laterRows[Math.floor(laterRows.length / 2)] ?? 0,
    ...Object.fromEntries(
      Object.entries(samples).map(([kind, list]) => [
        kind,
        {
          samples: list.length,
          statement: summarise(list.map((s) => s.statementMs)),
          rollupTriggers: summarise(list.map((s) => s.rollupMs)),
        },
      ]),
    ),
  } as { runningTotalsAfterTomorrowP50: number } & Record<
    keyof typeof samples,
    { samples: number; statement: Timing; rollupTriggers: Timing }
  >;
}

function print(
  size: { clinics: number; users: number; appointments: number },
  periods: Awaited<ReturnType<typeof measurePeriod>>[],
  writes: Awaited<ReturnType<typeof measureWrites>>,
  load: number[],
  vacuumed: string[],
): void {
  const n = (v: number) => v.toLocaleString('en-US');
  const ms = (v: number) => v.toFixed(2);
  const met = (ok: boolean) => (ok ? 'met' : 'MISSED');
  const lines = [
    '',
    `clinic analytics bench: ${n(size.clinics)} clinics, ${n(size.users)} users, ${n(size.appointments)} appointments; cache ${redis ? 'Redis' : 'in-process'}; load average ${load[0]!.toFixed(2)}`,
    ...(vacuumed.length ? [`vacuumed first (never vacuumed before, as autovacuum would have): ${vacuumed.join(', ')}`] : []),
  ];
  for (const p of periods) {
    const { results: r } = p;
    const table = [
      ['case', 'p50 ms', 'p95 ms', 'target'],
      [
        `(a) N+1: clinic list, then ${(r.nPlusOne.queries - 1) / size.clinics} queries per clinic`,
        ms(r.nPlusOne.p50),
        ms(r.nPlusOne.p95),
        '',
      ],
      ['(b) live statement over the rows, all clinics', ms(r.live.p50), ms(r.live.p95), ''],
      [
        `(c) rollups, all ${n(size.clinics)} clinics, uncached`,
        ms(r.rollup.p50),
        ms(r.rollup.p95),
        `< ${TARGETS.rollupMs} ms ${met(r.rollup.p95 < TARGETS.rollupMs)}`,
      ],
      [`(c) rollups, first page of ${r.firstPage.clinics}, uncached`, ms(r.firstPage.p50), ms(r.firstPage.p95), ''],
      [
        '(d) service call, cached (audit entry included)',
        ms(r.cached.p50),
        ms(r.cached.p95),
        `< ${TARGETS.cachedMs} ms ${met(r.cached.p95 < TARGETS.cachedMs)}`,
      ],
    ];
    const widths = table[0]!.map((_, i) => Math.max(...table.map((row) => row[i]!.length)));
    const line = (row: string[]) =>
      `  ${row.map((cell, i) => (i === 0 || i === 3 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('   ')}`;
    lines.push(
      '',
      `period ${p.period.from} to ${p.period.to} (${p.days} days, each clinic's local days)`,
      line(table[0]!),
      ...table.slice(1).map(line),
      `  N+1 / rollups (p50): ${p.ratioP50.toFixed(1)}x, target >= ${TARGETS.ratio}x ${met(p.ratioP50 >= TARGETS.ratio)}; live / rollups: ${p.liveOverRollupP50.toFixed(1)}x`,
      p.mismatches.length === 0
        ? `  counts: (a), (b) and (c) agree on all ${FIGURES.length} figures of all ${n(size.clinics)} clinics`
        : `  counts: ${n(p.mismatches.length)} figures DIFFER; see bench/results/clinic-analytics.json`,
      `  plan of (c): execution ${ms(p.plan.executionMs)} ms, planning ${ms(p.plan.planningMs)} ms, buffers hit ${n(p.plan.sharedHitBlocks)} read ${n(p.plan.sharedReadBlocks)}, heap fetches ${n(p.plan.heapFetches)}`,
      ...p.plan.scans.map((scan) => `      ${scan}`),
    );
  }
  lines.push(
    '',
    `writes (EXPLAIN ANALYZE as the app role, rolled back; p50 ms; a clinic holds ${writes.runningTotalsAfterTomorrowP50} running totals after tomorrow at p50):`,
  );
  for (const kind of ['bookTomorrow', 'bookIn30Days', 'complete', 'reschedule'] as const) {
    const w = writes[kind];
    lines.push(
      `  ${kind.padEnd(13)} statement ${ms(w.statement.p50)} (p95 ${ms(w.statement.p95)}), of which rollup triggers ${ms(w.rollupTriggers.p50)} (p95 ${ms(w.rollupTriggers.p95)}); ${w.samples} samples`,
    );
  }
  lines.push('written: bench/results/clinic-analytics.json', '');
  process.stdout.write(lines.join('\n'));
}
