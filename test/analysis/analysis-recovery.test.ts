import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analysisDeadLetterJob, analysisJob } from '../../src/analysis/analysis-job.ts';
import { ANALYSIS_QUEUE } from '../../src/analysis/analysis-queue.ts';
import { loadFaceModel } from '../../src/analysis/face-model.ts';
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
    // A lost job is taken up again within seconds here; in production the timeout sits above OpenAI's.
    ANALYSIS_JOB_TIMEOUT_SECONDS: '4',
    JOB_MAINTENANCE_INTERVAL_SECONDS: '1',
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

describe('a worker that dies mid-analysis', () => {
  it('leaves its job to another worker, which finishes the analysis: no row stays in progress', async () => {
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
    const res = await uploadPhoto(customer, face);
    expect(res.status).toBe(202);

    const first = workerProcess();
    try {
      await openai.nextRequest();
      expect((await customer.get(`/api/analyses/${res.body.id}`)).body.status).toBe('analysing');
    } finally {
      await stopProcess(first, 'SIGKILL');
    }

    openai.respondWith({ kind: 'structured', output: openAiSkinReport() });
    const second = workerProcess();
    try {
      const detail = await finishedAnalysis(customer, res.body.id, 90_000);
      expect(detail).toMatchObject({
        status: 'completed',
        provider: 'openai',
        result: { concerns: { wrinkles: { score: 67 } } },
      });
    } finally {
      await stopProcess(second);
    }
    const job = await t.db.owner.query(`SELECT state, retry_count FROM pgboss.job WHERE name = $1 AND data->>'analysisId' = $2`, [
      ANALYSIS_QUEUE,
      res.body.id,
    ]);
    expect(job.rows).toEqual([{ state: 'completed', retry_count: 1 }]);
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
