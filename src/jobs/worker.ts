import type PgBoss from 'pg-boss';
import { listenTo } from '../db/listen.ts';
import { inJobSpan } from '../telemetry/trace-context.ts';
import type { JobContext, JobDefinition } from './job-context.ts';
import { JOB_WAKEUP_CHANNEL, startJobQueue } from './job-queue.ts';
import { JOBS } from './job-registry.ts';
import { startWorkerLiveness } from './worker-liveness.ts';

// Below the usual 30 s an orchestrator waits after SIGTERM, so jobs still running are failed (and
// retried elsewhere) by us rather than cut off by SIGKILL and left active until they expire.
const DRAIN_TIMEOUT_MS = 25_000;

export interface Worker {
  stop(): Promise<void>;
}

/** Starts the job queue with maintenance and cron, and works every registered queue. */
export async function startWorker(context: JobContext, ownerUrl: string, jobs: readonly JobDefinition[] = JOBS): Promise<Worker> {
  const { config, log } = context;
  // Before any worker takes a job, so an audit entry written right after start-up has its month.
  await context.services.auditPartitions.ensure(log);
  const boss = await startJobQueue(ownerUrl, jobs, config, log, {
    role: 'worker',
    maxConnections: config.WORKER_CONCURRENCY + 2,
  });
  // pg-boss polls every 2 s; a sender's NOTIFY wakes this queue's workers at once, which is most of
  // the wait between an upload and its analysis starting on an idle worker.
  const workerIds = new Map<string, string[]>();
  const wakeup = listenTo(
    ownerUrl,
    JOB_WAKEUP_CHANNEL,
    (queue) => workerIds.get(queue)?.forEach((id) => boss.notifyWorker(id)),
    log,
  );
  // Queue depths and ages are read where jobs are worked, so an API-only process adds no query per scrape.
  context.metrics.jobs.observeQueues(boss.getDb(), log);
  const liveness = await startWorkerLiveness(ownerUrl, boss, jobs, context).catch(async (error: unknown) => {
    await boss.stop({ graceful: false });
    throw error;
  });
  try {
    await wakeup.start();
    for (const job of jobs) {
      if (job.schedule) await boss.schedule(job.queue, job.schedule.cron, {}, { tz: job.schedule.tz });
      const jobLog = log.child({ queue: job.queue });
      const work = async (batch: PgBoss.JobWithMetadata<object>[]) => {
        const ended = context.metrics.jobs.started(job.queue, batch);
        try {
          await liveness.claim(
            job.queue,
            batch.map((j) => j.id),
          );
          await job.handle(context, batch);
          ended('completed');
        } catch (error) {
          ended('failed');
          const jobIds = batch.map((j) => j.id);
          jobLog.error({ err: error, jobIds }, 'job failed; pg-boss retries it per the queue policy');
          // A failure that will be retried is noise to the on-call engineer; one that ends the job is not.
          if (batch.some((j) => j.retryCount >= j.retryLimit)) context.errors.jobFailed(error, { queue: job.queue, jobIds });
          throw error;
        }
      };
      // One span per job run, linked to the trace of the request that enqueued it.
      const handler = (batch: PgBoss.JobWithMetadata<object>[]) => inJobSpan(job.queue, batch, () => work(batch));
      // pg-boss 10 has no per-worker concurrency: N polling workers on a queue run up to N jobs at once.
      const ids: string[] = [];
      for (let i = 0; i < config.WORKER_CONCURRENCY; i++)
        ids.push(await boss.work(job.queue, { batchSize: 1, includeMetadata: true }, handler));
      workerIds.set(job.queue, ids);
    }
  } catch (error) {
    await wakeup.close();
    await liveness.stopSweeping();
    await boss.stop({ graceful: false });
    await liveness.release();
    throw error;
  }
  context.services.systemNodes.serves('worker');
  log.info({ queues: jobs.map((j) => j.queue), concurrency: config.WORKER_CONCURRENCY }, 'worker started');
  return {
    async stop() {
      // Graceful: no new jobs are fetched, running ones get DRAIN_TIMEOUT_MS to finish.
      await wakeup.close();
      await liveness.stopSweeping();
      await boss.stop({ graceful: true, timeout: DRAIN_TIMEOUT_MS });
      // Only after the drain: while this worker's jobs run, its lock keeps other workers off them.
      await liveness.release();
      log.info('worker stopped');
    },
  };
}
