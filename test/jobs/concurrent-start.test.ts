import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { createJobQueue, prepareJobQueue } from '../../src/jobs/job-queue.ts';
import { JOBS } from '../../src/jobs/job-registry.ts';
import { createLogger } from '../../src/logger.ts';
import { createTestDatabase } from '../support/test-database.ts';

// Two API and two worker processes starting at once after a release, as compose and Kubernetes start them.
const PROCESSES = 4;

describe('job queue set-up', () => {
  it('processes that start together on a new database all get their queues, none fails to start', async () => {
    // Without one process at a time, every round of four had a deadlock or a failed GRANT.
    for (let round = 0; round < 3; round++) {
      const database = await createTestDatabase();
      const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', DATABASE_URL: database.ownerUrl });
      const log = createLogger(config);
      const bosses = Array.from({ length: PROCESSES }, () =>
        createJobQueue(database.ownerUrl, config, log, { role: 'sender', maxConnections: 2 }),
      );
      try {
        const starts = await Promise.allSettled(bosses.map((boss) => prepareJobQueue(boss, JOBS, config, database.ownerUrl)));
        expect(starts.map((s) => (s.status === 'rejected' ? String(s.reason) : 'started'))).toEqual(
          Array(PROCESSES).fill('started'),
        );
        const queues = (await bosses[0]!.getQueues()).map((q) => q.name).sort();
        expect(queues).toEqual(JOBS.map((job) => job.queue).sort());
      } finally {
        await Promise.all(bosses.map((boss) => boss.stop({ graceful: false, wait: true }).catch(() => undefined)));
        await database.drop();
      }
    }
  });
});
