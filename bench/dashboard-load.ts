import autocannon from 'autocannon';
import { DateTime } from 'luxon';
import type pg from 'pg';
import { SEED_PASSWORD } from '../src/seed/seed-runner.ts';
import { principalHeader } from './baseline-principal.ts';
import { benchOptions } from './bench-options.ts';
import { stopRun } from './bench-run.ts';
import type { ChildServer } from './child-server.ts';
import { coresBusy, readCpu, readProc, type CpuSample } from './cpu-sampler.ts';
import { seededDatabaseUrl } from './seeded-database.ts';
import { round } from './timing.ts';

// What the API benches share: the staff dashboard's reads by the signed-in owners of many seeded
// clinics, and one load phase of them against a server in its own process (autocannon, closed loop).

/**
 * Per clinic and minute for the clinics in the run (restored afterwards): one node serving thousands of
 * requests a second to a few hundred clinics gives each far more than a plan allows (a starter clinic
 * 5 a second), a load no real clinic makes. The limiter still counts every request and sets its headers.
 */
export const RUN_API_LIMIT = 100_000_000;
const SIGN_IN_CONCURRENCY = 4;

/** The options of a bench that loads the dashboard: the same in each, with the bench's own size of load. */
export function dashboardLoadOptions(bench: string, load: { connections: number; seconds: number }) {
  const options = benchOptions(bench, {
    numbers: { ...load, warmup: 5, rounds: 2, clinics: 200 },
    strings: ['database-url'],
  });
  return {
    connections: options.connections,
    seconds: options.seconds,
    warmupSeconds: options.warmup,
    rounds: options.rounds,
    clinicCount: options.clinics,
    url: seededDatabaseUrl(bench, options['database-url']),
  };
}

function fail(message: string): never {
  stopRun(`api bench: ${message}`);
}

export interface Clinic {
  id: string;
  tier: string;
  timeZone: string;
  ownerId: string;
  ownerEmail: string;
  quotaOverrides: Record<string, unknown>;
}

export interface Session {
  clinic: Clinic;
  cookie: string;
}

/** Open clinics (their staff can sign in) with an owner, in id order: a repeatable mix of every tier. */
export async function pickClinics(owner: pg.Pool, count: number): Promise<Clinic[]> {
  const { rows } = await owner.query<Clinic>(
    `SELECT c.id, c.tier, c.time_zone AS "timeZone", c.quota_overrides AS "quotaOverrides", o.id AS "ownerId", o.email AS "ownerEmail"
     FROM clinics c
     CROSS JOIN LATERAL (SELECT id, email FROM users u WHERE u.clinic_id = c.id AND u.role = 'clinic_owner' AND u.disabled_at IS NULL ORDER BY u.created_at LIMIT 1) o
     WHERE c.is_active
     ORDER BY c.id
     LIMIT $1`,
    [count],
  );
  if (rows.length === 0) fail('no open clinic with an owner to sign in as');
  return rows;
}

/** Sets the run's limit as each clinic's override; the function it returns puts every clinic's own overrides back. */
export async function raiseApiLimits(owner: pg.Pool, clinics: Clinic[]): Promise<() => Promise<unknown>> {
  const ids = clinics.map((c) => c.id);
  await owner.query(
    `UPDATE clinics SET quota_overrides = quota_overrides || jsonb_build_object('api_requests_per_minute', $2::bigint) WHERE id = ANY($1::uuid[])`,
    [ids, RUN_API_LIMIT],
  );
  return () =>
    owner.query(
      `UPDATE clinics c SET quota_overrides = v.overrides FROM unnest($1::uuid[], $2::jsonb[]) AS v(id, overrides) WHERE c.id = v.id`,
      [ids, clinics.map((c) => JSON.stringify(c.quotaOverrides))],
    );
}

/** Signs in every clinic's owner over HTTP, as a browser does; returns each session's cookie. */
export async function signInAll(base: string, clinics: Clinic[]): Promise<Session[]> {
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
    if (res.status !== 200) fail(`sign-in of ${clinic.ownerEmail} answered ${res.status}: ${await res.text()}`);
    sessions.push({ clinic, cookie: cookiePairs(res) });
    process.stdout.write(`\rsigned in ${sessions.length}/${clinics.length} clinic owners`);
    return signInNext();
  };
  await Promise.all(Array.from({ length: SIGN_IN_CONCURRENCY }, signInNext));
  process.stdout.write('\n');
  // Signed-in order depends on timing; connection i always gets the same clinic.
  return sessions.sort((a, b) => a.clinic.id.localeCompare(b.clinic.id));
}

export async function signOutAll(base: string, sessions: Session[]): Promise<void> {
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
export function dashboardReads({ clinic, cookie }: Session): autocannon.Request[] {
  const today = DateTime.now().setZone(clinic.timeZone).startOf('day');
  const day = new URLSearchParams({ from: today.toUTC().toISO()!, until: today.plus({ days: 1 }).toUTC().toISO()! });
  const headers = { cookie, ...principalHeader(clinic.id, clinic.ownerId) };
  return [
    { method: 'GET', path: '/api/me', headers },
    { method: 'GET', path: '/api/clinic', headers },
    { method: 'GET', path: '/api/customers?limit=20', headers },
    { method: 'GET', path: `/api/appointments?${day}`, headers },
  ];
}

/** Each connection starts at another point of the cycle, so every route is in flight at every moment. */
export function rotate<T>(items: T[], by: number): T[] {
  const at = by % items.length;
  return [...items.slice(at), ...items.slice(0, at)];
}

/** Fails early, with the answer, if a route of the mix does not answer 200 with content. */
export async function checkRoutes(base: string, session: Session): Promise<void> {
  for (const { path } of dashboardReads(session)) {
    const res = await fetch(`${base}${path}`, { headers: { cookie: session.cookie } });
    const body = await res.text();
    if (res.status !== 200) fail(`GET ${path} answered ${res.status}: ${body}`);
    if (!res.headers.get('ratelimit-policy')) fail(`GET ${path} carries no RateLimit-Policy: the limiter is not in the path`);
  }
}

/**
 * Fails early if the baseline does not do the API's work for a session: each route must answer 200 on
 * both servers with the same rows (the same user, the same number of customers and appointments).
 */
export async function checkSameRows(apiBase: string, baselineBase: string, session: Session): Promise<void> {
  const rowsOf = (body: unknown): string => {
    if (Array.isArray(body)) return `${body.length} rows`;
    const page = body as { items?: unknown[]; id?: string };
    return page.items ? `${page.items.length} rows` : `row ${page.id}`;
  };
  for (const { path, headers } of dashboardReads(session)) {
    const [api, baseline] = await Promise.all(
      [apiBase, baselineBase].map(async (base) => {
        const res = await fetch(`${base}${path}`, { headers: headers as Record<string, string> });
        const body = await res.text();
        if (res.status !== 200) fail(`GET ${path} on ${base} answered ${res.status}: ${body}`);
        return rowsOf(JSON.parse(body));
      }),
    );
    if (api !== baseline) fail(`GET ${path}: the API answered ${api}, the baseline ${baseline}`);
  }
}

export interface Latencies {
  count: number;
  p50: number;
  p99: number;
  max: number;
}

export interface PhaseResult {
  label: string;
  connections: number;
  seconds: number;
  /** Every answer, whatever its status. */
  requestsPerSecond: number;
  /** The throughput: a 503 from load shedding is answered fast, and counting it would flatter an overloaded server. */
  okPerSecond: number;
  requests: number;
  latencyMs: { p50: number; p90: number; p97_5: number; p99: number; max: number; mean: number };
  /** Time to answer by outcome: 2xx, and the 503s of load shedding (its target: within a second). */
  okLatencyMs: Latencies;
  sheddingLatencyMs: Latencies;
  statusCodes: Record<string, number>;
  ok: number;
  shed: number;
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
  /** The server's app pool, sampled about once a second from /readyz (API phases only). */
  pool?: { samples: number; maxWaiting: number; meanWaiting: number; maxTotal: number };
}

export async function loadPhase(
  label: string,
  server: ChildServer,
  duration: number,
  requestsFor: (i: number) => autocannon.Request[],
  {
    connections,
    database,
    applicationName = 'bwai-app',
    samplePool = applicationName === 'bwai-app',
  }: { connections: number; database?: pg.Pool; applicationName?: string; samplePool?: boolean },
): Promise<PhaseResult> {
  // The Postgres backends of the server's pool (named by application_name), for their CPU.
  const backends = database ? await poolBackends(database, applicationName) : [];
  const overflowsBefore = listenOverflows();
  const cpuBefore = readCpu();
  const poolSamples: { waiting: number; total: number }[] = [];
  let sampling = database !== undefined && samplePool;
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
  const okTimes: number[] = [];
  const shedTimes: number[] = [];
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
    instance.on('response', (_client, status, _bytes, ms) => {
      answered++;
      if (status >= 200 && status < 300) okTimes.push(ms);
      else if (status === 503) shedTimes.push(ms);
    });
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
    okPerSecond: round(result['2xx'] / result.duration),
    requests: result.requests.total,
    latencyMs: {
      p50: result.latency.p50,
      p90: result.latency.p90,
      p97_5: result.latency.p97_5,
      p99: result.latency.p99,
      max: result.latency.max,
      mean: result.latency.mean,
    },
    okLatencyMs: latencies(okTimes),
    sheddingLatencyMs: latencies(shedTimes),
    statusCodes,
    ok: result['2xx'],
    shed: statusCodes['503'] ?? 0,
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

async function poolBackends(owner: pg.Pool, applicationName: string): Promise<number[]> {
  const { rows } = await owner.query<{ pid: number }>(
    `SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND application_name = $1`,
    [applicationName],
  );
  return rows.map((r) => r.pid);
}

function latencies(times: number[]): Latencies {
  const sorted = Float64Array.from(times).sort();
  const at = (q: number) => (sorted.length ? round(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!) : 0);
  return { count: sorted.length, p50: at(0.5), p99: at(0.99), max: at(1) };
}

function listenOverflows(): number | null {
  const [names, counts] = (readProc('/proc/net/netstat') ?? '').split('\n').filter((l) => l.startsWith('TcpExt:'));
  const at = names?.split(/\s+/).indexOf('ListenOverflows') ?? -1;
  return at > 0 && counts ? Number(counts.split(/\s+/)[at]) : null;
}
