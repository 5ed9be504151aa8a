import { randomUUID } from 'node:crypto';
import pg from 'pg';
import type PgBoss from 'pg-boss';
import type { JobContext, JobDefinition } from './job-context.ts';
import { JOB_SCHEMA, JOB_WAKEUP_CHANNEL } from './job-queue.ts';

/** First key of the two-key advisory locks that say "worker <id> is alive" (the second is hashtext(id)). */
const LIVENESS_LOCK_CLASS = 0x62776169;
/** How often every worker looks for jobs whose worker died: the bulk of the wait before they run again. */
const SWEEP_INTERVAL_MS = 2_000;
const RECONNECT_MS = 1_000;

export interface WorkerLiveness {
  /** Marks active jobs as this worker's: from now on they are handed back as soon as this process dies. */
  claim(queue: string, jobIds: string[]): Promise<void>;
  /** Stops looking for other workers' lost jobs (before the job queue closes its pool). */
  stopSweeping(): Promise<void>;
  /** Gives up the lock: call once this worker runs no job any more. */
  release(): Promise<void>;
}

// A lock held by the worker's id, as pg_locks shows it (objid is the unsigned form of hashtext).
const WORKER_ALIVE = `EXISTS (SELECT 1 FROM pg_locks l WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 2
  AND l.classid = ${LIVENESS_LOCK_CLASS} AND l.objid::bigint = hashtext(j.output->>'workerId')::bigint & 4294967295)`;
const LOST = `j.name = ANY($1::text[]) AND j.state = 'active' AND j.output->>'workerId' IS NOT NULL AND NOT ${WORKER_ALIVE}`;

/**
 * pg-boss 10 has no heartbeat: a job whose worker was killed stays active until it expires. Each worker
 * process therefore holds a session advisory lock under its own id on a dedicated connection and writes
 * that id into each job it starts; Postgres drops the lock the moment the process's connection closes
 * (SIGKILL, OOM, crash), and every worker's sweep hands such jobs back at once. A worker that is slow
 * but alive keeps its lock, so only the queue's expiry can take its job away.
 */
export async function startWorkerLiveness(
  ownerUrl: string,
  boss: PgBoss,
  jobs: readonly JobDefinition[],
  context: JobContext,
): Promise<WorkerLiveness> {
  const { log } = context;
  const workerId = randomUUID();
  const queues = jobs.map((j) => j.queue);
  let stopped = false;
  let lockHolder: pg.Client | undefined;

  async function holdLock(): Promise<void> {
    const client = new pg.Client({ connectionString: ownerUrl, application_name: 'bwai-worker-liveness' });
    const lose = (error?: Error) => {
      if (lockHolder !== client) return;
      lockHolder = undefined;
      client.end().catch(() => undefined);
      if (stopped) return;
      // Until the lock is back, other workers may take this worker's running jobs and run them twice.
      log.error({ err: error, workerId }, 'worker lost its liveness lock; taking it again');
      setTimeout(retryHold, RECONNECT_MS).unref();
    };
    client.on('error', lose);
    client.on('end', () => lose());
    await client.connect();
    lockHolder = client;
    await client.query('SELECT pg_advisory_lock($1, hashtext($2))', [LIVENESS_LOCK_CLASS, workerId]);
  }
  function retryHold(): void {
    if (stopped || lockHolder) return;
    holdLock().catch((error: unknown) => {
      log.warn({ err: error, workerId }, 'liveness lock not taken yet; trying again');
      setTimeout(retryHold, RECONNECT_MS).unref();
    });
  }

  const db = boss.getDb();
  const lostOutput = JSON.stringify({ message: 'its worker process died; handed back by another worker' });

  async function sweep(): Promise<void> {
    // One UPDATE, so two workers sweeping at once cannot both hand a job back; the output loses the
    // dead worker's id, so the next worker that fetches the job is not mistaken for the dead one.
    const retried: { rows: { id: string; name: string; data: object }[] } = await db.executeSql(
      `UPDATE ${JOB_SCHEMA}.job j SET state = 'retry', start_after = now(), output = $2::jsonb
       WHERE ${LOST} AND j.retry_count < j.retry_limit RETURNING j.id, j.name, j.data`,
      [queues, lostOutput],
    );
    // Out of retries: pg-boss's own failure path, which moves the job to its dead-letter queue.
    const exhausted: { rows: { id: string; name: string }[] } = await db.executeSql(
      `SELECT j.id, j.name FROM ${JOB_SCHEMA}.job j WHERE ${LOST}`,
      [queues],
    );
    for (const { id, name } of exhausted.rows) await boss.fail(name, id, JSON.parse(lostOutput) as object);
    if (retried.rows.length + exhausted.rows.length > 0)
      log.warn(
        { retried: retried.rows.map((r) => r.id), failed: exhausted.rows.map((r) => r.id) },
        'handed back the jobs of a worker that died',
      );
    for (const job of jobs) {
      const handedBack = retried.rows.filter((r) => r.name === job.queue);
      if (handedBack.length === 0) continue;
      await db.executeSql('SELECT pg_notify($1, $2)', [JOB_WAKEUP_CHANNEL, job.queue]);
      await job.onWorkerLost?.(context, handedBack);
    }
  }

  let sweeping: Promise<void> | undefined;
  await holdLock();
  const timer = setInterval(() => {
    if (sweeping) return;
    sweeping = sweep()
      .catch((error: unknown) => log.error({ err: error }, 'looking for jobs of dead workers failed; trying again shortly'))
      .finally(() => (sweeping = undefined));
  }, SWEEP_INTERVAL_MS);

  return {
    async claim(queue, jobIds) {
      await db.executeSql(
        `UPDATE ${JOB_SCHEMA}.job SET output = jsonb_build_object('workerId', $3::text)
         WHERE name = $1 AND id = ANY($2::uuid[]) AND state = 'active'`,
        [queue, jobIds, workerId],
      );
    },
    async stopSweeping() {
      clearInterval(timer);
      await sweeping;
    },
    async release() {
      stopped = true;
      const client = lockHolder;
      lockHolder = undefined;
      await client?.end();
    },
  };
}
