import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import type pg from 'pg';
import { loadFaceModel } from '../src/analysis/engine/face-model.ts';
import type { Runtime } from '../src/runtime.ts';
import { deriveFacePhotos } from '../test/analysis/face-photos.ts';
import { startWorkerProcess, stopProcess } from '../test/support/worker-process.ts';
import { writeBenchReport } from './bench-report.ts';
import { benchOptions } from './bench-options.ts';
import { createBenchClinic, distinctPhotos, withScratchRuntime } from './scratch-runtime.ts';
import { round } from './timing.ts';

// Analysis queue throughput: N photos accepted through the real service, then worked by 1 and by 2
// worker processes (`src/main.ts worker`), each run on a fresh copy of the same backlog. The ratio of
// the two says how throughput grows with workers on this machine.
const { photos } = benchOptions('analysis queue bench', { numbers: { photos: 12 } });
const storageDir = await mkdtemp(join(tmpdir(), 'bwai-queue-bench-'));
const faces = await distinctPhotos(
  (await deriveFacePhotos(await loadFaceModel(), { samples: [1, 4] })).map((f) => f.photo),
  photos,
);

const results = [];
try {
  for (const workers of [1, 2]) {
    const result = await withScratchRuntime(
      `bwai_bench_queue_${workers}`,
      { STORAGE_DIR: storageDir },
      async (runtime, databaseUrl) => {
        const ids = await acceptBacklog(runtime);
        process.stdout.write(`${workers} worker(s): ${ids.length} analyses queued, working…\n`);
        const started = performance.now();
        const children = Array.from({ length: workers }, () =>
          startWorkerProcess({ DATABASE_URL: databaseUrl, STORAGE_DIR: runtime.config.STORAGE_DIR }),
        );
        try {
          await waitUntilDone(runtime.db.owner, ids.length);
        } finally {
          await Promise.all(children.map((child) => stopProcess(child)));
        }
        const seconds = (performance.now() - started) / 1000;
        return { workers, photos: ids.length, seconds: round(seconds), perMinute: round((ids.length / seconds) * 60) };
      },
    );
    results.push(result);
  }
  const [one, two] = results;
  console.table(results);
  console.log(
    `throughput with 2 workers: ${round(two!.perMinute / one!.perMinute)}× one worker (includes each worker's model load); load ${loadavg().map(round).join(' ')}`,
  );
  await writeBenchReport('analysis-queue', { results });
} finally {
  await rm(storageDir, { recursive: true, force: true });
}

async function acceptBacklog(runtime: Runtime): Promise<string[]> {
  const { clinicId, customerId, owner } = await createBenchClinic(runtime, 'queue-bench');
  const actor = { userId: owner.id, clinicId, role: 'clinic_owner' as const };
  const meta = { ip: null, userAgent: 'analysis-queue-bench' };
  const ids: string[] = [];
  for (let i = 0; i < photos; i++) {
    await runtime.services.analyses.admit(actor, customerId);
    ids.push((await runtime.services.analyses.submit(actor, customerId, faces[i]!, meta)).row.id);
  }
  return ids;
}

async function waitUntilDone(owner: pg.Pool, expected: number): Promise<void> {
  for (;;) {
    const { rows } = await owner.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM skin_analyses WHERE status IN ('completed', 'rejected', 'failed')`,
    );
    if (rows[0]!.n >= expected) return;
    await new Promise((r) => setTimeout(r, 100));
  }
}
