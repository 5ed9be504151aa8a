import sharp from 'sharp';
import { withTenant, type TenantScope } from '../db/tenant-transaction.ts';
import type { JobDefinition } from '../jobs/job-queue.ts';
import type { Runtime } from '../runtime.ts';
import { photoKeys } from '../uploads/photo-pipeline.ts';
import {
  finishAnalysis,
  findAnalysis,
  giveBackAnalysisUnit,
  notifyProgress,
  setProgress,
  type AnalysisRow,
} from './analysis-repo.ts';
import { heatmapKey } from './heatmap-key.ts';
import { analysisEngine } from './analysis-engine.ts';
import { ProviderPermanentError, ProviderRetryableError } from './openai-analyzer.ts';
import { inTransaction, sendJob } from '../jobs/job-queue.ts';
import { CONCERNS } from './skin-analyzer.ts';
import { isFinished, STAGE_PROGRESS } from './analysis-vocabulary.ts';

export const ANALYSIS_QUEUE = 'skin-analysis';
export const ANALYSIS_DEAD_LETTER_QUEUE = 'skin-analysis-dead-letter';

export interface AnalysisJobData {
  clinicId: string;
  analysisId: string;
}

const MAX_PROVIDER_ATTEMPTS = 5;

/**
 * A provider that says "later" (429 with Retry-After, 5xx) gets a fresh job after the wait it asked
 * for, rather than pg-boss's fixed backoff; the analysis shows as queued meanwhile.
 */
async function requeueAfter(runtime: Runtime, scope: TenantScope, row: AnalysisRow, seconds: number): Promise<void> {
  await withTenant(runtime.db.app, scope, async (tx) => {
    await setProgress(tx, { id: row.id, clinicId: row.clinic_id, status: 'queued', progress: STAGE_PROGRESS.queued });
    await sendJob(
      runtime.jobs,
      { queue: ANALYSIS_QUEUE },
      { clinicId: row.clinic_id, analysisId: row.id },
      { startAfter: Math.ceil(seconds), db: inTransaction(tx) },
    );
  });
}

async function bodyOf(object: { body: NodeJS.ReadableStream | Buffer }): Promise<Buffer> {
  if (Buffer.isBuffer(object.body)) return object.body;
  const chunks: Buffer[] = [];
  for await (const chunk of object.body) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks);
}

/** Ends an analysis without a result and gives its quota unit back: the clinic pays only for results. */
async function endWithoutResult(
  runtime: Runtime,
  scope: TenantScope,
  row: AnalysisRow,
  outcome: Parameters<typeof finishAnalysis>[2],
): Promise<void> {
  await withTenant(runtime.db.app, scope, async (tx) => {
    await finishAnalysis(tx, row.id, outcome);
    await giveBackAnalysisUnit(tx, row.clinic_id, row.quota_month);
    await notifyProgress(tx, { id: row.id, clinicId: row.clinic_id, status: outcome.status, progress: STAGE_PROGRESS.finished });
  });
}

/**
 * One analysis: quality gate, then the clinic's provider, then the result. Safe to run again after a
 * crash (a finished analysis is left alone; the work is redone from the stored photo).
 */
export async function runAnalysis(runtime: Runtime, data: AnalysisJobData): Promise<void> {
  const scope: TenantScope = { clinicId: data.clinicId, userId: null, role: null };
  const { db, storage } = runtime;
  const row = await withTenant(db.app, scope, (tx) => findAnalysis(tx, data.clinicId, data.analysisId));
  if (!row || isFinished(row.status)) return;
  const progress = (status: 'quality_check' | 'analysing', value: number, fields = {}) =>
    withTenant(db.app, scope, (tx) => setProgress(tx, { id: row.id, clinicId: row.clinic_id, status, progress: value }, fields));

  await progress('quality_check', STAGE_PROGRESS.qualityCheck, { startedNow: true, attempt: true });
  const engine = await analysisEngine(runtime.config);
  const working = await bodyOf(await storage.get(photoKeys(row.clinic_id, row.photo_sha256, row.photo_format).working));
  const { data: pixels, info } = await sharp(working).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const faces = await engine.faceModel.detect({ data: pixels, width: info.width, height: info.height });
  const quality = engine.assessQuality({ data: pixels, width: info.width, height: info.height, channels: info.channels }, faces);
  if (!quality.passed) {
    await endWithoutResult(runtime, scope, row, { status: 'rejected', quality });
    return;
  }

  await progress('analysing', STAGE_PROGRESS.analysing);
  const analyzer = row.provider === 'openai' ? engine.openai : engine.local;
  if (!analyzer) {
    await endWithoutResult(runtime, scope, row, {
      status: 'failed',
      code: 'provider-unavailable',
      reason: 'The OpenAI provider is not configured on this worker.',
    });
    return;
  }
  let result;
  try {
    result = await analyzer.analyze({ image: working, width: info.width, height: info.height });
  } catch (error) {
    if (error instanceof ProviderPermanentError) {
      await endWithoutResult(runtime, scope, row, { status: 'failed', code: `provider-${error.reason}`, reason: error.message });
      return;
    }
    if (error instanceof ProviderRetryableError && row.attempts + 1 < MAX_PROVIDER_ATTEMPTS) {
      await requeueAfter(runtime, scope, row, error.retryAfterSeconds ?? 5 * 2 ** row.attempts);
      return;
    }
    throw error; // anything else: pg-boss retries with backoff, then dead-letters
  }

  await progress('analysing', STAGE_PROGRESS.storingResult);
  const { heatmaps, ...stored } = result;
  const concerns = CONCERNS.filter((c) => heatmaps[c]);
  for (const concern of concerns) await storage.put(heatmapKey(row.clinic_id, row.id, concern), heatmaps[concern]!, 'image/png');
  await withTenant(db.app, scope, async (tx) => {
    await finishAnalysis(tx, row.id, {
      status: 'completed',
      result: stored,
      overallScore: stored.overallScore,
      heatmapConcerns: concerns,
      quality,
    });
    await notifyProgress(tx, { id: row.id, clinicId: row.clinic_id, status: 'completed', progress: STAGE_PROGRESS.finished });
  });
}

export const analysisJob: JobDefinition<AnalysisJobData> = {
  queue: ANALYSIS_QUEUE,
  // Expire a little above the worst case (an OpenAI call with its timeout), so a job whose worker was
  // killed is picked up again soon; transient failures back off exponentially, then dead-letter.
  options: (config) => ({
    retryLimit: 4,
    retryDelay: 5,
    retryBackoff: true,
    expireInSeconds: config.ANALYSIS_JOB_TIMEOUT_SECONDS,
    deadLetter: ANALYSIS_DEAD_LETTER_QUEUE,
  }),
  async handle(runtime, jobs) {
    for (const job of jobs) await runAnalysis(runtime, job.data);
  },
};

/** Jobs that used up their retries land here: their analysis is marked failed, never left "analysing". */
export const analysisDeadLetterJob: JobDefinition<AnalysisJobData> = {
  queue: ANALYSIS_DEAD_LETTER_QUEUE,
  options: { retryLimit: 10, retryDelay: 30, retryBackoff: true, expireInSeconds: 60 },
  async handle(runtime, jobs) {
    for (const { data } of jobs) {
      const scope: TenantScope = { clinicId: data.clinicId, userId: null, role: null };
      const row = await withTenant(runtime.db.app, scope, (tx) => findAnalysis(tx, data.clinicId, data.analysisId));
      if (!row || isFinished(row.status)) continue;
      await endWithoutResult(runtime, scope, row, {
        status: 'failed',
        code: 'analysis-failed',
        reason: 'The analysis failed after several attempts; please upload the photo again.',
      });
    }
  },
};
