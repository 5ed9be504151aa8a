import { loadavg } from 'node:os';
import pg from 'pg';
import { loadConfig } from '../src/config.ts';
import { writeBenchReport } from './bench-report.ts';
import { seededServerEnv, startBenchRun, stopRun } from './bench-run.ts';
import {
  checkRoutes,
  dashboardLoadOptions,
  checkSameRows,
  dashboardReads,
  loadPhase,
  pickClinics,
  raiseApiLimits,
  rotate,
  RUN_API_LIMIT,
  signInAll,
  signOutAll,
  type PhaseResult,
} from './dashboard-load.ts';
import { notSeededMessage, redactPassword, seededTotals } from './seeded-database.ts';
import { round } from './timing.ts';

// Tenant-scoped reads of the staff dashboard under many concurrent connections, against the real API
// in its own process (`src/main.ts api`, as an operator runs it) on a seeded database; and, in the same
// run with the same connections and the same request list, a baseline in its own process that runs the
// same statements on a plain pool (bench/plain-pool-server.ts): the ratio of their 2xx throughputs says
// what sessions, rate limits, RLS transactions and validation cost on top of the work itself. The load
// generator runs here, in another process, so it never shares a server's event loop. Only 2xx answers
// count as throughput: the API sheds load with fast 503s, which would otherwise count as work done.
const TARGETS = { throughputRatio: 0.5, sheddingAnswerMs: 1000 };

const { connections, seconds, warmupSeconds, rounds, clinicCount, url } = dashboardLoadOptions('api load bench', {
  connections: 1000,
  seconds: 20,
});
const serverEnv = seededServerEnv(url);
const serverConfig = loadConfig(serverEnv);

const { cleanups, startServer: startBenchServer, runToEnd } = startBenchRun('api load bench');
const startServer = (name: string, command: string[], readyPath: string) => startBenchServer(name, command, readyPath, serverEnv);

const owner = new pg.Pool({ connectionString: url, max: 2 });
cleanups.push(() => owner.end());
await runToEnd(async () => {
  const totals = await seededTotals(owner);
  if (totals.appointments === 0) stopRun(notSeededMessage('api load bench', url));
  const clinics = await pickClinics(owner, clinicCount);
  cleanups.push(await raiseApiLimits(owner, clinics));

  const api = await startServer('api', [process.execPath, '--import', 'tsx', 'src/main.ts', 'api'], '/healthz');
  const ready = await fetch(`${api.base}/readyz`);
  if (!ready.ok)
    stopRun(
      `api load bench: the API is not ready: ${((await ready.json()) as { detail?: string }).detail ?? ready.status} (npm run migrate with DATABASE_URL set to this database applies pending migrations)`,
    );
  const baseline = await startServer('baseline', [process.execPath, '--import', 'tsx', 'bench/plain-pool-server.ts'], '/healthz');
  const sessions = await signInAll(api.base, clinics);
  cleanups.push(() => signOutAll(api.base, sessions));
  await checkRoutes(api.base, sessions[0]!);
  await checkSameRows(api.base, baseline.base, sessions[0]!);

  const dashboard = (i: number) => rotate(dashboardReads(sessions[i % sessions.length]!), i);
  const healthz = () => [{ method: 'GET' as const, path: '/healthz' }];
  // The API process without sessions, limits or queries: its plugins (request id, helmet, CORS,
  // cookies) and nothing else, to split what the API costs into the framework's part and the rest.
  await loadPhase('API /healthz warm-up', api, warmupSeconds, healthz, { connections });
  const stackRun = await loadPhase('API process, GET /healthz (no session, no query)', api, seconds, healthz, {
    connections,
  });
  // Baseline and API take turns, round after round, so that a change in what else the machine runs
  // falls on both. Each case right after its own warm-up: a pool closes connections idle for
  // DATABASE_POOL_IDLE_MS, and a new connection plans its first queries slowly.
  const baselineRuns: PhaseResult[] = [];
  const apiRuns: PhaseResult[] = [];
  for (let turn = 1; turn <= rounds; turn++) {
    await loadPhase(`baseline warm-up (round ${turn})`, baseline, warmupSeconds, dashboard, { connections });
    baselineRuns.push(
      await loadPhase(`baseline: same SQL, plain pool (round ${turn})`, baseline, seconds, dashboard, {
        connections,
        database: owner,
        applicationName: 'bwai-baseline',
      }),
    );
    await loadPhase(`API warm-up (round ${turn})`, api, warmupSeconds, dashboard, { connections });
    apiRuns.push(
      await loadPhase(`API: tenant-scoped dashboard reads (round ${turn})`, api, seconds, dashboard, {
        connections,
        database: owner,
      }),
    );
  }

  const baselineTotal = totalOf(baselineRuns);
  const apiTotal = totalOf(apiRuns);
  const ratio = round(apiTotal.okPerSecond / baselineTotal.okPerSecond);
  const verdict = {
    throughputRatio: ratio >= TARGETS.throughputRatio,
    noTimeout: apiTotal.timeouts === 0,
    noDroppedConnection: apiTotal.listenOverflows === 0,
    noError: apiTotal.errors === 0,
    onlyShedding: apiTotal.otherNon2xx === 0,
    sheddingAnsweredFast: apiTotal.sheddingMaxMs < TARGETS.sheddingAnswerMs,
  };
  const report = {
    at: new Date().toISOString(),
    loadAverage: loadavg().map(round),
    command: `npm run bench:api-load -- --database-url ${redactPassword(url)} --connections ${connections} --seconds ${seconds} --rounds ${rounds}`,
    dataSet: totals,
    connections,
    seconds,
    warmupSeconds,
    rounds,
    sessions: {
      count: sessions.length,
      role: 'clinic_owner',
      tiers: countBy(clinics, (c) => c.tier),
      apiLimitPerClinicForTheRun: RUN_API_LIMIT,
    },
    server: {
      process: 'node --import tsx src/main.ts api',
      pool: {
        DATABASE_POOL_MAX: serverConfig.DATABASE_POOL_MAX,
        DATABASE_POOL_IDLE_MS: serverConfig.DATABASE_POOL_IDLE_MS,
        DATABASE_CONNECT_TIMEOUT_MS: serverConfig.DATABASE_CONNECT_TIMEOUT_MS,
        DATABASE_STATEMENT_TIMEOUT_MS: serverConfig.DATABASE_STATEMENT_TIMEOUT_MS,
      },
      rateLimitStore: serverConfig.REDIS_URL ? 'redis' : 'in-process',
      logLevel: serverConfig.LOG_LEVEL,
    },
    baseline: {
      process: 'node --import tsx bench/plain-pool-server.ts',
      work: "the API's repository functions, one statement each on a plain pool of DATABASE_POOL_MAX connections as the database owner; the clinic kept 30 s as the API's clinic cache keeps it; no session, transaction, limiter or validation",
    },
    routes: dashboardReads(sessions[0]!).map((r) => `${r.method} ${r.path}`),
    targets: TARGETS,
    throughputRatio: ratio,
    verdict,
    totals: { baseline: baselineTotal, api: apiTotal },
    phases: { appWithoutDatabase: stackRun, rounds: baselineRuns.map((b, i) => ({ baseline: b, api: apiRuns[i]! })) },
  };
  print(report);
  await writeBenchReport('api-load', report);
});

function print(report: {
  loadAverage: number[];
  dataSet: { clinics: number; users: number; appointments: number };
  sessions: { count: number; tiers: Record<string, number> };
  server: { pool: Record<string, number>; rateLimitStore: string; logLevel: string };
  routes: string[];
  throughputRatio: number;
  verdict: Record<string, boolean>;
  totals: { baseline: Total; api: Total };
  phases: { appWithoutDatabase: PhaseResult; rounds: { baseline: PhaseResult; api: PhaseResult }[] };
}): void {
  const n = (v: number) => Math.round(v).toLocaleString('en-US');
  const c = (v: number | null) => (v === null ? '-' : v.toFixed(2));
  const rows = [
    [
      'case',
      '2xx req/s',
      '2xx p50 ms',
      '2xx p99 ms',
      'all p50 ms',
      'all p99 ms',
      '2xx',
      '503',
      'other non-2xx',
      'errors',
      'timeouts',
      'dropped conns',
      'cores: load gen / server / its pool in postgres / elsewhere / all',
    ],
  ];
  const phases = [report.phases.appWithoutDatabase, ...report.phases.rounds.flatMap((r) => [r.baseline, r.api])];
  for (const p of phases) {
    rows.push([
      p.label,
      n(p.okPerSecond),
      n(p.okLatencyMs.p50),
      n(p.okLatencyMs.p99),
      String(p.latencyMs.p50),
      String(p.latencyMs.p99),
      n(p.ok),
      n(p.shed),
      n(p.non2xx - p.shed),
      n(p.errors),
      n(p.timeouts),
      p.listenOverflows === null ? '-' : n(p.listenOverflows),
      `${c(p.cores.loadGenerator)} / ${c(p.cores.server)} / ${c(p.cores.postgresAppPool)} / ${c(p.cores.elsewhere)} / ${c(p.cores.machineBusy)}`,
    ]);
  }
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  const line = (r: string[]) =>
    `  ${r.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('   ')}`;
  const { baseline, api } = report.totals;
  const mark = (ok: boolean | undefined) => (ok ? 'met' : 'MISSED');
  const out = [
    '',
    `api load bench: ${n(report.dataSet.clinics)} clinics, ${n(report.dataSet.users)} users, ${n(report.dataSet.appointments)} appointments; ${n(report.phases.appWithoutDatabase.connections)} connections for ${n(report.phases.appWithoutDatabase.seconds)} s per case, ${report.phases.rounds.length} rounds; ` +
      `${report.sessions.count} clinic owners signed in (${Object.entries(report.sessions.tiers)
        .map(([t, k]) => `${k} ${t}`)
        .join(', ')})`,
    `requests, in turn on every connection, the same list for the baseline and the API: ${report.routes.join(', ')}`,
    `server: pool ${Object.entries(report.server.pool)
      .map(([k, v]) => `${k}=${v}`)
      .join(
        ' ',
      )}, rate limits counted ${report.server.rateLimitStore === 'redis' ? 'in Redis' : 'in-process'}, log level ${report.server.logLevel}`,
    '',
    line(rows[0]!),
    ...rows.slice(1).map(line),
    '',
    `all rounds: baseline ${n(baseline.okPerSecond)} 2xx req/s, API ${n(api.okPerSecond)} 2xx req/s; status codes of the API: ${Object.entries(
      api.statusCodes,
    )
      .map(([code, k]) => `${code}: ${n(k)}`)
      .join(', ')}`,
    ...report.phases.rounds.flatMap(({ api: p }) =>
      p.pool
        ? [
            `app pool in ${p.label}: up to ${p.pool.maxTotal} connections, requests waiting for one: mean ${p.pool.meanWaiting}, max ${p.pool.maxWaiting} (${p.pool.samples} samples)`,
          ]
        : [],
    ),
    `2xx throughput ${(report.throughputRatio * 100).toFixed(1)}% of the baseline's (target >= ${TARGETS.throughputRatio * 100}%: ${mark(report.verdict.throughputRatio)}); ` +
      `timeouts ${n(api.timeouts)} (target 0: ${mark(report.verdict.noTimeout)}); dropped connections ${api.listenOverflows === null ? 'not measured' : n(api.listenOverflows)} (target 0: ${mark(report.verdict.noDroppedConnection)}); ` +
      `errors ${n(api.errors)} (target 0: ${mark(report.verdict.noError)}); non-2xx other than 503 ${n(api.otherNon2xx)} (target 0: ${mark(report.verdict.onlyShedding)}); ` +
      (api.statusCodes['503']
        ? `503s answered in at most ${n(api.sheddingMaxMs)} ms (target < ${n(TARGETS.sheddingAnswerMs)} ms: ${mark(report.verdict.sheddingAnsweredFast)})`
        : 'no load shed (503)'),
    `load average ${report.loadAverage.join(' ')}`,
    'written: bench/results/api-load.json',
    '',
  ];
  process.stdout.write(out.join('\n'));
}

interface Total {
  okPerSecond: number;
  statusCodes: Record<string, number>;
  otherNon2xx: number;
  errors: number;
  timeouts: number;
  listenOverflows: number | null;
  sheddingMaxMs: number;
}

/** The rounds of one case together: 2xx over all their seconds, and every failure of any round. */
function totalOf(runs: PhaseResult[]): Total {
  const sum = (value: (p: PhaseResult) => number) => runs.reduce((a, p) => a + value(p), 0);
  const statusCodes: Record<string, number> = {};
  for (const p of runs) for (const [code, k] of Object.entries(p.statusCodes)) statusCodes[code] = (statusCodes[code] ?? 0) + k;
  return {
    okPerSecond: round(sum((p) => p.ok) / sum((p) => p.seconds)),
    statusCodes,
    otherNon2xx: sum((p) => p.non2xx - p.shed),
    errors: sum((p) => p.errors),
    timeouts: sum((p) => p.timeouts),
    listenOverflows: runs.some((p) => p.listenOverflows === null) ? null : sum((p) => p.listenOverflows!),
    sheddingMaxMs: Math.max(0, ...runs.map((p) => p.sheddingLatencyMs.max)),
  };
}

function countBy<T>(items: T[], key: (item: T) => string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const item of items) counts[key(item)] = (counts[key(item)] ?? 0) + 1;
  return counts;
}
