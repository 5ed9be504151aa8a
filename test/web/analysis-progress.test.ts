import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analysisDeadLetterJob, analysisJob } from '../../src/analysis/analysis-job.ts';
import { CONSENT_VERSION } from '../../src/analysis/consent-text.ts';
import { loadFaceModel } from '../../src/analysis/engine/face-model.ts';
import { isMeaningfulChange, type ScoreName } from '../../src/analysis/engine/measurement-error.ts';
import { startWorker, type Worker } from '../../src/jobs/worker.ts';
import { finishedAnalysis, uploadPhoto } from '../analysis/analysis-steps.ts';
import { deriveFacePhotos } from '../analysis/face-photos.ts';
import { browserAvailable, startBrowserApp, type BrowserApp } from '../support/browser.ts';
import { setUpBookableTreatment } from '../support/clinic-operations.ts';
import { createClinic, createUser, signInAs, type TestClinic } from '../support/factories.ts';

// Pages wait on the API and, after an upload, on the worker: allow for a busy machine.
const soon = { timeout: 15_000 };
const signed = (n: number) => (n > 0 ? `+${n}` : n < 0 ? `−${-n}` : '±0');

describe.runIf(browserAvailable)('skin analysis over time, for customers and staff', () => {
  let t: BrowserApp;
  let worker: Worker;
  let faces: Buffer[];
  let clinic: TestClinic;

  beforeAll(async () => {
    t = await startBrowserApp();
    faces = (await deriveFacePhotos(await loadFaceModel(), { samples: [1] })).slice(0, 2).map((f) => f.photo);
    worker = await startWorker(t, t.database.ownerUrl, [analysisDeadLetterJob, analysisJob]);
    clinic = await createClinic(t);
  }, 120_000);
  afterAll(async () => {
    await worker?.stop();
    await t?.stop();
  });

  it('a customer with two analyses sees each concern charted over time and compares the two', async () => {
    const user = await createUser(t, clinic.id, 'customer');
    const client = await signInAs(t, user);
    await client.post('/api/analysis-consent', { version: CONSENT_VERSION, locale: 'en' });
    const ids: string[] = [];
    for (const face of faces) {
      const res = await uploadPhoto(client, face);
      expect((await finishedAnalysis(client, res.body.id)).status).toBe('completed');
      ids.push(res.body.id);
    }
    const { rows } = await t.db.owner.query('SELECT id, result FROM skin_analyses WHERE id = ANY($1) ORDER BY created_at', [ids]);
    const [older, newer] = rows.map((r) => r.result);

    const page = await t.signedInPage(user);
    await page.goto('/analyses');
    const charts = page.locator('.trend-chart canvas');
    await expect.poll(() => charts.count(), soon).toBe(1 + Object.keys(older.concerns).length);
    expect(await charts.first().getAttribute('aria-label')).toBe(
      `Overall scores over time: ${older.overallScore}, ${newer.overallScore}`,
    );
    expect(
      await page
        .getByRole('img', { name: `Redness scores over time: ${older.concerns.redness.score}, ${newer.concerns.redness.score}` })
        .count(),
    ).toBe(1);

    const boxes = page.getByRole('checkbox');
    await boxes.nth(0).check();
    await boxes.nth(1).check();
    await page.getByRole('link', { name: 'Compare the two selected' }).click();
    await page.waitForURL(`**/analyses/compare?a=${rows[0].id}&b=${rows[1].id}`);
    const table = page.locator('table.comparison tbody');
    await expect.poll(() => table.locator('tr').count(), soon).toBe(1 + Object.keys(older.concerns).length);
    const shown = await table
      .locator('tr')
      .evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent)));
    // A change within the analyser's measurement error says so beside the figure.
    const changeText = (score: ScoreName, change: number) =>
      signed(change) + (isMeaningfulChange(newer.modelVersion, score, change) === false ? ' (no meaningful change)' : '');
    expect(shown[0]).toEqual([
      String(older.overallScore),
      String(newer.overallScore),
      changeText('overall', newer.overallScore - older.overallScore),
    ]);
    const concerns = await table
      .locator('tr[data-concern]')
      .evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-concern')!));
    expect(shown.slice(1)).toEqual(
      concerns.map((c) => [
        String(older.concerns[c].score),
        String(newer.concerns[c].score),
        changeText(c as ScoreName, newer.concerns[c].score - older.concerns[c].score),
      ]),
    );
  });

  it("staff find a customer, record the customer's consent and analyse a photo for them", async () => {
    const customer = await createUser(t, clinic.id, 'customer');
    const name = `Ploy ${customer.id.slice(0, 6)}`;
    const {
      rows: [record],
    } = await t.db.owner.query('UPDATE customers SET full_name = $2 WHERE user_id = $1 RETURNING id', [customer.id, name]);
    const staff = await createUser(t, clinic.id, 'clinic_staff');

    const page = await t.signedInPage(staff);
    await page.goto('/analyses/new');
    await page.getByLabel('Search by name, phone or email').fill(name);
    await page.getByRole('link', { name }).click();
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent(), soon).toBe(`New skin analysis for ${name}`);
    await page.getByRole('button', { name: 'The customer agrees' }).click();
    await page
      .getByLabel('Photo (JPEG, PNG or WebP)')
      .setInputFiles({ name: 'customer.jpg', mimeType: 'image/jpeg', buffer: faces[0]! });
    await page.getByRole('button', { name: 'Analyse photo' }).click();
    await page.waitForURL(/\/analyses\/[0-9a-f-]{36}$/, { timeout: 30_000 });
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent(), soon).toBe(`Skin analysis of ${name}`);

    const id = page.url().split('/').pop();
    const analysis = await t.db.owner.query('SELECT customer_id, requested_by_user_id, status FROM skin_analyses WHERE id = $1', [
      id,
    ]);
    expect(analysis.rows).toEqual([{ customer_id: record.id, requested_by_user_id: staff.id, status: 'completed' }]);
    const consent = await t.db.owner.query('SELECT recorded_by_user_id FROM analysis_consents WHERE customer_id = $1', [
      record.id,
    ]);
    expect(consent.rows).toEqual([{ recorded_by_user_id: staff.id }]);
  });

  it('a file that is not a photo and a used-up quota are explained in Thai, and nothing is uploaded', async () => {
    const full = await createClinic(t);
    await t.db.owner.query(`UPDATE clinics SET quota_overrides = '{"monthly_analyses": 0}' WHERE id = $1`, [full.id]);
    const user = await createUser(t, full.id, 'customer');
    await (await signInAs(t, user)).post('/api/analysis-consent', { version: CONSENT_VERSION, locale: 'th' });

    const page = await t.signedInPage(user, { language: 'th' });
    await page.goto('/analyses/new');
    const input = page.getByLabel('ภาพถ่าย (JPEG, PNG หรือ WebP)');
    await input.setInputFiles({ name: 'animation.gif', mimeType: 'image/gif', buffer: Buffer.from('GIF89a') });
    await expect.poll(() => page.getByRole('alert').textContent(), soon).toContain('ไฟล์นี้ไม่ใช่รูปถ่ายที่ระบบอ่านได้');
    expect(await page.getByRole('button', { name: 'วิเคราะห์ภาพถ่าย' }).isDisabled()).toBe(true);

    await input.setInputFiles({ name: 'me.jpg', mimeType: 'image/jpeg', buffer: faces[0]! });
    await page.getByRole('button', { name: 'วิเคราะห์ภาพถ่าย' }).click();
    await expect.poll(() => page.getByRole('alert').textContent(), soon).toBe('คลินิกใช้โควตาการวิเคราะห์ผิวของเดือนนี้หมดแล้ว');
    expect(await page.getByText(/^โควตาจะเริ่มใหม่ในวันที่ /).count()).toBe(1);
    expect(
      (await t.db.owner.query('SELECT count(*)::int AS n FROM skin_analyses WHERE clinic_id = $1', [full.id])).rows[0].n,
    ).toBe(0);
  });

  it('a customer books a treatment the analysis recommends straight from the result', async () => {
    const own = await createClinic(t);
    const owner = await signInAs(t, await createUser(t, own.id, 'clinic_owner'));
    const staff = await createUser(t, own.id, 'clinic_staff');
    const laser = await setUpBookableTreatment(owner, staff.id);
    expect(
      (await owner.patch(`/api/treatments/${laser.id}`, { category: 'laser', name: { en: 'Pico laser toning' } })).status,
    ).toBe(200);
    const user = await createUser(t, own.id, 'customer');
    const client = await signInAs(t, user);
    await client.post('/api/analysis-consent', { version: CONSENT_VERSION, locale: 'en' });
    const res = await uploadPhoto(client, faces[0]!);
    expect((await finishedAnalysis(client, res.body.id)).status).toBe('completed');
    // The sample faces are young and even-toned: give this result the brown spots a laser treats.
    await t.db.owner.query(
      `UPDATE skin_analyses SET result = jsonb_set(result, '{concerns,pigmentation,score}', '30') WHERE id = $1`,
      [res.body.id],
    );

    const page = await t.signedInPage(user);
    await page.goto(`/analyses/${res.body.id}`);
    await page.getByRole('link', { name: 'Book Pico laser toning' }).click();
    await page.waitForURL((url) => url.pathname === '/my-appointments/book' && url.searchParams.get('treatmentId') === laser.id);
    await expect.poll(() => page.locator('form.booking select').inputValue(), soon).toBe(laser.id);
  });
});
