import PgBoss from 'pg-boss';
import type { Logger } from '../logger.ts';
import type { Runtime } from '../runtime.ts';
import { APP_ROLE } from '../db/database.ts';
import type { Tx } from '../db/tenant-transaction.ts';

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

/** A pg-boss instance on the owner connection; nothing runs until it is started. */
export function createJobQueue(ownerUrl: string, log: Logger, options: JobQueueOptions): PgBoss {
  const worker = options.role === 'worker';
  const boss = new PgBoss({
    connectionString: ownerUrl,
    schema: JOB_SCHEMA,
    max: options.maxConnections,
    application_name: `bwai-jobs-${options.role}`,
    supervise: worker,
    schedule: worker,
    // pg-boss 10 has no heartbeat: a job whose worker died is retried only once it has expired AND
    // maintenance has run, so maintenance runs often enough for that to take seconds, not minutes.
    maintenanceIntervalSeconds: 15,
  });
  boss.on('error', (error) => log.error({ err: error }, 'job queue error'));
  return boss;
}

/**
 * Starts pg-boss (it creates and migrates its schema), creates every queue (a send to a queue that
 * does not exist is dropped without an error), and lets the application role enqueue and cancel
 * jobs inside its own transactions, so a job is written together with the row it works on.
 */
export async function prepareJobQueue(boss: PgBoss, jobs: readonly JobDefinition[]): Promise<void> {
  await boss.start();
  for (const job of jobs) {
    await boss.createQueue(job.queue, { name: job.queue, ...job.options });
    // createQueue leaves an existing queue alone: bring its policy in line with this code.
    await boss.updateQueue(job.queue, { name: job.queue, ...job.options });
  }
  // Job rows hold ids only (no personal data); pg-boss has no row-level security of its own.
  await boss.getDb().executeSql(
    `GRANT USAGE ON SCHEMA ${JOB_SCHEMA} TO ${APP_ROLE};
     GRANT SELECT ON ${JOB_SCHEMA}.queue TO ${APP_ROLE};
     GRANT SELECT, INSERT, UPDATE ON ${JOB_SCHEMA}.job TO ${APP_ROLE};`,
    [],
  );
}

export async function startJobQueue(ownerUrl: string, jobs: readonly JobDefinition[], log: Logger, options: JobQueueOptions): Promise<PgBoss> {
  const boss = createJobQueue(ownerUrl, log, options);
  await prepareJobQueue(boss, jobs);
  return boss;
}

/** Runs pg-boss's SQL on the caller's transaction: the job commits or rolls back with the caller's rows. */
export function inTransaction(tx: Tx): { executeSql(text: string, values?: unknown[]): Promise<{ rows: any[] }> } {
  return { executeSql: (text, values) => tx.query(text, values) };
}

export class JobNotQueuedError extends Error {}

/** Sends a job and returns its id; pg-boss answers null (no error) when the queue does not exist. */
export async function sendJob<Data extends object>(boss: PgBoss, job: Pick<JobDefinition<Data>, 'queue'>, data: Data, options: PgBoss.SendOptions = {}): Promise<string> {
  const id = await boss.send(job.queue, data, options);
  if (id === null) throw new JobNotQueuedError(`job not queued on "${job.queue}": the queue does not exist or a singleton job already holds its slot`);
  return id;
}
