import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadFaceModel } from '../src/analysis/engine/face-model.ts';
import { deriveFacePhotos } from '../test/analysis/face-photos.ts';
import { startWorkerProcess, stopProcess } from '../test/support/worker-process.ts';
import { writeBenchReport } from './bench-report.ts';
import { benchOptions } from './bench-options.ts';
import { createBenchClinic, distinctPhotos, withScratchRuntime, type BenchClinic } from './scratch-runtime.ts';
import { round, summarise } from './timing.ts';

// Upload-to-result latency on an idle worker, as a browser sees it: a multipart POST over HTTP to a
// listening API, then the SSE stream until "completed". A real worker process does the analysis.
// The same run times the work itself (the upload's processing until its 202, and the worker's
// quality check and analysis from the row's timestamps), so the ratio says what the queue, the
// hand-offs and the progress events add on top of the work.
const TARGET_MS = 2000;
const { photos } = benchOptions('analysis latency bench', { numbers: { photos: 10 } });
const storageDir = await mkdtemp(join(tmpdir(), 'bwai-latency-bench-'));
// One more than measured: the first, warm-up photo is not counted.
const faces = await distinctPhotos(
  (await deriveFacePhotos(await loadFaceModel(), { samples: [1, 4] })).map((f) => f.photo),
  photos + 1,
);

/** Cookies and the CSRF token of one signed-in browser. */
class Session {
  private cookies = new Map<string, string>();
  private csrf = '';
  constructor(readonly base: string) {}

  async fetch(path: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    headers.set('cookie', [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; '));
    if (init.method && init.method !== 'GET') headers.set('x-csrf-token', this.csrf);
    const res = await fetch(`${this.base}${path}`, { ...init, headers });
    for (const cookie of res.headers.getSetCookie()) {
      const [pair] = cookie.split(';');
      const at = pair!.indexOf('=');
      this.cookies.set(pair!.slice(0, at), pair!.slice(at + 1));
    }
    return res;
  }

  async signIn(email: string, password: string): Promise<void> {
    this.csrf = ((await (await this.fetch('/api/auth/csrf')).json()) as { token: string }).token;
    const res = await this.fetch('/api/auth/sign-in', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password }),
    });
    if (res.status !== 200) throw new Error(`sign-in failed: ${res.status}`);
  }
}

/** Uploads one photo and follows its SSE stream; returns the times of the 202 and of "completed". */
async function uploadAndFollow(
  session: Session,
  clinic: BenchClinic,
  photo: Buffer,
): Promise<{ id: string; acceptedMs: number; completedMs: number }> {
  const started = performance.now();
  const form = new FormData();
  form.append('photo', new Blob([new Uint8Array(photo)], { type: 'image/jpeg' }), 'face.jpg');
  const res = await session.fetch(`/api/analyses?customerId=${clinic.customerId}`, { method: 'POST', body: form });
  if (res.status !== 202) throw new Error(`upload answered ${res.status}: ${await res.text()}`);
  const { id } = (await res.json()) as { id: string };
  const acceptedMs = performance.now() - started;
  const stream = await session.fetch(`/api/analyses/${id}/events`);
  const reader = stream.body!.getReader();
  const decoder = new TextDecoder();
  let text = '';
  for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
    text += decoder.decode(chunk.value, { stream: true });
    const status = /"status":"(completed|rejected|failed)"/.exec(text)?.[1];
    if (!status) continue;
    if (status !== 'completed') throw new Error(`analysis ${id} ended ${status}`);
    const completedMs = performance.now() - started;
    await reader.cancel();
    return { id, acceptedMs, completedMs };
  }
  throw new Error(`analysis ${id}: the event stream ended before a result`);
}

try {
  const run = await withScratchRuntime('bwai_bench_latency', { STORAGE_DIR: storageDir }, async (runtime, databaseUrl) => {
    const clinic = await createBenchClinic(runtime, 'latency-bench');
    const app = await runtime.buildApp();
    await app.listen({ host: '127.0.0.1', port: 0 });
    const worker = startWorkerProcess({ DATABASE_URL: databaseUrl, STORAGE_DIR: runtime.config.STORAGE_DIR });
    try {
      const session = new Session(`http://127.0.0.1:${(app.server.address() as AddressInfo).port}`);
      await session.signIn(clinic.owner.email, clinic.owner.password);
      // The first photo waits for the worker to start and load its model; it is not counted.
      await uploadAndFollow(session, clinic, faces[0]!);
      const samples = [];
      for (let i = 0; i < photos; i++) {
        // Idle means idle: the worker has finished and the API has answered everything before the next upload.
        await new Promise((r) => setTimeout(r, 250));
        const sample = await uploadAndFollow(session, clinic, faces[i + 1]!);
        const { rows } = await runtime.db.owner.query<{ wait: number; work: number }>(
          `SELECT extract(epoch FROM started_at - created_at) * 1000 AS wait, extract(epoch FROM finished_at - started_at) * 1000 AS work FROM skin_analyses WHERE id = $1`,
          [sample.id],
        );
        samples.push({ ...sample, pickupMs: Number(rows[0]!.wait), analysisMs: Number(rows[0]!.work) });
        process.stdout.write(`\r${i + 1}/${photos} photos`);
      }
      process.stdout.write('\n');
      return samples;
    } finally {
      await stopProcess(worker);
      await app.close();
    }
  });

  const latency = summarise(run.map((s) => s.completedMs));
  const work = summarise(run.map((s) => s.acceptedMs + s.analysisMs));
  const table = {
    'upload to result (HTTP + SSE)': latency,
    'upload until 202': summarise(run.map((s) => s.acceptedMs)),
    'queued until a worker starts it': summarise(run.map((s) => s.pickupMs)),
    'quality check + analysis (worker)': summarise(run.map((s) => s.analysisMs)),
    'the work (202 + worker)': work,
  };
  console.table(table);
  console.log(
    `upload to result p50 ${Math.round(latency.p50)} ms, p95 ${Math.round(latency.p95)} ms (target < ${TARGET_MS} ms: ${latency.p95 < TARGET_MS ? 'met' : 'NOT met'}); ` +
      `${round(latency.p50 / work.p50)}× the work itself at p50; load ${loadavg().map(round).join(' ')}`,
  );
  await writeBenchReport('analysis-latency', { targetMs: TARGET_MS, table, samples: run });
} finally {
  await rm(storageDir, { recursive: true, force: true });
}
