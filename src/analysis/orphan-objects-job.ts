import type { JobDefinition } from '../jobs/job-context.ts';

export const ORPHAN_OBJECTS_QUEUE = 'storage-orphan-sweep';
// An upload stores its photo a moment before its transaction commits and a run its heatmaps a moment
// before it finishes: an hour is far beyond either, so nothing still on its way is taken.
export const ORPHAN_MIN_AGE_MS = 60 * 60 * 1000;

/** Hourly: removes photo and heatmap objects that no analysis refers to (an upload or run that died half way). */
export const orphanObjectsJob: JobDefinition = {
  queue: ORPHAN_OBJECTS_QUEUE,
  options: { retryLimit: 2, retryDelay: 300, expireInSeconds: 1800 },
  schedule: { cron: '41 * * * *', tz: 'UTC' },
  async handle({ services, log }) {
    const swept = await services.analysisObjects.sweepOrphans(ORPHAN_MIN_AGE_MS);
    log.info({ queue: ORPHAN_OBJECTS_QUEUE, ...swept }, 'removed stored objects no analysis refers to');
  },
};
