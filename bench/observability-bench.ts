import { loadavg } from 'node:os';
import pg from 'pg';
import { writeBenchReport } from './bench-report.ts';
import { seededServerEnv, startBenchRun, stopRun } from './bench-run.ts';
import type { ChildServer } from './child-server.ts';
import {
  checkRoutes,
  dashboardLoadOptions,
  dashboardReads,
  loadPhase,
  pickClinics,
  raiseApiLimits,
  rotate,
  signInAll,
  signOutAll,
  type PhaseResult,
} from './dashboard-load.ts';
import { notSeededMessage, redactPassword, seededTotals } from './seeded-database.ts';
import { round } from './timing.ts';

// What metrics and tracing cost the API: the dashboard reads of the api load bench against four API
// processes on the same seeded database, started alike but for their observability: none (METRICS=off),
// Prometheus metrics scraped as Prometheus would, metrics plus every request traced (always-on sampling,
// the SDK's default batching) to an OTLP collector stand-in in its own process, and the same with one
// trace in ten sampled. The cases take turns, each round starting with another, so load from elsewhere on
// the machine falls on all of them alike.
const TARGET_MAX_LOSS = 0.1;
/** Prometheus's usual scrape interval is 15 to 60 s; scraping more often only makes metrics look dearer. */
const SCRAPE_EVERY_MS = 5_000;

const { connections, seconds, warmupSeconds, rounds, clinicCount, url } = dashboardLoadOptions('observability bench', {
  connections: 200,
  seconds: 15,
});
// Tracing is switched on case by case: whatever OTEL_ settings this shell has would blur the cases.
const baseEnv = seededServerEnv(
  url,
  Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('OTEL_'))),
);
// The command `npm run api` runs: the tracing preload is there in every case, and loads the SDK in the traced ones.
const API_COMMAND = [process.execPath, '--import', 'tsx', '--import', './src/telemetry/start-tracing.ts', 'src/main.ts', 'api'];

type Case = 'off' | 'metrics' | 'metrics + tracing' | 'metrics + tracing 10%';
const CASES: Case[] = ['off', 'metrics', 'metrics + tracing', 'metrics + tracing 10%'];
const TRACED: Case[] = ['metrics + tracing', 'metrics + tracing 10%'];

const { cleanups, startServer, runToEnd } = startBenchRun('observability bench');

const owner = new pg.Pool({ connectionString: url, max: 2 });
cleanups.push(() => owner.end());
await runToEnd(async () => {
  const totals = await seededTotals(owner);
  if (totals.appointments === 0) stopRun(notSeededMessage('observability bench', url));
  const clinics = await pickClinics(owner, clinicCount);
  cleanups.push(await raiseApiLimits(owner, clinics));

  const sink = await startServer('OTLP sink', [process.execPath, '--import', 'tsx', 'bench/otlp-sink.ts'], '/stats', baseEnv);
  const servers: Record<Case, ChildServer> = {
    off: await startServer('API without metrics', API_COMMAND, '/healthz', { ...baseEnv, METRICS: 'off' }),
    metrics: await startServer('API with metrics', API_COMMAND, '/healthz', { ...baseEnv, METRICS: 'on' }),
    'metrics + tracing': await startServer('API with metrics and tracing', API_COMMAND, '/healthz', {
      ...baseEnv,
      METRICS: 'on',
      OTEL_EXPORTER_OTLP_ENDPOINT: sink.base,
    }),
    'metrics + tracing 10%': await startServer('API with metrics and sampled tracing', API_COMMAND, '/healthz', {
      ...baseEnv,
      METRICS: 'on',
      OTEL_EXPORTER_OTLP_ENDPOINT: sink.base,
      OTEL_TRACES_SAMPLER: 'parentbased_traceidratio',
      OTEL_TRACES_SAMPLER_ARG: '0.1',
    }),
  };
  for (const server of Object.values(servers)) {
    const ready = await fetch(`${server.base}/readyz`);
    if (!ready.ok)
      stopRun(`observability bench: the API is not ready (${ready.status}): npm run migrate applies pending migrations`);
  }
  // With the web app built, an unknown path gets its page: what must be missing is the exposition itself.
  const scraped = await fetch(`${servers.off.base}/metrics`);
  if ((await scraped.text()).includes('# HELP')) stopRun('observability bench: METRICS=off still serves /metrics');

  // Sessions live in the database: signed in once, they are valid on every process.
  const sessions = await signInAll(servers.off.base, clinics);
  cleanups.push(() => signOutAll(servers.off.base, sessions));
  for (const server of Object.values(servers)) await checkRoutes(server.base, sessions[0]!);
  const requestsFor = (i: number) => rotate(dashboardReads(sessions[i % sessions.length]!), i);

  const runs: Record<Case, PhaseResult[]> = { off: [], metrics: [], 'metrics + tracing': [], 'metrics + tracing 10%': [] };
  const exported = Object.fromEntries(TRACED.map((name) => [name, { exports: 0, bytes: 0, spans: 0, requests: 0 }]));
  for (let round = 1; round <= rounds; round++) {
    for (const name of rotate(CASES, round - 1)) {
      const server = servers[name];
      await loadPhase(`${name} warm-up (round ${round})`, server, warmupSeconds, requestsFor, { connections });
      const scraping = name === 'off' ? undefined : scrapeMetrics(server.base);
      const before = TRACED.includes(name) ? await sinkStats(sink) : undefined;
      runs[name].push(await loadPhase(`${name} (round ${round})`, server, seconds, requestsFor, { connections }));
      await scraping?.stop();
      if (before) {
        // The SDK sends its last batch up to 5 s after the phase: counted before the next phase starts.
        await new Promise((r) => setTimeout(r, 6_000));
        const after = await sinkStats(sink);
        const counts = exported[name]!;
        counts.exports += after.exports - before.exports;
        counts.bytes += after.bytes - before.bytes;
        counts.spans += after.spans - before.spans;
        counts.requests += runs[name].at(-1)!.requests;
      }
    }
  }

  const summary = CASES.map((name) => summarise(name, runs[name]));
  const off = summary[0]!.requestsPerSecond;
  const loss = (name: Case) => round(1 - summary.find((s) => s.case === name)!.requestsPerSecond / off);
  const losses = (of: (name: Case) => number) => Object.fromEntries(CASES.slice(1).map((name) => [name, of(name)]));
  // The same loss read from CPU per request: what throughput a server with its cores to itself would lose.
  const offCpu = summary[0]!.serverCpuMsPerRequest;
  const cpuLoss = (name: Case) => round(1 - offCpu / summary.find((s) => s.case === name)!.serverCpuMsPerRequest);
  const report = {
    at: new Date().toISOString(),
    loadAverage: loadavg().map(round),
    command: `npm run bench:observability -- --database-url ${redactPassword(url)} --connections ${connections} --seconds ${seconds} --warmup ${warmupSeconds} --rounds ${rounds} --clinics ${clinicCount}`,
    dataSet: totals,
    connections,
    seconds,
    warmupSeconds,
    rounds,
    sessions: sessions.length,
    routes: dashboardReads(sessions[0]!).map((r) => `${r.method} ${r.path}`),
    tracing: {
      samplers: {
        'metrics + tracing': 'parentbased_always_on (the SDK default)',
        'metrics + tracing 10%': 'parentbased_traceidratio 0.1',
      },
      exporter: 'OTLP/HTTP protobuf to a local sink process, the SDK default batching',
      exported: Object.fromEntries(
        TRACED.map((name) => {
          const c = exported[name]!;
          return [
            name,
            {
              exports: c.exports,
              spans: c.spans,
              spansPerRequest: c.requests ? round(c.spans / c.requests) : null,
              bytesPerRequest: c.requests ? Math.round(c.bytes / c.requests) : null,
            },
          ];
        }),
      ),
    },
    metricsScrapedEveryMs: SCRAPE_EVERY_MS,
    targetMaxThroughputLoss: TARGET_MAX_LOSS,
    throughputLoss: losses(loss),
    throughputLossFromCpuPerRequest: losses(cpuLoss),
    verdict: Object.fromEntries(TRACED.map((name) => [name, loss(name) <= TARGET_MAX_LOSS])),
    cases: summary,
    phases: runs,
  };
  print(report);
  await writeBenchReport('observability', report);
});

/** Reads /metrics every few seconds, as Prometheus would, while a phase runs. */
function scrapeMetrics(base: string): { stop(): Promise<void> } {
  let scraping = true;
  let wake = () => {};
  const loop = (async () => {
    while (scraping) {
      const res = await fetch(`${base}/metrics`);
      if (res.status !== 200) stopRun(`observability bench: GET /metrics answered ${res.status}`);
      await res.arrayBuffer();
      await new Promise<void>((resolve) => {
        wake = resolve;
        setTimeout(resolve, SCRAPE_EVERY_MS);
      });
    }
  })();
  return {
    async stop() {
      scraping = false;
      wake();
      await loop;
    },
  };
}

async function sinkStats(sink: ChildServer): Promise<{ exports: number; bytes: number; spans: number }> {
  return (await fetch(`${sink.base}/stats`)).json() as Promise<{ exports: number; bytes: number; spans: number }>;
}

function summarise(name: Case, phases: PhaseResult[]) {
  const mean = (pick: (p: PhaseResult) => number) => round(phases.reduce((a, p) => a + pick(p), 0) / phases.length);
  return {
    case: name,
    requestsPerSecond: mean((p) => p.requestsPerSecond),
    perRound: phases.map((p) => Math.round(p.requestsPerSecond)),
    serverCpuMsPerRequestPerRound: phases.map((p) => round(((p.cores.server ?? 0) * p.seconds * 1000) / p.requests)),
    p50Ms: mean((p) => p.latencyMs.p50),
    p99Ms: mean((p) => p.latencyMs.p99),
    failures: phases.reduce((a, p) => a + p.non2xx + p.errors + p.timeouts, 0),
    serverCores: mean((p) => p.cores.server ?? 0),
    // On a busy machine the server gets what the others leave it; CPU per request does not depend on that.
    serverCpuMsPerRequest: round(
      (phases.reduce((a, p) => a + (p.cores.server ?? 0) * p.seconds, 0) * 1000) / phases.reduce((a, p) => a + p.requests, 0),
    ),
    machineBusyCores: mean((p) => p.cores.machineBusy ?? 0),
  };
}

function print(report: {
  loadAverage: number[];
  dataSet: { clinics: number; users: number; appointments: number };
  connections: number;
  seconds: number;
  rounds: number;
  sessions: number;
  routes: string[];
  tracing: { exported: Record<string, { spans: number; spansPerRequest: number | null; bytesPerRequest: number | null }> };
  throughputLoss: Record<string, number>;
  throughputLossFromCpuPerRequest: Record<string, number>;
  verdict: Record<string, boolean>;
  cases: ReturnType<typeof summarise>[];
}): void {
  const n = (v: number) => Math.round(v).toLocaleString('en-US');
  const rows = [
    [
      'case',
      'req/s (mean)',
      'per round',
      'loss vs off',
      'p50 ms',
      'p99 ms',
      'failures',
      'server cores',
      'machine busy',
      'server CPU ms/req',
      'loss from CPU/req',
    ],
  ];
  for (const c of report.cases) {
    rows.push([
      c.case,
      n(c.requestsPerSecond),
      c.perRound.map(n).join(' / '),
      c.case === 'off' ? '-' : `${(report.throughputLoss[c.case]! * 100).toFixed(1)}%`,
      String(c.p50Ms),
      String(c.p99Ms),
      n(c.failures),
      c.serverCores.toFixed(2),
      c.machineBusyCores.toFixed(2),
      c.serverCpuMsPerRequest.toFixed(3),
      c.case === 'off' ? '-' : `${(report.throughputLossFromCpuPerRequest[c.case]! * 100).toFixed(1)}%`,
    ]);
  }
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  const line = (r: string[]) =>
    `  ${r.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('   ')}`;
  process.stdout.write(
    [
      '',
      `observability bench: ${n(report.dataSet.clinics)} clinics, ${n(report.dataSet.appointments)} appointments; ${report.sessions} clinic owners over ${n(report.connections)} connections; ` +
        `${report.rounds} rounds of ${report.seconds} s per case, the cases in turn`,
      `requests, in turn on every connection: ${report.routes.join(', ')}`,
      '',
      line(rows[0]!),
      ...rows.slice(1).map(line),
      '',
      ...TRACED.map((name) => {
        const e = report.tracing.exported[name]!;
        return `${name}: ${n(e.spans)} spans received, ${e.spansPerRequest ?? '-'} per request, ${n(e.bytesPerRequest ?? 0)} bytes of OTLP per request`;
      }),
      ...TRACED.map(
        (name) =>
          `${name} cost ${(report.throughputLoss[name]! * 100).toFixed(1)}% of the throughput without them (target at most ${TARGET_MAX_LOSS * 100}%: ${report.verdict[name] ? 'met' : 'MISSED'}); ` +
          `${(report.throughputLossFromCpuPerRequest[name]! * 100).toFixed(1)}% read from the server's CPU per request`,
      ),
      `load average ${report.loadAverage.join(' ')}`,
      'written: bench/results/observability.json',
      '',
    ].join('\n'),
  );
}
