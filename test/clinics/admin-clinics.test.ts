import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClinic, createUser, PASSWORD, signInAs } from '../support/factories.ts';
import { HttpClient } from '../support/http-client.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

let t: TestApp;
let admin: HttpClient;
beforeAll(async () => {
  t = await startTestApp();
  admin = await signInAs(t, await createUser(t, null, 'super_admin'));
});
afterAll(() => t.stop());

const token = () => randomBytes(4).toString('hex');

const newClinicBody = (overrides: Record<string, unknown> = {}) => {
  const id = token();
  return {
    slug: `new-${id}`,
    name: `New Clinic ${id}`,
    tier: 'starter',
    timeZone: 'Asia/Bangkok',
    locale: 'en',
    owner: { email: `owner-${id}@example.test`, fullName: 'Ploy Owner', password: 'owner password 123' },
    ...overrides,
  };
};

async function auditActions(
  targetId: string,
): Promise<{ action: string; actor_role: string | null; metadata: Record<string, unknown> }[]> {
  const { rows } = await t.db.owner.query(
    'SELECT action, actor_role, metadata FROM audit_logs WHERE target_id = $1 ORDER BY id',
    [targetId],
  );
  return rows;
}

describe('creating clinics', () => {
  it('a super admin creates a trial clinic with its owner, who can sign in at once', async () => {
    const body = newClinicBody();
    const res = await admin.post('/api/admin/clinics', body);
    expect(res.status).toBe(201);
    expect(res.body.clinic).toMatchObject({
      slug: body.slug,
      name: body.name,
      tier: 'starter',
      status: 'trial',
      isActive: true,
      timeZone: 'Asia/Bangkok',
      locale: 'en',
    });
    expect(res.body.clinic.limits).toMatchObject({ tier: 'starter', maxUsers: 5 });
    expect(res.body.clinic.usage).toEqual({ activeUsers: 1 });

    const owner = await new HttpClient(t.app).post('/api/auth/sign-in', {
      email: body.owner.email,
      password: body.owner.password,
    });
    expect(owner.status).toBe(200);
    expect(owner.body.user).toMatchObject({
      id: res.body.ownerId,
      role: 'clinic_owner',
      clinicId: res.body.clinic.id,
      locale: 'en',
    });

    const audit = await auditActions(res.body.clinic.id);
    expect(audit.map((a) => a.action)).toEqual(['clinic.create']);
    expect(audit[0]!.actor_role).toBe('super_admin');
  });

  it('a taken slug gets 409 slug-taken and a taken email 409 email-taken, and nothing is half-written', async () => {
    const existing = await createClinic(t);
    const taken = await admin.post('/api/admin/clinics', newClinicBody({ slug: existing.slug }));
    expect([taken.status, taken.body.type]).toEqual([409, '/problems/slug-taken']);

    const member = await createUser(t, existing.id, 'receptionist');
    const body = newClinicBody({
      owner: { email: member.email.toUpperCase(), fullName: 'Someone', password: 'owner password 123' },
    });
    const emailTaken = await admin.post('/api/admin/clinics', body);
    expect([emailTaken.status, emailTaken.body.type]).toEqual([409, '/problems/email-taken']);
    const { rowCount } = await t.db.owner.query('SELECT 1 FROM clinics WHERE slug = $1', [body.slug]);
    expect(rowCount).toBe(0);
  });

  it('an unknown time zone, a bad slug or a short password gets 400 naming each field', async () => {
    const res = await admin.post(
      '/api/admin/clinics',
      newClinicBody({
        slug: '-bad slug-',
        timeZone: 'Mars/Olympus_Mons',
        owner: { email: 'x@example.test', fullName: 'X', password: 'short' },
      }),
    );
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: { path: string }) => e.path).sort()).toEqual([
      'body.owner.password',
      'body.slug',
      'body.timeZone',
    ]);
    const utc = await admin.post('/api/admin/clinics', newClinicBody({ timeZone: 'UTC' }));
    expect(utc.status).toBe(201);
  });
});

describe('listing clinics', () => {
  it('filters by status, tier and a case-insensitive search on name or slug, with per-clinic counts', async () => {
    const tag = token();
    const a = await createClinic(t, { slug: `list-${tag}-a` });
    const b = await createClinic(t, { slug: `list-${tag}-b`, tier: 'professional' });
    const c = await createClinic(t, { slug: `list-${tag}-c`, tier: 'professional', status: 'suspended' });
    await createUser(t, a.id, 'clinic_owner');
    await createUser(t, a.id, 'receptionist');
    await createUser(t, a.id, 'clinic_staff', { disabled: true });
    await createUser(t, a.id, 'customer');
    await createUser(t, a.id, 'customer');
    await createUser(t, a.id, 'customer');
    await createUser(t, b.id, 'customer');

    const all = await admin.get(`/api/admin/clinics?q=${tag.toUpperCase()}`);
    expect(all.status).toBe(200);
    expect(all.body.items.map((i: { id: string }) => i.id)).toEqual([c.id, b.id, a.id]);
    const byId = Object.fromEntries(all.body.items.map((i: { id: string }) => [i.id, i]));
    expect(byId[a.id]).toMatchObject({
      activeStaffCount: 2,
      customerCount: 3,
      tier: 'starter',
      status: 'active',
      isActive: true,
    });
    expect(byId[b.id]).toMatchObject({ activeStaffCount: 0, customerCount: 1 });
    expect(byId[c.id]).toMatchObject({ isActive: false, status: 'suspended' });

    const professional = await admin.get(`/api/admin/clinics?q=${tag}&tier=professional`);
    expect(professional.body.items.map((i: { id: string }) => i.id)).toEqual([c.id, b.id]);
    const suspended = await admin.get(`/api/admin/clinics?q=${tag}&status=suspended`);
    expect(suspended.body.items.map((i: { id: string }) => i.id)).toEqual([c.id]);

    const byName = await admin.get(`/api/admin/clinics?q=${encodeURIComponent(`clinic list-${tag}-b`)}`);
    expect(byName.body.items.map((i: { id: string }) => i.id)).toEqual([b.id]);
  });

  it('a search for % or _ matches those characters literally', async () => {
    const res = await admin.get('/api/admin/clinics?q=%25');
    expect(res.status).toBe(200);
    expect(res.body.items).toEqual([]);
  });

  it('pages through every clinic once, newest first, even when several share a millisecond', async () => {
    const tag = token();
    const created = [];
    for (let i = 0; i < 7; i++) created.push(await createClinic(t, { slug: `page-${tag}-${i}` }));
    // Four clinics created within one millisecond (at different microseconds): a page boundary among
    // them must neither skip nor repeat one.
    const at = [
      '2020-01-03T00:00:00Z',
      '2020-01-04T00:00:00Z',
      '2020-01-01T00:00:00.123456Z',
      '2020-01-01T00:00:00.123456Z',
      '2020-01-01T00:00:00.123789Z',
      '2020-01-01T00:00:00.123001Z',
      '2020-01-05T00:00:00Z',
    ];
    for (const [i, c] of created.entries())
      await t.db.owner.query('UPDATE clinics SET created_at = $2 WHERE id = $1', [c.id, at[i]]);
    const sameMillisecond = created
      .slice(2, 6)
      .map((c) => c.id)
      .sort()
      .reverse();
    const expected = [created[6]!.id, created[1]!.id, created[0]!.id, ...sameMillisecond];

    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res: { status: number; body: { items: { id: string }[]; nextCursor: string | null } } = await admin.get(
        `/api/admin/clinics?q=page-${tag}&limit=2${cursor ? `&cursor=${cursor}` : ''}`,
      );
      expect(res.status).toBe(200);
      seen.push(...res.body.items.map((i) => i.id));
      cursor = res.body.nextCursor;
      pages++;
    } while (cursor && pages < 10);
    expect(seen).toEqual(expected);
    expect(pages).toBe(4);
  });

  it('a malformed cursor gets 400', async () => {
    const res = await admin.get('/api/admin/clinics?cursor=not-a-cursor');
    expect([res.status, res.body.type]).toEqual([400, '/problems/validation-failed']);
  });

  it('each list is recorded in the audit log', async () => {
    const before = await t.db.owner.query(`SELECT count(*)::int AS n FROM audit_logs WHERE action = 'clinic.list'`);
    await admin.get('/api/admin/clinics?status=trial');
    const after = await t.db.owner.query(`SELECT count(*)::int AS n FROM audit_logs WHERE action = 'clinic.list'`);
    expect(after.rows[0].n).toBe(before.rows[0].n + 1);
  });
});

describe('plans', () => {
  it("each plan's own limits, in plan order, with null for unlimited, as a clinic without overrides gets them", async () => {
    const res = await admin.get('/api/admin/tiers');
    expect(res.status).toBe(200);
    expect(res.body.items).toEqual([
      { tier: 'starter', maxUsers: 5, monthlyAnalyses: 100, storageBytes: 5 * 1024 ** 3, apiRequestsPerMinute: 300 },
      { tier: 'professional', maxUsers: 20, monthlyAnalyses: 500, storageBytes: 50 * 1024 ** 3, apiRequestsPerMinute: 1500 },
      { tier: 'enterprise', maxUsers: null, monthlyAnalyses: null, storageBytes: 500 * 1024 ** 3, apiRequestsPerMinute: 6000 },
    ]);
  });
});

describe('one clinic', () => {
  it('shows effective limits and active users, and records the view', async () => {
    const clinic = await createClinic(t, { tier: 'professional' });
    await createUser(t, clinic.id, 'clinic_owner');
    await createUser(t, clinic.id, 'clinic_staff');
    await createUser(t, clinic.id, 'customer');
    const res = await admin.get(`/api/admin/clinics/${clinic.id}`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      id: clinic.id,
      tier: 'professional',
      settings: { currency: 'THB' },
      quotaOverrides: {},
      usage: { activeUsers: 2 },
    });
    expect(res.body.limits).toEqual({
      tier: 'professional',
      maxUsers: 20,
      monthlyAnalyses: 500,
      storageBytes: 50 * 1024 ** 3,
      apiRequestsPerMinute: 1500,
    });
    expect((await auditActions(clinic.id)).map((a) => a.action)).toEqual(['clinic.create', 'clinic.view']);
  });

  it('an unknown id gets 404 and a malformed one 400', async () => {
    expect((await admin.get('/api/admin/clinics/00000000-0000-4000-8000-000000000000')).status).toBe(404);
    expect((await admin.get('/api/admin/clinics/nope')).status).toBe(400);
  });
});

describe('changing clinics', () => {
  it('tier, status and other changes each get their own audit entry with from and to', async () => {
    const clinic = await createClinic(t);
    const res = await admin.patch(`/api/admin/clinics/${clinic.id}`, {
      tier: 'enterprise',
      status: 'trial',
      name: 'Renamed Clinic',
      quotaOverrides: { monthly_analyses: 42, storage_bytes: null },
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      tier: 'enterprise',
      status: 'trial',
      name: 'Renamed Clinic',
      quotaOverrides: { monthly_analyses: 42, storage_bytes: null },
    });
    expect(res.body.limits).toEqual({
      tier: 'enterprise',
      maxUsers: null,
      monthlyAnalyses: 42,
      storageBytes: null,
      apiRequestsPerMinute: 6000,
    });

    const audit = await auditActions(clinic.id);
    expect(audit.map((a) => a.action)).toEqual(['clinic.create', 'clinic.tier_change', 'clinic.status_change', 'clinic.update']);
    expect(audit[1]!.metadata).toEqual({ from: 'starter', to: 'enterprise' });
    expect(audit[2]!.metadata).toEqual({ from: 'active', to: 'trial' });
    expect(audit[3]!.metadata).toMatchObject({ name: { from: `Clinic ${clinic.slug}`, to: 'Renamed Clinic' } });

    // The overrides object replaces the previous one: a key left out follows the tier again.
    const cleared = await admin.patch(`/api/admin/clinics/${clinic.id}`, { quotaOverrides: { max_users: 3 } });
    expect(cleared.body.limits).toMatchObject({ maxUsers: 3, monthlyAnalyses: null, storageBytes: 500 * 1024 ** 3 });
  });

  it('a change to the same values writes no audit entry', async () => {
    const clinic = await createClinic(t);
    const res = await admin.patch(`/api/admin/clinics/${clinic.id}`, { tier: 'starter', status: 'active' });
    expect(res.status).toBe(200);
    expect((await auditActions(clinic.id)).map((a) => a.action)).toEqual(['clinic.create']);
  });

  it('an unknown quota key, a null request rate or an empty change gets 400; an unknown clinic 404', async () => {
    const clinic = await createClinic(t);
    expect((await admin.patch(`/api/admin/clinics/${clinic.id}`, { quotaOverrides: { seats: 3 } })).status).toBe(400);
    expect(
      (await admin.patch(`/api/admin/clinics/${clinic.id}`, { quotaOverrides: { api_requests_per_minute: null } })).status,
    ).toBe(400);
    expect((await admin.patch(`/api/admin/clinics/${clinic.id}`, {})).status).toBe(400);
    expect((await admin.patch('/api/admin/clinics/00000000-0000-4000-8000-000000000000', { name: 'x' })).status).toBe(404);
  });
});

describe('suspending clinics', () => {
  it("suspension ends the clinic's sessions and blocks sign-in; reactivation lets its users back in", async () => {
    const clinic = await createClinic(t);
    const owner = await createUser(t, clinic.id, 'clinic_owner');
    const customer = await createUser(t, clinic.id, 'customer');
    const ownerSession = await signInAs(t, owner);
    const customerSession = await signInAs(t, customer);
    expect((await ownerSession.get('/api/me')).status).toBe(200);

    const suspended = await admin.post(`/api/admin/clinics/${clinic.id}/suspend`);
    expect(suspended.status).toBe(200);
    expect(suspended.body).toMatchObject({ status: 'suspended', isActive: false });

    expect((await ownerSession.get('/api/me')).status).toBe(401);
    expect((await customerSession.get('/api/clinic')).status).toBe(401);
    const signIn = await new HttpClient(t.app).post('/api/auth/sign-in', { email: owner.email, password: PASSWORD });
    expect([signIn.status, signIn.body.type]).toEqual([403, '/problems/clinic-suspended']);

    const reactivated = await admin.post(`/api/admin/clinics/${clinic.id}/reactivate`);
    expect(reactivated.body).toMatchObject({ status: 'active', isActive: true });
    const again = await signInAs(t, owner);
    expect((await again.get('/api/clinic')).body.status).toBe('active');

    const audit = await auditActions(clinic.id);
    expect(audit.filter((a) => a.action === 'clinic.status_change').map((a) => a.metadata)).toEqual([
      { from: 'active', to: 'suspended' },
      { from: 'suspended', to: 'active' },
    ]);
  });

  it('a customer cannot sign up into a suspended clinic, even one looked up just before', async () => {
    const clinic = await createClinic(t);
    const signUp = (email: string) =>
      new HttpClient(t.app).post('/api/auth/sign-up', {
        clinicSlug: clinic.slug,
        email,
        password: 'a long enough password',
        fullName: 'Mali Customer',
      });
    expect((await signUp(`first-${token()}@example.test`)).status).toBe(202);
    await admin.post(`/api/admin/clinics/${clinic.id}/suspend`);
    const res = await signUp(`second-${token()}@example.test`);
    expect([res.status, res.body.type]).toEqual([404, '/problems/not-found']);
  });
});

describe('who may use the admin routes', () => {
  it('clinic roles get 403 and anonymous callers 401 on every admin clinic route', async () => {
    const clinic = await createClinic(t);
    const other = await createClinic(t);
    const owner = await signInAs(t, await createUser(t, clinic.id, 'clinic_owner'));
    const customer = await signInAs(t, await createUser(t, clinic.id, 'customer'));
    const anonymous = new HttpClient(t.app);
    for (const [client, status] of [
      [owner, 403],
      [customer, 403],
      [anonymous, 401],
    ] as const) {
      expect((await client.get('/api/admin/clinics')).status).toBe(status);
      expect((await client.post('/api/admin/clinics', newClinicBody())).status).toBe(status);
      expect((await client.get(`/api/admin/clinics/${other.id}`)).status).toBe(status);
      expect((await client.patch(`/api/admin/clinics/${other.id}`, { name: 'Taken over' })).status).toBe(status);
      expect((await client.post(`/api/admin/clinics/${other.id}/suspend`)).status).toBe(status);
      expect((await client.post(`/api/admin/clinics/${other.id}/reactivate`)).status).toBe(status);
    }
    const { rows } = await t.db.owner.query('SELECT name, status FROM clinics WHERE id = $1', [other.id]);
    expect(rows[0]).toEqual({ name: `Clinic ${other.slug}`, status: 'active' });
  });
});
