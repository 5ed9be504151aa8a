import type PgBoss from 'pg-boss';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { JobDefinition } from '../../src/jobs/job-context.ts';
import { sendJob } from '../../src/jobs/job-queue.ts';
import { startWorker } from '../../src/jobs/worker.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.stop());

async function finalState(sender: PgBoss, queue: string, id: string): Promise<string> {
  for (let i = 0; i < 300; i++) {
    const job = await sender.getJobById(queue, id);
    if (job && ['completed', 'failed', 'cancelled'].includes(job.state)) return job.state;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`job ${id} on ${queue} did not finish`);
}

it('a job failure is reported once, when its last attempt fails, not on the attempts that are retried', async () => {
  const attempts: number[] = [];
  const failingJob: JobDefinition<{ photo: string }> = {
    queue: 'test-always-failing-job',
    options: { retryLimit: 2, retryDelay: 0 },
    async handle(_context, jobs) {
      attempts.push(jobs.length);
      throw new Error('the analyser could not read the photo');
    },
  };
  const reported: { message: string; queue: string; jobIds: string[] }[] = [];
  const worker = await startWorker(
    {
      ...t,
      errors: { jobFailed: (error, context) => reported.push({ message: (error as Error).message, ...context }) },
    },
    t.database.ownerUrl,
    [failingJob],
  );
  try {
    const id = await sendJob(t.jobs, failingJob, { photo: 'p1' });
    expect(await finalState(t.jobs, failingJob.queue, id)).toBe('failed');
    expect(attempts).toHaveLength(3);
    expect(reported).toEqual([{ message: 'the analyser could not read the photo', queue: failingJob.queue, jobIds: [id] }]);
  } finally {
    await worker.stop();
  }
});
