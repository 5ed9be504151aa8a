import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withTenant } from '../../src/db/tenant-transaction.ts';
import { createClinic, createUser, signInAs, type TestClinic } from '../support/factories.ts';
import { HttpClient } from '../support/http-client.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.stop());

interface Entry {
  id: string;
  createdAt: string;
  clinicId: string | null;
  actorUserId: string | null;
  action: string;
}

async function walk(client: HttpClient, path: string, limit: number): Promise<Entry[]> {
  const seen: Entry[] = [];
  let cursor: string | null = null;
  for (let pages = 0; pages < 100; pages++) {
    const sep = path.includes('?') ? '&' : '?';
    const res = await client.get(`${path}${sep}limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`);
    expect(res.status).toBe(200);
    expect(res.body.items.length).toBeLessThanOrEqual(limit);
    seen.push(...res.body.items);
    cursor = res.body.nextCursor;
    if (!cursor) return seen;
  }
  throw new Error('pagination did not end');
}

/** A clinic with an owner and a receptionist whose sign-in, failed sign-in and sign-out-everywhere are logged. */
async function clinicWithHistory(): Promise<{ clinic: TestClinic; owner: HttpClient; ownerId: string; receptionistId: string }> {
  const clinic = await createClinic(t);
  const receptionist = await createUser(t, clinic.id, 'receptionist');
  const desk = await signInAs(t, receptionist);
  const failed = await new HttpClient(t.app, '10.20.0.1').post('/api/auth/sign-in', {
    email: receptionist.email,
    password: 'not the password',
  });
  expect(failed.status).toBe(401);
  expect((await desk.post('/api/auth/sign-out-everywhere')).status).toBe(200);
  const ownerUser = await createUser(t, clinic.id, 'clinic_owner');
  const owner = await signInAs(t, ownerUser);
  return { clinic, owner, ownerId: ownerUser.id, receptionistId: receptionist.id };
}

describe('clinic audit log', () => {
  it("an owner sees the clinic's sign-ins, failed sign-ins and sign-outs, newest first", async () => {
    const { clinic, owner, ownerId, receptionistId } = await clinicWithHistory();
    // Only the auth entries: creating the clinic writes entries of its own.
    const res = await owner.get('/api/audit-logs?action=auth.');
    expect(res.status).toBe(200);
    expect(res.body.items.map((e: Entry) => [e.action, e.actorUserId])).toEqual([
      ['auth.sign_in', ownerId],
      ['auth.sign_out_everywhere', receptionistId],
      ['auth.sign_in_failed', null],
      ['auth.sign_in', receptionistId],
    ]);
    expect(res.body.items.every((e: Entry) => e.clinicId === clinic.id)).toBe(true);
    expect(res.body.items[2]).toMatchObject({
      targetId: receptionistId,
      ip: '10.20.0.1',
      metadata: { reason: 'wrong-password' },
    });
    expect(res.body.nextCursor).toBeNull();
  });

  it('pages walk every entry once, including entries written in the same millisecond', async () => {
    const { clinic, owner } = await clinicWithHistory();
    // Microseconds apart inside one millisecond, and several in one transaction (same timestamp).
    await t.db.owner.query(
      `INSERT INTO audit_logs (created_at, clinic_id, action)
       SELECT date_trunc('milliseconds', now()) - interval '1 minute' + make_interval(secs => (i % 4) / 1000000.0), $1, 'test.burst'
       FROM generate_series(1, 11) AS i`,
      [clinic.id],
    );
    const all = await walk(owner, '/api/audit-logs', 3);
    const { rows } = await t.db.owner.query<{ id: string }>(
      'SELECT id FROM audit_logs WHERE clinic_id = $1 ORDER BY created_at DESC, id DESC',
      [clinic.id],
    );
    expect(all.map((e) => e.id)).toEqual(rows.map((r) => r.id));
    expect(new Set(all.map((e) => e.id)).size).toBe(all.length);
  });

  it('filters by exact action, by action prefix, by actor and by time', async () => {
    const { owner, receptionistId } = await clinicWithHistory();
    const exact = await owner.get('/api/audit-logs?action=auth.sign_in');
    expect(exact.body.items.map((e: Entry) => e.action)).toEqual(['auth.sign_in', 'auth.sign_in']);
    const prefix = await owner.get('/api/audit-logs?action=auth.');
    expect(prefix.body.items).toHaveLength(4);
    const byActor = await owner.get(`/api/audit-logs?actorUserId=${receptionistId}`);
    expect(byActor.body.items.map((e: Entry) => e.action)).toEqual(['auth.sign_out_everywhere', 'auth.sign_in']);
    const future = await owner.get(
      `/api/audit-logs?since=${new Date(Date.now() + 3600_000).toISOString()}&until=${new Date(Date.now() + 7200_000).toISOString()}`,
    );
    expect(future.body.items).toEqual([]);
  });

  it('a window longer than a year, or one that ends before it starts, is a 400', async () => {
    const { owner } = await clinicWithHistory();
    const long = await owner.get('/api/audit-logs?since=2020-01-01T00:00:00Z&until=2022-01-01T00:00:00Z');
    expect([long.status, long.body.type]).toEqual([400, '/problems/validation-failed']);
    const reversed = await owner.get('/api/audit-logs?since=2024-02-01T00:00:00Z&until=2024-01-01T00:00:00Z');
    expect(reversed.status).toBe(400);
  });

  it("an owner never sees another clinic's entries, even by asking for its users", async () => {
    const mine = await clinicWithHistory();
    const theirs = await clinicWithHistory();
    const all = await walk(mine.owner, '/api/audit-logs', 50);
    expect(all.length).toBeGreaterThan(0);
    expect(all.every((e) => e.clinicId === mine.clinic.id)).toBe(true);
    const foreign = await mine.owner.get(`/api/audit-logs?actorUserId=${theirs.receptionistId}`);
    expect(foreign.body.items).toEqual([]);
  });

  it('receptionists and clinic admins get 403, and an owner cannot use the platform route', async () => {
    const { clinic, owner } = await clinicWithHistory();
    for (const role of ['receptionist', 'clinic_admin', 'clinic_staff', 'customer'] as const) {
      const client = await signInAs(t, await createUser(t, clinic.id, role));
      const res = await client.get('/api/audit-logs');
      expect([role, res.status, res.body.type]).toEqual([role, 403, '/problems/forbidden']);
    }
    expect((await owner.get('/api/admin/audit-logs')).status).toBe(403);
    expect((await new HttpClient(t.app).get('/api/audit-logs')).status).toBe(401);
  });
});

describe('append-only', () => {
  it('the application role can neither change nor delete an audit entry, even as the clinic owner', async () => {
    const { clinic, ownerId } = await clinicWithHistory();
    const scope = { clinicId: clinic.id, userId: ownerId, role: 'clinic_owner' as const };
    for (const statement of [
      `UPDATE audit_logs SET action = 'auth.tampered' WHERE clinic_id = $1`,
      'DELETE FROM audit_logs WHERE clinic_id = $1',
    ]) {
      await expect(withTenant(t.db.app, scope, (tx) => tx.query(statement, [clinic.id]))).rejects.toMatchObject({
        code: '42501',
      });
    }
    const { rows } = await t.db.owner.query(
      `SELECT count(*)::int AS n FROM audit_logs WHERE clinic_id = $1 AND action LIKE 'auth.%'`,
      [clinic.id],
    );
    expect(rows[0].n).toBe(4);
  });
});

describe('platform audit log', () => {
  it('a super admin filters by clinic, and the clinic owner sees that the platform looked', async () => {
    const a = await clinicWithHistory();
    const b = await clinicWithHistory();
    const admin = await signInAs(t, await createUser(t, null, 'super_admin'));
    const onlyA = await walk(admin, `/api/admin/audit-logs?clinicId=${a.clinic.id}&action=auth.`, 2);
    expect(onlyA.map((e) => e.action)).toEqual([
      'auth.sign_in',
      'auth.sign_out_everywhere',
      'auth.sign_in_failed',
      'auth.sign_in',
    ]);
    expect(onlyA.every((e) => e.clinicId === a.clinic.id)).toBe(true);

    const everywhere = await walk(admin, '/api/admin/audit-logs?action=auth.sign_out_everywhere', 100);
    const clinics = new Set(everywhere.map((e) => e.clinicId));
    expect(clinics.has(a.clinic.id) && clinics.has(b.clinic.id)).toBe(true);

    const seenByOwner = await a.owner.get('/api/audit-logs?action=audit.');
    expect(seenByOwner.body.items.map((e: Entry) => e.action)).toContain('audit.platform_read');
    const seenByOther = await b.owner.get('/api/audit-logs?action=audit.');
    expect(seenByOther.body.items).toEqual([]);
  });
});
