import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { finishAnalysis } from '../../src/analysis/analysis-repo.ts';
import { heatmapKey } from '../../src/analysis/heatmap-key.ts';
import { CONCERNS } from '../../src/analysis/skin-analyzer.ts';
import { photoKeys } from '../../src/uploads/photo-pipeline.ts';
import { customerOf, uploadPhoto } from '../analysis/analysis-steps.ts';
import { localDateInDays, localInstant, setUpBookableTreatment } from '../support/clinic-operations.ts';
import { createClinic, createUser, signInAs } from '../support/factories.ts';
import type { Response } from '../support/http-client.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { zipEntries } from '../support/zip-entries.ts';
import { appOnS3 } from './erasure-steps.ts';

let t: TestApp;
let photo: Buffer;
beforeAll(async () => {
  t = await startTestApp();
  photo = await sharp({ create: { width: 1200, height: 1200, channels: 3, background: '#b89080' } })
    .jpeg()
    .toBuffer();
});
afterAll(() => t.stop());

const stored = async (key: string, app = t) => {
  const object = await app.storage.get(key);
  const chunks: Buffer[] = [];
  for await (const chunk of object.body) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
};

const archiveOf = (res: Response) => zipEntries(res.raw.rawPayload);

/** A customer with a booking, a completed analysis with one heatmap, and a doctor and receptionist of the clinic. */
async function customerWithHistory(app: TestApp) {
  const clinic = await createClinic(app, { tier: 'professional' });
  const owner = await signInAs(app, await createUser(app, clinic.id, 'clinic_owner'));
  const doctor = await createUser(app, clinic.id, 'clinic_staff');
  const treatment = await setUpBookableTreatment(owner, doctor.id);
  const customer = await customerOf(app, clinic);
  const customerId = (await customer.get('/api/customers/me')).body.id as string;
  const booking = await customer.post('/api/appointments', {
    treatmentId: treatment.id,
    startsAt: localInstant(localDateInDays(2), '10:00'),
  });
  expect(booking.status).toBe(201);
  const upload = await uploadPhoto(customer, photo);
  expect(upload.status).toBe(202);
  const analysisId = upload.body.id as string;
  // Finished as the worker finishes it, heatmap included (no analyser runs in this file).
  const heatmap = await sharp({ create: { width: 64, height: 64, channels: 3, background: '#ff0000' } })
    .png()
    .toBuffer();
  await app.storage.put(heatmapKey(clinic.id, analysisId, 'wrinkles'), heatmap, 'image/png');
  await finishAnalysis(app.db.owner, analysisId, {
    status: 'completed',
    skinTone: { ita: 28.5, band: 'intermediate' },
    result: {
      provider: 'local',
      modelVersion: 'export-test',
      overallScore: 66,
      concerns: Object.fromEntries(CONCERNS.map((c) => [c, { score: 66, regions: { forehead: 66 } }])),
      skinType: 'normal',
      skinAge: 30,
      confidence: 0.9,
    },
    overallScore: 66,
    heatmapConcerns: ['wrinkles'],
    heatmapBytes: heatmap.length,
    quality: { passed: true, problems: [] },
  });
  const { rows } = await app.db.owner.query('SELECT photo_sha256, photo_format FROM skin_analyses WHERE id = $1', [analysisId]);
  return {
    clinic,
    owner,
    customer,
    customerId,
    analysisId,
    heatmap,
    keys: photoKeys(clinic.id, rows[0].photo_sha256, rows[0].photo_format),
    asDoctor: await signInAs(app, doctor),
    asReceptionist: await signInAs(app, await createUser(app, clinic.id, 'receptionist')),
  };
}

const exportAudit = async (clinicId: string) =>
  (
    await t.db.owner.query(
      `SELECT actor_user_id, actor_role, target_type, target_id, metadata FROM audit_logs
       WHERE clinic_id = $1 AND action = 'customer.export' ORDER BY id`,
      [clinicId],
    )
  ).rows;

describe("a customer's data export", () => {
  it('is a ZIP of data.json and the photos and heatmaps of each analysis, and the export is audited', async () => {
    const { clinic, customer, customerId, analysisId, heatmap, keys } = await customerWithHistory(t);
    const res = await customer.get('/api/customers/me/export');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/zip');
    expect(res.headers['content-disposition']).toMatch(/^attachment; filename="customer-[0-9a-f-]{36}-\d{4}-\d{2}-\d{2}\.zip"$/);
    expect(res.headers['cache-control']).toBe('no-store');

    const files = archiveOf(res);
    const folder = `analyses/${analysisId}`;
    expect([...files.keys()].sort()).toEqual(
      [
        'data.json',
        `${folder}/heatmap-wrinkles.png`,
        `${folder}/thumb-256.webp`,
        `${folder}/thumb-768.webp`,
        `${folder}/working.jpg`,
      ].sort(),
    );
    expect(files.get(`${folder}/working.jpg`)).toEqual(await stored(keys.working));
    expect(files.get(`${folder}/heatmap-wrinkles.png`)).toEqual(heatmap);

    const data = JSON.parse(files.get('data.json')!.toString('utf8'));
    const me = (await customer.get('/api/customers/me')).body;
    expect(data.profile).toMatchObject({ id: customerId, fullName: me.fullName, email: me.email });
    expect(data.appointments).toHaveLength(1);
    expect(data.appointments[0]).toMatchObject({
      status: expect.any(String),
      treatment: { en: 'Hydrating facial', th: 'ทรีทเมนต์หน้าใส', zh: null },
      priceSatang: 150_000,
    });
    expect(data.consents).toEqual([expect.objectContaining({ locale: 'en', withdrawnAt: null })]);
    expect(data.analyses).toHaveLength(1);
    expect(data.analyses[0]).toMatchObject({
      id: analysisId,
      status: 'completed',
      overallScore: 66,
      skinTone: { ita: 28.5, band: 'intermediate' },
      result: { skinAge: 30 },
    });
    expect(data.analyses[0].images).toContainEqual({ file: `${folder}/working.jpg`, deleted: false });
    expect(Array.isArray(data.notifications)).toBe(true);

    expect(await exportAudit(clinic.id)).toEqual([
      {
        actor_user_id: me.userId,
        actor_role: 'customer',
        target_type: 'customer',
        target_id: customerId,
        metadata: { byCustomer: true },
      },
    ]);
  });

  it('skips an image storage no longer holds and lists it in data.json as deleted', async () => {
    const { customer, analysisId, keys } = await customerWithHistory(t);
    await t.storage.delete(keys.thumbMedium);
    const files = archiveOf(await customer.get('/api/customers/me/export'));
    const folder = `analyses/${analysisId}`;
    expect(files.has(`${folder}/thumb-768.webp`)).toBe(false);
    expect(files.has(`${folder}/working.jpg`)).toBe(true);
    const images = JSON.parse(files.get('data.json')!.toString('utf8')).analyses[0].images;
    expect(images).toContainEqual({ file: `${folder}/thumb-768.webp`, deleted: true });
    expect(images).toContainEqual({ file: `${folder}/working.jpg`, deleted: false });
  });

  it("the customer's doctor downloads it on their behalf (audited); the receptionist gets 403, another clinic 404", async () => {
    const { clinic, customerId, analysisId, keys, asDoctor, asReceptionist } = await customerWithHistory(t);
    const res = await asDoctor.get(`/api/customers/${customerId}/export`);
    expect(res.status).toBe(200);
    expect(archiveOf(res).get(`analyses/${analysisId}/working.jpg`)).toEqual(await stored(keys.working));
    expect(await exportAudit(clinic.id)).toEqual([
      expect.objectContaining({ actor_role: 'clinic_staff', target_id: customerId, metadata: { byCustomer: false } }),
    ]);

    expect((await asReceptionist.get(`/api/customers/${customerId}/export`)).status).toBe(403);
    const elsewhere = await createClinic(t);
    const foreignDoctor = await signInAs(t, await createUser(t, elsewhere.id, 'clinic_owner'));
    const foreign = await foreignDoctor.get(`/api/customers/${customerId}/export`);
    expect(foreign.status).toBe(404);
    expect(await exportAudit(elsewhere.id)).toEqual([]);
    expect(await exportAudit(clinic.id)).toHaveLength(1);
  });
});

describe('a data export on S3 storage', () => {
  const s3App = appOnS3();

  it('streams the images from the bucket and lists one the bucket lost as deleted', async () => {
    const onS3 = s3App();
    const { customer, analysisId, heatmap, keys } = await customerWithHistory(onS3);
    await onS3.storage.delete(keys.thumbSmall);
    const files = archiveOf(await customer.get('/api/customers/me/export'));
    const folder = `analyses/${analysisId}`;
    expect(files.get(`${folder}/working.jpg`)).toEqual(await stored(keys.working, onS3));
    expect(files.get(`${folder}/heatmap-wrinkles.png`)).toEqual(heatmap);
    expect(files.has(`${folder}/thumb-256.webp`)).toBe(false);
    const images = JSON.parse(files.get('data.json')!.toString('utf8')).analyses[0].images;
    expect(images).toContainEqual({ file: `${folder}/thumb-256.webp`, deleted: true });
  });
});
