import sharp from 'sharp';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seriousAccessibilityViolations } from '../support/accessibility.ts';
import { analysisDeadLetterJob, analysisJob } from '../../src/analysis/analysis-job.ts';
import { CONSENT_VERSION } from '../../src/analysis/consent-text.ts';
import { loadFaceModel } from '../../src/analysis/engine/face-model.ts';
import { startWorker, type Worker } from '../../src/jobs/worker.ts';
import { finishedAnalysis, uploadPhoto } from '../analysis/analysis-steps.ts';
import { deriveFacePhotos } from '../analysis/face-photos.ts';
import { browserAvailable, startBrowserApp, type BrowserApp } from '../support/browser.ts';
import { createClinic, createUser, signInAs, type TestClinic, type TestUser } from '../support/factories.ts';

// Pages wait on the API and, after an upload, on the worker: allow for a busy machine.
const soon = { timeout: 15_000 };

const SKIN_TYPES: Record<string, string> = { normal: 'Normal', oily: 'Oily', dry: 'Dry', combination: 'Combination' };
const SKIN_TONE_BANDS: Record<string, string> = {
  'very-light': 'Very light',
  light: 'Light',
  intermediate: 'Intermediate',
  tan: 'Tan',
  brown: 'Brown',
  dark: 'Dark',
};
const REGIONS: Record<string, string> = {
  forehead: 'Forehead',
  left_cheek: 'Left cheek',
  right_cheek: 'Right cheek',
  nose: 'Nose',
  chin: 'Chin',
  under_eye_left: 'Under the left eye',
  under_eye_right: 'Under the right eye',
};
const CONCERN_LABELS: Record<string, string> = {
  redness: 'Redness',
  pigmentation: 'Pigmentation',
  dark_circles: 'Dark circles',
  texture: 'Texture',
  wrinkles: 'Fine lines and wrinkles',
  pores: 'Pores',
  oiliness: 'Oiliness',
  evenness: 'Even tone',
  acne: 'Acne',
};

/** Every distinct text the page's live regions show from now on, in order (the page changes faster than a poll). */
async function recordLiveText(page: Page): Promise<() => Promise<string[]>> {
  await page.evaluate(() => {
    const seen: string[] = [];
    (window as unknown as { liveText: string[] }).liveText = seen;
    const record = () => {
      for (const el of document.querySelectorAll('[role=status], .upload-progress p')) {
        const text = el.textContent ?? '';
        if (text && !seen.includes(text)) seen.push(text);
      }
    };
    new MutationObserver(record).observe(document.body, {
      subtree: true,
      childList: true,
      characterData: true,
      attributes: true,
    });
    record();
  });
  return () => page.evaluate(() => (window as unknown as { liveText: string[] }).liveText);
}

describe.runIf(browserAvailable)('skin analysis in the web app', () => {
  let t: BrowserApp;
  let worker: Worker | undefined;
  let face: Buffer;
  let clinic: TestClinic;

  const startAnalysing = async () => {
    worker ??= await startWorker(t, t.database.ownerUrl, [analysisDeadLetterJob, analysisJob]);
  };
  const stopAnalysing = async () => {
    await worker?.stop();
    worker = undefined;
  };

  /** A customer of `inClinic` with a completed analysis of a real face photo, arranged through the API. */
  async function customerWithAnalysis(inClinic: TestClinic): Promise<{ user: TestUser; id: string }> {
    const user = await createUser(t, inClinic.id, 'customer');
    const client = await signInAs(t, user);
    expect((await client.post('/api/analysis-consent', { version: CONSENT_VERSION, locale: 'en' })).status).toBe(201);
    const res = await uploadPhoto(client, face);
    expect(res.status).toBe(202);
    await startAnalysing();
    expect((await finishedAnalysis(client, res.body.id)).status).toBe('completed');
    return { user, id: res.body.id };
  }

  beforeAll(async () => {
    t = await startBrowserApp();
    face = (await deriveFacePhotos(await loadFaceModel(), { samples: [1] }))[0]!.photo;
    clinic = await createClinic(t);
  }, 120_000);
  afterAll(async () => {
    await worker?.stop();
    await t?.stop();
  });

  it('a customer without consent gives it, uploads a face photo, watches it upload and analyse, and sees the stored scores', async () => {
    await stopAnalysing();
    const customer = await createUser(t, clinic.id, 'customer');
    const page = await t.signedInPage(customer);
    await page.getByRole('link', { name: 'Skin analyses' }).click();
    await page.getByRole('link', { name: 'New analysis' }).click();

    await expect.poll(() => page.getByRole('heading', { name: 'Consent to photo analysis' }).count(), soon).toBe(1);
    await expect
      .poll(() => page.locator('blockquote').textContent(), soon)
      .toContain('I agree that the clinic may process photos of my face');
    expect(await page.locator('input[type=file]').count()).toBe(0);
    await page.getByRole('button', { name: 'I agree' }).click();
    await page.getByLabel('Photo (JPEG, PNG or WebP)').waitFor();
    const consent = await t.db.owner.query(
      'SELECT text_version, locale FROM analysis_consents c JOIN customers u ON u.id = c.customer_id WHERE u.user_id = $1',
      [customer.id],
    );
    expect(consent.rows).toEqual([{ text_version: CONSENT_VERSION, locale: 'en' }]);

    // A slow uplink, so the upload takes long enough to be seen in between.
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', {
      offline: false,
      latency: 0,
      downloadThroughput: -1,
      uploadThroughput: Math.ceil(face.length / 2),
    });
    const liveText = await recordLiveText(page);
    await page.getByLabel('Photo (JPEG, PNG or WebP)').setInputFiles({ name: 'me.jpg', mimeType: 'image/jpeg', buffer: face });
    await page.getByRole('button', { name: 'Analyse photo' }).click();
    await expect.poll(() => page.getByRole('progressbar', { name: 'Upload progress' }).getAttribute('value'), soon).toBe('100');
    await expect.poll(() => page.getByRole('status').textContent(), soon).toBe('Waiting in line · 0%');
    await cdp.send('Network.emulateNetworkConditions', {
      offline: false,
      latency: 0,
      downloadThroughput: -1,
      uploadThroughput: -1,
    });
    const uploading = (await liveText())
      .filter((text) => /^Uploading photo… \d+%$/.test(text))
      .map((text) => Number(text.match(/(\d+)%/)![1]));
    expect(uploading.some((percent) => percent > 0 && percent < 100)).toBe(true);
    expect(await liveText()).toContain('Photo uploaded');

    await startAnalysing();
    await page.waitForURL(/\/analyses\/[0-9a-f-]{36}$/, { timeout: 30_000 });
    expect(await liveText()).toEqual(expect.arrayContaining(['Checking photo quality · 10%', 'Analysing skin · 40%']));

    const id = page.url().split('/').pop()!;
    const row = (await t.db.owner.query('SELECT result, skin_tone_ita, skin_tone_band FROM skin_analyses WHERE id = $1', [id]))
      .rows[0];
    const stored = row.result;
    await expect.poll(() => page.locator('dd.overall-score').textContent(), soon).toBe(String(stored.overallScore));
    const summary = Object.fromEntries(
      await page
        .locator('.result-summary > div')
        .evaluateAll((cards) => cards.map((c) => [c.querySelector('dt')!.textContent, c.querySelector('dd')!.textContent])),
    );
    expect(summary).toEqual({
      'Overall score': String(stored.overallScore),
      'Apparent skin age': stored.skinAge === null ? 'Not estimated' : `${stored.skinAge} years`,
      'Skin type': SKIN_TYPES[stored.skinType],
      'Skin tone': `${SKIN_TONE_BANDS[row.skin_tone_band]} (ITA ${row.skin_tone_ita.toFixed(1).replace(/\.0$/, '')}°)`,
      Confidence: `${Math.round(stored.confidence * 100)}%`,
    });
    for (const [concern, { score, regions }] of Object.entries<{ score: number; regions: Record<string, number> }>(
      stored.concerns,
    )) {
      const card = page.locator(`li[data-concern=${concern}]`);
      expect(await card.getByRole('heading').textContent()).toBe(CONCERN_LABELS[concern]);
      expect(await card.getByRole('meter').getAttribute('value')).toBe(String(score));
      const shown = await card
        .locator('tbody tr')
        .evaluateAll((rows) => rows.map((r) => [r.querySelector('th')!.textContent, Number(r.querySelector('td')!.textContent)]));
      expect(Object.fromEntries(shown)).toEqual(
        Object.fromEntries(Object.entries(regions).map(([region, value]) => [REGIONS[region], value])),
      );
    }
  });

  it('a photo without a face ends with the reason in Thai and counts nothing', async () => {
    const user = await createUser(t, clinic.id, 'customer');
    const client = await signInAs(t, user);
    await client.post('/api/analysis-consent', { version: CONSENT_VERSION, locale: 'th' });
    await startAnalysing();
    const wall = await sharp({ create: { width: 900, height: 900, channels: 3, background: { r: 214, g: 180, b: 160 } } })
      .jpeg()
      .toBuffer();
    const page = await t.signedInPage(user, { language: 'th' });
    await page.goto('/analyses/new');
    await page
      .getByLabel('ภาพถ่าย (JPEG, PNG หรือ WebP)')
      .setInputFiles({ name: 'wall.jpg', mimeType: 'image/jpeg', buffer: wall });
    await page.getByRole('button', { name: 'วิเคราะห์ภาพถ่าย' }).click();

    const reasons = page.getByRole('alert').filter({ hasText: 'ไม่สามารถวิเคราะห์ภาพถ่ายนี้ได้' });
    await expect.poll(() => reasons.locator('li strong').allTextContents(), { timeout: 30_000 }).toEqual(['ไม่พบใบหน้า']);
    expect(await reasons.locator('li').textContent()).toContain('ไม่พบใบหน้าในรูปภาพ');
    const rows = await t.db.owner.query(
      'SELECT a.status, a.counts_toward_quota FROM skin_analyses a JOIN customers c ON c.id = a.customer_id WHERE c.user_id = $1',
      [user.id],
    );
    expect(rows.rows).toEqual([{ status: 'rejected', counts_toward_quota: false }]);
    // The customer can try again with another photo straight away.
    expect(await page.getByLabel('ภาพถ่าย (JPEG, PNG หรือ WebP)').isEnabled()).toBe(true);
  });

  it('a concern that could not be measured shows as not measured with the reason, in English and Thai', async () => {
    const { user, id } = await customerWithAnalysis(clinic);
    await t.db.owner.query(`UPDATE skin_analyses SET result = jsonb_set(result, '{concerns,dark_circles}', $2) WHERE id = $1`, [
      id,
      JSON.stringify({ score: null, notMeasured: 'region-not-visible', regions: {} }),
    ]);
    for (const [language, text] of [
      ['en', 'Not measured: the area was not visible in the photo'],
      ['th', 'วัดไม่ได้: มองไม่เห็นบริเวณนี้ในภาพถ่าย'],
    ] as const) {
      const page = await t.signedInPage(user, { language });
      await page.goto(`/analyses/${id}`);
      const card = page.locator('li[data-concern=dark_circles]');
      await expect.poll(() => card.locator('.not-measured').textContent(), soon).toBe(text);
      expect(await card.getByRole('meter').count()).toBe(0);
      // Measured concerns come first; the one without a score is last.
      expect(await page.locator('li[data-concern]').last().getAttribute('data-concern')).toBe('dark_circles');
      expect(await seriousAccessibilityViolations(page)).toEqual([]);
    }
  });

  it("the heatmap switch overlays the chosen concern's heatmap, which only its owner's clinic can load", async () => {
    const { user, id } = await customerWithAnalysis(clinic);
    const page = await t.signedInPage(user);
    await page.goto(`/analyses/${id}`);
    const overlay = page.locator('img.heatmap-overlay');
    for (const [concern, label] of [
      ['redness', 'Redness'],
      ['pores', 'Pores'],
    ] as const) {
      await page.getByRole('radio', { name: label }).check();
      await expect.poll(() => overlay.getAttribute('src'), soon).toBe(`/api/analyses/${id}/images/heatmap-${concern}`);
      await expect
        .poll(() => overlay.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth), soon)
        .toBeGreaterThan(0);
      expect(await overlay.getAttribute('alt')).toBe(`Heatmap of ${label}`);
    }
    await page.getByRole('radio', { name: 'Nothing' }).check();
    await expect.poll(() => overlay.count(), soon).toBe(0);

    const heatmap = `/api/analyses/${id}/images/heatmap-pores`;
    const statusFor = (p: Page) => p.evaluate((url) => fetch(url).then((r) => r.status), heatmap);
    expect(await statusFor(page)).toBe(200);
    const elsewhere = await createUser(t, (await createClinic(t)).id, 'customer');
    expect(await statusFor(await t.signedInPage(elsewhere))).toBe(404);
    const neighbour = await createUser(t, clinic.id, 'customer');
    expect(await statusFor(await t.signedInPage(neighbour))).toBe(404);
  });

  it("staff see the customer's analysis in the clinic's list and can narrow it to that customer", async () => {
    const { user, id } = await customerWithAnalysis(clinic);
    const staff = await createUser(t, clinic.id, 'clinic_staff');
    const name = `Nok ${id.slice(0, 6)}`;
    await t.db.owner.query('UPDATE customers SET full_name = $2 WHERE user_id = $1', [user.id, name]);
    const score = (await t.db.owner.query('SELECT overall_score FROM skin_analyses WHERE id = $1', [id])).rows[0].overall_score;

    const page = await t.signedInPage(staff);
    await page.goto('/analyses');
    const row = page
      .getByRole('table', { name: 'Skin analyses' })
      .locator('tbody tr')
      .filter({ has: page.locator(`a[href="/analyses/${id}"]`) });
    await expect.poll(() => row.getByRole('link', { name }).count(), soon).toBe(1);
    expect(await row.locator('td.number').textContent()).toBe(String(score));
    expect(await row.getByText('Completed').count()).toBe(1);

    await row.getByRole('link', { name }).click();
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent(), soon).toBe(`Skin analyses of ${name}`);
    expect(new URL(page.url()).search).toBe(
      `?customerId=${(await t.db.owner.query('SELECT id FROM customers WHERE user_id = $1', [user.id])).rows[0].id}`,
    );
    await expect.poll(() => page.getByRole('table', { name: 'Skin analyses' }).locator('tbody tr').count(), soon).toBe(1);

    await page.locator(`a[href="/analyses/${id}"]`).last().click();
    await expect.poll(() => page.locator('dd.overall-score').textContent(), soon).toBe(String(score));
    const views = await t.db.owner.query(
      `SELECT count(*)::int AS n FROM audit_logs WHERE action = 'analysis.view' AND target_id = $1 AND actor_user_id = $2`,
      [id, staff.id],
    );
    expect(views.rows[0].n).toBeGreaterThan(0);
  });
});
