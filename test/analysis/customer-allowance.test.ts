import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analysisDeadLetterJob, analysisJob } from '../../src/analysis/analysis-job.ts';
import { CONSENT_VERSION } from '../../src/analysis/consent-text.ts';
import { loadFaceModel } from '../../src/analysis/engine/face-model.ts';
import { startWorker, type Worker } from '../../src/jobs/worker.ts';
import { createClinic, createUser, signInAs, type TestClinic } from '../support/factories.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { analysesUsed, customerOf, finishedAnalysis, uploadPhoto, variantOf } from './analysis-steps.ts';
import { deriveFacePhotos } from './face-photos.ts';

let t: TestApp;
let faces: Buffer[];
let worker: Worker | undefined;

beforeAll(async () => {
  const storageDir = await mkdtemp(join(tmpdir(), 'bwai-storage-'));
  t = await startTestApp({ STORAGE_DIR: storageDir, WORKER_CONCURRENCY: '1' });
  faces = (await deriveFacePhotos(await loadFaceModel(), { samples: [1] })).slice(0, 2).map((f) => f.photo);
}, 120_000);
afterAll(async () => {
  await worker?.stop();
  await t.stop();
});

const startAnalysing = async () => {
  worker ??= await startWorker(t, t.database.ownerUrl, [analysisDeadLetterJob, analysisJob]);
};

async function clinicAllowing(monthlyAnalysesPerCustomer: number): Promise<TestClinic> {
  const clinic = await createClinic(t, { tier: 'professional' });
  const owner = await signInAs(t, await createUser(t, clinic.id, 'clinic_owner'));
  const res = await owner.patch('/api/clinic', { settings: { monthlyAnalysesPerCustomer } });
  expect(res.status).toBe(200);
  return clinic;
}

const customerUnitsUsed = async (clinicId: string) =>
  (
    await t.db.owner.query('SELECT coalesce(sum(analyses_used), 0)::int AS n FROM customer_analysis_usage WHERE clinic_id = $1', [
      clinicId,
    ])
  ).rows[0].n;

describe("a customer's monthly analysis allowance", () => {
  it('concurrent uploads by one customer: exactly the allowance is accepted, the rest get 429, and others still upload', async () => {
    const clinic = await clinicAllowing(2);
    const greedy = await customerOf(t, clinic);
    const photos = await Promise.all(Array.from({ length: 6 }, (_, i) => variantOf(faces[0]!, i)));
    const results = await Promise.all(photos.map((photo) => uploadPhoto(greedy, photo)));
    expect(results.filter((r) => r.status === 202)).toHaveLength(2);
    const refused = results.filter((r) => r.status !== 202);
    expect(refused.map((r) => [r.status, r.body.type])).toEqual(
      Array(4).fill([429, '/problems/customer-analysis-allowance-exceeded']),
    );
    expect(refused[0]!.body.limit).toBe(2);
    expect(Date.parse(refused[0]!.body.resetsAt)).toBeGreaterThan(Date.now());
    expect(await analysesUsed(t, clinic.id)).toBe(2);

    const neighbour = await customerOf(t, clinic);
    expect((await uploadPhoto(neighbour, faces[1]!)).status).toBe(202);
  });

  it("a rejected photo gives the customer's unit back, as it does the clinic's", async () => {
    const clinic = await clinicAllowing(1);
    const customer = await customerOf(t, clinic);
    const blurred = await sharp(faces[1]!).blur(12).jpeg().toBuffer();
    const res = await uploadPhoto(customer, blurred);
    expect(res.status).toBe(202);
    await startAnalysing();
    expect((await finishedAnalysis(customer, res.body.id)).status).toBe('rejected');
    expect(await customerUnitsUsed(clinic.id)).toBe(0);
    expect((await uploadPhoto(customer, faces[0]!)).status).toBe(202);
  });

  it('staff uploading for a customer spend that customer’s allowance', async () => {
    const clinic = await clinicAllowing(1);
    const staff = await signInAs(t, await createUser(t, clinic.id, 'clinic_staff'));
    const record = await staff.post('/api/customers', { fullName: 'Walk-in Allowance' });
    const consent = { customerId: record.body.id, version: CONSENT_VERSION, locale: 'en' };
    expect((await staff.post('/api/analysis-consent', consent)).status).toBe(201);
    expect(record.status).toBe(201);
    expect((await uploadPhoto(staff, faces[0]!, `?customerId=${record.body.id}`)).status).toBe(202);
    const second = await uploadPhoto(staff, faces[1]!, `?customerId=${record.body.id}`);
    expect([second.status, second.body.type]).toEqual([429, '/problems/customer-analysis-allowance-exceeded']);
  });
});

describe('the same photo again', () => {
  it('is answered with the existing analysis (202 while it runs, 200 once finished) and takes no unit', async () => {
    const clinic = await clinicAllowing(5);
    const customer = await customerOf(t, clinic);
    const photo = await variantOf(faces[0]!, 40);
    const first = await uploadPhoto(customer, photo);
    expect(first.status).toBe(202);
    const again = await Promise.all([uploadPhoto(customer, photo), uploadPhoto(customer, photo)]);
    for (const res of again) {
      expect(res.body.id).toBe(first.body.id);
      expect(res.headers.location).toBe(`/api/analyses/${first.body.id}`);
    }
    await startAnalysing();
    expect((await finishedAnalysis(customer, first.body.id)).status).toBe('completed');
    const finished = await uploadPhoto(customer, photo);
    expect([finished.status, finished.body.id, finished.body.status]).toEqual([200, first.body.id, 'completed']);
    expect(finished.headers.location).toBe(`/api/analyses/${first.body.id}`);
    expect([await analysesUsed(t, clinic.id), await customerUnitsUsed(clinic.id)]).toEqual([1, 1]);

    // Another customer's upload of the same photo is their own analysis.
    const other = await customerOf(t, clinic);
    const theirs = await uploadPhoto(other, photo);
    expect(theirs.status).toBe(202);
    expect(theirs.body.id).not.toBe(first.body.id);
  });

  it('after a rejection it is analysed again', async () => {
    const clinic = await clinicAllowing(5);
    const customer = await customerOf(t, clinic);
    const blurred = await sharp(faces[0]!).blur(12).jpeg().toBuffer();
    const first = await uploadPhoto(customer, blurred);
    await startAnalysing();
    expect((await finishedAnalysis(customer, first.body.id)).status).toBe('rejected');
    const again = await uploadPhoto(customer, blurred);
    expect(again.status).toBe(202);
    expect(again.body.id).not.toBe(first.body.id);
  });
});

describe('clinic settings for per-customer limits', () => {
  it('a clinic shows the defaults, its managers change them with validation, and other staff cannot', async () => {
    const clinic = await createClinic(t);
    const owner = await signInAs(t, await createUser(t, clinic.id, 'clinic_owner'));
    expect((await owner.get('/api/clinic')).body.settings).toMatchObject({
      monthlyAnalysesPerCustomer: 10,
      maxUpcomingBookingsPerCustomer: 5,
    });
    const bad = await owner.patch('/api/clinic', {
      settings: { monthlyAnalysesPerCustomer: -1, maxUpcomingBookingsPerCustomer: 0 },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { path: string }) => e.path).sort()).toEqual([
      'body.settings.maxUpcomingBookingsPerCustomer',
      'body.settings.monthlyAnalysesPerCustomer',
    ]);
    const admin = await signInAs(t, await createUser(t, clinic.id, 'clinic_admin'));
    const changed = await admin.patch('/api/clinic', {
      settings: { monthlyAnalysesPerCustomer: 3, maxUpcomingBookingsPerCustomer: 2 },
    });
    expect(changed.body.settings).toMatchObject({ monthlyAnalysesPerCustomer: 3, maxUpcomingBookingsPerCustomer: 2 });
    const staff = await signInAs(t, await createUser(t, clinic.id, 'clinic_staff'));
    expect((await staff.patch('/api/clinic', { settings: { monthlyAnalysesPerCustomer: 100 } })).status).toBe(403);
    const reset = await owner.patch('/api/clinic', { settings: { monthlyAnalysesPerCustomer: null } });
    expect(reset.body.settings.monthlyAnalysesPerCustomer).toBe(10);
  });
});
