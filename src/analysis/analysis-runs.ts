import type pg from 'pg';
import type PgBoss from 'pg-boss';
import type { Config } from '../config.ts';
import { withTenant, type TenantScope } from '../db/tenant-transaction.ts';
import { inTransaction, sendJob } from '../jobs/job-queue.ts';
import type { AnalysisMetrics, AnalysisStage } from '../metrics/analysis-metrics.ts';
import type { ObjectStorage } from '../storage/object-storage.ts';
import { inSpan } from '../telemetry/trace-context.ts';
import { photoKeys } from '../uploads/photo-pipeline.ts';
import { analysisEngine } from './analysis-engine.ts';
import { skinToneOf } from './engine/local/colour.ts';
import { ANALYSIS_QUEUE, type AnalysisJobData } from './analysis-queue.ts';
import {
  addStorageBytes,
  finishAnalysis,
  findAnalysis,
  giveBackAnalysisUnit,
  giveBackCustomerAnalysisUnit,
  notifyProgress,
  setProgress,
  type AnalysisRow,
} from './analysis-repo.ts';
import { heatmapKey } from './heatmap-key.ts';
import { noticeAnalysisOutcome } from './analysis-notices.ts';
import type { NotificationOutbox } from '../notifications/notification-outbox.ts';
import { ProviderPermanentError, ProviderRetryableError } from './openai-analyzer.ts';
import { CONCERNS } from './skin-analyzer.ts';
import { isFinished, STAGE_PROGRESS } from './analysis-vocabulary.ts';

const MAX_PROVIDER_ATTEMPTS = 5;

export interface AnalysisRunDeps {
  pool: pg.Pool;
  storage: ObjectStorage;
  jobs: PgBoss;
  config: Config;
  metrics: AnalysisMetrics;
  outbox: NotificationOutbox;
}

async function bodyOf(object: { body: NodeJS.ReadableStream | Buffer }): Promise<Buffer> {
  if (Buffer.isBuffer(object.body)) return object.body;
  const chunks: Buffer[] = [];
  for await (const chunk of object.body) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks);
}

/** The background half of an analysis: what the analysis jobs do with a queued photo. */
export function createAnalysisRuns({ pool, storage, jobs, config, metrics, outbox }: AnalysisRunDeps) {
  const clinicScope = (clinicId: string): TenantScope => ({ clinicId, userId: null, role: null });

  /** Runs one stage of `row`'s analysis in a span of its own and records how long it took. */
  async function timed<T>(row: AnalysisRow, stage: AnalysisStage, work: () => Promise<T> | T): Promise<T> {
    const started = performance.now();
    try {
      return await inSpan(`analysis ${stage}`, work, { 'analysis.provider': row.provider });
    } finally {
      metrics.stage(row.provider, stage, (performance.now() - started) / 1000);
    }
  }

  /**
   * A provider that says "later" (429 with Retry-After, 5xx) gets a fresh job after the wait it asked
   * for, rather than pg-boss's fixed backoff; the analysis shows as queued meanwhile.
   */
  async function requeueAfter(scope: TenantScope, row: AnalysisRow, seconds: number): Promise<void> {
    await withTenant(pool, scope, async (tx) => {
      await setProgress(tx, { id: row.id, clinicId: row.clinic_id, status: 'queued', progress: STAGE_PROGRESS.queued });
      await sendJob(
        jobs,
        { queue: ANALYSIS_QUEUE },
        { clinicId: row.clinic_id, analysisId: row.id },
        { startAfter: Math.ceil(seconds), db: inTransaction(tx) },
      );
    });
  }

  /**
   * Every analysis ends here, once its result or reason is committed. One without a result gives its
   * quota and allowance units back: the clinic and the customer pay only for results.
   */
  async function end(scope: TenantScope, row: AnalysisRow, outcome: Parameters<typeof finishAnalysis>[2]): Promise<void> {
    await withTenant(pool, scope, async (tx) => {
      const finished = await finishAnalysis(tx, row.id, outcome);
      if (outcome.status !== 'completed') {
        await giveBackAnalysisUnit(tx, row.clinic_id, row.quota_month);
        await giveBackCustomerAnalysisUnit(tx, row.clinic_id, row.customer_id, row.quota_month);
      }
      // Heatmaps are counted, never refused: the analysis is paid for; a clinic over its storage quota is
      // refused at its next upload.
      else if (finished) await addStorageBytes(tx, row.clinic_id, outcome.heatmapBytes, null);
      if (finished && (outcome.status === 'completed' || outcome.status === 'rejected'))
        await noticeAnalysisOutcome(tx, outbox, row, outcome.status);
      await notifyProgress(tx, {
        id: row.id,
        clinicId: row.clinic_id,
        status: outcome.status,
        progress: STAGE_PROGRESS.finished,
      });
    });
    metrics.ended(row.provider, outcome.status);
  }

  return {
    /**
     * One analysis: one pass over the photo (decode, detect, quality gate), then the clinic's provider
     * with what the pass found, then the result. A photo the gate refuses is recorded as rejected, never
     * retried. Safe to run again after a crash (a finished analysis is left alone; the work is redone
     * from the stored photo).
     */
    async run(data: AnalysisJobData): Promise<void> {
      const scope = clinicScope(data.clinicId);
      const row = await withTenant(pool, scope, (tx) => findAnalysis(tx, data.clinicId, data.analysisId));
      if (!row || isFinished(row.status)) return;
      const progress = (status: 'quality_check' | 'analysing', value: number, fields = {}) =>
        withTenant(pool, scope, (tx) =>
          setProgress(tx, { id: row.id, clinicId: row.clinic_id, status, progress: value }, fields),
        );

      await progress('quality_check', STAGE_PROGRESS.qualityCheck, { startedNow: true, attempt: true });
      const engine = await analysisEngine(config);
      const working = await bodyOf(await storage.get(photoKeys(row.clinic_id, row.photo_sha256, row.photo_format).working));
      const pass = await engine.passPhoto(working, (stage, work) => timed(row, stage, work));
      const skinTone = skinToneOf(pass.quality.measures.skinIta);
      if (!pass.passed) {
        await end(scope, row, { status: 'rejected', quality: pass.quality, skinTone });
        return;
      }

      await progress('analysing', STAGE_PROGRESS.analysing);
      const analyzer = row.provider === 'openai' ? engine.openai : engine.local;
      if (!analyzer) {
        await end(scope, row, {
          status: 'failed',
          code: 'provider-unavailable',
          reason: 'The OpenAI provider is not configured on this worker.',
        });
        return;
      }
      const { input, quality } = pass;
      let result;
      try {
        if (analyzer === engine.local) {
          // The local analyser times its own stages; measure and heatmaps are the ones the photo pass did not.
          const detailed = await engine.local.analyzeDetailed(input);
          metrics.stage(row.provider, 'measure', detailed.details.timings.measure / 1000);
          metrics.stage(row.provider, 'heatmaps', detailed.details.timings.heatmaps / 1000);
          result = detailed.result;
        } else {
          result = await timed(row, 'provider', () => analyzer.analyze(input, undefined, metrics.tokens));
        }
      } catch (error) {
        if (error instanceof ProviderPermanentError) {
          await end(scope, row, { status: 'failed', code: `provider-${error.reason}`, reason: error.message });
          return;
        }
        if (error instanceof ProviderRetryableError && row.attempts + 1 < MAX_PROVIDER_ATTEMPTS) {
          await requeueAfter(scope, row, error.retryAfterSeconds ?? 5 * 2 ** row.attempts);
          return;
        }
        throw error; // anything else: pg-boss retries with backoff, then dead-letters
      }

      await progress('analysing', STAGE_PROGRESS.storingResult);
      const { heatmaps, ...stored } = result;
      const concerns = CONCERNS.filter((c) => heatmaps[c]);
      await timed(row, 'store', async () => {
        for (const concern of concerns)
          await storage.put(heatmapKey(row.clinic_id, row.id, concern), heatmaps[concern]!, 'image/png');
      });
      await end(scope, row, {
        status: 'completed',
        result: stored,
        overallScore: stored.overallScore,
        heatmapConcerns: concerns,
        heatmapBytes: concerns.reduce((sum, c) => sum + heatmaps[c]!.length, 0),
        quality,
        skinTone,
      });
    },

    /** Its worker died and the job is queued again: the user sees it waiting, and which attempt comes next. */
    async showRetrying(data: AnalysisJobData): Promise<void> {
      const scope = clinicScope(data.clinicId);
      await withTenant(pool, scope, async (tx) => {
        const row = await findAnalysis(tx, data.clinicId, data.analysisId);
        if (!row || isFinished(row.status)) return;
        await setProgress(tx, {
          id: row.id,
          clinicId: row.clinic_id,
          status: 'queued',
          progress: STAGE_PROGRESS.queued,
          attempt: row.attempts + 1,
        });
      });
    },

    /** An analysis whose job used up its retries is marked failed, never left "analysing". */
    async failAfterRetries(data: AnalysisJobData): Promise<void> {
      const scope = clinicScope(data.clinicId);
      const row = await withTenant(pool, scope, (tx) => findAnalysis(tx, data.clinicId, data.analysisId));
      if (!row || isFinished(row.status)) return;
      await end(scope, row, {
        status: 'failed',
        code: 'analysis-failed',
        reason: 'The analysis failed after several attempts; please upload the photo again.',
      });
    },
  };
}

export type AnalysisRuns = ReturnType<typeof createAnalysisRuns>;
