import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClinic, createUser, PASSWORD, signInAs, type TestUser } from '../support/factories.ts';
import { HttpClient } from '../support/http-client.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.stop());

let n = 0;
const newStaff = (role = 'receptionist', extra: Record<string, unknown> = {}) => ({
  email: `new-staff-${Date.now()}-${++n}@example.test`,
  fullName: `New Staff ${n}`,
  role,
  password: 'an initial password',
  ...extra,
});

async function auditOf(
  targetId: string,
): Promise<{ action: string; actor_user_id: string; metadata: Record<string, unknown> }[]> {
  const { rows } = await t.db.owner.query(
    'SELECT action, actor_user_id, metadata FROM audit_logs WHERE target_id = $1 ORDER BY id',
    [targetId],
  );
  return rows;
}

async function clinicWith(tier = 'starter') {
  const clinic = await createClinic(t, { tier });
  const owner = await createUser(t, clinic.id, 'clinic_owner');
  return { clinic, owner, client: await signInAs(t, owner) };
}

describe('listing and reading staff', () => {
  it('lists the clinic staff page by page, without customers or disabled accounts unless asked', async () => {
    const { clinic, owner, client } = await clinicWith('enterprise');
    const staff: TestUser[] = [owner];
    for (const role of ['clinic_admin', 'clinic_staff', 'clinic_staff', 'receptionist'] as const)
      staff.push(await createUser(t, clinic.id, role));
    const disabled = await createUser(t, clinic.id, 'clinic_staff', { disabled: true });
    await createUser(t, clinic.id, 'customer');
    await createUser(t, (await createClinic(t)).id, 'clinic_staff');

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res: { status: number; body: { items: { id: string }[]; nextCursor: string | null } } = await client.get(
        `/api/staff?limit=2${cursor ? `&cursor=${cursor}` : ''}`,
      );
      expect(res.status).toBe(200);
      expect(res.body.items.length).toBeLessThanOrEqual(2);
      seen.push(...res.body.items.map((u) => u.id));
      cursor = res.body.nextCursor;
    } while (cursor);
    expect(seen.sort()).toEqual(staff.map((u) => u.id).sort());

    const withDisabled = await client.get('/api/staff?includeDisabled=true&limit=100');
    expect(withDisabled.body.items.map((u: { id: string }) => u.id)).toContain(disabled.id);
    const onlyStaff = await client.get('/api/staff?role=clinic_staff&includeDisabled=false');
    expect(onlyStaff.body.items).toHaveLength(2);
    expect(onlyStaff.body.items.every((u: { role: string }) => u.role === 'clinic_staff')).toBe(true);
  });

  it('pages through staff created in the same millisecond without losing anyone', async () => {
    const { clinic, owner, client } = await clinicWith('enterprise');
    const { rows } = await t.db.owner.query<{ id: string }>(
      `INSERT INTO users (clinic_id, email, password_hash, role, full_name, created_at)
       SELECT $1, 'same-ms-' || g || '-' || $2 || '@example.test', 'x', 'clinic_staff', 'Same ms ' || g, '2024-01-01T00:00:00.000123Z'::timestamptz + g * interval '1 microsecond'
       FROM generate_series(1, 7) g RETURNING id`,
      [clinic.id, clinic.slug],
    );
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res: { body: { items: { id: string }[]; nextCursor: string | null } } = await client.get(
        `/api/staff?limit=3${cursor ? `&cursor=${cursor}` : ''}`,
      );
      seen.push(...res.body.items.map((u) => u.id));
      cursor = res.body.nextCursor;
    } while (cursor);
    expect(seen.sort()).toEqual([owner.id, ...rows.map((r) => r.id)].sort());
  });

  it("a customer's account is not a staff member", async () => {
    const { clinic, client } = await clinicWith();
    const customer = await createUser(t, clinic.id, 'customer');
    const res = await client.get(`/api/staff/${customer.id}`);
    expect([res.status, res.body.type]).toEqual([404, '/problems/not-found']);
  });

  it('an admin reads one staff member with role, status and contact fields', async () => {
    const { clinic } = await clinicWith();
    const admin = await createUser(t, clinic.id, 'clinic_admin');
    const member = await createUser(t, clinic.id, 'receptionist');
    const res = await (await signInAs(t, admin)).get(`/api/staff/${member.id}`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      id: member.id,
      email: member.email,
      role: 'receptionist',
      clinicId: clinic.id,
      disabledAt: null,
    });
    expect(res.body).not.toHaveProperty('passwordHash');
  });
});

describe('creating staff', () => {
  it('an owner creates a receptionist who can then sign in with the initial password', async () => {
    const { clinic, owner, client } = await clinicWith();
    const body = newStaff('receptionist', {
      phone: '+66 81 234 5678',
      locale: 'en',
      email: `New.Person-${Date.now()}@Example.test`,
    });
    const res = await client.post('/api/staff', body);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      role: 'receptionist',
      clinicId: clinic.id,
      email: body.email.toLowerCase(),
      phone: '+66 81 234 5678',
      locale: 'en',
    });
    const signIn = await new HttpClient(t.app).post('/api/auth/sign-in', { email: body.email, password: body.password });
    expect(signIn.status).toBe(200);
    expect(await auditOf(res.body.id)).toEqual([
      expect.objectContaining({ action: 'staff.create', actor_user_id: owner.id, metadata: { role: 'receptionist' } }),
      expect.objectContaining({ action: 'auth.sign_in' }),
    ]);
  });

  it('only an owner may create an admin, and nobody creates an owner here', async () => {
    const { clinic, client } = await clinicWith();
    const admin = await createUser(t, clinic.id, 'clinic_admin');
    const asAdmin = await signInAs(t, admin);
    expect((await asAdmin.post('/api/staff', newStaff('clinic_admin'))).status).toBe(403);
    expect((await asAdmin.post('/api/staff', newStaff('clinic_staff'))).status).toBe(201);
    expect((await client.post('/api/staff', newStaff('clinic_admin'))).status).toBe(201);
    const owner = await client.post('/api/staff', newStaff('clinic_owner'));
    expect([owner.status, owner.body.type]).toEqual([400, '/problems/validation-failed']);
  });

  it('an email already registered anywhere gets 409 email-taken', async () => {
    const { client } = await clinicWith();
    const elsewhere = await createUser(t, (await createClinic(t)).id, 'customer');
    const res = await client.post('/api/staff', newStaff('clinic_staff', { email: elsewhere.email.toUpperCase() }));
    expect([res.status, res.body.type]).toEqual([409, '/problems/email-taken']);
  });

  it('a full plan refuses another account with 402 tier-user-limit and the limit; customers and disabled accounts take no seat', async () => {
    const { clinic, client } = await clinicWith('starter');
    for (let i = 0; i < 4; i++) await createUser(t, clinic.id, 'clinic_staff');
    await createUser(t, clinic.id, 'clinic_staff', { disabled: true });
    await createUser(t, clinic.id, 'customer');
    const res = await client.post('/api/staff', newStaff());
    expect(res.status).toBe(402);
    expect(res.body).toMatchObject({ type: '/problems/tier-user-limit', limit: 5, activeUsers: 5 });
    const { rows } = await t.db.owner.query(`SELECT count(*)::int AS n FROM users WHERE clinic_id = $1 AND role <> 'customer'`, [
      clinic.id,
    ]);
    expect(rows[0].n).toBe(6);
  });

  it("a super admin's per-clinic override of the user limit applies", async () => {
    const { clinic, client } = await clinicWith('starter');
    await t.db.owner.query(`UPDATE clinics SET quota_overrides = '{"max_users": 2}' WHERE id = $1`, [clinic.id]);
    expect((await client.post('/api/staff', newStaff())).status).toBe(201);
    const full = await client.post('/api/staff', newStaff());
    expect([full.status, full.body.limit]).toEqual([402, 2]);
  });

  it('several creates racing for the last seat: exactly one gets it', async () => {
    const { clinic, client } = await clinicWith('starter');
    for (let i = 0; i < 3; i++) await createUser(t, clinic.id, 'receptionist');
    const results = await Promise.all(Array.from({ length: 6 }, () => client.post('/api/staff', newStaff())));
    expect(results.map((r) => r.status).sort()).toEqual([201, 402, 402, 402, 402, 402]);
    const { rows } = await t.db.owner.query(
      `SELECT count(*)::int AS n FROM users WHERE clinic_id = $1 AND role <> 'customer' AND disabled_at IS NULL`,
      [clinic.id],
    );
    expect(rows[0].n).toBe(5);
  });
});

describe('changing staff', () => {
  it('an edit is audited as staff.update and a role change as staff.role_change with from and to', async () => {
    const { clinic, owner, client } = await clinicWith();
    const member = await createUser(t, clinic.id, 'clinic_staff');
    const res = await client.patch(`/api/staff/${member.id}`, { fullName: 'Dr. Pim', phone: '021234567', role: 'receptionist' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ fullName: 'Dr. Pim', phone: '021234567', role: 'receptionist' });
    const cleared = await client.patch(`/api/staff/${member.id}`, { phone: null });
    expect(cleared.body.phone).toBeNull();
    expect((await auditOf(member.id)).map((a) => [a.action, a.metadata, a.actor_user_id])).toEqual([
      ['staff.role_change', { from: 'clinic_staff', to: 'receptionist' }, owner.id],
      ['staff.update', { fields: ['fullName', 'phone'] }, owner.id],
      ['staff.update', { fields: ['phone'] }, owner.id],
    ]);
  });

  it('an empty or unknown change is a 400 and changes nothing', async () => {
    const { clinic, client } = await clinicWith();
    const member = await createUser(t, clinic.id, 'clinic_staff');
    expect((await client.patch(`/api/staff/${member.id}`, {})).status).toBe(400);
    expect((await client.patch(`/api/staff/${member.id}`, { email: 'other@example.test' })).status).toBe(400);
    expect((await client.patch(`/api/staff/${member.id}`, { role: 'customer' })).status).toBe(400);
    expect(await auditOf(member.id)).toEqual([]);
  });

  it('an admin manages staff below them but cannot touch an owner or hand out owner or admin', async () => {
    const { clinic, owner } = await clinicWith();
    const admin = await createUser(t, clinic.id, 'clinic_admin');
    const otherAdmin = await createUser(t, clinic.id, 'clinic_admin');
    const member = await createUser(t, clinic.id, 'clinic_staff');
    const asAdmin = await signInAs(t, admin);
    expect((await asAdmin.patch(`/api/staff/${member.id}`, { role: 'receptionist' })).status).toBe(200);
    expect((await asAdmin.patch(`/api/staff/${member.id}`, { role: 'clinic_admin' })).status).toBe(403);
    expect((await asAdmin.patch(`/api/staff/${member.id}`, { role: 'clinic_owner' })).status).toBe(403);
    expect((await asAdmin.patch(`/api/staff/${owner.id}`, { role: 'clinic_staff' })).status).toBe(403);
    expect((await asAdmin.patch(`/api/staff/${owner.id}`, { fullName: 'Renamed' })).status).toBe(403);
    expect((await asAdmin.patch(`/api/staff/${otherAdmin.id}`, { role: 'clinic_staff' })).status).toBe(403);
    expect((await asAdmin.post(`/api/staff/${owner.id}/disable`)).status).toBe(403);
    const self = await asAdmin.patch(`/api/staff/${admin.id}`, { fullName: 'My New Name' });
    expect([self.status, self.body.fullName]).toEqual([200, 'My New Name']);
    expect((await asAdmin.patch(`/api/staff/${admin.id}`, { role: 'clinic_owner' })).status).toBe(403);
    const { rows } = await t.db.owner.query('SELECT full_name, role FROM users WHERE id = $1', [owner.id]);
    expect(rows[0]).toEqual({ full_name: 'Test clinic_owner', role: 'clinic_owner' });
  });

  it("an owner cannot demote the clinic's last active owner, but can once there is another", async () => {
    const { clinic, owner, client } = await clinicWith();
    const last = await client.patch(`/api/staff/${owner.id}`, { role: 'clinic_admin' });
    expect([last.status, last.body.type]).toEqual([409, '/problems/last-active-owner']);
    const member = await createUser(t, clinic.id, 'clinic_admin');
    expect((await client.patch(`/api/staff/${member.id}`, { role: 'clinic_owner' })).status).toBe(200);
    const demoted = await client.patch(`/api/staff/${owner.id}`, { role: 'clinic_admin' });
    expect([demoted.status, demoted.body.role]).toEqual([200, 'clinic_admin']);
  });

  it('two owners demoting each other at once leave the clinic one owner', async () => {
    const { clinic, owner, client } = await clinicWith();
    const second = await createUser(t, clinic.id, 'clinic_owner');
    const asSecond = await signInAs(t, second);
    const [a, b] = await Promise.all([
      client.patch(`/api/staff/${second.id}`, { role: 'clinic_admin' }),
      asSecond.patch(`/api/staff/${owner.id}`, { role: 'clinic_admin' }),
    ]);
    // One wins. The other is refused either as the last owner's demotion (it still acted as an owner) or,
    // when its request began after the winner's commit, as an admin touching an owner.
    const [won, refused] = [a, b].sort((x, y) => x.status - y.status);
    expect(won!.status).toBe(200);
    expect([409, 403]).toContain(refused!.status);
    expect(refused!.body.type).toBe(refused!.status === 409 ? '/problems/last-active-owner' : '/problems/forbidden');
    const { rows } = await t.db.owner.query(
      `SELECT count(*)::int AS n FROM users WHERE clinic_id = $1 AND role = 'clinic_owner'`,
      [clinic.id],
    );
    expect(rows[0].n).toBe(1);
  });
});

describe('disabling and enabling staff', () => {
  it('disabling signs the person out at once, and they cannot sign in again', async () => {
    const { clinic, owner, client } = await clinicWith();
    const member = await createUser(t, clinic.id, 'receptionist');
    const memberLaptop = await signInAs(t, member);
    const memberPhone = await signInAs(t, member);
    expect((await memberLaptop.get('/api/me')).status).toBe(200);

    const res = await client.post(`/api/staff/${member.id}/disable`);
    expect(res.status).toBe(200);
    expect(res.body.disabledAt).not.toBeNull();
    expect((await memberLaptop.get('/api/me')).status).toBe(401);
    expect((await memberPhone.get('/api/me')).status).toBe(401);
    const signIn = await new HttpClient(t.app).post('/api/auth/sign-in', { email: member.email, password: PASSWORD });
    expect(signIn.body.type).toBe('/problems/account-disabled');
    const { rows } = await t.db.owner.query(
      'SELECT count(*)::int AS live FROM sessions WHERE user_id = $1 AND revoked_at IS NULL',
      [member.id],
    );
    expect(rows[0].live).toBe(0);
    expect(await auditOf(member.id)).toContainEqual(
      expect.objectContaining({ action: 'staff.disable', actor_user_id: owner.id, metadata: { revokedSessions: 2 } }),
    );
  });

  it('nobody can disable themselves', async () => {
    const { clinic, owner, client } = await clinicWith();
    const admin = await createUser(t, clinic.id, 'clinic_admin');
    const own = await client.post(`/api/staff/${owner.id}/disable`);
    expect([own.status, own.body.type]).toEqual([409, '/problems/cannot-disable-self']);
    const adminSelf = await (await signInAs(t, admin)).post(`/api/staff/${admin.id}/disable`);
    expect(adminSelf.body.type).toBe('/problems/cannot-disable-self');
    expect((await client.get('/api/me')).status).toBe(200);
  });

  it('enabling checks the plan again; an enabled person signs in afresh, old sessions stay ended', async () => {
    const { clinic, owner, client } = await clinicWith('starter');
    const member = await createUser(t, clinic.id, 'clinic_staff');
    const oldSession = await signInAs(t, member);
    expect((await client.post(`/api/staff/${member.id}/disable`)).status).toBe(200);
    const fillers = [];
    for (let i = 0; i < 4; i++) fillers.push(await createUser(t, clinic.id, 'receptionist'));

    const full = await client.post(`/api/staff/${member.id}/enable`);
    expect(full.status).toBe(402);
    expect(full.body).toMatchObject({ type: '/problems/tier-user-limit', limit: 5 });

    expect((await client.post(`/api/staff/${fillers[0]!.id}/disable`)).status).toBe(200);
    const enabled = await client.post(`/api/staff/${member.id}/enable`);
    expect([enabled.status, enabled.body.disabledAt]).toEqual([200, null]);
    expect((await oldSession.get('/api/me')).status).toBe(401);
    expect((await (await signInAs(t, member)).get('/api/me')).status).toBe(200);
    expect((await auditOf(member.id)).map((a) => a.action)).toEqual([
      'auth.sign_in',
      'staff.disable',
      'staff.enable',
      'auth.sign_in',
    ]);
    expect(
      (await auditOf(member.id)).filter((a) => a.action.startsWith('staff.')).every((a) => a.actor_user_id === owner.id),
    ).toBe(true);
  });

  it('disabling or enabling twice changes nothing the second time', async () => {
    const { clinic, client } = await clinicWith();
    const member = await createUser(t, clinic.id, 'clinic_staff');
    const first = await client.post(`/api/staff/${member.id}/disable`);
    const second = await client.post(`/api/staff/${member.id}/disable`);
    expect(second.body.disabledAt).toBe(first.body.disabledAt);
    await client.post(`/api/staff/${member.id}/enable`);
    expect((await client.post(`/api/staff/${member.id}/enable`)).status).toBe(200);
    expect((await auditOf(member.id)).map((a) => a.action)).toEqual(['staff.disable', 'staff.enable']);
  });
});
