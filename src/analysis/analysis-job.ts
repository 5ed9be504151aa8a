import type { JobDefinition } from '../jobs/job-context.ts';
import { ANALYSIS_DEAD_LETTER_QUEUE, ANALYSIS_QUEUE, type AnalysisJobData } from './analysis-queue.ts';

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
  async handle({ services }, jobs) {
    for (const job of jobs) await services.analysisRuns.run(job.data);
  },
  async onWorkerLost({ services }, jobs) {
    for (const job of jobs) await services.analysisRuns.showRetrying(job.data);
  },
};

/** Jobs that used up their retries land here: their analysis is marked failed, never left "analysing". */
export const analysisDeadLetterJob: JobDefinition<AnalysisJobData> = {
  queue: ANALYSIS_DEAD_LETTER_QUEUE,
  options: { retryLimit: 10, retryDelay: 30, retryBackoff: true, expireInSeconds: 60 },
  async handle({ services }, jobs) {
    for (const { data } of jobs) await services.analysisRuns.failAfterRetries(data);
  },
};
