import type PgBoss from 'pg-boss';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AUDIT_PARTITIONS_QUEUE, auditPartitionsJob } from '../../src/audit/audit-partitions-job.ts';
import type { JobDefinition } from '../../src/jobs/job-context.ts';
import { JobNotQueuedError, sendJob } from '../../src/jobs/job-queue.ts';
import { startWorker } from '../../src/jobs/worker.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

let t: TestApp;
let sender: PgBoss;
beforeAll(async () => {
  t = await startTestApp();
  sender = t.jobs;
});
afterAll(() => t.stop());

async function finalState(queue: string, id: string): Promise<string> {
  for (let i = 0; i < 300; i++) {
    const job = await sender.getJobById(queue, id);
    if (job && ['completed', 'failed', 'cancelled'].includes(job.state)) return job.state;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`job ${id} on ${queue} did not finish`);
}

const partitionExists = async (name: string) =>
  (await t.db.owner.query<{ found: boolean }>('SELECT to_regclass($1) IS NOT NULL AS found', [name])).rows[0]!.found;

describe('job worker', () => {
  it('the audit-partitions job recreates a future month that has gone missing', async () => {
    const worker = await startWorker(t, t.database.ownerUrl);
    try {
      const { rows } = await t.db.owner.query<{ name: string }>(
        `SELECT format('audit_logs_%s', to_char(date_trunc('month', now() AT TIME ZONE 'UTC') + interval '2 months', 'YYYY_MM')) AS name`,
      );
      const month = rows[0]!.name;
      await t.db.owner.query(`DROP TABLE ${month}`);
      expect(await partitionExists(month)).toBe(false);

      const id = await sendJob(sender, auditPartitionsJob, {});
      expect(await finalState(AUDIT_PARTITIONS_QUEUE, id)).toBe('completed');
      expect(await partitionExists(month)).toBe(true);
      const { rows: rls } = await t.db.owner.query(
        'SELECT relrowsecurity, relforcerowsecurity FROM pg_class WHERE relname = $1',
        [month],
      );
      expect(rls).toEqual([{ relrowsecurity: true, relforcerowsecurity: true }]);
    } finally {
      await worker.stop();
    }
  });

  it('the audit-partitions upkeep is scheduled once a day', async () => {
    const worker = await startWorker(t, t.database.ownerUrl);
    try {
      const schedules = await sender.getSchedules();
      const upkeep = schedules.find((s) => s.name === AUDIT_PARTITIONS_QUEUE);
      expect(upkeep?.cron).toMatch(/^\d{1,2} \d{1,2} \* \* \*$/);
    } finally {
      await worker.stop();
    }
  });

  it('stopping the worker lets a running job finish and records it as completed', async () => {
    const finished: string[] = [];
    let markStarted!: () => void;
    const started = new Promise<void>((resolve) => (markStarted = resolve));
    const slowJob: JobDefinition<{ step: number }> = {
      queue: 'test-slow-job',
      options: { retryLimit: 0 },
      async handle(_runtime, jobs) {
        markStarted();
        await new Promise((r) => setTimeout(r, 1500));
        finished.push(...jobs.map((j) => j.id));
      },
    };
    const worker = await startWorker(t, t.database.ownerUrl, [slowJob]);
    const id = await sendJob(sender, slowJob, { step: 1 });
    await started;
    await worker.stop();
    expect(finished).toEqual([id]);
    expect((await sender.getJobById(slowJob.queue, id))?.state).toBe('completed');
  });

  it('sending to a queue that was never created is an error, not a silent drop', async () => {
    await expect(sendJob(sender, { queue: 'no-such-queue' }, {})).rejects.toThrow(JobNotQueuedError);
  });
});
