import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/test-app.ts';

const SHELL =
  '<!doctype html><html><head><script type="module" src="/assets/app-1a2b3c.js"></script></head><body><div id="root"></div></body></html>';

describe('serving the web app', () => {
  let t: TestApp;
  let dist: string;

  beforeAll(async () => {
    dist = await mkdtemp(join(tmpdir(), 'bwai-web-'));
    await mkdir(join(dist, 'assets'));
    await writeFile(join(dist, 'index.html'), SHELL);
    await writeFile(join(dist, 'assets', 'app-1a2b3c.js'), 'console.log(1)');
    t = await startTestApp({ WEB_DIST_DIR: dist });
  });
  afterAll(async () => {
    await t?.stop();
    await rm(dist, { recursive: true, force: true });
  });

  it('the root and any deep link get the app shell, never cached, under the security headers', async () => {
    for (const url of ['/', '/analyses/0b5d7a3e-0000-4000-8000-000000000000', '/admin/analytics?from=2026-01-01']) {
      const res = await t.app.inject(url);
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toMatch(/^text\/html/);
      expect(res.body).toBe(SHELL);
      expect(res.headers['cache-control']).toBe('no-cache');
      expect(res.headers['content-security-policy']).toContain("script-src 'self'");
      expect(res.headers['x-content-type-options']).toBe('nosniff');
    }
  });

  it('hashed assets are cached for a year as immutable', async () => {
    const res = await t.app.inject('/assets/app-1a2b3c.js');
    expect(res.statusCode).toBe(200);
    expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable');
  });

  it('a missing asset is a 404, not the app shell', async () => {
    const res = await t.app.inject('/assets/app-gone.js');
    expect(res.statusCode).toBe(404);
    expect(res.body).not.toContain('<div id="root">');
  });

  it('an unknown API path stays a problem+json 404, never the HTML shell', async () => {
    for (const url of ['/api', '/api/no-such-thing', '/api/analyses/x/y/z']) {
      const res = await t.app.inject(url);
      expect(res.statusCode).toBe(404);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.json()).toMatchObject({ type: '/problems/route-not-found' });
    }
  });

  it('a write to a page path is not answered with the shell', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/analyses' });
    expect(res.statusCode).toBe(404);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  });
});

describe('without a built web app', () => {
  it('the API still runs and / is a problem 404', async () => {
    const t = await startTestApp({ WEB_DIST_DIR: join(tmpdir(), 'bwai-no-such-build') });
    try {
      expect((await t.app.inject('/healthz')).statusCode).toBe(200);
      const res = await t.app.inject('/');
      expect(res.statusCode).toBe(404);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    } finally {
      await t.stop();
    }
  });
});
