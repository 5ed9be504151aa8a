import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { PUBLISHED_DEMO_PASSWORD } from '../../src/demo/demo-data.ts';
import { platformAdminCheck } from '../../src/users/platform-admins.ts';
import { createUser, signInAs } from '../support/factories.ts';
import { HttpClient } from '../support/http-client.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

let t: TestApp;
let n = 0;

// Each case starts the command as a process of its own.
vi.setConfig({ testTimeout: 60_000 });

beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.stop());

const STRONG = 'Orchid-lantern 42 river';
const uniqueEmail = () => `operator-${Date.now()}-${++n}@example.test`;

/** `npm run create-admin` as an operator's script runs it: arguments, and the password on standard input. */
function createAdmin(args: string[], stdin: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'src/users/create-admin-command.ts', '--database-url', t.database.ownerUrl, ...args],
      { env: { ...process.env, NODE_ENV: 'test', LOG_LEVEL: 'silent' }, stdio: ['pipe', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(stdin);
  });
}

const signIn = (email: string, password: string) => new HttpClient(t.app).post('/api/auth/sign-in', { email, password });

describe('npm run create-admin', () => {
  it('creates a super admin who signs in with the password given, and audits it', async () => {
    const email = uniqueEmail();
    const run = await createAdmin(['--email', email, '--name', 'Platform Operator'], `${STRONG}\n`);
    expect(run.stdout, run.stderr).toContain(`Super admin ${email} created`);
    expect(run.code).toBe(0);
    const res = await signIn(email, STRONG);
    expect([res.status, res.body.user.role, res.body.user.clinicId]).toEqual([200, 'super_admin', null]);
    const { rows } = await t.db.owner.query(
      `SELECT action FROM audit_logs WHERE target_id = $1 AND action = 'platform.super_admin_create'`,
      [res.body.user.id],
    );
    expect(rows).toHaveLength(1);
  });

  it('takes the email and name from standard input too, in that order', async () => {
    const email = uniqueEmail();
    const run = await createAdmin([], `${email}\nSecond Operator\n${STRONG}\n`);
    expect(run.code, run.stderr).toBe(0);
    expect((await signIn(email, STRONG)).body.user.fullName).toBe('Second Operator');
  });

  it.each([
    ['short', 'at least 10 characters'],
    [PUBLISHED_DEMO_PASSWORD, 'published demo password'],
    ['{name} is my secret', 'contains the email address'],
    ['abababababab', 'fewer than 6 different characters'],
  ])('refuses the weak password %s (%s) and creates nobody', async (password, reason) => {
    const email = uniqueEmail();
    const run = await createAdmin(
      ['--email', email, '--name', 'Weak Operator'],
      `${password.replace('{name}', email.split('@')[0]!)}\n`,
    );
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(reason);
    const { rowCount } = await t.db.owner.query('SELECT 1 FROM users WHERE email = $1', [email]);
    expect(rowCount).toBe(0);
  });

  it('refuses an address that already has an account', async () => {
    const existing = await createUser(t, null, 'super_admin');
    const run = await createAdmin(['--email', existing.email, '--name', 'Again'], `${STRONG}\n`);
    expect([run.code, run.stderr.trim()]).toEqual([1, `refused: ${existing.email} already has an account`]);
  });

  it('--reset sets a new password for a super admin and ends their sessions', async () => {
    const admin = await createUser(t, null, 'super_admin');
    const signedIn = await signInAs(t, admin);
    const run = await createAdmin(['--reset', '--email', admin.email], `${STRONG}\n`);
    expect(run.code, run.stderr).toBe(0);
    expect((await signedIn.get('/api/me')).status).toBe(401);
    expect((await signIn(admin.email, STRONG)).status).toBe(200);
  });

  it('--reset refuses an address that is not a super admin', async () => {
    const run = await createAdmin(['--reset', '--email', uniqueEmail()], `${STRONG}\n`);
    expect([run.code, run.stderr.trim()]).toMatchObject([1, expect.stringContaining('is not a super admin')]);
  });
});

describe('production start', () => {
  it('finds a super admin who still has the published demo password', async () => {
    const before = await platformAdminCheck(t.db.owner);
    const demo = await createUser(t, null, 'super_admin');
    await t.db.owner.query('UPDATE users SET password_hash = $2 WHERE id = $1', [
      demo.id,
      await import('../../src/auth/passwords.ts').then((p) => p.hashPassword(PUBLISHED_DEMO_PASSWORD)),
    ]);
    const after = await platformAdminCheck(t.db.owner);
    expect(before.publishedPassword).not.toContain(demo.email);
    expect(after).toMatchObject({ none: false, publishedPassword: expect.arrayContaining([demo.email]) });
  });
});
