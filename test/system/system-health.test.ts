import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobDefinition } from '../../src/jobs/job-context.ts';
import { sendJob } from '../../src/jobs/job-queue.ts';
import { startWorker, type Worker } from '../../src/jobs/worker.ts';
import type { SystemHealth } from '../../src/system/system-schemas.ts';
import { createClinic, createUser, signInAs } from '../support/factories.ts';
import { HttpClient } from '../support/http-client.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { TEST_APP_PASSWORD } from '../support/test-database.ts';
import { startWorkerProcess, stopProcess } from '../support/worker-process.ts';

const withRedis = Boolean(process.env.REDIS_URL);
// Snapshots every second, so figures published by another node arrive within a test's patience.
const FAST = { SYSTEM_SNAPSHOT_SECONDS: '1' };

async function until<T>(read: () => Promise<T>, done: (value: T) => boolean, what: string, attempts = 150): Promise<T> {
  for (let i = 0; i < attempts; i++) {
    const value = await read();
    if (done(value)) return value;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

async function healthOf(client: HttpClient): Promise<SystemHealth> {
  const res = await client.get('/api/admin/system');
  expect(res.status).toBe(200);
  return res.body as SystemHealth;
}

describe.runIf(withRedis)('the System page with two processes sharing Redis', () => {
  let api: TestApp;
  let other: TestApp;
  let worker: Worker;
  let otherStopped = false;
  let admin: HttpClient;
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  let runs = 0;
  const heldJob: JobDefinition = {
    queue: 'test-system-held',
    options: { retryLimit: 0 },
    async handle() {
      runs++;
      if (runs === 1) await held;
    },
  };

  beforeAll(async () => {
    api = await startTestApp(FAST);
    // A second node on the same data and Redis, serving the API and working jobs (role "all").
    other = await startTestApp({ ...FAST, WORKER_CONCURRENCY: '1' }, { database: api.database });
    worker = await startWorker(other, other.database.ownerUrl, [heldJob]);
    admin = await signInAs(api, await createUser(api, null, 'super_admin'));
  });
  afterAll(async () => {
    release();
    if (!otherStopped) {
      await worker?.stop();
      await other?.stop();
    }
    await api?.stop();
  });

  const health = () => healthOf(admin);
  const otherNode = (h: SystemHealth) => h.nodes.find((n) => !n.self);

  it('lists every process with its role, uptime and last-seen time', async () => {
    const h = await until(health, (h) => otherNode(h) !== undefined, 'the other node to publish');
    expect(h.scope).toBe('platform');
    expect(h.singleNodeReason).toBeNull();
    expect(h.nodes).toHaveLength(2);
    const self = h.nodes.find((n) => n.self)!;
    expect(self.role).toBe('api');
    expect(otherNode(h)!.role).toBe('all');
    for (const node of h.nodes) {
      expect(node.uptimeSeconds).toBeGreaterThan(0);
      expect(Date.now() - Date.parse(node.lastSeenAt)).toBeLessThan(10_000);
      expect(node.pools.map((p) => p.pool)).toEqual(expect.arrayContaining(['app', 'owner']));
    }
    expect(h.redis).toEqual({ configured: true, nodesOnFallback: 0 });
  });

  it("requests answered by one node raise that node's figures as the other node reports them", async () => {
    const before = otherNode(await until(health, (h) => otherNode(h) !== undefined, 'the other node'))!;
    const visitor = new HttpClient(other.app);
    for (let i = 0; i < 12; i++) expect((await visitor.get('/api/me')).status).toBe(401);
    const after = await until(
      health,
      (h) => (otherNode(h)?.requestsTotal ?? 0) >= before.requestsTotal + 12,
      "the other node's next snapshot",
    );
    const moved = otherNode(after)!;
    expect(moved.serverErrorsTotal).toBe(before.serverErrorsTotal);
    // The platform total adds both nodes' counters.
    expect(after.http.requestsTotal).toBe(after.nodes.reduce((t, n) => t + n.requestsTotal, 0));
    expect(after.http.requestsTotal).toBeGreaterThanOrEqual(moved.requestsTotal + 1);
    const busy = await until(
      health,
      (h) => (h.http.requestsPerSecond ?? 0) > 0 && h.http.p95Seconds !== null,
      'a window with requests in it',
    );
    expect(busy.http.p50Seconds).not.toBeNull();
    expect(busy.http.p50Seconds!).toBeLessThanOrEqual(busy.http.p95Seconds!);
    expect(busy.http.serverErrorShare).toBe(0);
    // CPU over the window, from the process's own CPU counter.
    expect(busy.nodes.find((n) => n.self)!.cpuShare).toBeGreaterThan(0);
  });

  it('a job running shows as active, the one behind it as waiting with its age, and both leave once done', async () => {
    const queue = (h: SystemHealth) => h.queues.find((q) => q.queue === heldJob.queue);
    await sendJob(api.jobs, heldJob, {});
    await until(health, (h) => queue(h)?.active === 1, 'the job to start');
    await sendJob(api.jobs, heldJob, {});
    const waiting = await until(health, (h) => queue(h)?.waiting === 1 && queue(h)!.oldestWaitingSeconds > 0, 'a job to wait');
    expect(queue(waiting)).toMatchObject({ active: 1, waiting: 1, failed: 0, deadLettered: 0 });
    release();
    await until(health, (h) => queue(h)?.waiting === 0 && queue(h)?.active === 0, 'both jobs to finish');
    expect(runs).toBe(2);
  });

  it('analyses that ended in the last minutes give throughput, failures and durations', async () => {
    const clinic = await createClinic(api);
    const staff = await createUser(api, clinic.id, 'clinic_staff');
    const before = (await health()).analyses;
    // Ended 90 s ago: 4 s from upload to result, 3 s of it on a worker.
    await insertEndedAnalysis(clinic.id, staff.id, 'completed', 90);
    await insertEndedAnalysis(clinic.id, staff.id, 'completed', 90);
    await insertEndedAnalysis(clinic.id, staff.id, 'failed', 30);
    // Outside the window: not counted.
    await insertEndedAnalysis(clinic.id, staff.id, 'completed', 20 * 60);
    const { analyses } = await health();
    expect(analyses.windowMinutes).toBe(15);
    expect(analyses.completed).toBe(before.completed + 2);
    expect(analyses.failed).toBe(before.failed + 1);
    expect(analyses.completedPerMinute).toHaveLength(15);
    expect(analyses.completedPerMinute.reduce((a, b) => a + b, 0)).toBe(analyses.completed);
    // 90 s ago is in the minute before the last one.
    expect(analyses.completedPerMinute.at(-2)).toBeGreaterThanOrEqual(2);
    expect(analyses.resultP50Seconds).toBeCloseTo(4, 3);
    expect(analyses.processingP95Seconds).toBeCloseTo(3, 3);
  });

  async function insertEndedAnalysis(clinicId: string, staffUserId: string, status: string, endedSecondsAgo: number) {
    const { rows } = await api.db.owner.query<{ id: string }>(
      `INSERT INTO customers (clinic_id, full_name) VALUES ($1, 'Walk-in') RETURNING id`,
      [clinicId],
    );
    await api.db.owner.query(
      `INSERT INTO skin_analyses (clinic_id, customer_id, requested_by_user_id, provider, status, photo_sha256, photo_format,
                                  stored_bytes, width, height, working_width, working_height, quota_month,
                                  created_at, started_at, finished_at)
       VALUES ($1, $2, $3, 'local', $4, $5, 'jpeg', 1000, 1080, 1080, 1080, 1080, to_char(now(), 'YYYY-MM'),
               now() - make_interval(secs => $6 + 4), now() - make_interval(secs => $6 + 3), now() - make_interval(secs => $6))`,
      [clinicId, rows[0]!.id, staffUserId, status, randomBytes(32).toString('hex'), endedSecondsAgo],
    );
  }

  it('a process publishing another shape (another version, mid-deploy) is left out rather than breaking the page', async () => {
    const prefix = `${api.database.name}:system:`;
    await api
      .redis!.multi()
      .set(`${prefix}node:older`, JSON.stringify({ id: 'older', role: 'api', requests: 3 }), 'EX', 30)
      .zadd(`${prefix}nodes`, Date.now(), 'older')
      .exec();
    try {
      const h = await health();
      expect(h.nodes.map((n) => n.id)).not.toContain('older');
      expect(h.nodes).toHaveLength(2);
    } finally {
      await api.redis!.multi().del(`${prefix}node:older`).zrem(`${prefix}nodes`, 'older').exec();
    }
  });

  it('a worker process started as an operator runs it shows with the worker role, and leaves when it stops', async () => {
    const storageDir = await mkdtemp(join(tmpdir(), 'bwai-system-worker-'));
    const child = startWorkerProcess({
      DATABASE_URL: api.database.ownerUrl,
      DATABASE_APP_PASSWORD: TEST_APP_PASSWORD,
      STORAGE_DIR: storageDir,
      REDIS_KEY_PREFIX: `${api.database.name}:`,
      ...FAST,
    });
    try {
      const h = await until(health, (h) => h.nodes.some((n) => n.role === 'worker'), 'the worker process to publish', 250);
      const node = h.nodes.find((n) => n.role === 'worker')!;
      expect(node.pid).toBe(child.pid);
      expect(node.requestsTotal).toBe(0);
      expect(node.pools.map((p) => p.pool)).toEqual(expect.arrayContaining(['app', 'owner']));
    } finally {
      await stopProcess(child);
      await rm(storageDir, { recursive: true, force: true });
    }
    await until(health, (h) => !h.nodes.some((n) => n.role === 'worker'), 'the stopped worker process to leave');
  });

  it('a process that stops leaves the list', async () => {
    otherStopped = true;
    await worker.stop();
    await other.stop();
    const h = await until(health, (h) => h.nodes.length === 1, 'the stopped node to leave');
    expect(h.nodes[0]!.self).toBe(true);
  });
});

describe('the System page with Redis unreachable', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ ...FAST, REDIS_URL: 'redis://127.0.0.1:1' });
  });
  afterAll(() => t?.stop());

  it('shows this node alone, says why, and still reads queues from the database', async () => {
    const admin = await signInAs(t, await createUser(t, null, 'super_admin'));
    const h = await healthOf(admin);
    expect(h.scope).toBe('this-node');
    expect(h.singleNodeReason).toBe('redis-unreachable');
    expect(h.nodes).toHaveLength(1);
    expect(h.nodes[0]).toMatchObject({ self: true, role: 'api', redisFallback: true });
    expect(h.redis).toEqual({ configured: true, nodesOnFallback: 1 });
    expect(h.queues.length).toBeGreaterThan(0);
    // Its own requests count: the sign-in and this read.
    const again = await until(
      () => healthOf(admin),
      (next) => next.nodes[0]!.requestsTotal > h.nodes[0]!.requestsTotal,
      'the next snapshot',
    );
    expect(again.http.requestsTotal).toBe(again.nodes[0]!.requestsTotal);
  });
});
