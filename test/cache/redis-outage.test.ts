import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redisFallback } from '../../src/cache/rate-limiter.ts';
import { analysesUsed, customerOf, uploadPhoto } from '../analysis/analysis-steps.ts';
import { localDateInDays, localInstant, setUpBookableTreatment } from '../support/clinic-operations.ts';
import { createClinic, createUser, PASSWORD, signInAs } from '../support/factories.ts';
import { HttpClient, type Response } from '../support/http-client.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { rawPhoto } from '../uploads/photo-fixtures.ts';

// Low enough to reach in a test; a signed-out client spends two requests (CSRF token, sign-in) per sign-in.
const LIMITS = {
  API_REQUESTS_PER_MINUTE_PER_IP: '6',
  ANALYSIS_UPLOADS_PER_MINUTE: '2',
  SIGN_IN_MAX_FAILURES_PER_ACCOUNT: '3',
};

let photos: Buffer[];
beforeAll(async () => {
  photos = await Promise.all([640, 650, 660].map((w) => rawPhoto(w, 480).jpeg().toBuffer()));
});

/** The number of requests a client may still make this minute, from the response's RateLimit field. */
const remaining = (res: Response) => Number(/;r=(\d+);/.exec(String(res.headers['ratelimit']))?.[1]);

/** Everything a clinic's day needs, on one node: sign-in, upload, booking, reads and a clinic change. */
async function clinicDayWorks(t: TestApp, answered: { count: number }) {
  const expectStatus = (res: Response, status: number) => {
    expect(res.status, JSON.stringify(res.body)).toBe(status);
    answered.count++;
  };
  const clinic = await createClinic(t, { tier: 'professional' });
  const user = await createUser(t, clinic.id, 'clinic_owner');
  const visitor = new HttpClient(t.app, `10.30.${Math.floor(Math.random() * 250)}.1`);
  expectStatus(await visitor.post('/api/auth/sign-in', { email: user.email, password: 'wrong' }), 401);
  expectStatus(await visitor.post('/api/auth/sign-in', { email: user.email, password: PASSWORD }), 200);
  const owner = visitor;
  expectStatus(await owner.get('/api/clinic'), 200);
  expectStatus(await owner.patch('/api/clinic', { name: `Renamed ${clinic.id.slice(0, 8)}` }), 200);

  const staff = await createUser(t, clinic.id, 'clinic_staff');
  const treatment = await setUpBookableTreatment(owner, staff.id);
  const customer = await customerOf(t, clinic);
  const date = localDateInDays(3);
  expectStatus(
    await customer.post('/api/appointments', { treatmentId: treatment.id, startsAt: localInstant(date, '10:00') }),
    201,
  );
  expectStatus(await customer.get(`/api/availability?treatmentId=${treatment.id}&fromDate=${date}&toDate=${date}`), 200);

  // The clinic's upload rate holds on this node: two accepted, the third refused.
  expectStatus(await uploadPhoto(customer, photos[0]!), 202);
  expectStatus(await uploadPhoto(customer, photos[1]!), 202);
  const third = await uploadPhoto(customer, photos[2]!);
  expect([third.status, third.body.type]).toEqual([429, '/problems/too-many-requests']);
  expect(await analysesUsed(t, clinic.id)).toBe(2);
  expectStatus(await customer.get('/api/analyses'), 200);

  // The sign-in limit holds on this node: the address's third wrong password is its last.
  const guesser = new HttpClient(t.app, `10.31.${Math.floor(Math.random() * 250)}.1`);
  for (let i = 0; i < 3; i++) expectStatus(await guesser.post('/api/auth/sign-in', { email: user.email, password: 'x' }), 401);
  const locked = await guesser.post('/api/auth/sign-in', { email: user.email, password: PASSWORD });
  expect([locked.status, locked.body.type]).toEqual([429, '/problems/sign-in-locked']);
}

/** Signed-out requests from one address until refused: the per-address API limit, counted on this node. */
async function spendAddressBudget(t: TestApp, ip: string) {
  const client = new HttpClient(t.app, ip);
  const statuses: number[] = [];
  for (let i = 0; i < 7; i++) statuses.push((await client.get('/api/auth/csrf')).status);
  expect(statuses).toEqual([200, 200, 200, 200, 200, 200, 429]);
}

describe('a node whose Redis is unreachable from the start', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ ...LIMITS, REDIS_URL: 'redis://127.0.0.1:1' });
  });
  afterAll(() => t.stop());

  it('signs in, accepts uploads, books, reads and changes the clinic, with every limit held in the process', async () => {
    const answered = { count: 0 };
    await clinicDayWorks(t, answered);
    await spendAddressBudget(t, '10.32.0.1');
    expect(redisFallback(t.redis!).isOnFallback()).toBe(true);
    expect(redisFallback(t.redis!).storeErrors()).toBeGreaterThan(0);
    // What an operator's alert reads.
    expect(await t.metrics.registry.getSingleMetricAsString('redis_fallback_active')).toMatch(/^redis_fallback_active 1$/m);
  });

  it('a clinic performance dashboard is computed without its cache', async () => {
    const admin = await signInAs(t, await createUser(t, null, 'super_admin'));
    expect((await admin.get('/api/admin/analytics/clinics?from=2025-03-01&to=2025-03-31')).status).toBe(200);
  });
});

async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  await once(server, 'close');
  return port;
}

async function startRedis(port: number): Promise<ChildProcess> {
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no']);
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      if (String(chunk).includes('Ready to accept connections')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`redis-server exited with ${code}`)));
  });
  return child;
}

async function stopRedis(child: ChildProcess) {
  child.kill('SIGKILL');
  await once(child, 'exit');
}

async function untilConnected(...nodes: TestApp[]) {
  const deadline = Date.now() + 15_000;
  while (nodes.some((n) => n.redis!.status !== 'ready')) {
    if (Date.now() > deadline) throw new Error('the nodes did not reconnect to Redis');
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('Redis stopped and restarted while two nodes run', () => {
  let port: number;
  let redis: ChildProcess | undefined;
  let nodeA: TestApp;
  let nodeB: TestApp;
  beforeAll(async () => {
    port = await freePort();
    redis = await startRedis(port);
    const env = { ...LIMITS, REDIS_URL: `redis://127.0.0.1:${port}` };
    nodeA = await startTestApp(env);
    nodeB = await startTestApp(env, { database: nodeA.database });
  }, 60_000);
  afterAll(async () => {
    await nodeB?.stop();
    await nodeA?.stop();
    if (redis) await stopRedis(redis);
  });

  /** One address's budget spent on both nodes: the counts are shared when the second node sees the first's. */
  async function sharedBudget(ip: string): Promise<number[]> {
    const seen: number[] = [];
    for (const node of [nodeA, nodeB, nodeA, nodeB])
      seen.push(remaining(await new HttpClient(node.app, ip).get('/api/auth/csrf')));
    return seen;
  }

  it('requests keep working on per-node limits while Redis is down, and shared limits resume when it returns', async () => {
    expect(await sharedBudget('10.40.0.1')).toEqual([5, 4, 3, 2]);

    await stopRedis(redis!);
    redis = undefined;
    const answered = { count: 0 };
    await clinicDayWorks(nodeA, answered);
    await clinicDayWorks(nodeB, answered);
    // Each node counts on its own now: one address gets the full budget on each.
    await spendAddressBudget(nodeA, '10.40.1.1');
    await spendAddressBudget(nodeB, '10.40.1.1');
    answered.count += 14;
    expect(redisFallback(nodeA.redis!).isOnFallback()).toBe(true);
    console.info(`requests answered while Redis was down: ${answered.count}, none of them 5xx`);

    redis = await startRedis(port);
    await untilConnected(nodeA, nodeB);
    expect(await sharedBudget('10.40.2.1')).toEqual([5, 4, 3, 2]);
    expect(redisFallback(nodeA.redis!).isOnFallback()).toBe(false);
  }, 120_000);
});
