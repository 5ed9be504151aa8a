import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROGRESS_CHANNEL } from '../../src/analysis/analysis-repo.ts';
import { ANONYMOUS, withTenant } from '../../src/db/tenant-transaction.ts';
import { createClinic, createUser, PASSWORD, signInAs } from '../support/factories.ts';
import { customerOf, uploadPhoto } from '../analysis/analysis-steps.ts';
import { HttpClient } from '../support/http-client.ts';
import { scrape } from '../support/prometheus-text.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

const TOKEN = 'metrics-token-for-tests-0123456789';
const SCRAPER = { authorization: `Bearer ${TOKEN}` };
const PER_IP = 5;

let t: TestApp;
beforeAll(async () => {
  // The allow list leaves out loopback (app.inject's address), so refusals can be tested.
  t = await startTestApp({
    METRICS_TOKEN: TOKEN,
    METRICS_ALLOW: '10.9.0.0/16',
    API_REQUESTS_PER_MINUTE_PER_IP: String(PER_IP),
    ANALYSIS_UPLOADS_PER_MINUTE: '1',
    SIGN_IN_MAX_FAILURES_FROM_NEW_ADDRESSES: '5',
  });
});
afterAll(() => t.stop());

const metrics = () => scrape(t.app, SCRAPER);

/** A photo the upload accepts (no worker runs here, so it is never analysed). */
const photo = () =>
  sharp({ create: { width: 1200, height: 1200, channels: 3, background: '#c8a68c' } })
    .jpeg()
    .toBuffer();

describe('who may read /metrics', () => {
  it('a caller with neither the token nor an allowed address gets the same 404 as an unknown path', async () => {
    // With the web app built an unknown path gets its shell, else a problem: /metrics looks the same either way.
    const res = await t.app.inject({ method: 'GET', url: '/metrics' });
    const unknown = await t.app.inject({ method: 'GET', url: '/metricz' });
    expect(res.statusCode).toBe(unknown.statusCode);
    expect(res.headers['content-type']).toBe(unknown.headers['content-type']);
    expect(res.body).not.toContain('http_requests_total');
    if (unknown.statusCode === 404)
      expect(res.json()).toMatchObject({ type: '/problems/route-not-found', title: unknown.json().title });
  });

  it('a wrong bearer token gets 401, from any address', async () => {
    for (const remoteAddress of ['127.0.0.1', '10.9.1.2']) {
      const res = await t.app.inject({
        method: 'GET',
        url: '/metrics',
        remoteAddress,
        headers: { authorization: 'Bearer not-the-token' },
      });
      expect(res.statusCode).toBe(401);
      expect(res.headers['www-authenticate']).toBe('Bearer');
      expect(res.json()).toMatchObject({ type: '/problems/unauthenticated' });
    }
  });

  it('the token, or an address in METRICS_ALLOW, gets the text format', async () => {
    expect((await scrape(t.app, SCRAPER)).types.size).toBeGreaterThan(0);
    const fromAllowed = await t.app.inject({ method: 'GET', url: '/metrics', remoteAddress: '10.9.1.2' });
    expect(fromAllowed.statusCode).toBe(200);
    expect(fromAllowed.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
  });

  it('/metrics is not in the API document and spends no API budget', async () => {
    const doc = (await t.app.inject({ method: 'GET', url: '/docs/json' })).json();
    expect(Object.keys(doc.paths)).not.toContain('/metrics');
    for (let i = 0; i < PER_IP + 2; i++) {
      const res = await t.app.inject({ method: 'GET', url: '/metrics', remoteAddress: '10.9.3.3' });
      expect(res.statusCode).toBe(200);
      expect(res.headers['ratelimit']).toBeUndefined();
    }
  });
});

describe('what /metrics shows', () => {
  it("has the process's own figures: event loop lag, heap, GC and CPU", async () => {
    const m = await metrics();
    for (const name of ['nodejs_eventloop_lag_seconds', 'nodejs_heap_size_used_bytes', 'process_cpu_user_seconds_total']) {
      expect(m.types.has(name), name).toBe(true);
    }
    expect(m.types.get('nodejs_gc_duration_seconds')).toBe('histogram');
  });

  it("a request counts under its route's template, never its id", async () => {
    const clinic = await createClinic(t);
    const owner = await signInAs(t, await createUser(t, clinic.id, 'clinic_owner'));
    const user = await createUser(t, clinic.id, 'customer');
    const { rows } = await t.db.owner.query<{ id: string }>('SELECT id FROM customers WHERE user_id = $1', [user.id]);
    const customerId = rows[0]!.id;
    const labels = { method: 'GET', route: '/api/customers/:id', status_class: '2xx' };
    const before = await metrics();

    for (let i = 0; i < 2; i++) expect((await owner.get(`/api/customers/${customerId}`)).status).toBe(200);

    const after = await metrics();
    expect(after.value('http_requests_total', labels) - before.value('http_requests_total', labels)).toBe(2);
    expect(
      after.value('http_request_duration_seconds_count', labels) - before.value('http_request_duration_seconds_count', labels),
    ).toBe(2);
    const everyLabel = after.samples.flatMap((s) => Object.values(s.labels));
    for (const secret of [customerId, clinic.id, user.id, user.email]) expect(everyLabel).not.toContain(secret);
  });

  it('a path no route matches counts as unmatched, and its 404 by problem type', async () => {
    const before = await metrics();
    await t.app.inject({ method: 'GET', url: '/api/no-such-thing/12345' });
    const after = await metrics();
    const unmatched = { method: 'GET', route: 'unmatched', status_class: '4xx' };
    expect(after.value('http_requests_total', unmatched) - before.value('http_requests_total', unmatched)).toBe(1);
    const type = { type: '/problems/route-not-found' };
    expect(after.value('http_problem_responses_total', type) - before.value('http_problem_responses_total', type)).toBe(1);
    expect(after.samples.some((s) => s.labels.route?.includes('12345'))).toBe(false);
  });

  it('problem responses count by their type', async () => {
    const clinic = await createClinic(t);
    const owner = await signInAs(t, await createUser(t, clinic.id, 'clinic_owner'));
    const before = await metrics();
    expect((await owner.get('/api/customers/not-a-uuid')).status).toBe(400);
    expect((await owner.get('/api/customers/00000000-0000-4000-8000-000000000000')).status).toBe(404);
    const after = await metrics();
    for (const type of ['/problems/validation-failed', '/problems/not-found']) {
      expect(after.value('http_problem_responses_total', { type }) - before.value('http_problem_responses_total', { type })).toBe(
        1,
      );
    }
  });

  it('a refused request counts as 429 under the limit that refused it', async () => {
    const caller = new HttpClient(t.app, '10.20.30.40');
    const before = await metrics();
    for (let i = 0; i < PER_IP; i++) expect((await caller.get('/api/auth/csrf')).status).toBe(200);
    expect((await caller.get('/api/auth/csrf')).status).toBe(429);

    const user = await createUser(t, null, 'super_admin');
    // From a new address each time: the account's limit on unknown addresses, not an address's API
    // budget, refuses the last.
    const guess = (i: number, password: string) =>
      new HttpClient(t.app, `10.20.31.${i}`).post('/api/auth/sign-in', { email: user.email, password });
    for (let i = 0; i < 5; i++) expect((await guess(i, `${PASSWORD}!`)).status).toBe(401);
    expect((await guess(5, PASSWORD)).status).toBe(429);

    const customer = await customerOf(t, await createClinic(t));
    expect((await uploadPhoto(customer, await photo())).status).toBe(202);
    expect((await uploadPhoto(customer, await photo())).status).toBe(429);

    const after = await metrics();
    const moved = (limiter: string) =>
      after.value('http_rate_limited_total', { limiter }) - before.value('http_rate_limited_total', { limiter });
    expect(moved('api-ip')).toBe(1);
    expect(moved('sign-in-account')).toBe(1);
    expect(moved('analysis-uploads')).toBe(1);
  });

  it('each pool shows its connections, and checkouts and transactions are timed', async () => {
    const m = await metrics();
    for (const pool of ['app', 'owner']) {
      for (const name of ['db_pool_connections', 'db_pool_idle_connections', 'db_pool_waiting_clients']) {
        expect(
          m.samples.some((s) => s.name === name && s.labels.pool === pool),
          `${name}{pool="${pool}"}`,
        ).toBe(true);
      }
      expect(m.value('db_pool_wait_seconds_count', { pool })).toBeGreaterThan(0);
    }
    // Without DATABASE_REPLICA_URL the replica is the app pool: no series of its own.
    expect(m.samples.some((s) => s.labels.pool === 'replica')).toBe(false);
    expect(m.value('db_transactions_total', { pool: 'app', outcome: 'commit' })).toBeGreaterThan(0);
    expect(m.value('db_transaction_duration_seconds_count', { pool: 'app' })).toBeGreaterThan(0);
  });

  it('a transaction cancelled by its statement timeout is counted as one, and as a rollback', async () => {
    const before = await metrics();
    const slow = withTenant(t.db.app, ANONYMOUS, (tx) => tx.query('SELECT pg_sleep(2)'), { statementTimeoutMs: 100 });
    await expect(slow).rejects.toMatchObject({ code: '57014' });
    const after = await metrics();
    const moved = (name: string, labels: Record<string, string>) => after.value(name, labels) - before.value(name, labels);
    expect(moved('db_statement_timeouts_total', { pool: 'app' })).toBe(1);
    expect(moved('db_transactions_total', { pool: 'app', outcome: 'rollback' })).toBe(1);
  });

  it('requests in flight come back to the scrape itself once the others have finished', async () => {
    const clinic = await createClinic(t);
    const owner = await signInAs(t, await createUser(t, clinic.id, 'clinic_owner'));
    await Promise.all([owner.get('/api/me'), owner.get('/api/clinic'), t.app.inject({ method: 'GET', url: '/nowhere' })]);
    expect((await metrics()).value('http_requests_in_flight')).toBe(1);
  });
});

describe('live progress streams', () => {
  it('an open stream shows in the gauge until it ends, and every event it delivers is counted', async () => {
    const clinic = await createClinic(t);
    const customer = await customerOf(t, clinic);
    const upload = await uploadPhoto(customer, await photo());
    expect(upload.status).toBe(202);
    const stream = { stream: 'analysis-progress' };
    const before = await metrics();

    // No worker runs here: the analysis stays queued and its stream open until a terminal event.
    const events = customer.get(`/api/analyses/${upload.body.id}/events`);
    let open = await metrics();
    for (let i = 0; i < 50 && open.value('sse_open_streams', stream) === 0; i++) {
      await new Promise((r) => setTimeout(r, 100));
      open = await metrics();
    }
    expect(open.value('sse_open_streams', stream)).toBe(1);
    expect(open.value('sse_events_delivered_total', stream) - before.value('sse_events_delivered_total', stream)).toBe(1);

    const failed = { id: upload.body.id, clinicId: clinic.id, status: 'failed', progress: 0 };
    await t.db.owner.query('SELECT pg_notify($1, $2)', [PROGRESS_CHANNEL, JSON.stringify(failed)]);
    expect((await events).status).toBe(200);
    const after = await metrics();
    expect(after.value('sse_open_streams', stream)).toBe(0);
    expect(after.value('sse_events_delivered_total', stream) - before.value('sse_events_delivered_total', stream)).toBe(2);
  });
});

describe('apps in one process', () => {
  it('a second app counts only its own requests, and serves loopback callers without a token by default', async () => {
    const other = await startTestApp();
    try {
      const m = await scrape(other.app);
      expect(m.value('http_requests_total', { route: '/api/customers/:id' })).toBe(0);
      expect(m.types.has('nodejs_eventloop_lag_seconds')).toBe(true);
    } finally {
      await other.stop();
    }
  });
});
