import type PgBoss from 'pg-boss';
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { Logger } from '../logger.ts';

/** Runs SQL on the job queue's own connection (pg-boss's `getDb()`). */
export interface JobDb {
  executeSql(text: string, values?: unknown[]): Promise<{ rows: unknown[] }>;
}

export interface JobMetrics {
  /** Starts reading the queues' depths and ages at every scrape (processes that run a worker). */
  observeQueues(db: JobDb, log: Logger): void;
  /** A batch begins; the returned function says how it ended. */
  started(queue: string, jobs: readonly Pick<PgBoss.JobWithMetadata, 'retryCount'>[]): (outcome: 'completed' | 'failed') => void;
}

export interface QueueRow {
  queue: string;
  dead_letter: string | null;
  waiting: number;
  active: number;
  failed: number;
  total: number;
  oldest_due_seconds: number;
}

/**
 * One grouped pass over pgboss.job per scrape, shared by every gauge below. Its cost is bounded by
 * what pg-boss keeps there: jobs not yet finished plus those finished in the last hours (maintenance
 * moves older ones to pgboss.archive), and the job table is partitioned by queue with an index on state.
 */
export const QUEUE_FIGURES = `
  SELECT q.name AS queue, q.dead_letter,
         count(j.id) FILTER (WHERE j.state IN ('created', 'retry'))::int AS waiting,
         count(j.id) FILTER (WHERE j.state = 'active')::int AS active,
         count(j.id) FILTER (WHERE j.state = 'failed')::int AS failed,
         count(j.id)::int AS total,
         coalesce(extract(epoch FROM now() - min(j.start_after) FILTER (
           WHERE j.state IN ('created', 'retry') AND j.start_after <= now())), 0)::float8 AS oldest_due_seconds
  FROM pgboss.queue q LEFT JOIN pgboss.job j ON j.name = q.name
  GROUP BY q.name, q.dead_letter`;

export function defineJobMetrics(registry: Registry): JobMetrics {
  let read: () => Promise<QueueRow[]> = async () => [];
  // Every gauge's collect runs in the same scrape: they share one query in flight rather than run four.
  let pending: Promise<QueueRow[]> | null = null;
  const snapshot = () => {
    pending ??= read().finally(() => setImmediate(() => (pending = null)));
    return pending;
  };
  const queueGauge = (name: string, help: string, figure: (row: QueueRow, all: QueueRow[]) => number) =>
    new Gauge({
      name,
      help,
      labelNames: ['queue'],
      registers: [registry],
      async collect() {
        const rows = await snapshot();
        for (const row of rows) this.set({ queue: row.queue }, figure(row, rows));
      },
    });
  queueGauge('job_queue_waiting', 'Jobs created or waiting for a retry, not yet picked up, per queue', (r) => r.waiting);
  queueGauge('job_queue_active', 'Jobs a worker is running now, per queue', (r) => r.active);
  queueGauge('job_queue_failed', 'Jobs that failed for good and are still kept by pg-boss, per queue', (r) => r.failed);
  queueGauge(
    'job_queue_dead_lettered',
    "Jobs of a queue that used up their retries: the job count of its dead-letter queue (pg-boss's retention)",
    (r, all) => all.find((other) => other.queue === r.dead_letter)?.total ?? 0,
  );
  queueGauge(
    'job_queue_oldest_waiting_seconds',
    'How long the oldest job that is due has waited to start (0 when none waits), per queue',
    (r) => r.oldest_due_seconds,
  );
  const duration = new Histogram({
    name: 'job_duration_seconds',
    help: "Time a worker spent on a job batch, by queue and outcome (failed includes pg-boss's retries)",
    labelNames: ['queue', 'outcome'],
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300],
    registers: [registry],
  });
  const retries = new Counter({
    name: 'job_retries_total',
    help: 'Job runs that were a retry of an earlier failed run, by queue',
    labelNames: ['queue'],
    registers: [registry],
  });

  return {
    observeQueues(db, log) {
      read = async () => {
        try {
          return (await db.executeSql(QUEUE_FIGURES)).rows as QueueRow[];
        } catch (error) {
          // A scrape still answers (the gauges keep their last values) while the database is away.
          log.warn({ err: error }, 'job queue figures could not be read');
          return [];
        }
      };
    },
    started(queue, jobs) {
      for (const job of jobs) if (job.retryCount > 0) retries.inc({ queue });
      const stop = duration.startTimer({ queue });
      return (outcome) => stop({ outcome });
    },
  };
}
