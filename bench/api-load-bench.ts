import { mkdir, writeFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { DateTime } from 'luxon';
import pg from 'pg';
import { loadConfig } from '../src/config.ts';
import { SEED_PASSWORD } from '../src/seed/seed-runner.ts';
import { stopProcess } from '../test/support/worker-process.ts';
import { ChildServerFailure, startChildServer, type ChildServer } from './child-server.ts';
import { coresBusy, readCpu, readProc, type CpuSample } from './cpu-sampler.ts';
import { notSeededMessage, redactPassword, seededDatabaseUrl, seededTotals } from './seeded-database.ts';
import { round } from './timing.ts';

// Tenant-scoped reads of the staff dashboard under many concurrent connections, against the real API
// in its own process (`src/main.ts api`, as an operator runs it) on a seeded database; and, in the same
// run with the same connections, a bare Fastify route in its own process: the throughput ratio says
// what sessions, rate limits, RLS transactions and serialisation cost on top of Fastify itself. The
// load generator runs here, in another process, so it never shares the server's event loop.
const TARGETS = { p99Ms: 100, throughputRatio: 0.35 };
// Per clinic and minute for the clinics in the run (restored afterwards): one node serving thousands of
// requests a second to a few hundred clinics gives each far more than a plan allows (a starter clinic
// 5 a second), a load no real clinic makes. The limiter still counts every request and sets its headers.
const RUN_API_LIMIT = 100_000_000;
const SIGN_IN_CONCURRENCY = 4;

/** A reason to stop that the user can act on: printed as one line, after the cleanup. */
class BenchFailure extends Error {}

const { values } = parseArgs({
  options: {
    'database-url': { type: 'string' },
    connections: { type: 'string', default: '1000' },
    seconds: { type: 'string', default: '20' },
    warmup: { type: 'string', default: '5' },
    clinics: { type: 'string', default: '200' },
  },
});
const connections = Number(values.connections);
const seconds = Number(values.seconds);
const warmupSeconds = Number(values.warmup);
const clinicCount = Number(values.clinics);
const url = seededDatabaseUrl('api load bench', values['database-url']);
const serverEnv: NodeJS.ProcessEnv = {
  ...process.env,
  DATABASE_URL: url,
  HOST: '127.0.0.1',
  // The schema belongs to whoever migrated this database; a bench leaves it as it is.
  RUN_MIGRATIONS: 'false',
  DEMO_DATA: 'off',
  // Two log lines per request would be written by the server and read by nobody.
  LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
};
const serverConfig = loadConfig(serverEnv);

interface Clinic {
  id: string;
  tier: string;
  timeZone: string;
  ownerEmail: string;
  quotaOverrides: Record<string, unknown>;
}

interface Session {
  clinic: Clinic;
  cookie: string;
}

const cleanups: (() => Promise<unknown>)[] = [];
let cleaningUp: Promise<void> | undefined;
const cleanUp = () =>
  (cleaningUp ??= (async () => {
    for (const step of cleanups.reverse())
      await step().catch((error: unknown) => process.stderr.write(`cleanup: ${String(error)}\n`));
  })());
// Ctrl-C must still give the clinics back their limits and stop both servers.
process.once('SIGINT', () => void cleanUp().finally(() => process.exit(130)));

const owner = new pg.Pool({ connectionString: url, max: 2 });
cleanups.push(() => owner.end());
try {
  const totals = await seededTotals(owner);
  if (totals.appointments === 0) fail(notSeededMessage('api load bench', url));
  const clinics = await pickClinics(clinicCount);
  await raiseApiLimits(clinics);

  const api = await startServer('api', [process.execPath, '--import', 'tsx', 'src/main.ts', 'api'], '/healthz');
  const ready = await fetch(`${api.base}/readyz`);
  if (!ready.ok)
    fail(
      `api load bench: the API is not ready: ${((await ready.json()) as { detail?: string }).detail ?? ready.status} (npm run migrate with DATABASE_URL set to this database applies pending migrations)`,
    );
  const bare = await startServer('bare', [process.execPath, '--import', 'tsx', 'bench/bare-fastify-server.ts'], '/api/bare');
  const sessions = await signInAll(api.base, clinics);
  cleanups.push(() => signOutAll(api.base, sessions));
  await checkRoutes(api.base, sessions[0]!);

  const apiRequests = (i: number) => rotate(dashboardReads(sessions[i % sessions.length]!), i);
  const one = (path: string) => (i: number) => [
    { method: 'GET' as const, path, headers: { cookie: sessions[i % sessions.length]!.cookie } },
  ];
  // Each case right after its own warm-up: the API's pool closes connections idle for
  // DATABASE_POOL_IDLE_MS, and a new connection plans its first queries slowly.
  await load('bare warm-up', bare, warmupSeconds, one('/api/bare'));
  const bareRun = await load('bare Fastify route', bare, seconds, one('/api/bare'));
  // The API process without sessions, limits or queries: its plugins (request id, helmet, CORS,
  // cookies) and nothing else, to split what the API costs into the framework's part and the rest.
  await load('API /healthz warm-up', api, warmupSeconds, one('/healthz'));
  const stackRun = await load('API process, GET /healthz (no session, no query)', api, seconds, one('/healthz'));
  await load('API warm-up', api, warmupSeconds, apiRequests);
  const apiRun = await load('tenant-scoped dashboard reads', api, seconds, apiRequests, { database: true });

  const ratio = round(apiRun.requestsPerSecond / bareRun.requestsPerSecond);
  const failures = apiRun.non2xx + apiRun.errors + apiRun.timeouts;
  const verdict = {
    zeroErrors: failures === 0,
    p99: apiRun.latencyMs.p99 < TARGETS.p99Ms,
    throughputRatio: ratio >= TARGETS.throughputRatio,
  };
  const report = {
    at: new Date().toISOString(),
    loadAverage: loadavg().map(round),
    command: `npm run bench:api-load -- --database-url ${redactPassword(url)} --connections ${connections} --seconds ${seconds}`,
    dataSet: totals,
    connections,
    seconds,
    warmupSeconds,
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
    routes: dashboardReads(sessions[0]!).map((r) => `${r.method} ${r.path}`),
    targets: TARGETS,
    throughputRatio: ratio,
    verdict,
    phases: { bare: bareRun, appWithoutDatabase: stackRun, api: apiRun },
  };
  print(report);
  await mkdir('bench/results', { recursive: true });
  await writeFile('bench/results/api-load.json', `${JSON.stringify(report, null, 2)}\n`);
} catch (error) {
  if (!(error instanceof BenchFailure)) throw error;
  process.stderr.write(`\n${error.message}\n`);
  process.exitCode = 1;
} finally {
  await cleanUp();
}

/** Open clinics (their staff can sign in) with an owner, in id order: a repeatable mix of every tier. */
async function pickClinics(count: number): Promise<Clinic[]> {
  const { rows } = await owner.query<Clinic>(
    `SELECT c.id, c.tier, c.time_zone AS "timeZone", c.quota_overrides AS "quotaOverrides", o.email AS "ownerEmail"
     FROM clinics c
     CROSS JOIN LATERAL (SELECT email FROM users u WHERE u.clinic_id = c.id AND u.role = 'clinic_owner' AND u.disabled_at IS NULL ORDER BY u.created_at LIMIT 1) o
     WHERE c.is_active
     ORDER BY c.id
     LIMIT $1`,
    [count],
  );
  if (rows.length === 0) fail('api load bench: no open clinic with an owner to sign in as');
  return rows;
}

/** Sets the run's limit as each clinic's override, and puts every clinic's own overrides back afterwards. */
async function raiseApiLimits(clinics: Clinic[]): Promise<void> {
  const ids = clinics.map((c) => c.id);
  cleanups.push(() =>
    owner.query(
      `UPDATE clinics c SET quota_overrides = v.overrides FROM unnest($1::uuid[], $2::jsonb[]) AS v(id, overrides) WHERE c.id = v.id`,
      [ids, clinics.map((c) => JSON.stringify(c.quotaOverrides))],
    ),
  );
  await owner.query(
    `UPDATE clinics SET quota_overrides = quota_overrides || jsonb_build_object('api_requests_per_minute', $2::bigint) WHERE id = ANY($1::uuid[])`,
    [ids, RUN_API_LIMIT],
  );
}

async function startServer(name: string, command: string[], readyPath: string): Promise<ChildServer> {
  const server = await startChildServer(name, command, { env: serverEnv, readyPath }).catch((error: unknown) => {
    if (error instanceof ChildServerFailure) fail(`api load bench: ${error.message}`);
    throw error;
  });
  cleanups.push(() => stopProcess(server.child));
  return server;
}

/** Signs in every clinic's owner over HTTP, as a browser does; returns each session's cookie. */
async function signInAll(base: string, clinics: Clinic[]): Promise<Session[]> {
  // One CSRF token for every sign-in: signed-out calls spend one address's budget, and this keeps a
  // few hundred sign-ins well inside it.
  const csrf = await fetch(`${base}/api/auth/csrf`);
  const csrfCookie = cookiePairs(csrf);
  const { token } = (await csrf.json()) as { token: string };
  const sessions: Session[] = [];
  let next = 0;
  const signInNext = async (): Promise<void> => {
    const clinic = clinics[next++];
    if (!clinic) return;
    const res = await fetch(`${base}/api/auth/sign-in`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie: csrfCookie, 'x-csrf-token': token },
      body: JSON.stringify({ email: clinic.ownerEmail, password: SEED_PASSWORD }),
    });
    if (res.status !== 200) fail(`api load bench: sign-in of ${clinic.ownerEmail} answered ${res.status}: ${await res.text()}`);
    sessions.push({ clinic, cookie: cookiePairs(res) });
    process.stdout.write(`\rsigned in ${sessions.length}/${clinics.length} clinic owners`);
    return signInNext();
  };
  await Promise.all(Array.from({ length: SIGN_IN_CONCURRENCY }, signInNext));
  process.stdout.write('\n');
  // Signed-in order depends on timing; connection i always gets the same clinic.
  return sessions.sort((a, b) => a.clinic.id.localeCompare(b.clinic.id));
}

async function signOutAll(base: string, sessions: Session[]): Promise<void> {
  const csrf = await fetch(`${base}/api/auth/csrf`);
  const csrfCookie = cookiePairs(csrf);
  const { token } = (await csrf.json()) as { token: string };
  for (const s of sessions) {
    await fetch(`${base}/api/auth/sign-out`, {
      method: 'POST',
      headers: { cookie: `${s.cookie}; ${csrfCookie}`, 'x-csrf-token': token },
    });
  }
}

function cookiePairs(res: Response): string {
  return res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
}

/** What a receptionist's dashboard asks for: who am I, my clinic, the newest customers, today's calendar. */
function dashboardReads({ clinic, cookie }: Session): autocannon.Request[] {
  const today = DateTime.now().setZone(clinic.timeZone).startOf('day');
  const day = new URLSearchParams({ from: today.toUTC().toISO()!, until: today.plus({ days: 1 }).toUTC().toISO()! });
  const headers = { cookie };
  return [
    { method: 'GET', path: '/api/me', headers },
    { method: 'GET', path: '/api/clinic', headers },
    { method: 'GET', path: '/api/customers?limit=20', headers },
    { method: 'GET', path: `/api/appointments?${day}`, headers },
  ];
}

/** Each connection starts at another point of the cycle, so every route is in flight at every moment. */
function rotate<T>(items: T[], by: number): T[] {
  const at = by % items.length;
  return [...items.slice(at), ...items.slice(0, at)];
}

/** Fails early, with the answer, if a route of the mix does not answer 200 with content. */
async function checkRoutes(base: string, session: Session): Promise<void> {
  for (const { path } of dashboardReads(session)) {
    const res = await fetch(`${base}${path}`, { headers: { cookie: session.cookie } });
    const body = await res.text();
    if (res.status !== 200) fail(`api load bench: GET ${path} answered ${res.status}: ${body}`);
    if (!res.headers.get('ratelimit-policy'))
      fail(`api load bench: GET ${path} carries no RateLimit-Policy: the limiter is not in the path`);
  }
}

interface PhaseResult {
  label: string;
  connections: number;
  seconds: number;
  requestsPerSecond: number;
  requests: number;
  latencyMs: { p50: number; p90: number; p97_5: number; p99: number; max: number; mean: number };
  statusCodes: Record<string, number>;
  non2xx: number;
  errors: number;
  timeouts: number;
  cores: CpuSample;
  /**
   * Connections the kernel dropped because a listening socket's accept queue was full (machine-wide
   * TcpExt ListenOverflows; Linux): the client sends its SYN again 1, 3, 7 s later, and a connection
   * still waiting after the 10 s timeout counts as a timeout.
   */
  listenOverflows: number | null;
  /** The server's app pool, sampled about once a second from /readyz (API phase only). */
  pool?: { samples: number; maxWaiting: number; meanWaiting: number; maxTotal: number };
}

async function load(
  label: string,
  server: ChildServer,
  duration: number,
  requestsFor: (i: number) => autocannon.Request[],
  { database = false } = {},
): Promise<PhaseResult> {
  const backends = database ? await appPoolBackends() : [];
  const overflowsBefore = listenOverflows();
  const cpuBefore = readCpu();
  const poolSamples: { waiting: number; total: number }[] = [];
  let sampling = database;
  const sampler = (async () => {
    while (sampling) {
      const stats = await fetch(`${server.base}/readyz`)
        .then((r) => r.json() as Promise<{ pools?: { pool: string; total: number; waiting: number }[] }>)
        .then(
          (b) => b.pools?.find((p) => p.pool === 'app'),
          () => undefined,
        );
      if (stats && sampling) poolSamples.push({ waiting: stats.waiting, total: stats.total });
      await new Promise((r) => setTimeout(r, 1000));
    }
  })();
  let connection = 0;
  let elapsed = 0;
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url: server.base,
        connections,
        duration,
        timeout: 10,
        // One session per connection, fixed for its lifetime, like one browser tab per user.
        setupClient: (client) => client.setRequests(requestsFor(connection++)),
      },
      (error, res) => (error ? reject(error) : resolve(res)),
    );
    let answered = 0;
    instance.on('response', () => answered++);
    instance.on('tick', () => {
      elapsed++;
      const pool = poolSamples.at(-1);
      process.stdout.write(
        `\r${label}: ${Math.min(elapsed, duration)}/${duration} s, ${answered.toLocaleString('en-US')} req/s${pool ? `, pool waiting ${pool.waiting}` : ''}      `,
      );
      answered = 0;
    });
  });
  sampling = false;
  await sampler;
  process.stdout.write('\n');
  const cpuAfter = readCpu();
  const overflowsAfter = listenOverflows();
  const statusCodes = Object.fromEntries(Object.entries(result.statusCodeStats ?? {}).map(([code, s]) => [code, s.count ?? 0]));
  return {
    label,
    connections,
    seconds: result.duration,
    requestsPerSecond: result.requests.average,
    requests: result.requests.total,
    latencyMs: {
      p50: result.latency.p50,
      p90: result.latency.p90,
      p97_5: result.latency.p97_5,
      p99: result.latency.p99,
      max: result.latency.max,
      mean: result.latency.mean,
    },
    statusCodes,
    non2xx: result.non2xx,
    errors: result.errors - result.timeouts,
    timeouts: result.timeouts,
    cores: coresBusy(cpuBefore, cpuAfter, server.child.pid!, backends),
    listenOverflows: overflowsBefore === null || overflowsAfter === null ? null : overflowsAfter - overflowsBefore,
    ...(poolSamples.length
      ? {
          pool: {
            samples: poolSamples.length,
            maxWaiting: Math.max(...poolSamples.map((s) => s.waiting)),
            meanWaiting: round(poolSamples.reduce((a, s) => a + s.waiting, 0) / poolSamples.length),
            maxTotal: Math.max(...poolSamples.map((s) => s.total)),
          },
        }
      : {}),
  };
}

/** The Postgres processes serving the API's app pool (named by application_name). */
async function appPoolBackends(): Promise<number[]> {
  const { rows } = await owner.query<{ pid: number }>(
    `SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'bwai-app'`,
  );
  return rows.map((r) => r.pid);
}

function listenOverflows(): number | null {
  const [names, counts] = (readProc('/proc/net/netstat') ?? '').split('\n').filter((l) => l.startsWith('TcpExt:'));
  const at = names?.split(/\s+/).indexOf('ListenOverflows') ?? -1;
  return at > 0 && counts ? Number(counts.split(/\s+/)[at]) : null;
}

function print(report: {
  loadAverage: number[];
  dataSet: { clinics: number; users: number; appointments: number };
  sessions: { count: number; tiers: Record<string, number> };
  server: { pool: Record<string, number>; rateLimitStore: string; logLevel: string };
  routes: string[];
  throughputRatio: number;
  verdict: Record<string, boolean>;
  phases: { bare: PhaseResult; appWithoutDatabase: PhaseResult; api: PhaseResult };
}): void {
  const n = (v: number) => Math.round(v).toLocaleString('en-US');
  const c = (v: number | null) => (v === null ? '-' : v.toFixed(2));
  const rows = [
    [
      'case',
      'req/s',
      'p50 ms',
      'p97.5 ms',
      'p99 ms',
      'max ms',
      '2xx',
      'non-2xx',
      'errors',
      'timeouts',
      'cores: load gen / server / postgres / elsewhere / all',
    ],
  ];
  const phases = [report.phases.bare, report.phases.appWithoutDatabase, report.phases.api];
  for (const p of phases) {
    rows.push([
      p.label,
      n(p.requestsPerSecond),
      String(p.latencyMs.p50),
      String(p.latencyMs.p97_5),
      String(p.latencyMs.p99),
      String(p.latencyMs.max),
      n(Object.entries(p.statusCodes).reduce((a, [code, count]) => a + (code.startsWith('2') ? count : 0), 0)),
      n(p.non2xx),
      n(p.errors),
      n(p.timeouts),
      `${c(p.cores.loadGenerator)} / ${c(p.cores.server)} / ${c(p.cores.postgres)} / ${c(p.cores.elsewhere)} / ${c(p.cores.machineBusy)}`,
    ]);
  }
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  const line = (r: string[]) =>
    `  ${r.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('   ')}`;
  const api = report.phases.api;
  const mark = (ok: boolean | undefined) => (ok ? 'met' : 'MISSED');
  const out = [
    '',
    `api load bench: ${n(report.dataSet.clinics)} clinics, ${n(report.dataSet.users)} users, ${n(report.dataSet.appointments)} appointments; ${n(api.connections)} connections for ${n(api.seconds)} s per case; ` +
      `${report.sessions.count} clinic owners signed in (${Object.entries(report.sessions.tiers)
        .map(([t, k]) => `${k} ${t}`)
        .join(', ')})`,
    `requests, in turn on every connection: ${report.routes.join(', ')}`,
    `server: pool ${Object.entries(report.server.pool)
      .map(([k, v]) => `${k}=${v}`)
      .join(
        ' ',
      )}, rate limits counted ${report.server.rateLimitStore === 'redis' ? 'in Redis' : 'in-process'}, log level ${report.server.logLevel}`,
    '',
    line(rows[0]!),
    ...rows.slice(1).map(line),
    '',
    `status codes of the API: ${Object.entries(api.statusCodes)
      .map(([code, k]) => `${code}: ${n(k)}`)
      .join(', ')}`,
    ...phases
      .filter((p) => p.listenOverflows)
      .map(
        (p) =>
          `${p.label}: ${n(p.listenOverflows!)} connection attempts dropped by a full accept queue (the server's listen backlog); each retries 1, 3, 7 s later`,
      ),
    api.pool
      ? `app pool during the API case: up to ${api.pool.maxTotal} connections, requests waiting for one: mean ${api.pool.meanWaiting}, max ${api.pool.maxWaiting} (${api.pool.samples} samples); ` +
        `its Postgres backends used ${c(api.cores.postgresAppPool)} cores`
      : '',
    `throughput ${(report.throughputRatio * 100).toFixed(1)}% of the bare route (target >= ${TARGETS.throughputRatio * 100}%: ${mark(report.verdict.throughputRatio)}); ` +
      `p99 ${api.latencyMs.p99} ms (target < ${TARGETS.p99Ms} ms: ${mark(report.verdict.p99)}); errors, timeouts and non-2xx ${n(api.errors + api.timeouts + api.non2xx)} (target 0: ${mark(report.verdict.zeroErrors)})`,
    // Each connection waits for its answer before it asks again, so latency follows from throughput.
    `closed loop: mean latency = connections / throughput = ${n(api.connections)} / ${n(api.requestsPerSecond)} req/s = ${n((api.connections / api.requestsPerSecond) * 1000)} ms; ` +
      `a p99 under ${TARGETS.p99Ms} ms at ${n(api.connections)} connections needs more than ${n(api.connections / (TARGETS.p99Ms / 1000))} req/s`,
    `load average ${report.loadAverage.join(' ')}`,
    'written: bench/results/api-load.json',
    '',
  ];
  process.stdout.write(out.join('\n'));
}

function countBy<T>(items: T[], key: (item: T) => string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const item of items) counts[key(item)] = (counts[key(item)] ?? 0) + 1;
  return counts;
}

// Thrown, not exited: the servers started and the rate limits changed for the run are put back first.
function fail(message: string): never {
  throw new BenchFailure(message);
}
