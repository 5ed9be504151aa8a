import pg from 'pg';
import PgBoss from 'pg-boss';
import type { Config } from '../config.ts';
import type { Logger } from '../logger.ts';
import { APP_ROLE } from '../db/database.ts';
import type { Tx } from '../db/tenant-transaction.ts';
import { activeTraceContext, TRACE_CONTEXT_FIELD } from '../telemetry/trace-context.ts';

export const JOB_SCHEMA = 'pgboss';
/** Senders NOTIFY this channel (payload: the queue) so an idle worker fetches at once instead of at its next poll. */
export const JOB_WAKEUP_CHANNEL = 'bwai_job_wakeup';
/** Held while one process creates pg-boss's schema, the queues and the grants (see prepareJobQueue). */
const QUEUE_SETUP_LOCK_KEY = 7_240_315_003;

export type QueuePolicy = Omit<PgBoss.Queue, 'name'>;

/** A queue as senders and workers create it; a job adds its handler (jobs/job-context.ts). */
export interface QueueDefinition {
  queue: string;
  /** Queue defaults that every send (and every cron run) inherits unless it overrides them. */
  options: QueuePolicy | ((config: Config) => QueuePolicy);
  schedule?: { cron: string; tz: string };
}

export interface JobQueueOptions {
  /** Workers run maintenance and cron; a process that only sends jobs leaves both to them. */
  role: 'worker' | 'sender';
  maxConnections: number;
}

export function queuePolicy(job: Pick<QueueDefinition, 'options'>, config: Config): QueuePolicy {
  return typeof job.options === 'function' ? job.options(config) : job.options;
}

/** A pg-boss instance on the owner connection; nothing runs until it is started. */
export function createJobQueue(ownerUrl: string, config: Config, log: Logger, options: JobQueueOptions): PgBoss {
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
    maintenanceIntervalSeconds: config.JOB_MAINTENANCE_INTERVAL_SECONDS,
  });
  boss.on('error', (error) => log.error({ err: error }, 'job queue error'));
  return boss;
}

/**
 * Starts pg-boss (it creates and migrates its schema), creates every queue (a send to a queue that
 * does not exist is dropped without an error), and lets the application role enqueue and cancel
 * jobs inside its own transactions, so a job is written together with the row it works on.
 */
export async function prepareJobQueue(
  boss: PgBoss,
  jobs: readonly QueueDefinition[],
  config: Config,
  ownerUrl: string,
): Promise<void> {
  // API and worker processes starting together on a new database would each create the queues and
  // grant at once: pg-boss's partition DDL deadlocks and concurrent GRANTs fail with "tuple concurrently
  // updated" (four processes: at least one failed start in each of six rounds). One at a time; the
  // others then find the queues made.
  await oneProcessAtATime(ownerUrl, async () => {
    await boss.start();
    for (const job of jobs) {
      const policy = { name: job.queue, ...queuePolicy(job, config) };
      await boss.createQueue(job.queue, policy);
      // createQueue leaves an existing queue alone: bring its policy in line with this code.
      await boss.updateQueue(job.queue, policy);
    }
    // Job rows hold ids only (no personal data); pg-boss has no row-level security of its own.
    await boss.getDb().executeSql(
      `GRANT USAGE ON SCHEMA ${JOB_SCHEMA} TO ${APP_ROLE};
       GRANT SELECT ON ${JOB_SCHEMA}.queue TO ${APP_ROLE};
       GRANT SELECT, INSERT, UPDATE ON ${JOB_SCHEMA}.job TO ${APP_ROLE};`,
      [],
    );
  });
}

/** Runs `work` while holding a session advisory lock on a connection of its own, closed afterwards. */
async function oneProcessAtATime(ownerUrl: string, work: () => Promise<void>): Promise<void> {
  const client = new pg.Client({ connectionString: ownerUrl, application_name: 'bwai-jobs-setup' });
  await client.connect();
  try {
    // Polls like the migration lock does: a session blocked in pg_advisory_lock holds a snapshot, which
    // a CREATE INDEX CONCURRENTLY on another node would wait for.
    for (;;) {
      const { rows } = await client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1) AS locked', [
        QUEUE_SETUP_LOCK_KEY,
      ]);
      if (rows[0]!.locked) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await work();
  } finally {
    // Closing the session releases the lock.
    await client.end();
  }
}

export async function startJobQueue(
  ownerUrl: string,
  jobs: readonly QueueDefinition[],
  config: Config,
  log: Logger,
  options: JobQueueOptions,
): Promise<PgBoss> {
  const boss = createJobQueue(ownerUrl, config, log, options);
  await prepareJobQueue(boss, jobs, config, ownerUrl);
  return boss;
}

/** Runs pg-boss's SQL on the caller's transaction: the job commits or rolls back with the caller's rows. */
export function inTransaction(tx: Tx): { executeSql(text: string, values?: unknown[]): Promise<{ rows: unknown[] }> } {
  return { executeSql: (text, values) => tx.query(text, values) };
}

export class JobNotQueuedError extends Error {}

/**
 * Sends a job and returns its id; pg-boss answers null (no error) when the queue does not exist.
 * A job due now also wakes the workers; the NOTIFY goes out when the caller's transaction commits.
 * When tracing, the job carries the sender's trace context, so its own trace links back to the request.
 */
export async function sendJob<Data extends object>(
  boss: PgBoss,
  job: Pick<QueueDefinition, 'queue'>,
  data: Data,
  options: PgBoss.SendOptions = {},
): Promise<string> {
  const traceContext = activeTraceContext();
  const id = await boss.send(job.queue, traceContext ? { ...data, [TRACE_CONTEXT_FIELD]: traceContext } : data, options);
  if (id === null)
    throw new JobNotQueuedError(
      `job not queued on "${job.queue}": the queue does not exist or a singleton job already holds its slot`,
    );
  if (options.startAfter === undefined)
    await (options.db ?? boss.getDb()).executeSql('SELECT pg_notify($1, $2)', [JOB_WAKEUP_CHANNEL, job.queue]);
  return id;
}
