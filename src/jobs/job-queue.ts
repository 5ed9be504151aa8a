import PgBoss from 'pg-boss';
import type { Logger } from '../logger.ts';
import type { Runtime } from '../runtime.ts';
import { JOBS } from './job-registry.ts';

export const JOB_SCHEMA = 'pgboss';

/** A job is one module in its domain: its queue, its retry policy, an optional cron, and its handler. */
export interface JobDefinition<Data extends object = object> {
  queue: string;
  /** Queue defaults that every send (and every cron run) inherits unless it overrides them. */
  options: Omit<PgBoss.Queue, 'name'>;
  schedule?: { cron: string; tz: string };
  /** pg-boss 10 hands a worker an array of jobs, even with a batch size of one. */
  handle(runtime: Runtime, jobs: PgBoss.Job<Data>[]): Promise<void>;
}

export interface JobQueueOptions {
  /** Workers run maintenance and cron; a process that only sends jobs leaves both to them. */
  role: 'worker' | 'sender';
  maxConnections: number;
}

/**
 * Starts pg-boss in its own schema on the owner connection (it creates and migrates its tables) and
 * creates every queue: a send to a queue that does not exist is dropped without an error.
 */
export async function startJobQueue(ownerUrl: string, jobs: readonly JobDefinition[], log: Logger, options: JobQueueOptions): Promise<PgBoss> {
  const worker = options.role === 'worker';
  const boss = new PgBoss({
    connectionString: ownerUrl,
    schema: JOB_SCHEMA,
    max: options.maxConnections,
    application_name: `bwai-jobs-${options.role}`,
    supervise: worker,
    schedule: worker,
  });
  boss.on('error', (error) => log.error({ err: error }, 'job queue error'));
  await boss.start();
  for (const job of jobs) {
    await boss.createQueue(job.queue, { name: job.queue, ...job.options });
    // createQueue leaves an existing queue alone: bring its policy in line with this code.
    await boss.updateQueue(job.queue, { name: job.queue, ...job.options });
  }
  return boss;
}

/** For processes that only enqueue (API nodes): no handlers, no maintenance, no cron. Stop it with stop(). */
export function startJobSender(ownerUrl: string, log: Logger, jobs: readonly JobDefinition[] = JOBS): Promise<PgBoss> {
  return startJobQueue(ownerUrl, jobs, log, { role: 'sender', maxConnections: 2 });
}

export class JobNotQueuedError extends Error {}

/** Sends a job and returns its id; pg-boss answers null (no error) when the queue does not exist. */
export async function sendJob<Data extends object>(boss: PgBoss, job: Pick<JobDefinition<Data>, 'queue'>, data: Data, options: PgBoss.SendOptions = {}): Promise<string> {
  const id = await boss.send(job.queue, data, options);
  if (id === null) throw new JobNotQueuedError(`job not queued on "${job.queue}": the queue does not exist or a singleton job already holds its slot`);
  return id;
}
