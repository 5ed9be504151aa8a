import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/test-app.ts';

// Two signed-out requests a minute per client address: the third tells whose address was counted.
const PER_IP = '2';

/** Statuses of three requests arriving from `socket`, each with its own X-Forwarded-For. */
async function threeRequests(t: TestApp, socket: string, forwardedFor: (i: number) => string) {
  const statuses: number[] = [];
  for (let i = 0; i < 3; i++) {
    const res = await t.app.inject({
      url: '/api/auth/csrf',
      remoteAddress: socket,
      headers: { 'x-forwarded-for': forwardedFor(i) },
    });
    statuses.push(res.statusCode);
  }
  return statuses;
}

describe('behind one proxy (TRUST_PROXY=1)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ TRUST_PROXY: '1', API_REQUESTS_PER_MINUTE_PER_IP: PER_IP });
  });
  afterAll(() => t.stop());

  it('a forged left-most X-Forwarded-For entry does not change the client address', async () => {
    // The proxy appends the address it saw (198.51.100.7); the client wrote a new one before it each time.
    expect(await threeRequests(t, '10.0.0.5', (i) => `203.0.113.${i}, 198.51.100.7`)).toEqual([200, 200, 429]);
  });

  it('clients the proxy saw at different addresses keep their own budgets', async () => {
    expect(await threeRequests(t, '10.0.0.5', (i) => `198.51.100.${20 + i}`)).toEqual([200, 200, 200]);
  });
});

describe('behind listed proxies (TRUST_PROXY=10.0.0.0/8)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ TRUST_PROXY: '10.0.0.0/8, 192.168.7.1', API_REQUESTS_PER_MINUTE_PER_IP: PER_IP });
  });
  afterAll(() => t.stop());

  it('a request from outside the list keeps its socket address whatever X-Forwarded-For says', async () => {
    expect(await threeRequests(t, '192.0.2.9', (i) => `198.51.100.${30 + i}`)).toEqual([200, 200, 429]);
  });

  it('a request through a listed proxy is counted for the address the proxy forwarded', async () => {
    expect(await threeRequests(t, '10.1.2.3', (i) => `198.51.100.${40 + i}`)).toEqual([200, 200, 200]);
    expect(await threeRequests(t, '192.168.7.1', () => '198.51.100.50')).toEqual([200, 200, 429]);
  });
});
