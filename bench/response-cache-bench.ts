import { randomUUID } from 'node:crypto';
import { loadavg } from 'node:os';
import { Redis } from 'ioredis';
import pg from 'pg';
import { pino } from 'pino';
import { createInvalidationBus } from '../src/cache/invalidation-bus.ts';
import { createFlagLookup } from '../src/flags/flag-lookup.ts';
import { createFlagService } from '../src/flags/flag-service.ts';
import { stopProcess } from '../test/support/worker-process.ts';
import { writeBenchReport } from './bench-report.ts';
import { benchOptions } from './bench-options.ts';
import { startChildServer } from './child-server.ts';
import { loadPhase, pickClinics, raiseApiLimits, signInAll, signOutAll, type PhaseResult } from './dashboard-load.ts';
import { notSeededMessage, redactPassword, seededDatabaseUrl, seededTotals } from './seeded-database.ts';
import { round } from './timing.ts';

// GET /api/treatments for one clinic owner against the real API process on the seeded database, with the
// `response-cache` flag on and then off for that clinic, alternating in the same run so both see the same
// machine. The flag is switched as a super admin would (the flag service, audited, invalidated over Redis).
const {
  connections,
  seconds,
  rounds,
  'database-url': databaseUrl,
} = benchOptions('response cache bench', {
  numbers: { connections: 50, seconds: 10, rounds: 2 },
  strings: ['database-url'],
});
const url = seededDatabaseUrl('response cache bench', databaseUrl);
const redisUrl = process.env.REDIS_URL;
if (!redisUrl) throw new Error('response cache bench: set REDIS_URL (the flag change reaches the API over Redis)');
const keyPrefix = `bench-${randomUUID().slice(0, 8)}:`;
const serverEnv: NodeJS.ProcessEnv = {
  ...process.env,
  DATABASE_URL: url,
  REDIS_URL: redisUrl,
  REDIS_KEY_PREFIX: keyPrefix,
  HOST: '127.0.0.1',
  RUN_MIGRATIONS: 'false',
  DEMO_DATA: 'off',
  LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
};

const owner = new pg.Pool({ connectionString: url, max: 2 });
const redis = new Redis(redisUrl);
const log = pino({ level: 'warn' });
const noMetrics = { lookup: () => {}, invalidationReceived: () => {}, redisError: () => {}, observeRedisFallback: () => {} };
const bus = createInvalidationBus({ config: { REDIS_KEY_PREFIX: keyPrefix }, redis, log, metrics: noMetrics });
const flags = createFlagService(
  owner,
  createFlagLookup({ pool: owner, config: { CLINIC_CACHE_SECONDS: 300 }, bus, log, metrics: noMetrics }),
);
const platform = { userId: null, role: null };
const meta = { ip: null, userAgent: 'response-cache-bench' };

const totals = await seededTotals(owner);
if (totals.appointments === 0) throw new Error(notSeededMessage('response cache bench', url));
const [clinic] = await pickClinics(owner, 1);
const restoreLimits = await raiseApiLimits(owner, [clinic!]);
const api = await startChildServer('api', [process.execPath, '--import', 'tsx', 'src/main.ts', 'api'], {
  env: serverEnv,
  readyPath: '/readyz',
});
const results: { flag: 'on' | 'off'; result: PhaseResult }[] = [];
try {
  const [session] = await signInAll(api.base, [clinic!]);
  const requests = () => [{ method: 'GET' as const, path: '/api/treatments', headers: { cookie: session!.cookie } }];
  const { rows } = await owner.query<{ n: number }>('SELECT count(*)::int AS n FROM treatments WHERE clinic_id = $1', [
    clinic!.id,
  ]);
  process.stdout.write(`clinic ${clinic!.id}: ${rows[0]!.n} treatments\n`);
  await loadPhase('warm-up', api, 3, requests, { connections });
  for (let round = 0; round < rounds; round++) {
    for (const flag of ['on', 'off'] as const) {
      await flags.setFlag(platform, clinic!.id, 'response-cache', { enabled: flag === 'on', rolloutPercent: 100 }, meta);
      results.push({ flag, result: await loadPhase(`flag ${flag}`, api, seconds, requests, { connections }) });
    }
  }
  await signOutAll(api.base, [session!]);
} finally {
  await flags.deleteFlag(platform, clinic!.id, 'response-cache', meta).catch(() => {});
  await restoreLimits();
  await stopProcess(api.child);
  await bus.close();
  await redis.quit();
  await owner.end();
}

const summary = results.map(({ flag, result }) => ({
  flag,
  requestsPerSecond: round(result.requestsPerSecond),
  p50Ms: result.latencyMs.p50,
  p99Ms: result.latencyMs.p99,
  non2xx: result.non2xx,
  errors: result.errors + result.timeouts,
}));
const mean = (flag: 'on' | 'off') => {
  const of = summary.filter((s) => s.flag === flag);
  return of.reduce((sum, s) => sum + s.requestsPerSecond, 0) / of.length;
};
const report = {
  at: new Date().toISOString(),
  loadAverage: loadavg().map(round),
  command: `npm run bench:response-cache -- --database-url ${redactPassword(url)} --connections ${connections} --seconds ${seconds} --rounds ${rounds}`,
  route: 'GET /api/treatments',
  connections,
  seconds,
  phases: summary,
  ratioOnToOff: round(mean('on') / mean('off')),
};
console.table(summary);
process.stdout.write(`flag on / flag off throughput: ${report.ratioOnToOff}×; load average ${report.loadAverage.join(' ')}\n`);
await writeBenchReport('response-cache', report);
