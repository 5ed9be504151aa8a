import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scrubEvent } from '../../src/errors/error-tracking.ts';
import { startFakeSentryServer, type FakeSentryServer } from '../support/fake-sentry-server.ts';
import { createTestDatabase, TEST_APP_PASSWORD, type TestDatabase } from '../support/test-database.ts';
import { stopProcess } from '../support/worker-process.ts';

interface ApiProcess {
  child: ChildProcess;
  url: string;
  /** Every module URL the process resolved, once it has exited. */
  importedModules(): Promise<string[]>;
  output(): string;
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'bwai-error-tracking-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

// tsx to run TypeScript, then the test's own probes: which modules load, and a way to raise an unhandled error.
const LOADERS = [
  '--import',
  'tsx',
  '--import',
  './test/support/record-imports.mjs',
  '--import',
  './test/support/raise-on-signal.mjs',
];

/** `src/main.ts api` as an operator runs it, recording the modules it loads. */
async function startApiProcess(database: TestDatabase, env: Record<string, string>): Promise<ApiProcess> {
  const importsFile = join(dir, `imports-${Math.random().toString(36).slice(2)}.txt`);
  const child = spawn(process.execPath, [...LOADERS, 'src/main.ts', 'api'], {
    env: {
      ...process.env,
      NODE_ENV: 'test',
      LOG_LEVEL: 'warn',
      PORT: '0',
      DEMO_DATA: 'off',
      DATABASE_URL: database.ownerUrl,
      DATABASE_APP_PASSWORD: TEST_APP_PASSWORD,
      STORAGE_DIR: join(dir, 'storage'),
      RECORD_IMPORTS_TO: importsFile,
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /running at (http:\/\/\S+)/.exec(output);
      if (match) resolve(match[1]!);
    });
    child.once('exit', (code) => reject(new Error(`the API exited with ${code} before listening:\n${output}`)));
  });
  return {
    child,
    url,
    output: () => output,
    async importedModules() {
      if (child.exitCode === null && child.signalCode === null) await once(child, 'exit');
      return (await readFile(importsFile, 'utf8')).split('\n').filter(Boolean);
    },
  };
}

/**
 * A sign-in whose database function has gone away: a real 500 from the unchanged app, sent with what
 * must never reach Sentry (a session cookie, an email in the body and in the query string).
 */
async function signInWhileTheDatabaseIsBroken(api: ApiProcess, database: TestDatabase) {
  const csrf = await fetch(`${api.url}/api/auth/csrf`);
  const csrfCookie = csrf.headers.getSetCookie().map((c) => c.split(';')[0]!);
  const { token } = (await csrf.json()) as { token: string };
  const owner = new pg.Client({ connectionString: database.ownerUrl });
  await owner.connect();
  await owner.query('ALTER FUNCTION auth_account_by_email RENAME TO auth_account_by_email_gone');
  await owner.end();
  const res = await fetch(`${api.url}/api/auth/sign-in?hint=${encodeURIComponent(SECRET_EMAIL)}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-csrf-token': token,
      'x-request-id': 'req-error-tracking-0001',
      cookie: [...csrfCookie, `bwai_session=${SESSION_SECRET}`].join('; '),
    },
    body: JSON.stringify({ email: SECRET_EMAIL, password: PASSWORD }),
  });
  return { status: res.status, body: (await res.json()) as { requestId: string; status: number } };
}

const SECRET_EMAIL = 'nok.wattana@example.com';
const SESSION_SECRET = 'session-value-that-must-stay-private';
const PASSWORD = 'correct horse battery staple';

// Each test starts the API as its own process: seconds each on a loaded machine.
describe('error tracking', { timeout: 90_000 }, () => {
  let sentry: FakeSentryServer;
  beforeAll(async () => {
    sentry = await startFakeSentryServer();
  });
  afterAll(() => sentry.close());

  it('a 5xx reaches Sentry once, with its request id, route and release, and without cookie, body or email', async () => {
    const database = await createTestDatabase();
    try {
      const api = await startApiProcess(database, { SENTRY_DSN: sentry.dsn, SENTRY_RELEASE: 'bwai@test-1' });
      const answer = await signInWhileTheDatabaseIsBroken(api, database);
      expect(answer).toMatchObject({ status: 500, body: { status: 500, requestId: 'req-error-tracking-0001' } });

      // SIGTERM's shutdown flushes what is queued before the process exits.
      await stopProcess(api.child);
      expect(api.child.exitCode, api.output()).toBe(0);
      expect(
        sentry.requests.every((r) => r.url.startsWith('/api/1/envelope/')),
        JSON.stringify(sentry.requests),
      ).toBe(true);
      const events = sentry.items('event');
      expect(events, JSON.stringify(sentry.requests)).toHaveLength(1);
      const event = events[0]!.payload as {
        tags: Record<string, string>;
        release: string;
        environment: string;
        exception: { values: { type: string; value: string }[] };
        request?: unknown;
        user?: unknown;
      };
      expect(event.tags).toMatchObject({
        request_id: 'req-error-tracking-0001',
        route: '/api/auth/sign-in',
        method: 'POST',
        status: 500,
        problem: 'internal-error',
      });
      expect(event).toMatchObject({ release: 'bwai@test-1', environment: 'test' });
      expect(event.exception.values.at(-1)!.value).toMatch(/auth_account_by_email/);
      expect(event.request).toBeUndefined();
      expect(event.user).toBeUndefined();
      for (const envelope of sentry.envelopes) {
        for (const item of envelope.items) {
          for (const secret of [SECRET_EMAIL, SESSION_SECRET, PASSWORD, 'x-csrf-token', '_csrf', 'hint=']) {
            expect(item.raw).not.toContain(secret);
          }
        }
      }
      expect(await api.importedModules()).toContainEqual(expect.stringContaining('/node_modules/@sentry/node/'));
    } finally {
      await database.drop();
    }
  });

  it.each([
    ['exception', 'an error nobody caught', 'auto.node.onuncaughtexception'],
    ['rejection', 'a promise nobody handled', 'auto.node.onunhandledrejection'],
  ])('an unhandled %s is sent before the process exits with 1, as it would without Sentry', async (kind, message, mechanism) => {
    const database = await createTestDatabase();
    try {
      const before = sentry.items('event').length;
      const api = await startApiProcess(database, { SENTRY_DSN: sentry.dsn, RAISE_ON_SIGUSR2: kind });
      api.child.kill('SIGUSR2');
      if (api.child.exitCode === null) await once(api.child, 'exit');
      expect(api.child.exitCode, api.output()).toBe(1);
      const events = sentry.items('event').slice(before);
      expect(events).toHaveLength(1);
      // Without SENTRY_RELEASE or RELEASE, the release is the package's version.
      const { version } = JSON.parse(await readFile('package.json', 'utf8')) as { version: string };
      expect(events[0]!.payload).toMatchObject({
        release: `beauty-with-ai-precision@${version}`,
        level: 'fatal',
        exception: { values: [{ value: message, mechanism: { type: mechanism, handled: false } }] },
      });
    } finally {
      await database.drop();
    }
  });

  it('without SENTRY_DSN nothing of @sentry/node is loaded, and a 5xx is still answered', async () => {
    const database = await createTestDatabase();
    try {
      const received = sentry.requests.length;
      const api = await startApiProcess(database, {});
      const answer = await signInWhileTheDatabaseIsBroken(api, database);
      expect(answer.status).toBe(500);
      await stopProcess(api.child);
      const modules = await api.importedModules();
      expect(modules).toContainEqual(expect.stringContaining('/src/http/problem-handler.ts'));
      expect(modules.filter((m) => m.includes('/@sentry/'))).toEqual([]);
      expect(sentry.requests.length).toBe(received);
    } finally {
      await database.drop();
    }
  });
});

describe('the last scrub before an event leaves', () => {
  it('drops request, user, breadcrumbs and extras, and masks an email quoted in an error message', () => {
    const event = scrubEvent({
      type: undefined,
      message: `no account for ${SECRET_EMAIL}`,
      exception: { values: [{ type: 'DatabaseError', value: `Key (email)=(${SECRET_EMAIL}) already exists.` }] },
      request: { cookies: { bwai_session: SESSION_SECRET }, data: { password: PASSWORD } },
      user: { email: SECRET_EMAIL },
      breadcrumbs: [{ message: SECRET_EMAIL }],
      extra: { body: PASSWORD },
    });
    expect(event).toEqual({
      type: undefined,
      message: 'no account for [email]',
      exception: { values: [{ type: 'DatabaseError', value: 'Key (email)=([email]) already exists.' }] },
    });
  });
});
