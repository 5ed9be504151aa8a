import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analysisDeadLetterJob, analysisJob } from '../../src/analysis/analysis-job.ts';
import { loadFaceModel } from '../../src/analysis/engine/face-model.ts';
import type { JobDefinition } from '../../src/jobs/job-context.ts';
import { sendJob } from '../../src/jobs/job-queue.ts';
import { startWorker } from '../../src/jobs/worker.ts';
import { customerOf, finishedAnalysis, uploadPhoto } from '../analysis/analysis-steps.ts';
import { deriveFacePhotos } from '../analysis/face-photos.ts';
import { createClinic, createUser, signInAs } from '../support/factories.ts';
import { startFakeOpenAiServer, type FakeOpenAiServer } from '../support/fake-openai-server.ts';
import { openAiSkinReport } from '../support/openai-answers.ts';
import { scrape, type Scrape } from '../support/prometheus-text.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

let t: TestApp;
let openai: FakeOpenAiServer;
let storageDir: string;
beforeAll(async () => {
  openai = await startFakeOpenAiServer();
  storageDir = await mkdtemp(join(tmpdir(), 'bwai-job-metrics-'));
  t = await startTestApp({
    STORAGE_DIR: storageDir,
    WORKER_CONCURRENCY: '1',
    OPENAI_API_KEY: openai.apiKey,
    OPENAI_BASE_URL: openai.baseURL,
  });
});
afterAll(async () => {
  await t.stop();
  await openai.close();
  await rm(storageDir, { recursive: true, force: true });
});

const metrics = () => scrape(t.app);
const moved = (before: Scrape, after: Scrape, name: string, labels: Record<string, string>) =>
  after.value(name, labels) - before.value(name, labels);

async function until(check: () => Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('job figures', () => {
  it('a running job shows as active, the one behind it as waiting with its age, and the run lands in the duration histogram', async () => {
    const queue = 'test-metrics-held';
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let runs = 0;
    const heldJob: JobDefinition = {
      queue,
      options: { retryLimit: 0 },
      async handle() {
        runs++;
        if (runs === 1) await held;
      },
    };
    const worker = await startWorker(t, t.database.ownerUrl, [heldJob]);
    try {
      const before = await metrics();
      await sendJob(t.jobs, heldJob, {});
      await until(async () => (await metrics()).value('job_queue_active', { queue }) === 1, 'the job to start');
      await sendJob(t.jobs, heldJob, {});
      await new Promise((r) => setTimeout(r, 1100));
      const busy = await metrics();
      expect(busy.value('job_queue_waiting', { queue })).toBe(1);
      expect(busy.value('job_queue_oldest_waiting_seconds', { queue })).toBeGreaterThanOrEqual(1);

      release();
      await until(async () => (await metrics()).value('job_queue_waiting', { queue }) === 0 && runs === 2, 'both jobs to run');
      await until(
        async () => moved(before, await metrics(), 'job_duration_seconds_count', { queue, outcome: 'completed' }) === 2,
        'both runs to be recorded',
      );
      const after = await metrics();
      expect(after.value('job_queue_active', { queue })).toBe(0);
      expect(after.value('job_queue_oldest_waiting_seconds', { queue })).toBe(0);
    } finally {
      await worker.stop();
    }
  });

  it('a failing job counts its failed runs and its retry, and once out of retries shows as dead-lettered', async () => {
    const queue = 'test-metrics-failing';
    const deadLetters: JobDefinition = { queue: 'test-metrics-failing-dlq', options: {}, handle: async () => {} };
    const failing: JobDefinition = {
      queue,
      options: { retryLimit: 1, retryDelay: 0, deadLetter: deadLetters.queue },
      async handle() {
        throw new Error('this job always fails');
      },
    };
    const worker = await startWorker(t, t.database.ownerUrl, [deadLetters, failing]);
    try {
      const before = await metrics();
      await sendJob(t.jobs, failing, {});
      await until(async () => (await metrics()).value('job_queue_dead_lettered', { queue }) === 1, 'the dead letter');
      const after = await metrics();
      expect(moved(before, after, 'job_duration_seconds_count', { queue, outcome: 'failed' })).toBe(2);
      expect(moved(before, after, 'job_retries_total', { queue })).toBe(1);
      expect(after.value('job_queue_failed', { queue })).toBe(1);
    } finally {
      await worker.stop();
    }
  });
});

describe('analysis figures', () => {
  it('an analysis counts by provider and outcome, its stages are timed, and OpenAI tokens count by model', async () => {
    const admin = await signInAs(t, await createUser(t, null, 'super_admin'));
    const onOpenAi = await createClinic(t, { tier: 'professional' });
    expect((await admin.patch(`/api/admin/clinics/${onOpenAi.id}`, { analysisProvider: 'openai' })).status).toBe(200);
    const onLocal = await createClinic(t, { tier: 'professional' });
    const [face] = (await deriveFacePhotos(await loadFaceModel(), { samples: [1] })).map((f) => f.photo);
    const noFace = await sharp({ create: { width: 1200, height: 1200, channels: 3, background: '#c8a68c' } })
      .jpeg()
      .toBuffer();
    openai.respondWith({ kind: 'structured', output: openAiSkinReport(), model: 'gpt-test-vision' });
    const before = await metrics();

    const worker = await startWorker(t, t.database.ownerUrl, [analysisDeadLetterJob, analysisJob]);
    try {
      const viaOpenAi = await customerOf(t, onOpenAi);
      const completed = await uploadPhoto(viaOpenAi, face!);
      expect((await finishedAnalysis(viaOpenAi, completed.body.id, 60_000)).status).toBe('completed');
      const viaLocal = await customerOf(t, onLocal);
      const rejected = await uploadPhoto(viaLocal, noFace);
      expect((await finishedAnalysis(viaLocal, rejected.body.id, 60_000)).status).toBe('rejected');
    } finally {
      await worker.stop();
    }

    const after = await metrics();
    expect(moved(before, after, 'analyses_total', { provider: 'openai', outcome: 'completed' })).toBe(1);
    expect(moved(before, after, 'analyses_total', { provider: 'local', outcome: 'rejected' })).toBe(1);
    expect(moved(before, after, 'analyses_total', { outcome: 'failed' })).toBe(0);
    for (const stage of ['decode', 'detect', 'gate']) {
      expect(moved(before, after, 'analysis_stage_duration_seconds_count', { provider: 'local', stage }), stage).toBe(1);
    }
    expect(moved(before, after, 'analysis_stage_duration_seconds_count', { provider: 'openai', stage: 'provider' })).toBe(1);
    // The fake reports 1105 prompt and 412 completion tokens per answer.
    expect(moved(before, after, 'openai_tokens_total', { model: 'gpt-test-vision', kind: 'prompt' })).toBe(1105);
    expect(moved(before, after, 'openai_tokens_total', { model: 'gpt-test-vision', kind: 'completion' })).toBe(412);
  }, 120_000);
});
