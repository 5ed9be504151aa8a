import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analysisDeadLetterJob, analysisJob } from '../../src/analysis/analysis-job.ts';
import { ANALYSIS_QUEUE } from '../../src/analysis/analysis-queue.ts';
import type { ProgressEvent } from '../../src/analysis/analysis-repo.ts';
import { loadFaceModel } from '../../src/analysis/engine/face-model.ts';
import { queuePolicy } from '../../src/jobs/job-queue.ts';
import { startWorker } from '../../src/jobs/worker.ts';
import { photoKeys } from '../../src/uploads/photo-pipeline.ts';
import { createClinic } from '../support/factories.ts';
import { startFakeOpenAiServer, type FakeOpenAiServer } from '../support/fake-openai-server.ts';
import { openAiSkinReport } from '../support/openai-answers.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { TEST_APP_PASSWORD } from '../support/test-database.ts';
import { startWorkerProcess, stopProcess } from '../support/worker-process.ts';
import { analysesUsed, customerOf, finishedAnalysis, uploadPhoto } from './analysis-steps.ts';
import { deriveFacePhotos } from './face-photos.ts';

let t: TestApp;
let openai: FakeOpenAiServer;
let face: Buffer;
let env: Record<string, string>;

beforeAll(async () => {
  openai = await startFakeOpenAiServer();
  env = {
    WORKER_CONCURRENCY: '1',
    OPENAI_API_KEY: openai.apiKey,
    OPENAI_BASE_URL: openai.baseURL,
    // Far above the 10 s the recovery must take: a dead worker is noticed by its lost lock, not by
    // expiry, and a slow run under load is never taken from a live worker.
    ANALYSIS_JOB_TIMEOUT_SECONDS: '120',
  };
  t = await startTestApp(env);
  face = (await deriveFacePhotos(await loadFaceModel(), { samples: [1] }))[0]!.photo;
}, 120_000);
afterAll(async () => {
  await t.stop();
  await openai.close();
});

const workerProcess = () =>
  startWorkerProcess({
    ...env,
    DATABASE_URL: t.database.ownerUrl,
    DATABASE_APP_PASSWORD: TEST_APP_PASSWORD,
    STORAGE_DIR: t.config.STORAGE_DIR,
  });

/** Resolves once `count` worker processes hold their liveness lock, i.e. are ready to take jobs. */
async function workersAlive(count: number): Promise<void> {
  for (;;) {
    const { rows } = await t.db.owner.query(
      `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'bwai-worker-liveness'`,
    );
    if (rows[0].n >= count) return;
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('a worker that dies mid-analysis', () => {
  it('another worker runs the analysis again within 10 s, the user sees it queued for a second attempt, and it completes', async () => {
    const clinic = await createClinic(t, { tier: 'professional' });
    await t.services.clinics.updateClinic(
      { userId: null, role: null },
      clinic.id,
      { analysisProvider: 'openai' },
      { ip: null, userAgent: null },
    );
    const customer = await customerOf(t, clinic);
    // The provider holds the first worker's request open, so it is surely mid-analysis when killed.
    openai.respondWith({ kind: 'no-answer' });
    const first = workerProcess();
    let second: ChildProcess | undefined;
    const events: ProgressEvent[] = [];
    let killedAt: number | undefined;
    let runningAgainAt: number | undefined;
    let unsubscribe = () => {};
    try {
      await workersAlive(1);
      const firstRequest = openai.nextRequest();
      const res = await uploadPhoto(customer, face);
      expect(res.status).toBe(202);
      unsubscribe = t.analysisEvents.subscribe(res.body.id, (event) => {
        events.push(event);
        if (event.status === 'quality_check' && killedAt) runningAgainAt ??= Date.now();
      });
      await firstRequest;
      expect((await customer.get(`/api/analyses/${res.body.id}`)).body.status).toBe('analysing');
      // A second worker stands by, as in any deployment with more than one.
      second = workerProcess();
      await workersAlive(2);
      openai.respondWith({ kind: 'structured', output: openAiSkinReport() });
      const secondRequest = openai.nextRequest();
      killedAt = Date.now();
      await stopProcess(first, 'SIGKILL');
      await secondRequest;
      const providerAgainAt = Date.now();
      while (runningAgainAt === undefined) await new Promise((r) => setTimeout(r, 20));
      // Running again: the other worker has started its attempt and the user's stream shows it.
      const seconds = (runningAgainAt! - killedAt) / 1000;
      console.info(
        `after SIGKILL: analysis running again in ${seconds.toFixed(1)} s, at the provider again in ${((providerAgainAt - killedAt) / 1000).toFixed(1)} s`,
      );
      expect(seconds).toBeLessThan(10);

      const detail = await finishedAnalysis(customer, res.body.id, 60_000);
      expect(detail).toMatchObject({
        status: 'completed',
        provider: 'openai',
        result: { concerns: { wrinkles: { score: 67 } } },
      });
      expect(events).toContainEqual({ id: res.body.id, clinicId: clinic.id, status: 'queued', progress: 0, attempt: 2 });
      const job = await t.db.owner.query(
        `SELECT state, retry_count FROM pgboss.job WHERE name = $1 AND data->>'analysisId' = $2`,
        [ANALYSIS_QUEUE, res.body.id],
      );
      expect(job.rows).toEqual([{ state: 'completed', retry_count: 1 }]);
    } finally {
      unsubscribe();
      await stopProcess(first, 'SIGKILL');
      if (second) await stopProcess(second);
    }
    expect(await analysesUsed(t, clinic.id)).toBe(1);
  }, 150_000);
});

describe('an analysis that cannot be done', () => {
  it('ends failed through the dead-letter queue, never stuck in progress, and gives its quota unit back', async () => {
    const clinic = await createClinic(t, { tier: 'professional' });
    const customer = await customerOf(t, clinic);
    // Jobs sent from here on carry no retries, so the first failure goes to the dead-letter queue.
    await t.jobs.updateQueue(ANALYSIS_QUEUE, { name: ANALYSIS_QUEUE, ...queuePolicy(analysisJob, t.config), retryLimit: 0 });
    const res = await uploadPhoto(customer, face);
    expect(res.status).toBe(202);
    // The stored photo is gone when the worker comes for it: an error no retry would mend.
    const { rows } = await t.db.owner.query('SELECT photo_sha256, photo_format FROM skin_analyses WHERE id = $1', [res.body.id]);
    await t.storage.delete(photoKeys(clinic.id, rows[0].photo_sha256, rows[0].photo_format).working);
    expect(await analysesUsed(t, clinic.id)).toBe(1);

    const worker = await startWorker(t, t.database.ownerUrl, [analysisDeadLetterJob, analysisJob]);
    try {
      const detail = await finishedAnalysis(customer, res.body.id);
      expect(detail).toMatchObject({ status: 'failed', progress: 100, failure: { code: 'analysis-failed' } });
      expect(detail.failure.reason).toMatch(/upload the photo again/);
    } finally {
      await worker.stop();
    }
    expect(await analysesUsed(t, clinic.id)).toBe(0);
    const jobs = await t.db.owner.query(`SELECT name, state FROM pgboss.job WHERE data->>'analysisId' = $1 ORDER BY created_on`, [
      res.body.id,
    ]);
    expect(jobs.rows).toEqual([
      { name: ANALYSIS_QUEUE, state: 'failed' },
      { name: analysisDeadLetterJob.queue, state: 'completed' },
    ]);
  });
});
