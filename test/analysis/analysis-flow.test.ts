import { minimumDetectableChange } from '../../src/analysis/engine/measurement-error.ts';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analysisDeadLetterJob, analysisJob } from '../../src/analysis/analysis-job.ts';
import { CONSENT_VERSION } from '../../src/analysis/consent-text.ts';
import { loadFaceModel } from '../../src/analysis/engine/face-model.ts';
import { itaBand } from '../../src/analysis/engine/local/colour.ts';
import { LOCAL_MODEL_VERSION } from '../../src/analysis/engine/model-version.ts';
import { CONCERNS } from '../../src/analysis/skin-analyzer.ts';
import { startWorker, type Worker } from '../../src/jobs/worker.ts';
import { createClinic, createUser, signInAs } from '../support/factories.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { analysesUsed, customerOf, finishedAnalysis, storedObjects, uploadPhoto, variantOf } from './analysis-steps.ts';
import { deriveFacePhotos } from './face-photos.ts';

let t: TestApp;
let storageDir: string;
let faces: Buffer[];
let worker: Worker | undefined;

beforeAll(async () => {
  storageDir = await mkdtemp(join(tmpdir(), 'bwai-storage-'));
  t = await startTestApp({ STORAGE_DIR: storageDir, UPLOAD_MAX_BYTES: String(3 * 1024 * 1024), WORKER_CONCURRENCY: '1' });
  faces = (await deriveFacePhotos(await loadFaceModel(), { samples: [1] })).slice(0, 3).map((f) => f.photo);
}, 120_000);
afterAll(async () => {
  await worker?.stop();
  await t.stop();
});

const startAnalysing = async () => {
  worker ??= await startWorker(t, t.database.ownerUrl, [analysisDeadLetterJob, analysisJob]);
};
const stopAnalysing = async () => {
  await worker?.stop();
  worker = undefined;
};

const objectsOf = (clinicId: string) => storedObjects(storageDir, clinicId);

describe('consent', () => {
  it('no consent, no upload: 403 consent-required and nothing is stored', async () => {
    const clinic = await createClinic(t);
    const customer = await customerOf(t, clinic, { consent: false });
    const res = await uploadPhoto(customer, faces[0]!);
    expect([res.status, res.body.type]).toEqual([403, '/problems/consent-required']);
    expect(await objectsOf(clinic.id)).toEqual([]);
  });

  it('consent is recorded with the version of the text shown, and an old version is refused', async () => {
    const clinic = await createClinic(t);
    const customer = await customerOf(t, clinic, { consent: false });
    const text = await customer.get('/api/analysis-consent/text?locale=th');
    expect(text.body).toMatchObject({ version: CONSENT_VERSION, locale: 'th' });
    expect(text.body.text).toMatch(/ยินยอม/);
    const old = await customer.post('/api/analysis-consent', { version: 'face-analysis-2020-01', locale: 'th' });
    expect(old.status).toBe(409);
    const granted = await customer.post('/api/analysis-consent', { version: CONSENT_VERSION, locale: 'th' });
    expect(granted.body).toMatchObject({ granted: true, version: CONSENT_VERSION });
    expect((await customer.get('/api/analysis-consent')).body.granted).toBe(true);
  });
});

describe('upload and analysis', () => {
  it('a face photo is accepted at once (202), analysed in the background with live progress, and its result served', async () => {
    const clinic = await createClinic(t, { tier: 'professional' });
    const customer = await customerOf(t, clinic);
    const res = await uploadPhoto(customer, faces[0]!);
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ status: 'queued', progress: 0 });
    expect((await objectsOf(clinic.id)).filter((f) => String(f).endsWith('.webp'))).toHaveLength(2);
    const id = res.body.id;

    const stream = customer.get(`/api/analyses/${id}/events`);
    await startAnalysing();
    const events = await stream;
    expect(events.headers['content-type']).toMatch(/^text\/event-stream/);
    const statuses = String(events.body)
      .split('\n')
      .filter((l) => l.startsWith('data: '))
      .map((l) => JSON.parse(l.slice(6)));
    expect(statuses.map((e) => e.status)).toEqual(expect.arrayContaining(['quality_check', 'analysing', 'completed']));
    expect(statuses.at(-1)).toMatchObject({ status: 'completed', progress: 100 });
    const progress = statuses.map((e) => e.progress);
    expect([...progress].sort((a, b) => a - b)).toEqual(progress);

    const detail = await finishedAnalysis(customer, id);
    expect(detail.status).toBe('completed');
    expect(detail.result.overallScore).toBeGreaterThanOrEqual(1);
    // The customer is told, in the same transaction that stored the result.
    expect((await customer.get('/api/notifications')).body.items.map((n: { kind: string }) => n.kind)).toEqual([
      'analysis_ready',
    ]);
    expect(Object.keys(detail.result.concerns).sort()).toEqual([
      'acne',
      'dark_circles',
      'evenness',
      'oiliness',
      'pigmentation',
      'pores',
      'redness',
      'texture',
      'wrinkles',
    ]);
    expect(Object.keys(detail.result.heatmapUrls).length).toBeGreaterThan(0);
    expect(detail.result.modelVersion).toBe(LOCAL_MODEL_VERSION);
    // The skin tone the photo pass measured is stored and served with the result.
    expect(detail.skinTone).toEqual({ ita: expect.any(Number), band: itaBand(detail.skinTone.ita) });

    const working = await customer.get(detail.image.workingUrl);
    expect(working.status).toBe(200);
    expect(working.headers['content-type']).toBe('image/jpeg');
    expect(working.headers['cache-control']).toBe('no-store');
    const heatmap = await customer.get(Object.values(detail.result.heatmapUrls)[0] as string);
    expect(heatmap.headers['content-type']).toBe('image/png');
    expect(heatmap.headers['cache-control']).toBe('no-store');
    const meta = await sharp(heatmap.raw.rawPayload).metadata();
    expect([meta.width, meta.height]).toEqual([detail.image.width, detail.image.height]);
  });

  it('a blurred photo fails the quality gate with named reasons and gives its quota unit back', async () => {
    const clinic = await createClinic(t, { tier: 'professional' });
    const customer = await customerOf(t, clinic);
    const blurred = await sharp(faces[1]!).blur(12).jpeg().toBuffer();
    const res = await uploadPhoto(customer, blurred);
    expect(res.status).toBe(202);
    await startAnalysing();
    const detail = await finishedAnalysis(customer, res.body.id);
    expect(detail.status).toBe('rejected');
    expect(detail.quality.problems.map((p: { code: string }) => p.code)).toContain('too-blurry');
    expect(detail.quality.problems[0].message.th.length).toBeGreaterThan(0);
    // A refused photo with a face keeps its skin tone too: refusals can be counted per tone.
    expect(detail.skinTone).toMatchObject({ ita: expect.any(Number) });
    expect((await customer.get('/api/notifications')).body.items.map((n: { kind: string }) => n.kind)).toEqual([
      'analysis_refused',
    ]);
    expect(await analysesUsed(t, clinic.id)).toBe(0);
  });

  it('staff see a customer’s analysis, and each view is audited', async () => {
    const clinic = await createClinic(t, { tier: 'professional' });
    const customerUser = await createUser(t, clinic.id, 'customer');
    const {
      rows: [record],
    } = await t.db.owner.query('SELECT id FROM customers WHERE user_id = $1', [customerUser.id]);
    const doctor = await signInAs(t, await createUser(t, clinic.id, 'clinic_staff'));
    expect(
      (await doctor.post('/api/analysis-consent', { customerId: record.id, version: CONSENT_VERSION, locale: 'th' })).status,
    ).toBe(201);
    const res = await uploadPhoto(doctor, faces[2] ?? faces[0]!, `?customerId=${record.id}`);
    expect(res.status).toBe(202);
    await startAnalysing();
    await finishedAnalysis(doctor, res.body.id);
    const views = await t.db.owner.query(
      `SELECT count(*)::int AS n FROM audit_logs WHERE action = 'analysis.view' AND target_id = $1`,
      [res.body.id],
    );
    expect(views.rows[0].n).toBeGreaterThan(0);
    const list = await doctor.get(`/api/analyses?customerId=${record.id}`);
    expect(list.body.items.map((a: { id: string }) => a.id)).toEqual([res.body.id]);
    // The clinic-wide list names each customer itself, so a staff page needs no lookup per row.
    const all = await doctor.get('/api/analyses');
    expect(all.body.items).toEqual([
      expect.objectContaining({ id: res.body.id, customerId: record.id, customerName: 'Test customer' }),
    ]);
  });
});

describe('history', () => {
  /** A customer of a new clinic with two finished analyses of different photos. */
  async function twoAnalyses() {
    const clinic = await createClinic(t, { tier: 'professional' });
    const customer = await customerOf(t, clinic);
    const first = await uploadPhoto(customer, faces[0]!);
    const second = await uploadPhoto(customer, faces[1] ?? faces[0]!);
    await startAnalysing();
    const [a, b] = [await finishedAnalysis(customer, first.body.id), await finishedAnalysis(customer, second.body.id)];
    return { customer, a, b };
  }

  it('a customer compares two analyses and sees a trend per concern', async () => {
    const { customer, a, b } = await twoAnalyses();
    expect([a.status, b.status]).toEqual(['completed', 'completed']);
    const comparison = await customer.get(`/api/analyses/compare?a=${a.id}&b=${b.id}`);
    expect(comparison.status).toBe(200);
    expect(comparison.body.comparable).toBe(true);
    expect(comparison.body.overall.change).toBe(b.result.overallScore - a.result.overallScore);
    const redness = comparison.body.concerns.find((c: { concern: string }) => c.concern === 'redness');
    const change = b.result.concerns.redness.score - a.result.concerns.redness.score;
    const mdc = minimumDetectableChange(a.result.modelVersion, 'redness')!;
    expect(redness).toEqual({
      concern: 'redness',
      a: a.result.concerns.redness.score,
      b: b.result.concerns.redness.score,
      change,
      mdc,
      meaningful: Math.abs(change) >= mdc,
    });
    const trend = await customer.get('/api/analyses/trend');
    expect(trend.body.map((p: { analysisId: string }) => p.analysisId).sort()).toEqual([a.id, b.id].sort());
    expect(trend.body[0]).toMatchObject({ provider: 'local', modelVersion: a.result.modelVersion });
    expect(trend.body[0].scores.pigmentation).toBeGreaterThanOrEqual(1);
  });

  it('an analysis stored before fine lines were measured still opens, and compares and trends on the concerns it has', async () => {
    const { customer, a, b } = await twoAnalyses();
    await t.db.owner.query(`UPDATE skin_analyses SET result = result #- '{concerns,wrinkles}' WHERE id = $1`, [a.id]);

    const older = await customer.get(`/api/analyses/${a.id}`);
    expect(older.status).toBe(200);
    expect(Object.keys(older.body.result.concerns).sort()).toEqual(CONCERNS.filter((c) => c !== 'wrinkles').sort());
    const comparison = await customer.get(`/api/analyses/compare?a=${a.id}&b=${b.id}`);
    expect(comparison.status).toBe(200);
    expect(comparison.body.concerns.map((c: { concern: string }) => c.concern)).toEqual(CONCERNS.filter((c) => c !== 'wrinkles'));
    const trend = await customer.get('/api/analyses/trend');
    expect(trend.status).toBe(200);
    const scores = Object.fromEntries(trend.body.map((p: { analysisId: string; scores: object }) => [p.analysisId, p.scores]));
    expect(scores[a.id]).not.toHaveProperty('wrinkles');
    expect(scores[b.id].wrinkles).toBe(b.result.concerns.wrinkles.score);
  });
  it('a concern the analyser could not measure is served as not measured, and left out of comparisons and trends', async () => {
    const { customer, a, b } = await twoAnalyses();
    const notMeasured = { score: null, notMeasured: 'region-not-visible', regions: {} };
    await t.db.owner.query(`UPDATE skin_analyses SET result = jsonb_set(result, '{concerns,dark_circles}', $2) WHERE id = $1`, [
      a.id,
      JSON.stringify(notMeasured),
    ]);

    const shown = await customer.get(`/api/analyses/${a.id}`);
    expect(shown.status).toBe(200);
    expect(shown.body.result.concerns.dark_circles).toEqual(notMeasured);
    const comparison = await customer.get(`/api/analyses/compare?a=${a.id}&b=${b.id}`);
    expect(comparison.status).toBe(200);
    expect(comparison.body.concerns.map((c: { concern: string }) => c.concern)).not.toContain('dark_circles');
    const trend = await customer.get('/api/analyses/trend');
    const scores = Object.fromEntries(trend.body.map((p: { analysisId: string; scores: object }) => [p.analysisId, p.scores]));
    expect(scores[a.id]).not.toHaveProperty('dark_circles');
    expect(scores[b.id].dark_circles).toBe(b.result.concerns.dark_circles.score);
  });
});

describe('limits', () => {
  it('over the monthly quota: 402 with the reset date before anything is stored', async () => {
    const clinic = await createClinic(t);
    await t.db.owner.query(`UPDATE clinics SET quota_overrides = '{"monthly_analyses": 0}' WHERE id = $1`, [clinic.id]);
    const customer = await customerOf(t, clinic);
    const res = await uploadPhoto(customer, faces[0]!);
    expect([res.status, res.body.type]).toEqual([402, '/problems/analysis-quota-exceeded']);
    expect(Date.parse(res.body.resetsAt)).toBeGreaterThan(Date.now());
    expect(await objectsOf(clinic.id)).toEqual([]);
  });

  it('concurrent uploads for the last units: exactly the quota is accepted', async () => {
    const clinic = await createClinic(t);
    await t.db.owner.query(`UPDATE clinics SET quota_overrides = '{"monthly_analyses": 3}' WHERE id = $1`, [clinic.id]);
    const customers = await Promise.all(Array.from({ length: 8 }, () => customerOf(t, clinic)));
    const results = await Promise.all(customers.map((c, i) => uploadPhoto(c, faces[i % faces.length]!)));
    expect(results.filter((r) => r.status === 202)).toHaveLength(3);
    expect(results.filter((r) => r.status === 402)).toHaveLength(5);
    const { rows } = await t.db.owner.query('SELECT count(*)::int AS n FROM skin_analyses WHERE clinic_id = $1', [clinic.id]);
    expect(rows[0].n).toBe(3);
  });

  it('the file type comes from the bytes, and an oversized upload is refused with 413', async () => {
    const clinic = await createClinic(t);
    const customer = await customerOf(t, clinic);
    const text = await uploadPhoto(customer, Buffer.from('this is not a photo at all'), '', 'image/jpeg');
    expect([text.status, text.body.type]).toEqual([415, '/problems/unsupported-image-type']);
    const huge = await uploadPhoto(customer, Buffer.alloc(4 * 1024 * 1024, 0xff));
    expect([huge.status, huge.body.type]).toEqual([413, '/problems/payload-too-large']);
    expect(await objectsOf(clinic.id)).toEqual([]);
  });

  it("one clinic's backlog does not starve another: its waiting jobs yield to another clinic's first", async () => {
    await stopAnalysing();
    const busy = await createClinic(t, { tier: 'enterprise' });
    const quiet = await createClinic(t, { tier: 'enterprise' });
    const busyCustomer = await customerOf(t, busy);
    for (let i = 0; i < 5; i++) expect((await uploadPhoto(busyCustomer, await variantOf(faces[0]!, i))).status).toBe(202);
    const quietCustomer = await customerOf(t, quiet);
    const quietUpload = await uploadPhoto(quietCustomer, faces[0]!);
    const { rows } = await t.db.owner.query<{ clinic: string; priority: number }>(
      `SELECT data->>'clinicId' AS clinic, priority FROM pgboss.job WHERE name = 'skin-analysis' AND data->>'clinicId' = ANY($1) ORDER BY created_on`,
      [[busy.id, quiet.id]],
    );
    expect(rows.map((r) => r.priority)).toEqual([0, -1, -2, -3, -4, 0]);
    await startAnalysing();
    await finishedAnalysis(quietCustomer, quietUpload.body.id);
    const order = await t.db.owner.query(`SELECT clinic_id FROM skin_analyses WHERE clinic_id = ANY($1) ORDER BY finished_at`, [
      [busy.id, quiet.id],
    ]);
    // With one job at a time, the quiet clinic's only photo runs second, not sixth.
    expect(order.rows.findIndex((r) => r.clinic_id === quiet.id)).toBeLessThanOrEqual(1);
  });
});
