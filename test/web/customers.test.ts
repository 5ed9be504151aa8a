import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seriousAccessibilityViolations } from '../support/accessibility.ts';
import { browserAvailable, startBrowserApp, type BrowserApp } from '../support/browser.ts';
import { localDateInDays, localInstant, setUpBookableTreatment } from '../support/clinic-operations.ts';
import { createClinic, createUser, signInAs, type TestUser } from '../support/factories.ts';

const MATCHING = 55;

describe.runIf(browserAvailable)('customers in the web app', () => {
  let t: BrowserApp;
  let receptionist: TestUser;
  let wanidaId: string;

  beforeAll(async () => {
    t = await startBrowserApp();
    const clinic = await createClinic(t, { tier: 'professional' });
    const owner = await createUser(t, clinic.id, 'clinic_owner');
    receptionist = await createUser(t, clinic.id, 'receptionist');
    const staff = await createUser(t, clinic.id, 'clinic_staff');
    const treatment = await setUpBookableTreatment(await signInAs(t, owner), staff.id);
    // Records a minute apart, newest first in the list; more than two pages of them match one search.
    await t.db.owner.query(
      `INSERT INTO customers (clinic_id, full_name, phone, created_at)
       SELECT $1, 'Pimchanok Sriwan ' || lpad(n::text, 2, '0'), '+66 80 000 ' || lpad(n::text, 4, '0'), now() - n * interval '1 minute'
       FROM generate_series(1, $2::int) AS n`,
      [clinic.id, MATCHING],
    );
    const {
      rows: [wanida],
    } = await t.db.owner.query(
      `INSERT INTO customers (clinic_id, full_name, phone, email, date_of_birth, notes) VALUES ($1, 'Wanida Kaewmanee', '+66 81 555 0101', 'wanida@example.test', '1990-04-13', 'Prefers mornings')
       RETURNING id`,
      [clinic.id],
    );
    wanidaId = wanida.id;
    await t.db.owner.query(
      `INSERT INTO appointments (clinic_id, customer_id, treatment_id, staff_user_id, starts_at, ends_at, status, price_satang)
       VALUES ($1, $2, $3, $4, $5, $5::timestamptz + interval '60 minutes', 'completed', 150000),
              ($1, $2, $3, $4, $6, $6::timestamptz + interval '60 minutes', 'scheduled', 150000)`,
      [
        clinic.id,
        wanidaId,
        treatment.id,
        staff.id,
        localInstant(localDateInDays(-10), '10:00'),
        localInstant(localDateInDays(7), '14:00'),
      ],
    );
  });
  afterAll(() => t?.stop());

  const namesShown = (page: Page) => page.locator('.customer-table tbody tr td:first-child').allTextContents();

  async function customersPage(): Promise<Page> {
    const page = await t.signedInPage(receptionist);
    await page.getByRole('link', { name: 'Customers' }).click();
    await page.waitForURL('**/customers');
    return page;
  }

  it('searching by part of a name finds the customer, and their record shows contact data and appointments', async () => {
    const page = await customersPage();
    await page.getByLabel('Search customers').fill('kaewman');
    await expect.poll(() => namesShown(page)).toEqual(['Wanida Kaewmanee']);
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    await page.getByRole('link', { name: 'Wanida Kaewmanee' }).click();

    await page.waitForURL(`**/customers/${wanidaId}`);
    await expect.poll(() => page.locator('h1').textContent()).toBe('Wanida Kaewmanee');
    const contact = await page.locator('.contact').textContent();
    for (const text of ['+66 81 555 0101', 'wanida@example.test', '13 Apr 1990', 'Prefers mornings'])
      expect(contact).toContain(text);
    // Health data is not the front desk's: no link to the customer's analyses.
    expect(await page.getByRole('link', { name: 'Skin analyses' }).count()).toBe(0);
    await expect
      .poll(() => page.getByRole('table', { name: 'Upcoming appointments' }).locator('tbody tr').allTextContents())
      .toEqual([expect.stringContaining('Hydrating facial')]);
    expect(await page.getByRole('table', { name: 'Upcoming appointments' }).locator('.status').textContent()).toBe('Scheduled');
    await expect
      .poll(() => page.getByRole('table', { name: 'Past appointments' }).locator('.status').allTextContents())
      .toEqual(['Completed']);
    expect(await seriousAccessibilityViolations(page)).toEqual([]);

    // The browser's Back returns to the same search.
    await page.goBack();
    await expect.poll(() => page.getByLabel('Search customers').inputValue()).toBe('kaewman');
    await expect.poll(() => namesShown(page)).toEqual(['Wanida Kaewmanee']);
  });

  it('load more pages through every match, newest first, without repeating anyone', async () => {
    const page = await customersPage();
    const expected = Array.from({ length: MATCHING }, (_, i) => `Pimchanok Sriwan ${String(i + 1).padStart(2, '0')}`);
    await page.getByLabel('Search customers').fill('pimchanok');
    await expect.poll(() => namesShown(page)).toEqual(expected.slice(0, 25));
    await page.getByRole('button', { name: 'Load more' }).click();
    await expect.poll(() => namesShown(page)).toEqual(expected.slice(0, 50));
    await page.getByRole('button', { name: 'Load more' }).click();
    await expect.poll(() => namesShown(page)).toEqual(expected);
    expect(new Set(await namesShown(page)).size).toBe(MATCHING);
    expect(await page.getByRole('button', { name: 'Load more' }).count()).toBe(0);
    expect(await page.getByRole('status').textContent()).toBe(`Showing ${MATCHING} customers`);
  });
});
