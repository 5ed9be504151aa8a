import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClinic, createUser, signInAs } from '../support/factories.ts';
import { HttpClient, type Response } from '../support/http-client.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

const withRedis = Boolean(process.env.REDIS_URL);
// Low enough to exhaust in a test, high enough for the super admin's own requests in this file.
const PER_IP = 30;

let t: TestApp;
let admin: HttpClient;
beforeAll(async () => {
  t = await startTestApp({ API_REQUESTS_PER_MINUTE_PER_IP: String(PER_IP) });
  admin = await signInAs(t, await createUser(t, null, 'super_admin'));
});
afterAll(() => t.stop());

/** The `RateLimit` field of a response, parsed. */
function serviceLimit(res: Response): { policy: string; remaining: number; resetSeconds: number } {
  const match = /^"(\w+)";r=(\d+);t=(\d+)$/.exec(String(res.headers['ratelimit']));
  if (!match) throw new Error(`no RateLimit field in the response: ${String(res.headers['ratelimit'])}`);
  return { policy: match[1]!, remaining: Number(match[2]), resetSeconds: Number(match[3]) };
}

async function setClinicLimit(clinicId: string, perMinute: number): Promise<Response> {
  const res = await admin.patch(`/api/admin/clinics/${clinicId}`, { quotaOverrides: { api_requests_per_minute: perMinute } });
  expect(res.status).toBe(200);
  return res;
}

/** A clinic whose super admin set its API limit, with a signed-in owner. */
async function clinicLimitedTo(perMinute: number) {
  const clinic = await createClinic(t);
  await setClinicLimit(clinic.id, perMinute);
  return { clinic, owner: await signInAs(t, await createUser(t, clinic.id, 'clinic_owner')) };
}

function expectRefused(res: Response, policy: string) {
  expect(res.status).toBe(429);
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(res.body).toMatchObject({ type: '/problems/too-many-requests', status: 429 });
  const retryAfter = Number(res.headers['retry-after']);
  expect(retryAfter).toBeGreaterThanOrEqual(1);
  expect(retryAfter).toBeLessThanOrEqual(60);
  expect(res.headers['ratelimit-policy']).toBe(policy);
  expect(serviceLimit(res)).toMatchObject({ remaining: 0, resetSeconds: retryAfter });
}

describe('per-clinic API limits', () => {
  it("a clinic's staff and customers share its budget, and the request after it gets 429 with Retry-After", async () => {
    const { clinic, owner } = await clinicLimitedTo(5);
    const customer = await signInAs(t, await createUser(t, clinic.id, 'customer'));
    const remaining: number[] = [];
    for (const client of [owner, owner, owner, customer, customer]) {
      const res = await client.get('/api/me');
      expect(res.status).toBe(200);
      expect(res.headers['ratelimit-policy']).toBe('"clinic";q=5;w=60');
      remaining.push(serviceLimit(res).remaining);
    }
    expect(remaining).toEqual([4, 3, 2, 1, 0]);
    expectRefused(await owner.get('/api/me'), '"clinic";q=5;w=60');
    expectRefused(await customer.get('/api/clinic'), '"clinic";q=5;w=60');
  });

  it("one clinic using up its budget leaves another clinic's untouched, at its tier's default", async () => {
    const { owner } = await clinicLimitedTo(1);
    expect((await owner.get('/api/me')).status).toBe(200);
    expect((await owner.get('/api/me')).status).toBe(429);

    const other = await createClinic(t, { tier: 'professional' });
    const res = await (await signInAs(t, await createUser(t, other.id, 'receptionist'))).get('/api/me');
    expect(res.status).toBe(200);
    expect(res.headers['ratelimit-policy']).toBe('"clinic";q=1500;w=60');
    expect(serviceLimit(res).remaining).toBe(1499);
  });

  it("a super admin's change to a clinic's limit applies from its next request", async () => {
    const { clinic, owner } = await clinicLimitedTo(3);
    for (let i = 0; i < 3; i++) expect((await owner.get('/api/me')).status).toBe(200);
    expect((await owner.get('/api/me')).status).toBe(429);

    const change = await setClinicLimit(clinic.id, 10);
    // A super admin belongs to no clinic: their requests spend their address's budget.
    expect(change.headers['ratelimit-policy']).toBe(`"ip";q=${PER_IP};w=60`);
    const raised = await owner.get('/api/me');
    expect(raised.status).toBe(200);
    expect(raised.headers['ratelimit-policy']).toBe('"clinic";q=10;w=60');
    // The refused request counted too: 5 of 10 used.
    expect(serviceLimit(raised).remaining).toBe(5);

    await setClinicLimit(clinic.id, 5);
    expectRefused(await owner.get('/api/me'), '"clinic";q=5;w=60');
  });
});

describe("a user's share of the clinic's API limit", () => {
  it("one customer gets at most their share (here the 60 a minute floor) and cannot use up the clinic's minute", async () => {
    const { clinic, owner } = await clinicLimitedTo(100);
    const customer = await signInAs(t, await createUser(t, clinic.id, 'customer'));
    for (let i = 0; i < 60; i++) expect((await customer.get('/api/me')).status).toBe(200);
    const refused = await customer.get('/api/me');
    expectRefused(refused, '"user";q=60;w=60');
    expect(refused.body.detail).toMatch(/^Each user may make 60 API requests per minute/);

    // The clinic spent 60 of its 100 on the customer (the refused request spent none of it): the rest
    // of the clinic carries on.
    const other = await owner.get('/api/me');
    expect(other.status).toBe(200);
    expect(other.headers['ratelimit-policy']).toBe('"clinic";q=100;w=60');
    expect(serviceLimit(other).remaining).toBe(100 - 60 - 1);
  });

  it("a user's share is a fifth of a large clinic limit", async () => {
    const { clinic } = await clinicLimitedTo(1000);
    const receptionist = await signInAs(t, await createUser(t, clinic.id, 'receptionist'));
    for (let i = 0; i < 200; i++) expect((await receptionist.get('/api/me')).status).toBe(200);
    expectRefused(await receptionist.get('/api/me'), '"user";q=200;w=60');
  });
});

describe.skipIf(!withRedis)('API limits across nodes', () => {
  let nodeB: TestApp;
  beforeAll(async () => {
    nodeB = await startTestApp({ API_REQUESTS_PER_MINUTE_PER_IP: String(PER_IP) }, { database: t.database });
  });
  afterAll(() => nodeB.stop());

  it('two API nodes on one Redis spend one clinic budget, not one each', async () => {
    const { clinic, owner: ownerOnA } = await clinicLimitedTo(4);
    const staffOnB = await signInAs(nodeB, await createUser(t, clinic.id, 'clinic_staff'));
    const remaining: number[] = [];
    for (const client of [ownerOnA, ownerOnA, staffOnB, staffOnB]) {
      const res = await client.get('/api/me');
      expect(res.status).toBe(200);
      remaining.push(serviceLimit(res).remaining);
    }
    expect(remaining).toEqual([3, 2, 1, 0]);
    expectRefused(await ownerOnA.get('/api/me'), '"clinic";q=4;w=60');
    expectRefused(await staffOnB.get('/api/me'), '"clinic";q=4;w=60');
  });
});

describe('per-address API limits', () => {
  it('signed-out requests are limited per address; another address keeps its own budget', async () => {
    const visitor = new HttpClient(t.app, '203.0.113.7');
    for (let used = 1; used <= PER_IP; used++) {
      const res = await visitor.get(used % 2 ? '/api/auth/csrf' : '/api/me');
      expect(res.status).toBe(used % 2 ? 200 : 401);
      expect(res.headers['ratelimit-policy']).toBe(`"ip";q=${PER_IP};w=60`);
      expect(serviceLimit(res).remaining).toBe(PER_IP - used);
    }
    expectRefused(await visitor.get('/api/auth/csrf'), `"ip";q=${PER_IP};w=60`);

    const neighbour = await new HttpClient(t.app, '203.0.113.8').get('/api/auth/csrf');
    expect(neighbour.status).toBe(200);
    expect(serviceLimit(neighbour).remaining).toBe(PER_IP - 1);
  });

  it('health checks, the API document and the problem catalogue are never limited', async () => {
    const address = '203.0.113.20';
    const visitor = new HttpClient(t.app, address);
    for (let i = 0; i <= PER_IP; i++) await visitor.get('/api/auth/csrf');
    expect((await visitor.get('/api/auth/csrf')).status).toBe(429);
    for (const url of ['/healthz', '/readyz', '/docs', '/docs/json', '/problems']) {
      const res = await t.app.inject({ url, remoteAddress: address });
      expect(res.statusCode, url).toBeLessThan(400);
      expect(res.headers['ratelimit'], url).toBeUndefined();
    }
  });
});

describe('without a reachable Redis', () => {
  it('requests are counted by the node itself, so the limit still holds instead of failing', async () => {
    const cut = await startTestApp(
      { REDIS_URL: 'redis://127.0.0.1:1', API_REQUESTS_PER_MINUTE_PER_IP: '2' },
      { database: t.database },
    );
    try {
      const visitor = new HttpClient(cut.app, '203.0.113.30');
      for (let used = 1; used <= 2; used++) {
        const res = await visitor.get('/api/auth/csrf');
        expect(res.status).toBe(200);
        expect(serviceLimit(res).remaining).toBe(2 - used);
      }
      expectRefused(await visitor.get('/api/auth/csrf'), '"ip";q=2;w=60');
    } finally {
      await cut.stop();
    }
  });
});
