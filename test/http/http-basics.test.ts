import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROBLEMS } from '../../src/errors/problem-catalogue.ts';
import { HttpClient } from '../support/http-client.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ CORS_ORIGINS: 'https://app.example.test' });
});
afterAll(() => t.stop());

describe('health', () => {
  it('/healthz answers while the process lives and /readyz once the database is migrated', async () => {
    expect((await t.app.inject('/healthz')).json()).toEqual({ status: 'ok' });
    const ready = await t.app.inject('/readyz');
    expect(ready.statusCode).toBe(200);
    expect(ready.json().status).toBe('ready');
  });
});

describe('problems', () => {
  it('an unknown route is a problem+json 404 with a request id, never an HTML page', async () => {
    const res = await t.app.inject('/api/no-such-thing');
    expect(res.statusCode).toBe(404);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.json()).toMatchObject({ type: '/problems/route-not-found', status: 404, requestId: res.headers['x-request-id'] });
  });

  it('malformed JSON is a 400 problem, not a 500 and no stack trace', async () => {
    const client = new HttpClient(t.app);
    const csrf = (await client.get('/api/auth/csrf')).body.token;
    const raw = await t.app.inject({
      method: 'POST',
      url: '/api/auth/sign-in',
      headers: { 'content-type': 'application/json', 'x-csrf-token': csrf, cookie: `_csrf=${client.cookie('_csrf')}` },
      payload: '{"email": ',
    });
    expect(raw.statusCode).toBe(400);
    expect(raw.json().type).toBe('/problems/malformed-request');
    expect(raw.body).not.toMatch(/at .*\.ts:\d+/);
  });

  it('every problem type is documented at its own URL', async () => {
    const list = (await t.app.inject('/problems')).json() as { type: string; status: number; title: string; detail: string }[];
    expect(list.map((p) => p.type).sort()).toEqual(
      Object.keys(PROBLEMS)
        .map((c) => `/problems/${c}`)
        .sort(),
    );
    for (const p of list) {
      expect(p.title.length).toBeGreaterThan(3);
      expect(p.detail.length).toBeGreaterThan(3);
      expect(p.status).toBeGreaterThanOrEqual(400);
      expect((await t.app.inject(p.type)).json()).toEqual(p);
    }
  });
});

describe('headers', () => {
  it('every response carries a request id, and a well-formed incoming id is kept', async () => {
    const res = await t.app.inject({ url: '/healthz', headers: { 'x-request-id': 'trace-abc-12345' } });
    expect(res.headers['x-request-id']).toBe('trace-abc-12345');
    const fresh = await t.app.inject({ url: '/healthz', headers: { 'x-request-id': 'bad id with spaces' } });
    expect(fresh.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('security headers are set', async () => {
    const res = await t.app.inject('/healthz');
    expect(res.headers['content-security-policy']).toContain("default-src 'self'");
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['strict-transport-security']).toBeDefined();
    expect(res.headers['x-frame-options']).toBe('SAMEORIGIN');
  });

  it('CORS admits only the configured origin, with credentials', async () => {
    const allowed = await t.app.inject({
      method: 'OPTIONS',
      url: '/api/me',
      headers: { origin: 'https://app.example.test', 'access-control-request-method': 'GET' },
    });
    expect(allowed.headers['access-control-allow-origin']).toBe('https://app.example.test');
    expect(allowed.headers['access-control-allow-credentials']).toBe('true');
    const other = await t.app.inject({
      method: 'OPTIONS',
      url: '/api/me',
      headers: { origin: 'https://evil.example.test', 'access-control-request-method': 'GET' },
    });
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
  });
});

describe('OpenAPI', () => {
  it('documents every API route with its schemas at /docs/json', async () => {
    const doc = (await t.app.inject('/docs/json')).json();
    expect(doc.openapi).toBe('3.0.3');
    const apiRoutes = t.app.printRoutes({ commonPrefix: false });
    expect(apiRoutes).toContain('/api/auth/sign-in');
    expect(doc.paths['/api/auth/sign-in'].post.requestBody).toBeDefined();
    for (const [path, ops] of Object.entries(doc.paths as Record<string, Record<string, { responses?: object }>>)) {
      if (!path.startsWith('/api/')) continue;
      for (const op of Object.values(ops)) expect(op.responses, path).toBeDefined();
    }
  });

  it('every operation documents the response it answers with on success', async () => {
    type Operation = { responses?: Record<string, { description?: string; content?: object }> };
    const doc = (await t.app.inject('/docs/json')).json();
    const undocumented: string[] = [];
    for (const [path, ops] of Object.entries(doc.paths as Record<string, Record<string, Operation>>)) {
      for (const [method, op] of Object.entries(ops)) {
        const success = Object.entries(op.responses ?? {}).filter(([status]) => /^2\d\d$/.test(status));
        // A route with no response schema gets a bare 200 with no content from the generator.
        const described = success.length > 0 && success.every(([status, r]) => (status === '204' ? !r.content : !!r.content));
        if (!described) undocumented.push(`${method.toUpperCase()} ${path}`);
      }
    }
    expect(undocumented).toEqual([]);
  });

  it('documents images by their content types, live progress as an event stream, and 204s as no content', async () => {
    const doc = (await t.app.inject('/docs/json')).json();
    const image = doc.paths['/api/analyses/{id}/images/{variant}'].get.responses['200'];
    expect(Object.keys(image.content).sort()).toEqual(['image/jpeg', 'image/png', 'image/webp']);
    expect(image.content['image/jpeg'].schema).toMatchObject({ type: 'string', format: 'binary' });
    expect(Object.keys(doc.paths['/api/analyses/{id}/events'].get.responses['200'].content)).toEqual(['text/event-stream']);
    expect(doc.paths['/api/auth/sign-out'].post.responses['204'].description).toBe('No content');
  });
});
