import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withTenant } from '../../src/db/tenant-transaction.ts';
import { createClinic, createUser, signInAs } from '../support/factories.ts';
import type { HttpClient } from '../support/http-client.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

// Two API nodes on one database: one configured for OpenAI, one with no API key.
let t: TestApp;
let keyless: TestApp;
let admin: HttpClient;
let adminOnKeyless: HttpClient;
beforeAll(async () => {
  t = await startTestApp({ OPENAI_API_KEY: 'sk-test-clinic-provider' });
  keyless = await startTestApp({}, { database: t.database });
  const superAdmin = await createUser(t, null, 'super_admin');
  admin = await signInAs(t, superAdmin);
  adminOnKeyless = await signInAs(keyless, superAdmin);
});
afterAll(async () => {
  await keyless.stop();
  await t.stop();
});

async function clinicWithOwner() {
  const clinic = await createClinic(t);
  const ownerUser = await createUser(t, clinic.id, 'clinic_owner');
  return { clinic, ownerUser, owner: await signInAs(t, ownerUser) };
}

async function providerAudit(clinicId: string) {
  const { rows } = await t.db.owner.query(
    `SELECT actor_role, metadata FROM audit_logs WHERE action = 'clinic.analysis_provider_change' AND target_id = $1 ORDER BY id`,
    [clinicId],
  );
  return rows;
}

const storedProvider = async (clinicId: string) =>
  (await t.db.owner.query('SELECT analysis_provider FROM clinics WHERE id = $1', [clinicId])).rows[0].analysis_provider;

describe("a clinic's skin-analysis provider", () => {
  it('follows the platform default until a super admin sets one, in the admin and the owner views', async () => {
    const { clinic, owner } = await clinicWithOwner();
    expect((await admin.get(`/api/admin/clinics/${clinic.id}`)).body).toMatchObject({
      analysisProvider: null,
      effectiveAnalysisProvider: 'local',
    });
    expect((await owner.get('/api/clinic')).body).toMatchObject({ analysisProvider: null, effectiveAnalysisProvider: 'local' });
  });

  it('a super admin moves a clinic to OpenAI: the owner sees it at once and the change is audited', async () => {
    const { clinic, owner } = await clinicWithOwner();
    // Read first, so the cache holds the clinic as it was.
    expect((await owner.get('/api/clinic')).body.effectiveAnalysisProvider).toBe('local');

    const res = await admin.patch(`/api/admin/clinics/${clinic.id}`, { analysisProvider: 'openai' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ analysisProvider: 'openai', effectiveAnalysisProvider: 'openai' });
    expect((await owner.get('/api/clinic')).body).toMatchObject({
      analysisProvider: 'openai',
      effectiveAnalysisProvider: 'openai',
    });
    const listed = await admin.get(`/api/admin/clinics?q=${clinic.slug}`);
    expect(listed.body.items).toEqual([
      expect.objectContaining({ id: clinic.id, analysisProvider: 'openai', effectiveAnalysisProvider: 'openai' }),
    ]);

    // Setting it again changes nothing, so it is not audited twice.
    expect((await admin.patch(`/api/admin/clinics/${clinic.id}`, { analysisProvider: 'openai' })).status).toBe(200);
    expect(await providerAudit(clinic.id)).toEqual([{ actor_role: 'super_admin', metadata: { from: null, to: 'openai' } }]);
  });

  it('setting it to null puts the clinic back on the platform default', async () => {
    const { clinic, owner } = await clinicWithOwner();
    await admin.patch(`/api/admin/clinics/${clinic.id}`, { analysisProvider: 'openai' });
    expect((await owner.get('/api/clinic')).body.effectiveAnalysisProvider).toBe('openai');

    const res = await admin.patch(`/api/admin/clinics/${clinic.id}`, { analysisProvider: null });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ analysisProvider: null, effectiveAnalysisProvider: 'local' });
    expect((await owner.get('/api/clinic')).body).toMatchObject({ analysisProvider: null, effectiveAnalysisProvider: 'local' });
    expect(await storedProvider(clinic.id)).toBeNull();
    expect((await providerAudit(clinic.id)).map((a) => a.metadata)).toEqual([
      { from: null, to: 'openai' },
      { from: 'openai', to: null },
    ]);
  });

  it('choosing OpenAI through a node without an API key gets 409 analysis-provider-unavailable and changes nothing', async () => {
    const { clinic } = await clinicWithOwner();
    const res = await adminOnKeyless.patch(`/api/admin/clinics/${clinic.id}`, {
      analysisProvider: 'openai',
      name: 'Renamed Anyway',
    });
    expect([res.status, res.body.type]).toEqual([409, '/problems/analysis-provider-unavailable']);
    const { rows } = await t.db.owner.query('SELECT name, analysis_provider FROM clinics WHERE id = $1', [clinic.id]);
    expect(rows[0]).toEqual({ name: `Clinic ${clinic.slug}`, analysis_provider: null });
    expect(await providerAudit(clinic.id)).toEqual([]);

    // The local provider needs nothing from the node.
    const local = await adminOnKeyless.patch(`/api/admin/clinics/${clinic.id}`, { analysisProvider: 'local' });
    expect(local.status).toBe(200);
    expect(local.body).toMatchObject({ analysisProvider: 'local', effectiveAnalysisProvider: 'local' });
  });

  it('an unknown provider gets 400 naming the field', async () => {
    const { clinic } = await clinicWithOwner();
    const res = await admin.patch(`/api/admin/clinics/${clinic.id}`, { analysisProvider: 'gemini' });
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: { path: string }) => e.path)).toEqual(['body.analysisProvider']);
  });

  it("a clinic's owner cannot choose it: the field is refused with 400 and nothing changes", async () => {
    const { clinic, owner } = await clinicWithOwner();
    for (const body of [{ analysisProvider: 'openai' }, { name: 'Owner Picks OpenAI', analysisProvider: 'openai' }]) {
      const res = await owner.patch('/api/clinic', body);
      expect([res.status, res.body.type]).toEqual([400, '/problems/validation-failed']);
      expect(res.body.errors).toContainEqual({ path: 'body', message: 'Unrecognized key: "analysisProvider"' });
    }
    expect((await owner.patch(`/api/admin/clinics/${clinic.id}`, { analysisProvider: 'openai' })).status).toBe(403);
    const { rows } = await t.db.owner.query('SELECT name, analysis_provider FROM clinics WHERE id = $1', [clinic.id]);
    expect(rows[0]).toEqual({ name: `Clinic ${clinic.slug}`, analysis_provider: null });
  });

  it("the database refuses the clinic's own role a write to it, whatever the routes do", async () => {
    const { clinic, ownerUser } = await clinicWithOwner();
    const write = withTenant(t.db.app, { clinicId: clinic.id, userId: ownerUser.id, role: 'clinic_owner' }, (tx) =>
      tx.query(`UPDATE clinics SET analysis_provider = 'openai' WHERE id = $1`, [clinic.id]),
    );
    await expect(write).rejects.toMatchObject({ code: '42501' });
    expect(await storedProvider(clinic.id)).toBeNull();
  });
});
