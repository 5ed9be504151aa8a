import type PgBoss from 'pg-boss';
import type { Tx } from '../db/tenant-transaction.ts';
import type { JobDefinition } from '../jobs/job-context.ts';
import { inTransaction, sendJob } from '../jobs/job-queue.ts';
import type { ImageRemoval } from './analysis-objects.ts';

export const IMAGE_REMOVAL_QUEUE = 'analysis-image-removal';

/**
 * Deletes the stored images of analyses after the rows that named them were removed (an erasure) or
 * gave their images up. Enqueued in the same transaction as that change, so storage being down never
 * leaves a half-erased person: the database part has committed and this retries until storage answers.
 */
export const imageRemovalJob: JobDefinition<ImageRemoval> = {
  queue: IMAGE_REMOVAL_QUEUE,
  // Backs off from 30 s to about 8 h over ten tries: an outage of the object store outlasts minutes.
  options: { retryLimit: 10, retryDelay: 30, retryBackoff: true, expireInSeconds: 900 },
  async handle({ services, log }, jobs) {
    for (const job of jobs) {
      const { removed } = await services.analysisObjects.removeImages(job.data);
      log.info({ queue: IMAGE_REMOVAL_QUEUE, jobId: job.id, clinicId: job.data.clinicId, removed }, 'removed analysis images');
    }
  },
};

/** Enqueues the removal in the caller's transaction (nothing when there is nothing to remove). */
export async function removeImagesAfterCommit(tx: Tx, jobs: PgBoss, removal: ImageRemoval): Promise<void> {
  if (removal.analysisIds.length === 0) return;
  await sendJob(jobs, imageRemovalJob, removal, { db: inTransaction(tx) });
}
