import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { finishAnalysis } from '../../src/analysis/analysis-repo.ts';
import { heatmapKey } from '../../src/analysis/heatmap-key.ts';
import { imageRemovalJob } from '../../src/analysis/image-removal-job.ts';
import { photoRetentionJob } from '../../src/analysis/photo-retention-job.ts';
import { CONCERNS } from '../../src/analysis/skin-analyzer.ts';
import { JOBS } from '../../src/jobs/job-registry.ts';
import { startWorker } from '../../src/jobs/worker.ts';
import { customerOf, uploadPhoto } from '../analysis/analysis-steps.ts';
import { eventually } from '../support/eventually.ts';
import { createClinic, createUser, signInAs, type TestClinic } from '../support/factories.ts';
import type { HttpClient } from '../support/http-client.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { storedKeys } from './erasure-steps.ts';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.stop());

/** A readable photo, different for each `shade`: the upload pipeline needs no face (no analyser runs here). */
const photoOf = (shade: number) =>
  sharp({ create: { width: 900, height: 900, channels: 3, background: { r: shade, g: 140, b: 120 } } })
    .jpeg()
    .toBuffer();

/** An analysis uploaded through the API, finished as the worker would finish it, with a heatmap stored. */
async function completedAnalysis(clinic: TestClinic, customer: HttpClient, shade: number): Promise<string> {
  const upload = await uploadPhoto(customer, await photoOf(shade));
  expect(upload.status).toBe(202);
  const id: string = upload.body.id;
  const heatmap = await sharp({ create: { width: 8, height: 8, channels: 4, background: '#ff000080' } })
    .png()
    .toBuffer();
  await t.storage.put(heatmapKey(clinic.id, id, 'redness'), heatmap, 'image/png');
  const concern = { score: 64, regions: { forehead: 64, left_cheek: 64 } };
  await finishAnalysis(t.db.owner, id, {
    status: 'completed',
    skinTone: null,
    result: {
      provider: 'local',
      modelVersion: 'photo-deletion-test',
      overallScore: 64,
      concerns: Object.fromEntries(CONCERNS.map((c) => [c, concern])),
      skinType: 'combination',
      skinAge: 30,
      confidence: 0.9,
    },
    overallScore: 64,
    heatmapConcerns: ['redness'],
    heatmapBytes: heatmap.length,
    quality: { passed: true, problems: [] },
  });
  return id;
}

const keysOf = async (clinicId: string, analysisId: string, sha256: string) =>
  (await storedKeys(t.storage, clinicId)).filter((k) => k.includes(analysisId) || k.includes(sha256));
const shaOf = async (id: string) =>
  (await t.db.owner.query('SELECT photo_sha256 FROM skin_analyses WHERE id = $1', [id])).rows[0].photo_sha256 as string;

describe("a customer's photos", () => {
  it('go with a withdrawn consent when asked, while the scores stay; without the flag they stay', async () => {
    const clinic = await createClinic(t, { tier: 'professional' });
    const keeping = await customerOf(t, clinic);
    const kept = await completedAnalysis(clinic, keeping, 10);
    const leaving = await customerOf(t, clinic);
    const gone = await completedAnalysis(clinic, leaving, 20);
    const goneSha = await shaOf(gone);
    expect((await keysOf(clinic.id, gone, goneSha)).length).toBe(5);

    const worker = await startWorker(t, t.database.ownerUrl, [imageRemovalJob]);
    try {
      expect((await keeping.delete('/api/analysis-consent')).status).toBe(204);
      expect((await leaving.delete('/api/analysis-consent?deletePhotos=true')).status).toBe(204);
      expect(
        await eventually(
          () => keysOf(clinic.id, gone, goneSha),
          (k) => k.length === 0,
        ),
      ).toEqual([]);
    } finally {
      await worker.stop();
    }
    expect((await keysOf(clinic.id, kept, await shaOf(kept))).length).toBe(5);
    const after = await leaving.get(`/api/analyses/${gone}`);
    expect([after.status, after.body.result.overallScore, after.body.imagesDeleted, after.body.result.heatmapUrls]).toEqual([
      200,
      64,
      true,
      {},
    ]);
    expect((await leaving.get(`/api/analyses/${gone}/images/working`)).status).toBe(404);
    expect((await leaving.get('/api/analysis-consent')).body.granted).toBe(false);
    const { rows } = await t.db.owner.query(
      `SELECT metadata FROM audit_logs WHERE clinic_id = $1 AND action = 'analysis.consent_withdraw' ORDER BY id`,
      [clinic.id],
    );
    expect(rows.map((r) => r.metadata)).toEqual([
      { withdrawn: 1, photosDeleted: 0 },
      { withdrawn: 1, photosDeleted: 1 },
    ]);
  });

  it("go once older than the clinic's retention period, by a daily job; scores and other clinics' photos stay", async () => {
    const clinic = await createClinic(t, { tier: 'professional' });
    const owner = await signInAs(t, await createUser(t, clinic.id, 'clinic_owner'));
    expect((await owner.patch('/api/clinic', { settings: { photoRetentionMonths: 0 } })).status).toBe(400);
    const set = await owner.patch('/api/clinic', { settings: { photoRetentionMonths: 6 } });
    expect([set.status, set.body.settings.photoRetentionMonths]).toEqual([200, 6]);
    const customer = await customerOf(t, clinic);
    const old = await completedAnalysis(clinic, customer, 30);
    const recent = await completedAnalysis(clinic, customer, 40);
    await t.db.owner.query(`UPDATE skin_analyses SET created_at = now() - interval '7 months' WHERE id = $1`, [old]);
    // Another clinic keeps its photos (no retention set), however old.
    const other = await createClinic(t, { tier: 'professional' });
    const othersAnalysis = await completedAnalysis(other, await customerOf(t, other), 50);
    await t.db.owner.query(`UPDATE skin_analyses SET created_at = now() - interval '3 years' WHERE id = $1`, [othersAnalysis]);

    await photoRetentionJob.handle(t, []);
    expect(await keysOf(clinic.id, old, await shaOf(old))).toEqual([]);
    expect((await keysOf(clinic.id, recent, await shaOf(recent))).length).toBe(5);
    expect((await keysOf(other.id, othersAnalysis, await shaOf(othersAnalysis))).length).toBe(5);
    const { rows } = await t.db.owner.query('SELECT overall_score, images_deleted_at FROM skin_analyses WHERE id = $1', [old]);
    expect(rows).toEqual([{ overall_score: 64, images_deleted_at: expect.any(Date) }]);
    // Run again: nothing more goes.
    await photoRetentionJob.handle(t, []);
    expect((await keysOf(clinic.id, recent, await shaOf(recent))).length).toBe(5);
    expect(JOBS).toContain(photoRetentionJob);
    expect(photoRetentionJob.schedule).toEqual({ cron: '23 2 * * *', tz: 'UTC' });
  });
});
