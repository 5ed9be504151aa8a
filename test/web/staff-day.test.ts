import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seriousAccessibilityViolations } from '../support/accessibility.ts';
import { browserAvailable, startBrowserApp, type BrowserApp } from '../support/browser.ts';
import { localDateInDays, localInstant, setUpBookableTreatment } from '../support/clinic-operations.ts';
import { createClinic, createUser, PASSWORD, signInAs, type TestUser } from '../support/factories.ts';

const money = (satang: number) => new Intl.NumberFormat('en-GB', { style: 'currency', currency: 'THB' }).format(satang / 100);

interface Operations {
  clinicId: string;
  staffId: string;
  treatmentId: string;
}

describe.runIf(browserAvailable)("the staff's day in the web app", () => {
  let t: BrowserApp;
  let here: Operations;
  let owner: TestUser;
  let receptionist: TestUser;
  const today = localDateInDays(0);
  const yesterday = localDateInDays(-1);
  const ids: Record<string, string> = {};

  async function clinicWithTreatment(): Promise<Operations & { owner: TestUser }> {
    const clinic = await createClinic(t, { tier: 'professional' });
    const manager = await createUser(t, clinic.id, 'clinic_owner');
    const staff = await createUser(t, clinic.id, 'clinic_staff');
    const treatment = await setUpBookableTreatment(await signInAs(t, manager), staff.id);
    return { clinicId: clinic.id, staffId: staff.id, treatmentId: treatment.id, owner: manager };
  }

  /** An appointment in any state, written as the clinic's history would hold it. */
  async function appointment(at: Operations, customerName: string, date: string, time: string, status: string): Promise<string> {
    const {
      rows: [customer],
    } = await t.db.owner.query('INSERT INTO customers (clinic_id, full_name, phone) VALUES ($1, $2, $3) RETURNING id', [
      at.clinicId,
      customerName,
      '+66 81 234 5678',
    ]);
    const {
      rows: [row],
    } = await t.db.owner.query(
      `INSERT INTO appointments (clinic_id, customer_id, treatment_id, staff_user_id, starts_at, ends_at, status, price_satang)
       VALUES ($1, $2, $3, $4, $5, $5::timestamptz + interval '60 minutes', $6, 150000) RETURNING id`,
      [at.clinicId, customer.id, at.treatmentId, at.staffId, localInstant(date, time), status],
    );
    return row.id;
  }

  const statusOf = async (id: string) =>
    (await t.db.owner.query('SELECT status FROM appointments WHERE id = $1', [id])).rows[0].status as string;

  /** Signed in from a browser whose own clock is in New York, far from the clinic's Bangkok. */
  async function pageAbroad(user: TestUser): Promise<Page> {
    const context = await t.browser.newContext({ baseURL: t.baseUrl, locale: 'en-US', timezoneId: 'America/New_York' });
    await context.addInitScript(() => window.localStorage.setItem('bwai.language', 'en'));
    const page = await context.newPage();
    await page.goto('/');
    await page.locator('input[type=email]').fill(user.email);
    await page.locator('input[type=password]').fill(PASSWORD);
    await page.locator('form button[type=submit]').click();
    await page.waitForURL('**/dashboard');
    return page;
  }

  beforeAll(async () => {
    t = await startBrowserApp();
    const clinic = await clinicWithTreatment();
    here = clinic;
    owner = clinic.owner;
    receptionist = await createUser(t, clinic.clinicId, 'receptionist');
    const elsewhere = await clinicWithTreatment();
    ids.chanida = await appointment(here, 'Chanida Today', today, '12:00', 'scheduled');
    ids.araya = await appointment(here, 'Araya Treated', yesterday, '10:00', 'in_progress');
    ids.boonsri = await appointment(here, 'Boonsri Absent', yesterday, '11:00', 'confirmed');
    ids.dao = await appointment(here, 'Dao Cancelled', yesterday, '13:00', 'cancelled');
    ids.foreignToday = await appointment(elsewhere, 'Other Clinic Today', today, '12:00', 'scheduled');
    ids.foreignYesterday = await appointment(elsewhere, 'Other Clinic Yesterday', yesterday, '10:00', 'confirmed');
  });
  afterAll(() => t?.stop());

  const customersShown = (page: Page) => page.locator('.day-table tbody tr td:nth-child(2) a').allTextContents();
  const figure = (page: Page, label: string) =>
    page
      .locator('.figure', { has: page.locator('dt', { hasText: new RegExp(`^${label}$`) }) })
      .locator('dd')
      .textContent();

  it("an owner sees today's appointments in clinic time, marks yesterday's visits completed and no-show, and no other clinic's rows appear", async () => {
    const page = await pageAbroad(owner);
    await expect.poll(() => page.locator('h1').textContent()).toBe('Today');
    await expect.poll(() => customersShown(page)).toEqual(['Chanida Today']);
    // 12:00 in Bangkok is 01:00 in New York: the clinic's clock is the one shown.
    expect(await page.locator('.day-table tbody tr').first().locator('td').first().textContent()).toBe('12:00–13:00');

    await page.getByRole('button', { name: 'Previous day' }).click();
    await expect.poll(() => customersShown(page)).toEqual(['Araya Treated', 'Boonsri Absent', 'Dao Cancelled']);
    expect(await page.getByLabel('Day', { exact: true }).inputValue()).toBe(yesterday);
    expect(await seriousAccessibilityViolations(page)).toEqual([]);

    await page
      .getByRole('row', { name: /Araya Treated/ })
      .getByRole('button', { name: 'Complete' })
      .click();
    await page
      .getByRole('row', { name: /Boonsri Absent/ })
      .getByRole('button', { name: 'No-show' })
      .click();
    await expect.poll(() => statusOf(ids.araya!)).toBe('completed');
    await expect.poll(() => statusOf(ids.boonsri!)).toBe('no_show');
    await expect
      .poll(() =>
        page
          .getByRole('row', { name: /Araya Treated/ })
          .locator('.status')
          .textContent(),
      )
      .toBe('Completed');
    await expect
      .poll(() =>
        page
          .getByRole('row', { name: /Boonsri Absent/ })
          .locator('.status')
          .textContent(),
      )
      .toBe('No-show');
    expect(
      await page
        .getByRole('row', { name: /Araya Treated/ })
        .getByRole('button')
        .count(),
    ).toBe(0);

    expect(await figure(page, 'Appointments')).toBe('2');
    expect(await figure(page, 'Completed')).toBe('1');
    expect(await figure(page, 'No-shows')).toBe('1');
    expect(await figure(page, 'Cancelled')).toBe('1');
    expect(await figure(page, 'Booked revenue')).toBe(money(150_000));
    expect(await statusOf(ids.foreignYesterday!)).toBe('confirmed');
    expect(await page.locator('body').textContent()).not.toContain('Other Clinic');
  });

  it('a receptionist picks days with the date picker, then confirms and starts a visit that updates in place', async () => {
    const page = await pageAbroad(receptionist);
    await page.getByLabel('Day', { exact: true }).fill(yesterday);
    await expect.poll(() => customersShown(page)).toEqual(['Araya Treated', 'Boonsri Absent', 'Dao Cancelled']);
    await page.getByLabel('Day', { exact: true }).fill(today);
    await expect.poll(() => customersShown(page)).toEqual(['Chanida Today']);

    const row = page.getByRole('row', { name: /Chanida Today/ });
    await row.getByRole('button', { name: 'Confirm' }).click();
    await expect.poll(() => statusOf(ids.chanida!)).toBe('confirmed');
    await row.getByRole('button', { name: 'Start' }).click();
    await expect.poll(() => statusOf(ids.chanida!)).toBe('in_progress');
    await expect.poll(() => row.locator('.status').textContent()).toBe('In progress');
    expect(await row.getByRole('button').allTextContents()).toEqual(['Complete']);
  });
});
