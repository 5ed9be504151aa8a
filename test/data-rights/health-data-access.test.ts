import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { finishAnalysis } from '../../src/analysis/analysis-repo.ts';
import { CONCERNS } from '../../src/analysis/skin-analyzer.ts';
import { customerOf, uploadPhoto } from '../analysis/analysis-steps.ts';
import { createClinic, createUser, signInAs } from '../support/factories.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

let t: TestApp;
let photo: Buffer;
beforeAll(async () => {
  // A key, so that a super admin may put a clinic on OpenAI; no analysis runs in this file.
  t = await startTestApp({ OPENAI_API_KEY: 'sk-test-health-data' });
  photo = await sharp({ create: { width: 1200, height: 1200, channels: 3, background: '#c8a090' } })
    .jpeg()
    .toBuffer();
});
afterAll(() => t.stop());

async function clinicWithAnalysis() {
  const clinic = await createClinic(t, { tier: 'professional' });
  const customer = await customerOf(t, clinic);
  const customerId = (await customer.get('/api/customers/me')).body.id as string;
  const upload = await uploadPhoto(customer, photo);
  expect(upload.status).toBe(202);
  // Finished as the worker would finish it (no analyser runs in this file): a result to chart and compare.
  const result = {
    provider: 'local',
    modelVersion: 'health-data-test',
    overallScore: 70,
    concerns: Object.fromEntries(CONCERNS.map((c) => [c, { score: 70, regions: { forehead: 70, left_cheek: 70 } }])),
    skinType: 'combination',
    skinAge: 31,
    confidence: 0.9,
  };
  await finishAnalysis(t.db.owner, upload.body.id, {
    status: 'completed',
    skinTone: null,
    result,
    overallScore: 70,
    heatmapConcerns: [],
    heatmapBytes: 0,
    quality: { passed: true, problems: [] },
  });
  const doctor = await createUser(t, clinic.id, 'clinic_staff');
  const receptionist = await createUser(t, clinic.id, 'receptionist');
  return {
    clinic,
    customer,
    customerId,
    analysisId: upload.body.id as string,
    doctor,
    asDoctor: await signInAs(t, doctor),
    asReceptionist: await signInAs(t, receptionist),
  };
}

const auditOf = async (clinicId: string, actions: string[]) =>
  (
    await t.db.owner.query(
      `SELECT action, actor_user_id, target_type, target_id, metadata FROM audit_logs
       WHERE clinic_id = $1 AND action = ANY($2) ORDER BY id`,
      [clinicId, actions],
    )
  ).rows;

const READS = ['analysis.list', 'analysis.trend', 'analysis.image', 'analysis.view'];

describe('who sees health data', () => {
  it('a receptionist books and records consent but sees no analysis, photo or trend', async () => {
    const { customerId, analysisId, asReceptionist } = await clinicWithAnalysis();
    for (const path of [
      '/api/analyses',
      `/api/analyses?customerId=${customerId}`,
      `/api/analyses/${analysisId}`,
      `/api/analyses/${analysisId}/images/working`,
      `/api/analyses/trend?customerId=${customerId}`,
      `/api/analyses/compare?a=${analysisId}&b=${analysisId}`,
    ])
      expect([path, (await asReceptionist.get(path)).status]).toEqual([path, 403]);
    expect((await asReceptionist.get(`/api/analysis-consent?customerId=${customerId}`)).body.granted).toBe(true);
  });

  it("every staff read of a customer's analyses writes one audit entry per request; the customer's own reads none", async () => {
    const { clinic, customer, customerId, analysisId, doctor, asDoctor } = await clinicWithAnalysis();
    expect((await customer.get('/api/analyses')).status).toBe(200);
    expect((await customer.get('/api/analyses/trend')).status).toBe(200);
    expect((await customer.get(`/api/analyses/${analysisId}/images/thumb-256`)).status).toBe(200);
    expect(await auditOf(clinic.id, READS)).toEqual([]);

    expect((await asDoctor.get('/api/analyses')).body.items).toHaveLength(1);
    expect((await asDoctor.get(`/api/analyses?customerId=${customerId}`)).body.items).toHaveLength(1);
    expect((await asDoctor.get(`/api/analyses/trend?customerId=${customerId}`)).status).toBe(200);
    expect((await asDoctor.get(`/api/analyses/${analysisId}/images/working`)).status).toBe(200);
    expect((await asDoctor.get(`/api/analyses/${analysisId}`)).status).toBe(200);
    expect((await asDoctor.get(`/api/analyses/compare?a=${analysisId}&b=${analysisId}`)).status).toBe(200);
    // Nothing shown, nothing seen: a customer without analyses.
    const other = (await (await customerOf(t, clinic)).get('/api/customers/me')).body.id;
    expect((await asDoctor.get(`/api/analyses/trend?customerId=${other}`)).body).toEqual([]);
    const by = { actor_user_id: doctor.id };
    expect(await auditOf(clinic.id, READS)).toEqual([
      { action: 'analysis.list', ...by, target_type: 'clinic', target_id: null, metadata: { shown: 1 } },
      { action: 'analysis.list', ...by, target_type: 'customer', target_id: customerId, metadata: { shown: 1 } },
      { action: 'analysis.trend', ...by, target_type: 'customer', target_id: customerId, metadata: { shown: 1 } },
      {
        action: 'analysis.image',
        ...by,
        target_type: 'skin_analysis',
        target_id: analysisId,
        metadata: { customerId, variant: 'working' },
      },
      { action: 'analysis.view', ...by, target_type: 'skin_analysis', target_id: analysisId, metadata: { customerId } },
      {
        action: 'analysis.view',
        ...by,
        target_type: 'skin_analysis',
        target_id: `${analysisId},${analysisId}`,
        metadata: { customerId, compare: true },
      },
    ]);
  });

  it('the consent text names OpenAI as the processor only for a clinic whose photos go to OpenAI', async () => {
    const clinic = await createClinic(t);
    const customer = await customerOf(t, clinic, { consent: false });
    const local = await customer.get('/api/analysis-consent/text?locale=en');
    expect(local.body.text).not.toContain('OpenAI');
    const admin = await signInAs(t, await createUser(t, null, 'super_admin'));
    expect((await admin.patch(`/api/admin/clinics/${clinic.id}`, { analysisProvider: 'openai' })).status).toBe(200);
    for (const locale of ['en', 'th', 'zh']) {
      const text = await customer.get(`/api/analysis-consent/text?locale=${locale}`);
      expect(text.body.text).toContain('OpenAI');
    }
    const granted = await customer.post('/api/analysis-consent', { version: local.body.version, locale: 'en' });
    expect(granted.status).toBe(201);
    const { rows } = await t.db.owner.query(
      `SELECT metadata FROM audit_logs WHERE clinic_id = $1 AND action = 'analysis.consent_grant'`,
      [clinic.id],
    );
    expect(rows).toEqual([{ metadata: { version: local.body.version, locale: 'en', processor: 'openai' } }]);
  });
});
