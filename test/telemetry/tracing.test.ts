import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONSENT_VERSION } from '../../src/analysis/consent-text.ts';
import { loadFaceModel } from '../../src/analysis/engine/face-model.ts';
import { freePort } from '../../bench/child-server.ts';
import { deriveFacePhotos } from '../analysis/face-photos.ts';
import { createClinic, createUser, PASSWORD } from '../support/factories.ts';
import { multipartFile } from '../support/multipart.ts';
import { startOtlpReceiver, type OtlpReceiver, type ReceivedSpan } from '../support/otlp-receiver.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { TEST_APP_PASSWORD } from '../support/test-database.ts';
import { stopProcess } from '../support/worker-process.ts';

// The API and a worker run as real processes, started as `npm run api` / `npm run worker` start them
// (tracing preloaded), exporting to a local OTLP/HTTP receiver.
const PRELOAD = ['--import', 'tsx', '--import', './src/telemetry/start-tracing.ts'];
const SERVER = 2;
const CONSUMER = 5;
const STAGES = ['analysis decode', 'analysis detect', 'analysis gate', 'analysis measure', 'analysis heatmaps'];

let t: TestApp;
let receiver: OtlpReceiver;
let face: Buffer;
let base: string;
let api: { child: ChildProcess; logs: string[] };
let sampledBase: string;
let sampledApi: { child: ChildProcess; logs: string[] };
const processes: ChildProcess[] = [];

beforeAll(async () => {
  receiver = await startOtlpReceiver();
  t = await startTestApp();
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  // Both start while the test photo is made: loading the SDK takes a few seconds.
  api = startProcess('api', processEnv({ PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'info' }));
  startProcess('worker', processEnv({ LOG_LEVEL: 'warn' }));
  // Starts no trace of its own: traces only what a caller's sampled traceparent asks for.
  const sampledPort = await freePort();
  sampledBase = `http://127.0.0.1:${sampledPort}`;
  sampledApi = startProcess(
    'api',
    processEnv({
      PORT: String(sampledPort),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      OTEL_SERVICE_NAME: 'sampled-api',
      OTEL_TRACES_SAMPLER: 'parentbased_always_off',
    }),
  );
  face = (await deriveFacePhotos(await loadFaceModel(), { samples: [1] }))[0]!.photo;
}, 120_000);
afterAll(async () => {
  await Promise.all(processes.map((p) => stopProcess(p)));
  await t?.stop();
  await receiver?.close();
});

function processEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  return {
    ...process.env,
    DATABASE_URL: t.database.ownerUrl,
    DATABASE_APP_PASSWORD: TEST_APP_PASSWORD,
    STORAGE_DIR: t.config.STORAGE_DIR,
    REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    REDIS_KEY_PREFIX: `${t.database.name}:`,
    DEMO_DATA: 'off',
    METRICS_PORT: 'off',
    WORKER_CONCURRENCY: '1',
    OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
    OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'http/json',
    // Spans reach the receiver within a fraction of a second instead of the default 5 s.
    OTEL_BSP_SCHEDULE_DELAY: '100',
    ...extra,
  };
}

/** Starts `src/main.ts <mode>` traced; its log lines are collected as they come. */
function startProcess(mode: 'api' | 'worker', env: NodeJS.ProcessEnv): { child: ChildProcess; logs: string[] } {
  const child = spawn(process.execPath, [...PRELOAD, 'src/main.ts', mode], { env, stdio: ['ignore', 'pipe', 'inherit'] });
  processes.push(child);
  const logs: string[] = [];
  let rest = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    const lines = (rest + chunk.toString('utf8')).split('\n');
    rest = lines.pop()!;
    logs.push(...lines);
  });
  return { child, logs };
}

async function untilAnswering(base: string, child: ChildProcess): Promise<void> {
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the API exited with code ${child.exitCode}`);
    if (
      await fetch(`${base}/healthz`).then(
        (r) => r.ok,
        () => false,
      )
    )
      return;
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** A browser over real HTTP: keeps cookies, sends the CSRF token on writes. */
function browser(base: string) {
  const cookies = new Map<string, string>();
  let csrf: string | undefined;
  const send = async (method: string, path: string, body?: Buffer | string, headers: Record<string, string> = {}) => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: {
        ...headers,
        cookie: [...cookies].map(([k, v]) => `${k}=${v}`).join('; '),
        ...(csrf ? { 'x-csrf-token': csrf } : {}),
      },
      ...(body === undefined ? {} : { body: typeof body === 'string' ? body : new Uint8Array(body) }),
    });
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const at = pair!.indexOf('=');
      cookies.set(pair!.slice(0, at), pair!.slice(at + 1));
    }
    return res;
  };
  return {
    async signIn(email: string) {
      csrf = ((await (await send('GET', '/api/auth/csrf')).json()) as { token: string }).token;
      const res = await send('POST', '/api/auth/sign-in', JSON.stringify({ email, password: PASSWORD }), {
        'content-type': 'application/json',
      });
      expect(res.status).toBe(200);
    },
    get: (path: string, headers: Record<string, string> = {}) => send('GET', path, undefined, headers),
    json: (path: string, body: unknown) => send('POST', path, JSON.stringify(body), { 'content-type': 'application/json' }),
    upload(path: string, photo: Buffer) {
      const { body, headers } = multipartFile('photo', 'face.jpg', 'image/jpeg', photo);
      return send('POST', path, body, headers);
    },
  };
}

const inTrace = (spans: ReceivedSpan[], traceId: string) => spans.filter((s) => s.traceId === traceId);
const uploadSpan = (spans: ReceivedSpan[]) =>
  spans.find((s) => s.kind === SERVER && s.attributes['http.route'] === '/api/analyses' && s.name.startsWith('POST'));
const jobSpanLinkedTo = (spans: ReceivedSpan[], traceId: string) =>
  spans.find((s) => s.kind === CONSUMER && s.name === 'job skin-analysis' && s.links.some((l) => l.traceId === traceId));

describe('traces exported over OTLP when an endpoint is set', () => {
  it('an upload is one trace (route, pg statements without values, Redis), and its analysis job a trace linked to it with a span per stage', async () => {
    await untilAnswering(base, api.child);

    const clinic = await createClinic(t, { tier: 'professional' });
    const customer = await createUser(t, clinic.id, 'customer');
    const client = browser(base);
    await client.signIn(customer.email);
    expect((await client.json('/api/analysis-consent', { version: CONSENT_VERSION, locale: 'en' })).status).toBe(201);
    const upload = await client.upload('/api/analyses', face);
    expect(upload.status).toBe(202);
    const { id: analysisId } = (await upload.json()) as { id: string };
    // A search names a person: its text stays out of the trace.
    await client.get(`/api/customers?q=${encodeURIComponent(customer.email)}&limit=5`);

    const spans = await receiver.until((all) => {
      if (!all.some((s) => s.kind === SERVER && s.attributes['http.route'] === '/api/customers')) return false;
      const request = uploadSpan(all);
      const job = request && jobSpanLinkedTo(all, request.traceId);
      return Boolean(job && STAGES.every((stage) => inTrace(all, job.traceId).some((s) => s.name === stage)));
    });
    const request = uploadSpan(spans)!;
    expect(request.service).toBe('beauty-with-ai-precision-api');
    expect(request.name).toBe('POST /api/analyses');
    const requestTrace = inTrace(spans, request.traceId);

    // Each statement of the request has a span named for what it does, its text parameterised.
    const statements = requestTrace.filter((s) => s.attributes['db.system.name'] === 'postgresql');
    expect(statements.map((s) => s.name)).toEqual(expect.arrayContaining(['BEGIN', 'COMMIT', 'INSERT skin_analyses']));
    const everything = JSON.stringify(requestTrace);
    for (const value of [customer.email, customer.id, clinic.id, analysisId]) expect(everything).not.toContain(value);
    expect(statements.some((s) => String(s.attributes['db.query.text']).includes('$1'))).toBe(true);

    const search = spans.find((s) => s.kind === SERVER && s.attributes['http.route'] === '/api/customers')!;
    expect(search.attributes['url.query']).toBe('q=REDACTED&limit=5');
    expect(JSON.stringify(inTrace(spans, search.traceId))).not.toContain(customer.email.split('@')[0]);

    // The limiter counts the request in Redis: a Redis span, with the command only.
    const redis = requestTrace.filter((s) => s.attributes['db.system.name'] === 'redis');
    expect(redis.length).toBeGreaterThan(0);
    for (const s of redis) expect(s.attributes['db.query.text']).toBe(s.name);

    // The photo and its thumbnails are stored under the request (the folder driver here; S3 calls are the AWS SDK's spans).
    expect(requestTrace.filter((s) => s.name === 'storage put').length).toBeGreaterThan(0);

    // The job's trace is linked to the request's and holds the analysis stages and their statements.
    const job = jobSpanLinkedTo(spans, request.traceId)!;
    expect(job.service).toBe('beauty-with-ai-precision-worker');
    expect(job.traceId).not.toBe(request.traceId);
    const jobTrace = inTrace(spans, job.traceId);
    for (const stage of STAGES) expect(jobTrace.find((s) => s.name === stage)?.attributes).toBeDefined();
    expect(jobTrace.some((s) => s.name === 'UPDATE skin_analyses')).toBe(true);
    expect(jobTrace.some((s) => s.name === 'storage get')).toBe(true);
    expect(jobTrace.find((s) => s.name === 'analysis decode')!.parentSpanId).toBe(job.spanId);

    // The API's log lines for the upload name its trace.
    const uploadLogs = api.logs
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as { traceId?: string; req?: { url?: string } })
      .filter((l) => l.req?.url === '/api/analyses');
    expect(uploadLogs.length).toBeGreaterThan(0);
    for (const l of uploadLogs) expect(l.traceId).toBe(request.traceId);
  }, 60_000);
});

describe('sampling', () => {
  it('a request the sampler leaves out exports nothing; one whose caller sampled it is traced in full, under the caller', async () => {
    await untilAnswering(sampledBase, sampledApi.child);
    const clinic = await createClinic(t, { tier: 'professional' });
    const staff = await createUser(t, clinic.id, 'clinic_owner');
    const client = browser(sampledBase);
    await client.signIn(staff.email);
    expect((await client.get('/api/customers?limit=5')).status).toBe(200);

    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const callerSpanId = '00f067aa0ba902b7';
    const traced = await client.get('/api/customers?limit=5', { traceparent: `00-${traceId}-${callerSpanId}-01` });
    expect(traced.status).toBe(200);

    const spans = await receiver.until((all) =>
      all.some((s) => s.service === 'sampled-api' && s.kind === SERVER && s.traceId === traceId),
    );
    const fromSampledApi = spans.filter((s) => s.service === 'sampled-api');
    expect(fromSampledApi.filter((s) => s.traceId !== traceId)).toEqual([]);
    const server = fromSampledApi.find((s) => s.kind === SERVER)!;
    expect(server.name).toBe('GET /api/customers');
    expect(server.parentSpanId).toBe(callerSpanId);
    const statements = fromSampledApi.filter((s) => s.attributes['db.system.name'] === 'postgresql');
    expect(statements.map((s) => s.name)).toEqual(expect.arrayContaining(['BEGIN', 'COMMIT']));
    expect(fromSampledApi.some((s) => s.name === 'pg-pool.connect')).toBe(false);
  }, 60_000);
});

describe('without an OTLP endpoint', () => {
  // Loads the app's modules (pg, ioredis, Fastify, the AWS SDK) after the preload, then lists the
  // CommonJS modules loaded: the SDK and its instrumentations are CommonJS.
  const probe = `
    await import('./src/runtime.ts');
    const { createRequire } = await import('node:module');
    const loaded = Object.keys(createRequire(import.meta.url).cache);
    process.stdout.write(JSON.stringify(loaded.filter((m) => m.includes('@opentelemetry/'))));`;
  const loadedTelemetry = async (env: NodeJS.ProcessEnv) => {
    const { stdout } = await promisify(execFile)(process.execPath, [...PRELOAD, '--input-type=module', '-e', probe], { env });
    return JSON.parse(stdout) as string[];
  };
  const withoutOtel = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('OTEL_')));

  it('the OpenTelemetry SDK and its instrumentations are never loaded; with one, they are', async () => {
    const [off, on] = await Promise.all([
      loadedTelemetry(withoutOtel),
      loadedTelemetry({ ...withoutOtel, OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint }),
    ]);
    expect(off.filter((m) => !m.includes('@opentelemetry/api/'))).toEqual([]);
    expect(on.some((m) => m.includes('@opentelemetry/sdk-node/'))).toBe(true);
    expect(on.some((m) => m.includes('@opentelemetry/instrumentation-pg/'))).toBe(true);
    // Two processes each load the whole app through tsx: over 20 s on a machine busy with other test files.
  }, 90_000);
});
