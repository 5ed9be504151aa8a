import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONSENT_VERSION } from '../../src/analysis/consent-text.ts';
import { loadFaceModel } from '../../src/analysis/engine/face-model.ts';
import { deriveFacePhotos } from '../analysis/face-photos.ts';
import { createClinic, createUser } from '../support/factories.ts';
import { startFakeOpenAiServer, type FakeOpenAiServer } from '../support/fake-openai-server.ts';
import { multipartFile } from '../support/multipart.ts';
import { openAiSkinReport } from '../support/openai-answers.ts';
import {
  balancerStatus,
  isAlive,
  processesOf,
  signInThrough,
  startTestCluster,
  type ClusterClient,
  type TestCluster,
} from './cluster-client.ts';

// One cluster for the file; each test leaves every part running again when it ends.
let c: TestCluster;
let lb: string;
let openai: FakeOpenAiServer;
let admin: ClusterClient;
let face: Buffer;
const REPLICA_RETRY_MS = 1_000;

beforeAll(async () => {
  // Before any connection is open: the face model holds the event loop for seconds, and a kept-alive
  // connection the balancer closed meanwhile would be reused by the next request and fail.
  face = (await deriveFacePhotos(await loadFaceModel(), { samples: [1] }))[0]!.photo;
  openai = await startFakeOpenAiServer();
  c = await startTestCluster({
    OPENAI_API_KEY: openai.apiKey,
    OPENAI_BASE_URL: openai.baseURL,
    WORKER_CONCURRENCY: '1',
    // A dead worker's job comes back through its lost liveness lock, not through this expiry.
    ANALYSIS_JOB_TIMEOUT_SECONDS: '120',
    DATABASE_REPLICA_RETRY_MS: String(REPLICA_RETRY_MS),
  });
  lb = c.cluster.urls.balancer;
  admin = await signInThrough(lb, (await createUser(c.runtime, null, 'super_admin')).email);
}, 180_000);
afterAll(async () => {
  await c?.stop();
  await openai?.close();
}, 60_000);

async function until(what: string, condition: () => Promise<boolean> | boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Reads a Server-Sent Events response in the background, collecting each event's data. */
function collectEvents(res: Response): { events: any[]; ended: Promise<void> } {
  const events: any[] = [];
  const ended = (async () => {
    const decoder = new TextDecoder();
    let buffered = '';
    for await (const chunk of res.body!) {
      buffered += decoder.decode(chunk as Uint8Array, { stream: true });
      let end: number;
      while ((end = buffered.indexOf('\n\n')) >= 0) {
        const block = buffered.slice(0, end);
        buffered = buffered.slice(end + 2);
        const data = block
          .split('\n')
          .filter((l) => l.startsWith('data:'))
          .map((l) => l.slice(5).trim())
          .join('');
        if (data) events.push(JSON.parse(data));
      }
    }
  })();
  return { events, ended };
}

describe('an analysis across nodes and workers', () => {
  it('uploaded through one node, streams to a client on the other, and completes after its worker is SIGKILLed', async () => {
    const clinic = await createClinic(c.runtime, { tier: 'professional' });
    await c.runtime.services.clinics.updateClinic(
      { userId: null, role: null },
      clinic.id,
      { analysisProvider: 'openai' },
      { ip: null, userAgent: null },
    );
    const customer = await signInThrough(lb, (await createUser(c.runtime, clinic.id, 'customer')).email);
    expect((await customer.post('/api/analysis-consent', { version: CONSENT_VERSION, locale: 'en' })).status).toBe(201);

    // worker1 alone takes the job; the provider holds its request open, so it is surely mid-analysis.
    await c.cluster.parts.worker2.kill();
    openai.respondWith({ kind: 'no-answer' });
    const firstRequest = openai.nextRequest();
    const { body, headers } = multipartFile('photo', 'face.jpg', 'image/jpeg', face);
    const upload = await customer.on('api1').request('POST', '/api/analyses', body, headers);
    expect([upload.status, upload.headers.get('x-served-by')]).toEqual([202, 'api1']);
    await firstRequest;

    const stream = await fetch(`${lb}/api/analyses/${upload.body.id}/events`, {
      headers: customer.on('api2').headers({ accept: 'text/event-stream' }),
    });
    expect([stream.status, stream.headers.get('x-served-by')]).toEqual([200, 'api2']);
    const { events, ended } = collectEvents(stream);
    await until('the stream shows the analysis running', () => events.some((e) => e.status === 'analysing'));

    await c.cluster.parts.worker2.start();
    openai.respondWith({ kind: 'structured', output: openAiSkinReport() });
    const secondRequest = openai.nextRequest();
    await c.cluster.parts.worker1.kill('SIGKILL');
    await secondRequest;
    await ended;

    // Everything after the first event came from a worker through the database, to the other node.
    expect(events[0]).toMatchObject({ id: upload.body.id, status: 'analysing' });
    expect(events).toContainEqual(expect.objectContaining({ status: 'queued', attempt: 2 }));
    expect(events[events.length - 1]).toMatchObject({ id: upload.body.id, status: 'completed', progress: 100 });
    const detail = await customer.on('api1').get(`/api/analyses/${upload.body.id}`);
    expect(detail.body).toMatchObject({ status: 'completed', provider: 'openai' });
    await c.cluster.parts.worker1.start();
  }, 120_000);
});

describe('an API node killed under light load', () => {
  it('loses no accepted write, and the balancer stops sending to it until it is back', async () => {
    const clinic = await createClinic(c.runtime, { tier: 'professional' });
    expect(
      (await admin.patch(`/api/admin/clinics/${clinic.id}`, { quotaOverrides: { api_requests_per_minute: 100_000 } })).status,
    ).toBe(200);
    const receptionist = await signInThrough(lb, (await createUser(c.runtime, clinic.id, 'receptionist')).email);
    const accepted: string[] = [];
    const refused: number[] = [];
    let running = true;
    const writer = async (n: number) => {
      for (let i = 0; running; i++) {
        // A request caught in the dying process may get no answer at all: the connection closes (0).
        const res = await receptionist
          .post('/api/customers', { fullName: `Walk-in ${n}-${i}` })
          .catch(() => ({ status: 0, body: {} }));
        if (res.status === 201) accepted.push(res.body.id);
        else refused.push(res.status);
        await new Promise((r) => setTimeout(r, 30));
      }
    };
    const writers = [1, 2, 3].map(writer);
    await until('writes accepted before the kill', () => accepted.length >= 20);
    await c.cluster.parts.api1.kill('SIGKILL');
    await until('HAProxy marks api1 down', async () => (await balancerStatus(c.cluster, 'api1')).startsWith('DOWN'), 10_000);
    const acceptedBeforeDrain = accepted.length;
    const refusedBeforeDrain = refused.length;
    await until('writes accepted after the drain', () => accepted.length >= acceptedBeforeDrain + 30);
    running = false;
    await Promise.all(writers);

    // Only requests caught inside the dying process fail (502, or a closed connection); after the drain, none does.
    expect(refused.every((s) => s === 502 || s === 0)).toBe(true);
    expect(refused.length).toBeLessThanOrEqual(3);
    expect(refused.length).toBe(refusedBeforeDrain);
    const { rows } = await c.runtime.db.owner.query<{ id: string }>('SELECT id FROM customers WHERE clinic_id = $1', [clinic.id]);
    const stored = new Set(rows.map((r) => r.id));
    expect(accepted.filter((id) => !stored.has(id))).toEqual([]);

    await c.cluster.parts.api1.start();
    await until('HAProxy sends to api1 again', async () => (await balancerStatus(c.cluster, 'api1')) === 'UP', 10_000);
  }, 90_000);
});

describe('database parts stopped and started', () => {
  const analytics = (period: { from: string; to: string }, node: 'api1' | 'api2') =>
    admin.on(node).get(`/api/admin/analytics/clinics?from=${period.from}&to=${period.to}&limit=5`);
  const replicaSessions = async () => {
    const replica = new pg.Client({ connectionString: c.cluster.urls.replica });
    await replica.connect();
    try {
      const { rows } = await replica.query(
        `SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = 'bwai-replica' AND datname = current_database()`,
      );
      return rows[0].n as number;
    } finally {
      await replica.end();
    }
  };

  it('with the replica stopped, replica reads are served by the primary, and go back to the replica when it returns', async () => {
    // A period per request: the analytics cache must not answer in the database's place.
    expect((await analytics({ from: '2024-01-01', to: '2024-01-31' }, 'api1')).status).toBe(200);
    await c.cluster.parts.replica.kill();
    for (const [i, node] of (['api1', 'api2', 'api1', 'api2'] as const).entries()) {
      const res = await analytics({ from: `2024-0${i + 2}-01`, to: `2024-0${i + 2}-28` }, node);
      expect([res.status, res.headers.get('x-served-by')]).toEqual([200, node]);
    }

    await c.cluster.parts.replica.start();
    await new Promise((r) => setTimeout(r, REPLICA_RETRY_MS + 100));
    for (const [i, node] of (['api1', 'api2'] as const).entries())
      expect((await analytics({ from: `2024-0${i + 7}-01`, to: `2024-0${i + 7}-28` }, node)).status).toBe(200);
    expect(await replicaSessions()).toBeGreaterThan(0);
  }, 60_000);

  it('a PgBouncer restart is survived: the requests after it succeed', async () => {
    const clinic = await createClinic(c.runtime, { tier: 'professional' });
    const owner = await signInThrough(lb, (await createUser(c.runtime, clinic.id, 'clinic_owner')).email);
    expect((await owner.get('/api/me')).status).toBe(200);
    const pid = c.cluster.parts.pgbouncer.pid;
    await c.cluster.parts.pgbouncer.restart();
    expect(c.cluster.parts.pgbouncer.pid).not.toBe(pid);
    const answers = [];
    for (const node of ['api1', 'api2', 'api1', 'api2'] as const) {
      answers.push((await owner.on(node).get('/api/me')).status);
      answers.push((await owner.on(node).post('/api/customers', { fullName: `After the restart on ${node}` })).status);
    }
    expect(answers).toEqual([200, 201, 200, 201, 200, 201, 200, 201]);
  }, 60_000);
});

describe('stopping the cluster', () => {
  it('leaves no process behind: every part and everything it forked is gone', async () => {
    const running = await processesOf(c.cluster);
    // Ten parts, plus nginx's worker, PostgreSQL's own processes and the like.
    expect(running.length).toBeGreaterThan(10);
    for (const part of Object.values(c.cluster.parts)) expect(running).toContain(part.pid);
    await c.stop();
    expect(running.filter(isAlive)).toEqual([]);
    expect(await processesOf(c.cluster)).toEqual([]);
  }, 60_000);
});
