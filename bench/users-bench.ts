import { loadavg } from 'node:os';
import { DateTime } from 'luxon';
import pg from 'pg';
import { SESSION_COOKIE, newSessionToken } from '../src/auth/session-token.ts';
import { loadConfig } from '../src/config.ts';
import { benchOptions } from './bench-options.ts';
import { writeBenchReport } from './bench-report.ts';
import { principalHeader } from './baseline-principal.ts';
import { seededRandom } from './seeded-random.ts';
import { seededServerEnv, startBenchRun, stopRun } from './bench-run.ts';
import { coresBusy, readCpu, type CpuSample } from './cpu-sampler.ts';
import { fail, notSeededMessage, redactPassword, seededDatabaseUrl, seededTotals } from './seeded-database.ts';
import { round } from './timing.ts';
import { percentiles, runPageOpens, type LoadResult, type Page, type PageOpen } from './user-load.ts';

// Signed-in people of many clinics using the web app, open loop (bench/user-load.ts runs them as
// autocannon connections): each opens a page (the API calls that page makes, in parallel, as the web app
// makes them), reads it for an exponentially distributed time and opens the next, on a schedule fixed
// before the run, so a slow server does not slow the arrivals down. Page times are measured from the
// moment the schedule says the page opens, so a late load generator counts against them. The user count
// is raised step by step until a step misses the targets; the same schedule against the plain-pool
// baseline in its own process (bench/plain-pool-server.ts), every call a read of the user's own row as
// `/api/me` does it, in the same run, is the floor this machine and load generator allow. With
// --base-url the users go to an API already running there (a cluster's balancer) instead of one this
// bench starts; the database URL must then be that API's, where the sessions are stored.
const TARGETS = { pageP99Ms: 200, requestP99Ms: 200 };
// Who is signed in at once: an assumption, not a measurement. Front desks keep the app open all day, owners
// look in now and then, and customers visit to check or book; there are many more customers than staff.
const ROLE_MIX = [
  { role: 'clinic_owner', share: 0.1 },
  { role: 'receptionist', share: 0.4 },
  { role: 'customer', share: 0.5 },
] as const;
// Per clinic and minute for the clinics in the run (restored afterwards), as in bench:api-load: thousands of
// users on a few hundred clinics ask more of one clinic than its plan allows.
const RUN_API_LIMIT = 100_000_000;
const REQUEST_TIMEOUT_S = 10;
const WARMUP_USERS = 250;

const STEP_HEADER = [
  'case',
  'users',
  'conns',
  'pages/s',
  'req/s',
  'page p50/p95/p99 ms',
  'request p50/p97.5/p99 ms',
  'non-2xx',
  'errors',
  'timeouts',
  'closed',
  'unasked',
  'gen lag p99 ms',
  'cores: load gen / server / postgres / all',
  'load avg',
  'targets',
];
const WIDTHS = [28, 6, 6, 8, 8, 20, 25, 8, 7, 9, 7, 8, 15, 42, 9, 7];
const cell = (value: string, i: number) => (i === 0 ? value.padEnd(WIDTHS[i]!) : value.padStart(WIDTHS[i]!));
const c = (v: number | null) => (v === null ? '-' : v.toFixed(2));
const trio = (a: number, b: number, p99: number) => `${Math.round(a)}/${Math.round(b)}/${Math.round(p99)}`;

const values = benchOptions('users bench', {
  numbers: { users: 1000, seconds: 30, warmup: 10, think: 5, clinics: 200, seed: 1 },
  strings: ['database-url', 'base-url', 'steps'],
});
const { users: headlineUsers, seconds, warmup: warmupSeconds, think: thinkSeconds, clinics: clinicCount, seed } = values;
const steps = [...new Set([...(values.steps ?? '250,500,750,1000,1500,2000,3000').split(',').map(Number), headlineUsers])].sort(
  (a, b) => a - b,
);
if (![headlineUsers, ...steps, seconds, thinkSeconds, clinicCount, seed].every((v) => Number.isFinite(v) && v > 0))
  fail('users bench: --users, --steps, --seconds, --think, --clinics and --seed take positive numbers');
const url = seededDatabaseUrl('users bench', values['database-url']);
const serverEnv = seededServerEnv(url);
const serverConfig = loadConfig(serverEnv);
const baseUrl = values['base-url']?.replace(/\/+$/, '');
if (baseUrl !== undefined && !/^https?:\/\/[^/]+$/.test(baseUrl))
  fail('users bench: --base-url takes the origin of a running API, e.g. http://127.0.0.1:8080');

type Role = (typeof ROLE_MIX)[number]['role'];

interface Clinic {
  id: string;
  timeZone: string;
  quotaOverrides: Record<string, unknown>;
  accounts: Record<Role, string[]>;
  /** Customer records the staff open the page of. */
  customerIds: string[];
}

interface User {
  role: Role;
  clinic: Clinic;
  userId: string;
  cookie: string;
}

const { cleanups, cleanUp, startServer: startBenchServer, runToEnd } = startBenchRun('users bench');
const startServer = (name: string, command: string[], readyPath: string) => startBenchServer(name, command, readyPath, serverEnv);
// A crash of the generator must still put the clinics' limits back and delete the run's sessions; a
// second error while that runs (autocannon's sockets keep reading) must not end the process first.
process.on('uncaughtException', (error) => {
  process.stderr.write(`\nusers bench: ${error.stack ?? String(error)}\n`);
  void cleanUp().finally(() => process.exit(1));
});

const owner = new pg.Pool({ connectionString: url, max: 2 });
cleanups.push(() => owner.end());
await runToEnd(async () => {
  const totals = await seededTotals(owner);
  if (totals.appointments === 0) stopRun(notSeededMessage('users bench', url));
  const clinics = await pickClinics(clinicCount);
  await raiseApiLimits(clinics);
  const users = await signIn(clinics, Math.max(...steps));

  const api: Target = baseUrl
    ? { base: baseUrl, pid: null }
    : await startServer('api', [process.execPath, '--import', 'tsx', 'src/main.ts', 'api'], '/healthz').then((s) => ({
        base: s.base,
        pid: s.child.pid!,
      }));
  const ready = await fetch(`${api.base}/readyz`).catch((error: unknown) =>
    stopRun(`users bench: ${api.base}: ${String(error)}`),
  );
  if (!ready.ok) stopRun(`users bench: the API is not ready (${ready.status}); npm run migrate applies pending migrations`);
  const plainServer = await startServer(
    'baseline',
    [process.execPath, '--import', 'tsx', 'bench/plain-pool-server.ts'],
    '/healthz',
  );
  const plain: Target = { base: plainServer.base, pid: plainServer.child.pid! };
  await checkPages(api.base, users);

  // The pool, the plans of a new connection and the process's own code warm up before anything counts.
  await runStep('warm-up', api, users.slice(0, WARMUP_USERS), warmupSeconds, { seed: seed + 1 });
  const baseline = await runStep('baseline: /api/me, plain pool', plain, users.slice(0, headlineUsers), seconds, {
    seed,
    onlyPath: '/api/me',
  });
  const results: StepResult[] = [];
  for (const count of steps) {
    // Past the first miss only the headline count still runs, so its figures are always reported.
    const missed = results.some((r) => !r.met);
    if (missed && count > headlineUsers) break;
    if (missed && count !== headlineUsers) continue;
    results.push(await runStep(`API, ${count} users`, api, users.slice(0, count), seconds, { seed }));
  }
  const passing = results.filter((r) => r.met).map((r) => r.users);
  const firstMiss = results.find((r) => !r.met)?.users;
  const highestMet = Math.max(0, ...passing.filter((u) => firstMiss === undefined || u < firstMiss));
  const headline = results.find((r) => r.users === headlineUsers);
  const report = {
    at: new Date().toISOString(),
    loadAverage: loadavg().map(round),
    command: `npm run bench:users -- --database-url ${redactPassword(url)}${baseUrl ? ` --base-url ${baseUrl}` : ''} --users ${headlineUsers} --steps ${steps.join(',')} --seconds ${seconds} --think ${thinkSeconds}`,
    dataSet: totals,
    clinics: clinics.length,
    roleMix: Object.fromEntries(ROLE_MIX.map((m) => [m.role, m.share])),
    thinkSecondsMean: thinkSeconds,
    secondsPerStep: seconds,
    pages: pageCatalogue(users[0]!.clinic),
    targets: TARGETS,
    server: {
      process: baseUrl ? `already running at ${baseUrl}` : 'node --import tsx src/main.ts api',
      pool: {
        DATABASE_POOL_MAX: serverConfig.DATABASE_POOL_MAX,
        DATABASE_POOL_QUEUE_LIMIT: serverConfig.DATABASE_POOL_QUEUE_LIMIT,
        DATABASE_POOL_WAIT_MS: serverConfig.DATABASE_POOL_WAIT_MS,
      },
      rateLimitStore: serverConfig.REDIS_URL ? 'redis' : 'in-process',
    },
    highestUserCountMeetingTargets: highestMet,
    headline: headline ?? null,
    baseline,
    steps: results,
  };
  printSummary(report);
  await writeBenchReport('users', report);
});

/** Open clinics in id order, each with its owners, receptionists, customers who have an account, and customer records. */
async function pickClinics(count: number): Promise<Clinic[]> {
  const { rows } = await owner.query<{
    id: string;
    timeZone: string;
    quotaOverrides: Record<string, unknown>;
    owners: string[];
    receptionists: string[];
    customers: string[];
    customerIds: string[];
  }>(
    `SELECT c.id, c.time_zone AS "timeZone", c.quota_overrides AS "quotaOverrides",
            array(SELECT u.id FROM users u WHERE u.clinic_id = c.id AND u.role = 'clinic_owner' AND u.disabled_at IS NULL ORDER BY u.id) AS owners,
            array(SELECT u.id FROM users u WHERE u.clinic_id = c.id AND u.role = 'receptionist' AND u.disabled_at IS NULL ORDER BY u.id) AS receptionists,
            array(SELECT u.id FROM users u JOIN customers cu ON cu.user_id = u.id AND cu.clinic_id = c.id
                  WHERE u.clinic_id = c.id AND u.role = 'customer' AND u.disabled_at IS NULL ORDER BY u.id LIMIT 100) AS customers,
            array(SELECT cu.id FROM customers cu WHERE cu.clinic_id = c.id ORDER BY cu.created_at DESC, cu.id DESC LIMIT 20) AS "customerIds"
     FROM clinics c
     WHERE c.is_active
     ORDER BY c.id
     LIMIT $1`,
    [count],
  );
  const usable = rows.filter((r) => r.owners.length > 0 && r.customerIds.length > 0);
  if (usable.length === 0) stopRun('users bench: no open clinic with an owner and customers');
  return usable.map((r) => ({
    id: r.id,
    timeZone: r.timeZone,
    quotaOverrides: r.quotaOverrides,
    customerIds: r.customerIds,
    // A clinic without a receptionist or customer account has its owner at the desk.
    accounts: {
      clinic_owner: r.owners,
      receptionist: r.receptionists.length ? r.receptionists : r.owners,
      customer: r.customers.length ? r.customers : r.owners,
    },
  }));
}

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

/**
 * One session per simulated user, stored as sign-in stores one (the hash of a random token), and deleted
 * after the run. Thousands of sign-ins over HTTP would spend minutes hashing passwords and the signed-out
 * limit of one address, and measure sign-in, which this bench is not about. User i belongs to clinic
 * i mod the clinic count; its role is drawn by the mix, so every prefix of the list has the same mix.
 */
async function signIn(clinics: Clinic[], count: number): Promise<User[]> {
  const random = seededRandom(seed);
  const picks = Array.from({ length: count }, (_, i) => {
    const clinic = clinics[i % clinics.length]!;
    let draw = random();
    const { role } = ROLE_MIX.find((m) => (draw -= m.share) < 0) ?? ROLE_MIX.at(-1)!;
    const accounts = clinic.accounts[role];
    const userId = accounts[Math.floor(i / clinics.length) % accounts.length]!;
    return { role: role as Role, clinic, userId, token: newSessionToken() };
  });
  const { rows } = await owner.query<{ id: string }>(
    `INSERT INTO sessions (user_id, token_hash, expires_at, user_agent)
     SELECT u, h, now() + interval '1 day', 'bench:users' FROM unnest($1::uuid[], $2::bytea[]) AS s(u, h)
     RETURNING id`,
    [picks.map((p) => p.userId), picks.map((p) => p.token.hash)],
  );
  const ids = rows.map((r) => r.id);
  cleanups.push(() => owner.query('DELETE FROM sessions WHERE id = ANY($1::uuid[])', [ids]));
  process.stdout.write(
    `${count.toLocaleString('en-US')} sessions of ${clinics.length} clinics: ${ROLE_MIX.map((m) => `${picks.filter((p) => p.role === m.role).length} ${m.role}`).join(', ')}\n`,
  );
  return picks.map((p) => ({ role: p.role, clinic: p.clinic, userId: p.userId, cookie: `${SESSION_COOKIE}=${p.token.token}` }));
}

/**
 * The pages each role opens and their calls, as web/src makes them: the app shell asks `/api/me` first and
 * the opening page's queries once it is answered; later pages are navigations inside the app, where
 * `/api/me` is already cached. Thumbnails and the event stream of an analysis are left out (the seeded data
 * has no analyses), and so are the calls that follow a choice on a page (a booking's free times).
 */
function pagesFor(user: User, random: () => number): { opening: Page; later: Page[] } {
  const { clinic } = user;
  const today = DateTime.now().setZone(clinic.timeZone).startOf('day');
  const day = `/api/appointments?${new URLSearchParams({ from: today.toUTC().toISO()!, until: today.plus({ days: 1 }).toUTC().toISO()! })}`;
  if (user.role === 'customer') {
    const mine = ['/api/appointments/mine?when=upcoming&limit=50', '/api/appointments/mine?when=past&limit=50'];
    return {
      opening: { name: 'open the app: my appointments', waves: [['/api/me'], mine] },
      later: [
        { name: 'my appointments', waves: [mine] },
        { name: 'my analyses', waves: [['/api/analyses?limit=20', '/api/analyses/trend?limit=100']] },
        { name: 'book a treatment', waves: [['/api/treatments', '/api/booking-rules']] },
      ],
    };
  }
  const customer = clinic.customerIds[Math.floor(random() * clinic.customerIds.length)]!;
  return {
    opening: { name: 'open the app: day dashboard', waves: [['/api/me'], [day]] },
    later: [
      { name: 'day dashboard', waves: [[day]] },
      { name: 'customers', waves: [['/api/customers?limit=25']] },
      {
        name: 'a customer',
        waves: [
          [
            `/api/customers/${customer}`,
            `/api/customers/${customer}/appointments?when=upcoming&limit=50`,
            `/api/customers/${customer}/appointments?when=past&limit=50`,
          ],
        ],
      },
      { name: 'analyses', waves: [['/api/analyses?limit=20']] },
    ],
  };
}

function pageCatalogue(clinic: Clinic): Record<string, Record<string, string[][]>> {
  const out: Record<string, Record<string, string[][]>> = {};
  for (const { role } of ROLE_MIX) {
    const { opening, later } = pagesFor({ role, clinic, userId: '', cookie: '' }, () => 0);
    out[role] = Object.fromEntries([opening, ...later].map((p) => [p.name, p.waves]));
  }
  return out;
}

/** Fails early if a page of any role does not answer 200. */
async function checkPages(base: string, users: User[]): Promise<void> {
  for (const { role } of ROLE_MIX) {
    const user = users.find((u) => u.role === role);
    if (!user) continue;
    const { opening, later } = pagesFor(user, () => 0);
    for (const path of [opening, ...later].flatMap((p) => p.waves.flat())) {
      const res = await fetch(`${base}${path}`, { headers: { cookie: user.cookie } });
      if (res.status !== 200) stopRun(`users bench: GET ${path} as ${role} answered ${res.status}: ${await res.text()}`);
    }
  }
}

/** Where a step's users go: the API or the baseline, and its process when this bench started it. */
interface Target {
  base: string;
  pid: number | null;
}

interface StepResult extends LoadResult {
  label: string;
  users: number;
  pagesPerSecond: number;
  requestsPerSecond: number;
  cores: CpuSample;
  /** The machine's 1-minute load average at the end of the step. */
  loadAverage: number;
  met: boolean;
}

/** Connections a user keeps: one per call of the widest wave of the pages the user opens. */
function connectionsOf(user: User): number {
  const { opening, later } = pagesFor(user, () => 0);
  return Math.max(...[opening, ...later].flatMap((p) => p.waves.map((w) => w.length)));
}

/**
 * Every user's page opens for `duration` seconds: the first after an exponential wait (the process is
 * stationary from the start), then one per exponential think time. Waits for pages still open at the end.
 */
async function runStep(
  label: string,
  target: Target,
  stepUsers: User[],
  duration: number,
  { seed: stepSeed, onlyPath }: { seed: number; onlyPath?: string },
): Promise<StepResult> {
  const random = seededRandom(stepSeed);
  const think = () => -Math.log(1 - random()) * thinkSeconds * 1000;
  const opens: PageOpen[] = [];
  for (const [person, user] of stepUsers.entries()) {
    const headers = headersOf(user);
    let at = think();
    let first = true;
    while (at < duration * 1000) {
      const { opening, later } = pagesFor(user, random);
      const page = first ? opening : later[Math.floor(random() * later.length)]!;
      opens.push({
        at,
        person,
        headers,
        page: onlyPath ? { name: page.name, waves: page.waves.map((w) => w.map(() => onlyPath)) } : page,
      });
      first = false;
      at += think();
    }
  }
  opens.sort((a, b) => a.at - b.at);

  const cpuBefore = readCpu();
  const load = await runPageOpens(target.base, opens, {
    people: stepUsers.length,
    connectionsOf: (person) => connectionsOf(stepUsers[person]!),
    timeoutSeconds: REQUEST_TIMEOUT_S,
    onSecond: ({ elapsed, pagesDone, pagesOpen, pageTimes }) =>
      process.stdout.write(
        `\r${label}: ${Math.min(elapsed, duration)}/${duration} s, ${pagesDone.toLocaleString('en-US')} pages done, ${pagesOpen} open, p99 page so far ${percentiles(pageTimes).p99} ms      `,
      ),
  });
  const cores = coresBusy(cpuBefore, readCpu(), target.pid ?? -1, []);
  const result: StepResult = {
    label,
    users: stepUsers.length,
    ...load,
    seconds: round(load.seconds),
    pagesPerSecond: round(load.pagesOpened / duration),
    requestsPerSecond: round(load.requests / duration),
    cores,
    loadAverage: round(loadavg()[0]!),
    met: false,
  };
  result.met =
    result.pageMs.p99 < TARGETS.pageP99Ms &&
    result.requestMs.p99 < TARGETS.requestP99Ms &&
    result.non2xx + result.errors + result.timeouts + result.closedUnderRequest + result.unrequestedAnswers === 0;
  process.stdout.write(`\r${stepLine(result)}${' '.repeat(20)}\n`);
  return result;
}

/** The session for the API; the same user named for the baseline, which looks up no session. */
function headersOf(user: User): Record<string, string> {
  return { cookie: user.cookie, ...principalHeader(user.clinic.id, user.userId) };
}

function stepLine(r: StepResult): string {
  return `  ${[
    r.label,
    String(r.users),
    String(r.connections),
    String(r.pagesPerSecond),
    String(r.requestsPerSecond),
    trio(r.pageMs.p50, r.pageMs.p95, r.pageMs.p99),
    trio(r.requestMs.p50, r.requestMs.p97_5, r.requestMs.p99),
    String(r.non2xx),
    String(r.errors),
    String(r.timeouts),
    String(r.closedUnderRequest),
    String(r.unrequestedAnswers),
    String(Math.round(r.generatorLagMs.p99)),
    `${c(r.cores.loadGenerator)} / ${c(r.cores.server)} / ${c(r.cores.postgres)} / ${c(r.cores.machineBusy)}`,
    r.loadAverage.toFixed(2),
    r.met ? 'met' : 'MISSED',
  ]
    .map(cell)
    .join(' ')}`;
}

function printSummary(report: {
  loadAverage: number[];
  dataSet: { clinics: number; users: number; appointments: number };
  clinics: number;
  highestUserCountMeetingTargets: number;
  headline: StepResult | null;
  baseline: StepResult;
  steps: StepResult[];
}): void {
  const h = report.headline;
  const out = [
    '',
    `users bench: ${report.dataSet.clinics.toLocaleString('en-US')} clinics, ${report.dataSet.users.toLocaleString('en-US')} users, ${report.dataSet.appointments.toLocaleString('en-US')} appointments; ` +
      `users of ${report.clinics} clinics (${ROLE_MIX.map((m) => `${m.share * 100}% ${m.role}`).join(', ')}), think time exponential with mean ${thinkSeconds} s, ${seconds} s per step, open loop, autocannon; API ${baseUrl ?? 'started by this bench'}`,
    '',
    `  ${STEP_HEADER.map(cell).join(' ')}`,
    stepLine(report.baseline),
    ...report.steps.map(stepLine),
    '',
    `targets: p99 page < ${TARGETS.pageP99Ms} ms, p99 request < ${TARGETS.requestP99Ms} ms, no non-2xx, errors, timeouts, calls closed under them or answers to no request`,
    h
      ? `${h.users} users: p99 page ${h.pageMs.p99} ms, p99 request ${h.requestMs.p99} ms, ${h.non2xx + h.errors + h.timeouts + h.closedUnderRequest + h.unrequestedAnswers} failed: ${h.met ? 'met' : 'MISSED'}`
      : '',
    `highest user count meeting the targets: ${report.highestUserCountMeetingTargets || 'none of the steps'}`,
    `baseline (the same schedule at ${report.baseline.users} users against the plain-pool baseline, every call its /api/me): p99 page ${report.baseline.pageMs.p99} ms, p99 request ${report.baseline.requestMs.p99} ms`,
    `load average ${report.loadAverage.join(' ')}`,
    'written: bench/results/users.json',
    '',
  ];
  process.stdout.write(out.join('\n'));
}
