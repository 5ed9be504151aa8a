import type { JobDefinition } from '../jobs/job-context.ts';

export const PHOTO_RETENTION_QUEUE = 'analysis-photo-retention';

/** Daily: deletes the photos and heatmaps of analyses older than their clinic's retention period (scores stay). */
export const photoRetentionJob: JobDefinition = {
  queue: PHOTO_RETENTION_QUEUE,
  options: { retryLimit: 5, retryDelay: 300, retryBackoff: true, expireInSeconds: 3600 },
  schedule: { cron: '23 2 * * *', tz: 'UTC' },
  async handle({ services, log }) {
    const applied = await services.analysisObjects.applyRetention();
    log.info({ queue: PHOTO_RETENTION_QUEUE, ...applied }, 'deleted the images of analyses past their retention period');
  },
};
