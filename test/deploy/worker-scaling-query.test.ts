import { randomUUID } from 'node:crypto';
import pg from 'pg';
import type PgBoss from 'pg-boss';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ANALYSIS_QUEUE } from '../../src/analysis/analysis-queue.ts';
import { loadConfig } from '../../src/config.ts';
import { startJobQueue } from '../../src/jobs/job-queue.ts';
import { JOBS } from '../../src/jobs/job-registry.ts';
import { appointmentReminderJob } from '../../src/appointments/appointment-reminder-job.ts';
import { createLogger } from '../../src/logger.ts';
import { DEPLOY_DIR, readYamlDocuments } from '../support/deploy-files.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';

// KEDA runs this query against the primary as the database owner, as the test does.
async function scalingQuery(): Promise<{ query: string; target: number }> {
  const docs = await readYamlDocuments(new URL('kubernetes/worker.yaml', DEPLOY_DIR));
  const scaled = docs.find((d) => d.kind === 'ScaledObject');
  const [trigger] = scaled.spec.triggers;
  return { query: trigger.metadata.query, target: Number(trigger.metadata.targetQueryValue) };
}

let database: TestDatabase;
let boss: PgBoss;
let owner: pg.Pool;
beforeAll(async () => {
  database = await createTestDatabase();
  const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', DATABASE_URL: database.ownerUrl });
  // The job schema and queues exactly as the app creates them at start.
  boss = await startJobQueue(database.ownerUrl, JOBS, config, createLogger(config), { role: 'sender', maxConnections: 2 });
  owner = new pg.Pool({ connectionString: database.ownerUrl, max: 1 });
});
afterAll(async () => {
  await boss?.stop({ graceful: false });
  await owner?.end();
  await database?.drop();
});

const analysis = () => ({ clinicId: randomUUID(), analysisId: randomUUID() });

describe("the workers' scaling query (KEDA PostgreSQL scaler)", () => {
  it('counts the analyses due and the ones running, not those finished, scheduled for later or of other queues', async () => {
    const { query, target } = await scalingQuery();
    expect(target).toBeGreaterThan(0);
    const count = async () => Number((await owner.query(query)).rows[0].count);
    expect(await count()).toBe(0);

    for (let i = 0; i < 5; i++) await boss.send(ANALYSIS_QUEUE, analysis());
    await boss.send(ANALYSIS_QUEUE, analysis(), { startAfter: 3600 });
    await boss.send(appointmentReminderJob.queue, { clinicId: randomUUID(), appointmentId: randomUUID() });
    expect(await count()).toBe(5);

    // Two taken by a worker (active), one of them finished since.
    const taken = await boss.fetch(ANALYSIS_QUEUE, { batchSize: 2 });
    expect(taken).toHaveLength(2);
    expect(await count()).toBe(5);
    await boss.complete(ANALYSIS_QUEUE, taken[0]!.id);
    expect(await count()).toBe(4);
    await boss.cancel(ANALYSIS_QUEUE, taken[1]!.id);
    expect(await count()).toBe(3);
  });
});
