import Fastify from 'fastify';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Overloaded } from '../../src/errors/app-error.ts';
import { shedLoad } from '../../src/http/load-shedding.ts';
import { createClinic, createUser, signInAs } from '../support/factories.ts';
import type { HttpClient } from '../support/http-client.ts';
import { scrape } from '../support/prometheus-text.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

// A pool of two connections, both held by slow statements: what a saturated API looks like from inside.
// Sessions are not cached here, so every request queues for its own connection (a cached session, or one
// loaded once for several requests, would make how many wait depend on timing).
const POOL = { DATABASE_POOL_MAX: '2', DATABASE_POOL_QUEUE_LIMIT: '2', SESSION_CACHE_MS: '0' };

let t: TestApp;
let impatient: TestApp;
let owner: HttpClient;
beforeAll(async () => {
  t = await startTestApp({ ...POOL, DATABASE_POOL_WAIT_MS: '60000' });
  // A second node on the same data whose callers give up waiting long before the pool frees up.
  impatient = await startTestApp(
    { DATABASE_POOL_MAX: '2', DATABASE_POOL_QUEUE_LIMIT: '100', DATABASE_POOL_WAIT_MS: '300', SESSION_CACHE_MS: '0' },
    { database: t.database },
  );
  const clinic = await createClinic(t);
  owner = await signInAs(t, await createUser(t, clinic.id, 'clinic_owner'));
  // Fetches the CSRF token now: later writes must not need a connection for it.
  expect((await owner.post('/api/customers', { fullName: 'Before the rush' })).status).toBe(201);
});
afterAll(async () => {
  await impatient?.stop();
  await t?.stop();
});

async function until(condition: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 500 && !condition(); i++) await new Promise((r) => setTimeout(r, 10));
  if (!condition()) throw new Error(`timed out waiting for ${what}`);
}

/** Checks out every connection of `node`'s request pool with a statement that runs `seconds`. */
async function holdPool(node: TestApp, seconds: number) {
  let finished = false;
  const sleeping = Promise.all([1, 2].map(() => node.db.app.query('SELECT pg_sleep($1)', [seconds]))).then(() => {
    finished = true;
  });
  await until(() => node.db.app.totalCount === 2 && node.db.app.idleCount === 0, 'both connections to be busy');
  return { sleeping, stillBusy: () => !finished };
}

const shedCount = async (node: TestApp, reason: string) => (await scrape(node.app)).value('http_requests_shed_total', { reason });

describe('a saturated database pool sheds load', () => {
  it('a request past the queue bound gets 503 overloaded with Retry-After at once, and the queued ones below the bound succeed', async () => {
    const before = await shedCount(t, 'queue-full');
    const pool = await holdPool(t, 1.5);
    const queued = [owner.get('/api/customers?limit=5'), owner.get('/api/customers?limit=5')];
    await until(() => t.db.app.waitingCount === 2, 'two requests to queue for a connection');

    const shed = await owner.get('/api/me');
    expect(shed.status).toBe(503);
    expect(shed.headers['content-type']).toContain('application/problem+json');
    expect(shed.body).toMatchObject({ type: '/problems/overloaded', status: 503, retryAfter: 1 });
    expect(shed.headers['retry-after']).toBe('1');
    // Answered while the pool was still held, not after waiting for it.
    expect(pool.stillBusy()).toBe(true);

    const answers = await Promise.all(queued);
    expect(answers.map((a) => a.status)).toEqual([200, 200]);
    await pool.sleeping;
    expect(await shedCount(t, 'queue-full')).toBe(before + 1);
  });

  it('a write refused for overload is not applied, and the same write sent again afterwards is applied once', async () => {
    const pool = await holdPool(t, 1.5);
    const queued = [owner.get('/api/customers?limit=5'), owner.get('/api/customers?limit=5')];
    await until(() => t.db.app.waitingCount === 2, 'two requests to queue for a connection');
    const refused = await owner.post('/api/customers', { fullName: 'Sent during the rush' });
    expect(refused.status).toBe(503);
    expect(pool.stillBusy()).toBe(true);
    await Promise.all([...queued, pool.sleeping]);

    const again = await owner.post('/api/customers', { fullName: 'Sent during the rush' });
    expect(again.status).toBe(201);
    const { rows } = await t.db.owner.query('SELECT id FROM customers WHERE full_name = $1', ['Sent during the rush']);
    expect(rows).toEqual([{ id: again.body.id }]);
  });

  it('a request that waited DATABASE_POOL_WAIT_MS for a connection gets 503 overloaded while the pool is still busy', async () => {
    const client = await signInAs(impatient, await createUser(impatient, (await createClinic(impatient)).id, 'receptionist'));
    const before = await shedCount(impatient, 'waited-too-long');
    const pool = await holdPool(impatient, 3);
    const res = await client.get('/api/customers?limit=5');
    expect(res.status).toBe(503);
    expect(res.body.type).toBe('/problems/overloaded');
    expect(res.headers['retry-after']).toBe('1');
    expect(pool.stillBusy()).toBe(true);
    await pool.sleeping;
    expect(await shedCount(impatient, 'waited-too-long')).toBe(before + 1);
    // The connection that came free for the caller who gave up went back to the pool.
    expect((await client.get('/api/customers?limit=5')).status).toBe(200);
  });

  it('a statement asked of the request pool past its queue bound fails at once, and those queued below it run', async () => {
    const pool = await holdPool(t, 1.5);
    const queued = [t.db.app.query('SELECT 1 AS one'), t.db.app.query('SELECT 2 AS two')];
    await until(() => t.db.app.waitingCount === 2, 'two statements to queue for a connection');
    await expect(t.db.app.query('SELECT 3')).rejects.toBeInstanceOf(Overloaded);
    expect(pool.stillBusy()).toBe(true);
    expect((await Promise.all(queued)).map((r) => r.rows[0])).toEqual([{ one: 1 }, { two: 2 }]);
    await pool.sleeping;
  });

  it('liveness and readiness still answer while requests are shed', async () => {
    const pool = await holdPool(t, 1.5);
    const queued = [owner.get('/api/customers?limit=5'), owner.get('/api/customers?limit=5')];
    await until(() => t.db.app.waitingCount === 2, 'two requests to queue for a connection');
    expect((await owner.get('/api/me')).status).toBe(503);
    expect((await t.app.inject('/healthz')).statusCode).toBe(200);
    const ready = await t.app.inject('/readyz');
    expect(ready.statusCode).toBe(200);
    expect(ready.json().pools).toContainEqual(expect.objectContaining({ pool: 'app', waiting: 2 }));
    expect(pool.stillBusy()).toBe(true);
    await Promise.all([...queued, pool.sleeping]);
  });
});

describe('an event loop running behind sheds load', () => {
  let busy: TestApp;
  let member: HttpClient;
  beforeAll(async () => {
    busy = await startTestApp({ LOAD_SHED_EVENT_LOOP_DELAY_MS: '200' }, { database: t.database });
    const clinic = await createClinic(busy);
    member = await signInAs(busy, await createUser(busy, clinic.id, 'clinic_owner'));
  });
  afterAll(() => busy?.stop());

  it('a request that meets the loop 600 ms behind gets 503 overloaded with Retry-After, and health still answers', async () => {
    const before = await shedCount(busy, 'event-loop-behind');
    const shed = member.get('/api/me');
    const health = busy.app.inject({ method: 'GET', url: '/healthz' });
    // The CPU-bound overload: the loop runs nothing else for 600 ms.
    const until = performance.now() + 600;
    while (performance.now() < until);
    const res = await shed;
    expect(res.status).toBe(503);
    expect(res.headers['retry-after']).toBe('1');
    expect(res.body).toMatchObject({ type: '/problems/overloaded', status: 503, retryAfter: 1 });
    expect((await health).statusCode).toBe(200);
    expect(await shedCount(busy, 'event-loop-behind')).toBe(before + 1);
  });

  it('once the loop has caught up, the same request is served', async () => {
    // Polled: on a busy machine the loop may still be behind for a moment.
    await expect.poll(async () => (await member.get('/api/me')).status, { interval: 50 }).toBe(200);
  });
});

describe('with event-loop shedding off (a process that also analyses photos)', () => {
  let both: TestApp;
  let member: HttpClient;
  beforeAll(async () => {
    both = await startTestApp({ LOAD_SHED_EVENT_LOOP_DELAY_MS: 'off' }, { database: t.database });
    const clinic = await createClinic(both);
    member = await signInAs(both, await createUser(both, clinic.id, 'clinic_owner'));
  });
  afterAll(() => both?.stop());

  it('a request that meets the loop 600 ms behind is served', async () => {
    const served = member.get('/api/me');
    // What one analysis does to a process that runs the worker beside the API.
    const until = performance.now() + 600;
    while (performance.now() < until);
    expect((await served).status).toBe(200);
    expect(await shedCount(both, 'event-loop-behind')).toBe(0);
  });
});

describe('a node that was slow to start', () => {
  it('serves its first request: the stall of loading and registering is not overload', async () => {
    const app = Fastify();
    const idlePool = { waitingCount: 0 } as pg.Pool;
    await app.register(shedLoad, { pool: idlePool, queueLimit: 10, maxEventLoopDelayMs: 200 });
    app.get('/first', async () => ({ ok: true }));
    // What compiling and registering the rest of the app does to the loop after this plugin is in.
    await app.register(async () => {
      const until = performance.now() + 600;
      while (performance.now() < until);
    });
    await app.ready();
    try {
      expect((await app.inject('/first')).statusCode).toBe(200);
    } finally {
      await app.close();
    }
  });
});
