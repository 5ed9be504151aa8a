import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClinic, createUser, signInAs } from '../support/factories.ts';
import { HttpClient } from '../support/http-client.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

let t: TestApp;
let admin: HttpClient;
beforeAll(async () => {
  t = await startTestApp();
  admin = await signInAs(t, await createUser(t, null, 'super_admin'));
});
afterAll(() => t.stop());

async function auditOf(clinicId: string) {
  const { rows } = await t.db.owner.query<{ action: string; metadata: Record<string, unknown> }>(
    `SELECT action, metadata FROM audit_logs WHERE clinic_id = $1 AND action LIKE 'feature_flag.%' ORDER BY id`,
    [clinicId],
  );
  return rows;
}

describe('super admins manage feature flags', () => {
  it('sets, changes, lists and deletes a flag, each step audited', async () => {
    const clinic = await createClinic(t);
    const url = `/api/admin/clinics/${clinic.id}/features`;
    const set = await admin.put(`${url}/ai.skin_report`, { enabled: true, rolloutPercent: 25 });
    expect(set.status).toBe(200);
    expect(set.body).toMatchObject({ key: 'ai.skin_report', enabled: true, rolloutPercent: 25 });
    expect((await admin.put(`${url}/booking.waitlist`, { enabled: false })).body).toMatchObject({
      enabled: false,
      rolloutPercent: 100,
    });
    expect((await admin.put(`${url}/ai.skin_report`, { enabled: true, rolloutPercent: 80 })).body.rolloutPercent).toBe(80);

    const list = await admin.get(url);
    expect(list.status).toBe(200);
    expect(list.body.map((f: { key: string; rolloutPercent: number }) => [f.key, f.rolloutPercent])).toEqual([
      ['ai.skin_report', 80],
      ['booking.waitlist', 100],
    ]);

    expect((await admin.delete(`${url}/booking.waitlist`)).status).toBe(204);
    expect((await admin.get(url)).body.map((f: { key: string }) => f.key)).toEqual(['ai.skin_report']);

    const audit = await auditOf(clinic.id);
    expect(audit.map((a) => a.action)).toEqual([
      'feature_flag.set',
      'feature_flag.set',
      'feature_flag.set',
      'feature_flag.list',
      'feature_flag.delete',
      'feature_flag.list',
    ]);
    expect(audit[2]!.metadata).toEqual({
      key: 'ai.skin_report',
      from: { enabled: true, rolloutPercent: 25 },
      to: { enabled: true, rolloutPercent: 80 },
    });
    expect(audit[4]!.metadata).toEqual({ key: 'booking.waitlist', from: { enabled: false, rolloutPercent: 100 } });
  });

  it('an unknown clinic or flag gets 404; a bad key or percentage gets 400', async () => {
    const clinic = await createClinic(t);
    const unknown = '00000000-0000-4000-8000-000000000000';
    expect((await admin.get(`/api/admin/clinics/${unknown}/features`)).status).toBe(404);
    expect((await admin.put(`/api/admin/clinics/${unknown}/features/ai.skin_report`, { enabled: true })).status).toBe(404);
    expect((await admin.delete(`/api/admin/clinics/${clinic.id}/features/never.set`)).status).toBe(404);
    expect((await admin.put(`/api/admin/clinics/${clinic.id}/features/Bad Key`, { enabled: true })).status).toBe(400);
    expect(
      (await admin.put(`/api/admin/clinics/${clinic.id}/features/ai.skin_report`, { enabled: true, rolloutPercent: 101 })).status,
    ).toBe(400);
    expect((await admin.get(`/api/admin/clinics/${clinic.id}/features`)).body).toEqual([]);
  });
});

describe('clinic members read their own flags only', () => {
  it("every member sees their clinic's flags, and never another clinic's", async () => {
    const mine = await createClinic(t);
    const theirs = await createClinic(t);
    await admin.put(`/api/admin/clinics/${mine.id}/features/ai.skin_report`, { enabled: true, rolloutPercent: 40 });
    await admin.put(`/api/admin/clinics/${theirs.id}/features/secret.beta`, { enabled: true });

    for (const role of ['clinic_owner', 'receptionist', 'customer'] as const) {
      const client = await signInAs(t, await createUser(t, mine.id, role));
      const res = await client.get('/api/clinic/features');
      expect(res.status).toBe(200);
      expect(res.body).toEqual([{ key: 'ai.skin_report', enabled: true, rolloutPercent: 40 }]);
    }
  });

  it("a clinic owner cannot read or change another clinic's flags through the admin routes", async () => {
    const mine = await createClinic(t);
    const theirs = await createClinic(t);
    await admin.put(`/api/admin/clinics/${theirs.id}/features/secret.beta`, { enabled: true });
    const owner = await signInAs(t, await createUser(t, mine.id, 'clinic_owner'));
    const read = await owner.get(`/api/admin/clinics/${theirs.id}/features`);
    expect(read.status).toBe(403);
    expect(JSON.stringify(read.body)).not.toContain('secret.beta');
    expect((await owner.put(`/api/admin/clinics/${mine.id}/features/ai.skin_report`, { enabled: true })).status).toBe(403);
    expect((await owner.delete(`/api/admin/clinics/${theirs.id}/features/secret.beta`)).status).toBe(403);
    expect((await admin.get(`/api/admin/clinics/${theirs.id}/features`)).body.map((f: { key: string }) => f.key)).toEqual([
      'secret.beta',
    ]);
  });

  it('anonymous callers get 401 and super admins, who have no clinic, 403', async () => {
    expect((await new HttpClient(t.app).get('/api/clinic/features')).status).toBe(401);
    expect((await admin.get('/api/clinic/features')).status).toBe(403);
  });
});

describe('isEnabled', () => {
  it("answers from the scope's clinic, the same way every time, for about the rollout's share of subjects", async () => {
    const clinic = await createClinic(t);
    const other = await createClinic(t);
    await admin.put(`/api/admin/clinics/${clinic.id}/features/ai.skin_report`, { enabled: true, rolloutPercent: 30 });
    await admin.put(`/api/admin/clinics/${other.id}/features/ai.skin_report`, { enabled: true, rolloutPercent: 100 });
    await admin.put(`/api/admin/clinics/${clinic.id}/features/off.flag`, { enabled: false, rolloutPercent: 100 });
    const user = await createUser(t, clinic.id, 'clinic_staff');
    const scope = { clinicId: clinic.id, userId: user.id, role: 'clinic_staff' as const };

    const subjects = Array.from({ length: 600 }, (_, i) => `customer-${i}`);
    const answers = await Promise.all(subjects.map((id) => t.services.flags.isEnabled(scope, 'ai.skin_report', id)));
    const share = answers.filter(Boolean).length / subjects.length;
    expect(share).toBeGreaterThan(0.22);
    expect(share).toBeLessThan(0.38);
    const again = await Promise.all(subjects.slice(0, 100).map((id) => t.services.flags.isEnabled(scope, 'ai.skin_report', id)));
    expect(again).toEqual(answers.slice(0, 100));

    expect(await t.services.flags.isEnabled(scope, 'off.flag', 'customer-1')).toBe(false);
    expect(await t.services.flags.isEnabled(scope, 'never.set', 'customer-1')).toBe(false);
    expect(
      await t.services.flags.isEnabled({ clinicId: null, userId: null, role: 'super_admin' }, 'ai.skin_report', 'customer-1'),
    ).toBe(false);
  });
});
