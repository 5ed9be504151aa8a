import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { CONSENT_VERSION } from '../src/analysis/consent-text.ts';
import { loadFaceModel } from '../src/analysis/face-model.ts';
import { loadConfig } from '../src/config.ts';
import { enableAppRoleLogin } from '../src/db/database.ts';
import { migrate } from '../src/db/migrate.ts';
import { createLogger } from '../src/logger.ts';
import { createRuntime } from '../src/runtime.ts';
import { deriveFacePhotos } from '../test/analysis/face-photos.ts';
import { round } from './timing.ts';

// Analysis queue throughput: N photos accepted through the real service, then worked by 1 and by 2
// worker processes (`src/main.ts worker`), each run on a fresh copy of the same backlog. The ratio of
// the two says how throughput grows with workers on this machine.
const { values } = parseArgs({ options: { photos: { type: 'string', default: '12' } } });
const photos = Number(values.photos);
const base = loadConfig({ ...process.env, LOG_LEVEL: 'warn' });
if (!base.DATABASE_URL) throw new Error('analysis queue bench: set DATABASE_URL to a server where scratch databases may be created');
const log = createLogger(base);
const admin = new pg.Client({ connectionString: base.DATABASE_URL });
await admin.connect();
const storageDir = await mkdtemp(join(tmpdir(), 'bwai-queue-bench-'));
const faces = (await deriveFacePhotos(await loadFaceModel(), { samples: [1, 4] })).map((f) => f.photo);

const results = [];
try {
  for (const workers of [1, 2]) {
    const name = `bwai_bench_queue_${workers}`;
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.query(`CREATE DATABASE ${name}`);
    const url = new URL(base.DATABASE_URL);
    url.pathname = `/${name}`;
    const config = loadConfig({ ...process.env, LOG_LEVEL: 'warn', DATABASE_URL: url.toString(), STORAGE_DIR: storageDir });
    const runtime = createRuntime(config, log, url.toString());
    try {
      await migrate(runtime.db.owner, log);
      await enableAppRoleLogin(runtime.db.owner, config.DATABASE_APP_PASSWORD);
      await runtime.start();
      const ids = await acceptBacklog(runtime);
      process.stdout.write(`${workers} worker(s): ${ids.length} analyses queued, working…\n`);
      const started = performance.now();
      const children = Array.from({ length: workers }, () => startWorkerProcess(url.toString()));
      try {
        await waitUntilDone(runtime.db.owner, ids.length);
      } finally {
        await Promise.all(children.map(stop));
      }
      const seconds = (performance.now() - started) / 1000;
      results.push({ workers, photos: ids.length, seconds: round(seconds), perMinute: round((ids.length / seconds) * 60) });
    } finally {
      await runtime.close();
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    }
  }
  const [one, two] = results;
  console.table(results);
  console.log(`throughput with 2 workers: ${round(two!.perMinute / one!.perMinute)}× one worker (includes each worker's model load); load ${loadavg().map(round).join(' ')}`);
  await mkdir('bench/results', { recursive: true });
  await writeFile('bench/results/analysis-queue.json', `${JSON.stringify({ at: new Date().toISOString(), loadAverage: loadavg().map(round), results }, null, 2)}\n`);
} finally {
  await admin.end();
  await rm(storageDir, { recursive: true, force: true });
}

async function acceptBacklog(runtime: ReturnType<typeof createRuntime>): Promise<string[]> {
  const { rows: [clinic] } = await runtime.db.owner.query<{ id: string }>(`INSERT INTO clinics (slug, name, tier, status) VALUES ('queue-bench', 'Queue Bench', 'enterprise', 'active') RETURNING id`);
  const { rows: [owner] } = await runtime.db.owner.query<{ id: string }>(
    `INSERT INTO users (clinic_id, email, password_hash, role, full_name) VALUES ($1, 'owner@queue-bench.example.com', 'not-a-login', 'clinic_owner', 'Bench Owner') RETURNING id`,
    [clinic!.id],
  );
  const { rows: [customer] } = await runtime.db.owner.query<{ id: string }>(`INSERT INTO customers (clinic_id, full_name) VALUES ($1, 'Bench Customer') RETURNING id`, [clinic!.id]);
  const actor = { userId: owner!.id, clinicId: clinic!.id, role: 'clinic_owner' as const };
  const meta = { ip: null, userAgent: 'analysis-queue-bench' };
  await runtime.services.analyses.grantConsent(actor, { customerId: customer!.id, version: CONSENT_VERSION, locale: 'en' }, meta);
  const ids: string[] = [];
  for (let i = 0; i < photos; i++) {
    await runtime.services.analyses.admit(actor, customer!.id);
    ids.push((await runtime.services.analyses.submit(actor, customer!.id, faces[i % faces.length]!, meta)).id);
  }
  return ids;
}

function startWorkerProcess(databaseUrl: string): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', 'worker'], {
    env: { ...process.env, DATABASE_URL: databaseUrl, STORAGE_DIR: storageDir, LOG_LEVEL: 'warn', WORKER_CONCURRENCY: '1', DEMO_DATA: 'off' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

async function waitUntilDone(owner: pg.Pool, expected: number): Promise<void> {
  for (;;) {
    const { rows } = await owner.query<{ n: number }>(`SELECT count(*)::int AS n FROM skin_analyses WHERE status IN ('completed', 'rejected', 'failed')`);
    if (rows[0]!.n >= expected) return;
    await new Promise((r) => setTimeout(r, 100));
  }
}

function stop(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}
