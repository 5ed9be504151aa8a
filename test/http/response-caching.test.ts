import { gunzipSync } from 'node:zlib';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { responseSerializerCompiler } from '../../src/http/response-serializer.ts';
import { createClinic, createUser, signInAs } from '../support/factories.ts';
import { SESSION_COOKIE } from '../../src/auth/session-token.ts';
import type { HttpClient } from '../support/http-client.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

let t: TestApp;
let owner: HttpClient;
beforeAll(async () => {
  t = await startTestApp();
  const clinic = await createClinic(t);
  owner = await signInAs(t, await createUser(t, clinic.id, 'clinic_owner'));
});
afterAll(() => t.stop());

/** The answer as bytes, for bodies the JSON client cannot read (gzipped). */
const rawGet = (url: string, headers: Record<string, string>) =>
  t.app.inject({ url, headers: { cookie: `${SESSION_COOKIE}=${owner.cookie(SESSION_COOKIE)}`, ...headers } });

describe('repeated reads', () => {
  it('a read the browser already has is answered 304 with no body until the clinic changes', async () => {
    const first = await owner.get('/api/clinic');
    expect(first.status).toBe(200);
    expect(first.headers['cache-control']).toBe('private, no-cache');
    const etag = String(first.headers.etag);
    expect(etag).toMatch(/^W\/".+"$/);

    const again = await owner.get('/api/clinic', { 'if-none-match': etag });
    expect(again.status).toBe(304);
    expect(again.raw.body).toBe('');

    expect((await owner.patch('/api/clinic', { name: 'Renamed Clinic' })).status).toBe(200);
    const changed = await owner.get('/api/clinic', { 'if-none-match': etag });
    expect(changed.status).toBe(200);
    expect(changed.body.name).toBe('Renamed Clinic');
    expect(changed.headers.etag).not.toBe(etag);
  });

  it('a large list is gzipped for a client that accepts it, and plain for one that does not', async () => {
    for (let i = 0; i < 12; i++) {
      const created = await owner.post('/api/treatments', {
        name: { en: `Treatment number ${i} with a long enough name` },
        description: 'A description that makes the catalogue larger than a kilobyte.',
        category: 'facial',
        durationMinutes: 30,
        priceSatang: 90_000,
      });
      expect(created.status).toBe(201);
    }
    const plain = await owner.get('/api/treatments');
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body).toHaveLength(12);

    const zipped = await rawGet('/api/treatments', { 'accept-encoding': 'br;q=1, gzip;q=0.8' });
    expect(zipped.headers['content-encoding']).toBe('gzip');
    expect(JSON.parse(gunzipSync(zipped.rawPayload).toString())).toEqual(plain.body);

    const refused = await rawGet('/api/treatments', { 'accept-encoding': 'gzip;q=0' });
    expect(refused.headers['content-encoding']).toBeUndefined();
  });

  it('a small answer is not compressed', async () => {
    const me = await owner.get('/api/me', { 'accept-encoding': 'gzip' });
    expect(me.status).toBe(200);
    expect(me.headers['content-encoding']).toBeUndefined();
  });
});

describe('the compiled response serializer', () => {
  const Answer = z.object({ id: z.uuid(), note: z.string().nullable() });
  async function appAnswering(body: unknown, validate: boolean) {
    const app = Fastify();
    app.setSerializerCompiler(responseSerializerCompiler({ validate }));
    app.get('/thing', { schema: { response: { 200: Answer } } }, async () => body);
    return app;
  }

  it('writes only what the schema lists', async () => {
    const app = await appAnswering({ id: '1b4e28ba-2fa1-41d2-883f-0016d3cca427', note: null, secret: 'x' }, false);
    const res = await app.inject('/thing');
    expect(res.json()).toEqual({ id: '1b4e28ba-2fa1-41d2-883f-0016d3cca427', note: null });
  });

  it('with validation on (the tests), an answer its schema does not describe fails', async () => {
    const bad = { id: 'not-a-uuid', note: 'fine' };
    expect((await (await appAnswering(bad, true)).inject('/thing')).statusCode).toBe(500);
    expect((await (await appAnswering(bad, false)).inject('/thing')).statusCode).toBe(200);
  });
});
