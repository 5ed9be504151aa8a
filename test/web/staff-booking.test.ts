import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserAvailable, startBrowserApp, type BrowserApp } from '../support/browser.ts';
import { localDateInDays, localInstant, setUpBookableTreatment } from '../support/clinic-operations.ts';
import { createClinic, createUser, signInAs, type TestUser } from '../support/factories.ts';

const money = (satang: number) => new Intl.NumberFormat('en-GB', { style: 'currency', currency: 'THB' }).format(satang / 100);

describe.runIf(browserAvailable)('staff booking a phone or walk-in customer in the web app', () => {
  let t: BrowserApp;
  let clinicId: string;
  let receptionist: TestUser;

  beforeAll(async () => {
    t = await startBrowserApp();
    const clinic = await createClinic(t, { tier: 'professional' });
    clinicId = clinic.id;
    const owner = await signInAs(t, await createUser(t, clinic.id, 'clinic_owner'));
    const staff = await createUser(t, clinic.id, 'clinic_staff');
    await setUpBookableTreatment(owner, staff.id);
    receptionist = await createUser(t, clinic.id, 'receptionist');
  });
  afterAll(() => t?.stop());

  const customersShown = (page: Page) => page.locator('.day-table tbody tr td:nth-child(2) a').allTextContents();
  const appointmentAt = async (startsAt: string) =>
    (
      await t.db.owner.query<{ customer_id: string; notes: string; full_name: string; phone: string | null }>(
        `SELECT a.customer_id, a.notes, c.full_name, c.phone FROM appointments a JOIN customers c ON c.id = a.customer_id
          WHERE a.clinic_id = $1 AND a.starts_at = $2 AND a.status = 'scheduled'`,
        [clinicId, startsAt],
      )
    ).rows;

  /** The receptionist's dashboard on `date`, then the booking form opened from it with the treatment chosen. */
  async function bookingFormFrom(date: string): Promise<Page> {
    const page = await t.signedInPage(receptionist);
    await page.waitForURL('**/dashboard');
    await page.getByLabel('Day', { exact: true }).fill(date);
    await page.getByRole('link', { name: 'New booking' }).click();
    await page.waitForURL(`**/dashboard/book?date=${date}`);
    await page.getByLabel('Treatment').selectOption({ label: `Hydrating facial · 60 min · ${money(150_000)}` });
    // The form opens on the day the dashboard showed.
    expect(await page.getByLabel('Date', { exact: true }).inputValue()).toBe(date);
    return page;
  }

  const pickTime = (page: Page, time: string) =>
    page.getByRole('group', { name: 'Available times' }).getByRole('button', { name: time, exact: true }).click();

  /** Confirms, and lands back on the dashboard at the booked day. */
  async function confirm(page: Page, date: string) {
    await page.getByRole('button', { name: 'Confirm booking' }).click();
    await page.waitForURL(`**/dashboard?date=${date}`);
  }

  it('a receptionist books a new phone customer for a free time and sees the row on that day', async () => {
    const date = localDateInDays(2);
    const page = await bookingFormFrom(date);
    await page.getByRole('button', { name: 'New customer (phone or walk-in)' }).click();
    await page.getByLabel('Full name').fill('Kanya Phoned');
    await page.getByLabel('Phone').fill('+66 89 555 0101');
    await pickTime(page, '10:00');
    await page.getByLabel('Notes (optional)').fill('Called in, prefers Somchai');
    await confirm(page, date);

    await expect.poll(() => customersShown(page)).toEqual(['Kanya Phoned']);
    expect(await appointmentAt(localInstant(date, '10:00'))).toEqual([
      expect.objectContaining({ full_name: 'Kanya Phoned', phone: '+66 89 555 0101', notes: 'Called in, prefers Somchai' }),
    ]);
    const created = await t.db.owner.query('SELECT user_id FROM customers WHERE clinic_id = $1 AND full_name = $2', [
      clinicId,
      'Kanya Phoned',
    ]);
    expect(created.rows).toEqual([{ user_id: null }]);
  });

  it('a receptionist books an existing customer found by search', async () => {
    const {
      rows: [customer],
    } = await t.db.owner.query('INSERT INTO customers (clinic_id, full_name, phone) VALUES ($1, $2, $3) RETURNING id', [
      clinicId,
      'Pranee Regular',
      '+66 81 777 0202',
    ]);
    const date = localDateInDays(3);
    const page = await bookingFormFrom(date);
    await page.getByLabel('Search by name, phone or email').fill('Pranee');
    await page.getByRole('button', { name: 'Pranee Regular' }).click();
    await expect.poll(() => page.getByText('Booking for Pranee Regular').count()).toBe(1);
    await pickTime(page, '11:00');
    await confirm(page, date);

    await expect.poll(() => customersShown(page)).toEqual(['Pranee Regular']);
    expect(await appointmentAt(localInstant(date, '11:00'))).toEqual([
      expect.objectContaining({ customer_id: customer.id, full_name: 'Pranee Regular' }),
    ]);
  });
});
