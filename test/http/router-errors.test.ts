import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpClient } from '../support/http-client.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

let t: TestApp;
let client: HttpClient;
beforeAll(async () => {
  t = await startTestApp();
  client = new HttpClient(t.app);
});
afterAll(() => t.stop());

const expectProblem = (res: { status: number; headers: Record<string, unknown>; body: any }, status: number, code: string) => {
  expect(res.status).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(res.body).toMatchObject({ type: `/problems/${code}`, status, requestId: res.headers['x-request-id'] });
};

describe('requests the router or body parser refuses are problem+json with a catalogue type', () => {
  it('a path with broken percent-encoding gets 400 malformed-url', async () => {
    expectProblem(await client.get('/api/customers/%E0%A4%A'), 400, 'malformed-url');
  });

  it('an over-long path parameter gets 414 path-parameter-too-long', async () => {
    expectProblem(await client.get(`/api/customers/${'a'.repeat(500)}`), 414, 'path-parameter-too-long');
  });

  it('a body in a media type no route reads gets 415 unsupported-media-type', async () => {
    const res = await client.post('/api/auth/sign-in', '<email>a</email>', { 'content-type': 'application/xml' });
    expectProblem(res, 415, 'unsupported-media-type');
  });

  it('a JSON body over the size limit gets 413 payload-too-large', async () => {
    const res = await client.post('/api/auth/sign-in', JSON.stringify({ email: 'a'.repeat(2 * 1024 * 1024) }), {
      'content-type': 'application/json',
    });
    expectProblem(res, 413, 'payload-too-large');
  });

  it('an empty or broken JSON body gets 400 malformed-request', async () => {
    const json = { 'content-type': 'application/json' };
    expectProblem(await client.post('/api/auth/sign-in', '', json), 400, 'malformed-request');
    expectProblem(await client.post('/api/auth/sign-in', '{"email": "a@b.c", ', json), 400, 'malformed-request');
  });
});
