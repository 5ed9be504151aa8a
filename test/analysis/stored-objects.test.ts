import { randomUUID } from 'node:crypto';
import { stat, utimes } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analysisDeadLetterJob, analysisJob } from '../../src/analysis/analysis-job.ts';
import { loadFaceModel } from '../../src/analysis/engine/face-model.ts';
import { heatmapKey } from '../../src/analysis/heatmap-key.ts';
import { ORPHAN_OBJECTS_QUEUE, orphanObjectsJob } from '../../src/analysis/orphan-objects-job.ts';
import { JOBS } from '../../src/jobs/job-registry.ts';
import { startWorker } from '../../src/jobs/worker.ts';
import { photoKeys } from '../../src/uploads/photo-pipeline.ts';
import { createClinic } from '../support/factories.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { customerOf, finishedAnalysis, storedObjects, uploadPhoto } from './analysis-steps.ts';
import { deriveFacePhotos } from './face-photos.ts';

let t: TestApp;
let faces: Buffer[];

beforeAll(async () => {
  t = await startTestApp();
  faces = (await deriveFacePhotos(await loadFaceModel(), { samples: [1, 2] })).map((f) => f.photo);
}, 120_000);
afterAll(async () => {
  await t.stop();
});

const objectPath = (key: string) => join(t.config.STORAGE_DIR, 'objects', key);

async function bytesOnDisk(clinicId: string): Promise<number> {
  let total = 0;
  for (const file of await storedObjects(t.config.STORAGE_DIR, clinicId)) {
    const info = await stat(join(t.config.STORAGE_DIR, 'objects', 'clinics', clinicId, file));
    if (info.isFile()) total += info.size;
  }
  return total;
}

async function bytesCounted(clinicId: string): Promise<number> {
  const { rows } = await t.db.owner.query(
    'SELECT coalesce(sum(bytes_used), 0)::bigint AS n FROM clinic_storage_usage WHERE clinic_id = $1',
    [clinicId],
  );
  return Number(rows[0].n);
}

const ageObjects = async (keys: string[]) => {
  const twoHoursAgo = new Date(Date.now() - 2 * 60 * 60 * 1000);
  for (const key of keys) await utimes(objectPath(key), twoHoursAgo, twoHoursAgo);
};

const sweep = () => orphanObjectsJob.handle(t, []);

describe("a clinic's storage figure", () => {
  it('equals the bytes on disk after uploads, a refused one, a failed one, heatmaps and the orphan sweep', async () => {
    expect(faces.length).toBeGreaterThanOrEqual(4);
    const clinic = await createClinic(t, { tier: 'professional' });
    const customer = await customerOf(t, clinic);
    const worker = await startWorker(t, t.database.ownerUrl, [analysisDeadLetterJob, analysisJob]);
    const sha = async (id: string) =>
      (await t.db.owner.query('SELECT photo_sha256, photo_format FROM skin_analyses WHERE id = $1', [id])).rows[0];
    try {
      // Accepted, analysed with heatmaps, and the same photo again for another customer (its objects are
      // shared, counted once; the same customer would get the first analysis back).
      const first = await uploadPhoto(customer, faces[0]!);
      expect(first.status).toBe(202);
      const done = await finishedAnalysis(customer, first.body.id, 60_000);
      expect(done.status).toBe('completed');
      const heatmaps = (await storedObjects(t.config.STORAGE_DIR, clinic.id)).filter((f) => f.includes('heatmap-'));
      expect(heatmaps.length).toBeGreaterThan(0);
      expect(await bytesCounted(clinic.id)).toBe(await bytesOnDisk(clinic.id));
      const another = await customerOf(t, clinic);
      const again = await uploadPhoto(another, faces[0]!);
      expect(again.status).toBe(202);
      await finishedAnalysis(another, again.body.id, 60_000);
      expect(await bytesCounted(clinic.id)).toBe(await bytesOnDisk(clinic.id));
    } finally {
      await worker.stop();
    }

    // Refused after its photo was stored: over the clinic's storage quota.
    const before = await bytesOnDisk(clinic.id);
    await t.db.owner.query(`UPDATE clinics SET quota_overrides = jsonb_build_object('storage_bytes', $2::bigint) WHERE id = $1`, [
      clinic.id,
      before + 1,
    ]);
    const refused = await uploadPhoto(customer, faces[1]!);
    expect([refused.status, refused.body.type]).toEqual([402, '/problems/storage-quota-exceeded']);
    expect(await bytesOnDisk(clinic.id)).toBe(before);
    // Refused with the photo it shares with an accepted analysis: those objects stay.
    const shared = await uploadPhoto(await customerOf(t, clinic), faces[0]!);
    expect(shared.status).toBe(202);
    expect(await bytesOnDisk(clinic.id)).toBe(before);

    // Failed in its transaction: two uploads pass the checks made before the body is read, one
    // unit of the month is left, and the one that comes second cannot take it.
    const { rows } = await t.db.owner.query(
      'SELECT coalesce(sum(analyses_used), 0)::int AS n FROM clinic_analysis_usage WHERE clinic_id = $1',
      [clinic.id],
    );
    await t.db.owner.query(`UPDATE clinics SET quota_overrides = jsonb_build_object('monthly_analyses', $2::int) WHERE id = $1`, [
      clinic.id,
      rows[0].n + 1,
    ]);
    const racing = await Promise.all([uploadPhoto(customer, faces[2]!), uploadPhoto(customer, faces[3]!)]);
    expect(racing.map((r) => r.status).sort()).toEqual([202, 402]);
    const accepted = racing.find((r) => r.status === 202)!;
    const kept = await sha(accepted.body.id);
    const keptKeys = Object.values(photoKeys(clinic.id, kept.photo_sha256, kept.photo_format));
    for (const key of keptKeys) expect(await t.storage.exists(key)).toBe(true);
    expect(await bytesCounted(clinic.id)).toBe(await bytesOnDisk(clinic.id));

    // Objects no row refers to (an upload or a run that died half way): removed once an hour old.
    const orphanPhoto = Object.values(photoKeys(clinic.id, 'ab'.repeat(32), 'jpeg'));
    const orphanHeatmap = heatmapKey(clinic.id, randomUUID(), 'redness');
    const youngOrphan = heatmapKey(clinic.id, randomUUID(), 'pores');
    for (const key of [...orphanPhoto, orphanHeatmap, youngOrphan]) await t.storage.put(key, Buffer.alloc(1000, 7), 'image/png');
    const everything = (await storedObjects(t.config.STORAGE_DIR, clinic.id))
      .map((f) => `clinics/${clinic.id}/${f}`)
      .filter((key) => key !== youngOrphan && key.split('/').pop()!.includes('.'));
    await ageObjects(everything);
    await sweep();
    for (const key of [...orphanPhoto, orphanHeatmap]) expect(await t.storage.exists(key)).toBe(false);
    expect(await t.storage.exists(youngOrphan)).toBe(true);
    for (const key of keptKeys) expect(await t.storage.exists(key)).toBe(true);
    await ageObjects([youngOrphan]);
    await sweep();
    expect(await t.storage.exists(youngOrphan)).toBe(false);

    expect(await bytesCounted(clinic.id)).toBe(await bytesOnDisk(clinic.id));
  }, 240_000);

  it('is kept by an hourly job every worker schedules', () => {
    expect(JOBS).toContain(orphanObjectsJob);
    expect(orphanObjectsJob).toMatchObject({ queue: ORPHAN_OBJECTS_QUEUE, schedule: { cron: '41 * * * *' } });
  });
});
