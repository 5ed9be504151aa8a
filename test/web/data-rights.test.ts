import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { finishAnalysis } from '../../src/analysis/analysis-repo.ts';
import { photoKeys } from '../../src/uploads/photo-pipeline.ts';
import { imageRemovalJob } from '../../src/analysis/image-removal-job.ts';
import { startWorker } from '../../src/jobs/worker.ts';
import { uploadPhoto } from '../analysis/analysis-steps.ts';
import { identifiableCustomer, storedKeys } from '../data-rights/erasure-steps.ts';
import { seriousAccessibilityViolations } from '../support/accessibility.ts';
import { browserAvailable, startBrowserApp, type BrowserApp } from '../support/browser.ts';
import { eventually } from '../support/eventually.ts';
import { createClinic, createUser, type TestClinic, type TestUser } from '../support/factories.ts';
import { columnsHolding } from '../support/personal-data.ts';
import { zipEntries } from '../support/zip-entries.ts';
import sharp from 'sharp';

describe.runIf(browserAvailable)("patients' data rights in the web app", () => {
  let t: BrowserApp;
  let clinic: TestClinic;
  let owner: TestUser;
  let receptionist: TestUser;
  let photo: Buffer;

  beforeAll(async () => {
    t = await startBrowserApp();
    clinic = await createClinic(t, { tier: 'professional' });
    owner = await createUser(t, clinic.id, 'clinic_owner');
    receptionist = await createUser(t, clinic.id, 'receptionist');
    // The upload pipeline needs a readable photo, not a face: no analyser runs in this file.
    photo = await sharp({ create: { width: 900, height: 900, channels: 3, background: '#b08878' } })
      .jpeg()
      .toBuffer();
  }, 60_000);
  afterAll(() => t?.stop());

  it('a customer asks to be forgotten; the owner erases them, and no file or table keeps anything of them', async () => {
    const customer = await identifiableCustomer(t, clinic);
    const upload = await uploadPhoto(customer.client, photo);
    expect(upload.status).toBe(202);
    expect((await storedKeys(t.storage, clinic.id)).length).toBeGreaterThan(0);

    const asCustomer = await t.signedInPage({ email: customer.details.email });
    await asCustomer.getByRole('link', { name: 'My data' }).click();
    await asCustomer.waitForURL('**/my-data');
    await asCustomer.getByRole('button', { name: 'Ask the clinic to erase my data…' }).click();
    await asCustomer.getByRole('dialog', { name: 'Ask to be forgotten?' }).waitFor();
    expect(await seriousAccessibilityViolations(asCustomer)).toEqual([]);
    await asCustomer.getByRole('button', { name: 'Send the request' }).click();
    await expect.poll(() => asCustomer.getByRole('status').textContent()).toContain('You asked to be forgotten on');
    expect(await seriousAccessibilityViolations(asCustomer)).toEqual([]);

    const asOwner = await t.signedInPage(owner);
    await asOwner.getByRole('link', { name: 'Customers' }).click();
    const requests = asOwner.getByRole('region', { name: 'Asked to be forgotten' });
    await requests.getByRole('link', { name: customer.details.fullName }).waitFor();
    expect(await seriousAccessibilityViolations(asOwner)).toEqual([]);
    await requests.getByRole('link', { name: customer.details.fullName }).click();
    await asOwner.waitForURL(`**/customers/${customer.id}`);
    const panel = asOwner.getByRole('region', { name: 'Erase this customer' });
    await expect.poll(() => panel.getByRole('status').textContent()).toContain('asked to be forgotten on');
    expect(await seriousAccessibilityViolations(asOwner)).toEqual([]);
    await panel.getByRole('button', { name: 'Erase customer…' }).click();
    await asOwner.getByRole('dialog', { name: `Erase ${customer.details.fullName}?` }).waitFor();
    expect(await seriousAccessibilityViolations(asOwner)).toEqual([]);
    const worker = await startWorker(t, t.database.ownerUrl, [imageRemovalJob]);
    try {
      await asOwner.getByRole('button', { name: 'Erase for good' }).click();
      await asOwner.waitForURL('**/customers');
      expect(
        await eventually(
          () => storedKeys(t.storage, clinic.id),
          (keys) => keys.length === 0,
        ),
      ).toEqual([]);
    } finally {
      await worker.stop();
    }
    for (const value of Object.values(customer.details)) expect(await columnsHolding(t.db.owner, value)).toEqual([]);
    await asOwner.goto(`/customers/${customer.id}`);
    await expect.poll(() => asOwner.getByRole('alert').textContent()).toBeTruthy();
  }, 180_000);

  it('a customer withdrawing consent can delete the photos already taken', async () => {
    const customer = await identifiableCustomer(t, clinic);
    const upload = await uploadPhoto(customer.client, photo);
    expect(upload.status).toBe(202);
    // The photo's analysis was refused by the quality gate: finished, its photo kept until deleted.
    await finishAnalysis(t.db.owner, upload.body.id, {
      status: 'rejected',
      quality: { passed: false, problems: [] },
      skinTone: null,
    });
    const sha = (await t.db.owner.query('SELECT photo_sha256 FROM skin_analyses WHERE id = $1', [upload.body.id])).rows[0]
      .photo_sha256 as string;
    const photosOfCustomer = async () => (await storedKeys(t.storage, clinic.id)).filter((k) => k.includes(sha));
    expect((await photosOfCustomer()).length).toBe(4);

    const page = await t.signedInPage({ email: customer.details.email });
    await page.goto('/analyses/new');
    await page.getByRole('button', { name: 'Withdraw consent' }).click();
    await page.getByLabel('Also delete the photos already taken (the scores stay)').check();
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    const worker = await startWorker(t, t.database.ownerUrl, [imageRemovalJob]);
    try {
      await page.getByRole('button', { name: 'Yes, withdraw' }).click();
      expect(await eventually(photosOfCustomer, (keys) => keys.length === 0)).toEqual([]);
    } finally {
      await worker.stop();
    }
    await page.goto('/analyses');
    await expect.poll(() => page.locator('main').textContent()).toContain('(photo deleted)');
    expect(await page.locator('img.analysis-thumb').count()).toBe(0);
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
  }, 60_000);

  it('a customer downloads their data from My data, and the archive holds their photo', async () => {
    const customer = await identifiableCustomer(t, clinic);
    const upload = await uploadPhoto(customer.client, photo);
    expect(upload.status).toBe(202);
    const { rows } = await t.db.owner.query('SELECT photo_sha256, photo_format FROM skin_analyses WHERE id = $1', [
      upload.body.id,
    ]);
    const workingCopy = await t.storage.get(photoKeys(clinic.id, rows[0].photo_sha256, rows[0].photo_format).working);
    const photoBytes = Buffer.concat(await workingCopy.body.toArray());

    const page = await t.signedInPage({ email: customer.details.email });
    await page.getByRole('link', { name: 'My data' }).click();
    await page.waitForURL('**/my-data');
    const link = page.getByRole('link', { name: 'Download my data' });
    await link.waitFor();
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
    expect(download.suggestedFilename()).toMatch(new RegExp(`^customer-${customer.id}-.*\\.zip$`));
    const files = zipEntries(await readFile(await download.path()));
    expect(files.get(`analyses/${upload.body.id}/working.jpg`)).toEqual(photoBytes);
    const data = JSON.parse(files.get('data.json')!.toString('utf8'));
    expect(data.profile).toMatchObject({ id: customer.id, fullName: customer.details.fullName });
  }, 60_000);

  it('a receptionist finds no analyses in the menu or on a customer page, and cannot open one', async () => {
    const customer = await identifiableCustomer(t, clinic);
    const upload = await uploadPhoto(customer.client, photo);
    expect(upload.status).toBe(202);
    const page = await t.signedInPage(receptionist);
    await page.goto(`/customers/${customer.id}`);
    await expect.poll(() => page.locator('h1').textContent()).toBe(customer.details.fullName);
    expect(await page.getByRole('link', { name: 'Skin analyses' }).count()).toBe(0);
    expect(await page.getByRole('region', { name: 'Erase this customer' }).count()).toBe(0);
    expect(await page.getByRole('link', { name: 'Download data' }).count()).toBe(0);
    await page.goto(`/analyses/${upload.body.id}`);
    await expect.poll(() => page.getByRole('alert').textContent()).toBe('You do not have access to this.');
    expect(await page.locator('img').count()).toBe(0);
  }, 60_000);
});
