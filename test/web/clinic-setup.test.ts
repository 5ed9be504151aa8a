import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seriousAccessibilityViolations } from '../support/accessibility.ts';
import { browserAvailable, startBrowserApp, type BrowserApp } from '../support/browser.ts';
import { localDateInDays } from '../support/clinic-operations.ts';
import { createClinic, createUser, type TestClinic, type TestUser } from '../support/factories.ts';

const money = (satang: number) => new Intl.NumberFormat('en-GB', { style: 'currency', currency: 'THB' }).format(satang / 100);

// Each test walks several pages and runs axe on each: generous on a busy machine.
const WALK_THROUGH_PAGES_MS = 120_000;

describe.runIf(browserAvailable)(
  'an owner sets up a brand-new clinic from the browser',
  { timeout: WALK_THROUGH_PAGES_MS },
  () => {
    let t: BrowserApp;
    let clinic: TestClinic;
    let owner: TestUser;
    let receptionist: TestUser;

    beforeAll(async () => {
      t = await startBrowserApp();
      clinic = await createClinic(t, { tier: 'professional' });
      owner = await createUser(t, clinic.id, 'clinic_owner');
      receptionist = await createUser(t, clinic.id, 'receptionist');
    });
    afterAll(() => t?.stop());

    /** The checklist's items as read on screen: each starts with its state. */
    const checklist = (page: Page) => page.locator('.checklist li').allInnerTexts();
    const openFromNavigation = async (page: Page, name: string, path: string) => {
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name, exact: true }).click();
      await page.waitForURL(`**${path}`);
      await page.getByRole('heading', { level: 1, name }).waitFor();
    };
    const passesAxe = async (page: Page) => expect(await seriousAccessibilityViolations(page)).toEqual([]);

    it('from nothing to a bookable slot: treatment, room and own hours through the pages, the checklist ticking off', async () => {
      const page = await t.signedInPage(owner);
      await page.waitForURL('**/dashboard');
      await page.getByRole('heading', { name: 'Getting started' }).waitFor();
      await expect
        .poll(() => checklist(page))
        .toEqual([
          'To do Add a treatment',
          'To do Add a room',
          'To do Set working hours',
          'To do Check that a slot can be booked',
          expect.stringMatching(
            new RegExp(`^To do\\s+Share your booking link\\s+http://127\\.0\\.0\\.1:\\d+/c/${clinic.slug}\\s+Copy link$`),
          ),
        ]);
      await passesAxe(page);

      // A treatment, named in two languages, performed by the owner.
      await openFromNavigation(page, 'Treatments', '/setup/treatments');
      await page.getByText('No treatments yet.').waitFor();
      await passesAxe(page);
      await page.getByRole('button', { name: 'Add a treatment' }).click();
      const names = page.getByRole('group', { name: 'Name in each language (at least one)' });
      await names.getByLabel('English').fill('Hydrating facial');
      await names.getByLabel('Thai').fill('ทรีทเมนต์หน้าใส');
      await page.getByRole('group', { name: 'Description in each language' }).getByLabel('English').fill('Deep moisture');
      await page.getByLabel('Category').selectOption({ label: 'Facial' });
      await page.getByLabel('Duration (minutes)').fill('60');
      await page.getByLabel('Clean-up after (minutes)').fill('15');
      await page.getByLabel('Price (THB)').fill('1500');
      await page.getByRole('checkbox', { name: 'Test clinic_owner' }).check();
      await passesAxe(page);
      await page.getByRole('button', { name: 'Add treatment' }).click();
      const row = page.getByRole('row', { name: /Hydrating facial/ });
      await row.waitFor();
      expect(await row.getByRole('cell').allInnerTexts()).toEqual([
        'Edit Hydrating facial',
        'Facial',
        '60 min',
        money(150_000),
        'Test clinic_owner',
        'Active',
      ]);

      // A room.
      await openFromNavigation(page, 'Rooms', '/setup/rooms');
      await page.getByLabel("New room's name").fill('Room 1');
      await page.getByRole('button', { name: 'Add room' }).click();
      await page.getByRole('cell', { name: 'Room 1', exact: true }).waitFor();
      await passesAxe(page);

      // The owner's own week: every day, so a slot exists whatever today is.
      await openFromNavigation(page, 'Working hours', '/setup/hours');
      const week = page.getByRole('form', { name: 'Weekly hours of Test clinic_owner' });
      for (const day of ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'])
        await week.getByRole('button', { name: `Add hours on ${day}` }).click();
      await week.getByLabel('Sunday until').fill('13:00');
      await passesAxe(page);
      await week.getByRole('button', { name: 'Save hours of Test clinic_owner' }).click();
      await week.getByRole('status').getByText('Saved.').waitFor();
      const saved = await t.db.owner.query(
        `SELECT weekday, to_char(start_time, 'HH24:MI') AS start, to_char(end_time, 'HH24:MI') AS end
         FROM staff_working_hours WHERE staff_user_id = $1 ORDER BY weekday`,
        [owner.id],
      );
      expect(saved.rows).toHaveLength(7);
      expect(saved.rows[6]).toEqual({ weekday: 7, start: '09:00', end: '13:00' });

      // Back on the dashboard every setup item is ticked; sharing the link is the last one.
      await openFromNavigation(page, 'Today', '/dashboard');
      await expect
        .poll(() => checklist(page))
        .toEqual([
          'Done Add a treatment',
          'Done Add a room',
          'Done Set working hours',
          'Done Check that a slot can be booked',
          expect.stringMatching(/^To do\s+Share your booking link/),
        ]);
      await page.getByRole('button', { name: 'Copy link' }).click();
      await expect.poll(() => page.getByRole('heading', { name: 'Getting started' }).count()).toBe(0);

      // The staff booking page offers the new treatment at a time inside the owner's hours.
      await page.getByRole('link', { name: 'New booking' }).click();
      await page.waitForURL('**/dashboard/book**');
      await page.getByLabel('Treatment').selectOption({ label: `Hydrating facial · 60 min · ${money(150_000)}` });
      await page.getByLabel('Date', { exact: true }).fill(localDateInDays(2));
      const times = page.getByRole('group', { name: 'Available times' }).getByRole('button');
      await expect.poll(() => times.first().textContent()).toBe('09:00');
    });

    it('a treatment is edited: a Chinese name and description added, then deactivated and reactivated', async () => {
      const page = await t.signedInPage(owner);
      await openFromNavigation(page, 'Treatments', '/setup/treatments');
      await page.getByRole('button', { name: 'Edit Hydrating facial' }).click();
      await page.getByRole('group', { name: 'Name in each language (at least one)' }).getByLabel('Chinese').fill('保湿面部护理');
      await page.getByRole('group', { name: 'Description in each language' }).getByLabel('Chinese').fill('深层补水');
      const form = page.getByRole('form', { name: 'Change treatment' });
      await form.getByRole('button', { name: 'Save', exact: true }).click();
      await form.waitFor({ state: 'detached' });
      await page.getByRole('button', { name: 'Edit Hydrating facial' }).click();
      await form.getByRole('button', { name: 'Deactivate' }).click();
      const status = page
        .getByRole('row', { name: /Hydrating facial/ })
        .getByRole('cell')
        .last();
      await expect.poll(() => status.textContent()).toBe('Inactive');
      const stored = async () =>
        (
          await t.db.owner.query('SELECT name_zh, description, description_zh, is_active FROM treatments WHERE clinic_id = $1', [
            clinic.id,
          ])
        ).rows;
      expect(await stored()).toEqual([
        { name_zh: '保湿面部护理', description: 'Deep moisture', description_zh: '深层补水', is_active: false },
      ]);
      await page.getByRole('button', { name: 'Edit Hydrating facial' }).click();
      await form.getByRole('button', { name: 'Reactivate' }).click();
      await expect.poll(() => status.textContent()).toBe('Active');
      expect((await stored())[0].is_active).toBe(true);
    });

    it('a room is renamed and deactivated, and stays listed as inactive', async () => {
      const page = await t.signedInPage(owner);
      await openFromNavigation(page, 'Rooms', '/setup/rooms');
      await page.getByLabel("New room's name").fill('Room 2');
      await page.getByRole('button', { name: 'Add room' }).click();
      await page.getByRole('button', { name: 'Rename Room 2' }).click();
      await page.getByRole('textbox', { name: 'Room', exact: true }).fill('Laser room');
      await page.getByRole('button', { name: 'Save', exact: true }).click();
      await page.getByRole('button', { name: 'Deactivate Laser room' }).click();
      const row = page.getByRole('row', { name: /Laser room/ });
      await expect.poll(() => row.getByRole('cell').nth(1).textContent()).toBe('Inactive');
      const stored = await t.db.owner.query('SELECT name, is_active FROM rooms WHERE clinic_id = $1 ORDER BY name', [clinic.id]);
      expect(stored.rows).toEqual([
        { name: 'Laser room', is_active: false },
        { name: 'Room 1', is_active: true },
      ]);
    });

    it('the clinic settings page saves the profile, sign-up policy and booking rules', async () => {
      const page = await t.signedInPage(owner);
      await openFromNavigation(page, 'Clinic settings', '/setup/clinic');
      await passesAxe(page);
      await page.getByLabel('Contact phone').fill('+66 2 555 0100');
      await page.getByLabel('Address').fill('99 Sukhumvit Rd, Bangkok');
      await page.getByLabel('How customers sign up').selectOption({ label: 'By invitation only' });
      await page.getByRole('button', { name: 'Save profile' }).click();
      await page.getByRole('form', { name: 'Clinic profile' }).getByRole('status').getByText('Saved.').waitFor();

      await page.getByLabel('Minimum notice (minutes)').fill('60');
      await page.getByRole('button', { name: 'Remove fee tier 3' }).click();
      await page.getByRole('button', { name: 'Save booking rules' }).click();
      await page.getByRole('form', { name: 'Booking rules' }).getByRole('status').getByText('Saved.').waitFor();

      const {
        rows: [stored],
      } = await t.db.owner.query(
        `SELECT c.settings, r.min_notice_minutes, r.cancellation_fees FROM clinics c JOIN booking_rules r ON r.clinic_id = c.id
        WHERE c.id = $1`,
        [clinic.id],
      );
      expect(stored).toMatchObject({
        settings: { contactPhone: '+66 2 555 0100', address: '99 Sukhumvit Rd, Bangkok', signUpPolicy: 'invitation-only' },
        min_notice_minutes: 60,
        cancellation_fees: [
          { hoursBefore: 24, feePercent: 50 },
          { hoursBefore: 12, feePercent: 75 },
        ],
      });
      // A name of blanks passes the browser but not the API, whose complaint is shown at the field.
      await page.getByLabel('Clinic name').fill('   ');
      await page.getByRole('button', { name: 'Save profile' }).click();
      await expect.poll(() => page.getByLabel('Clinic name').getAttribute('aria-invalid')).toBe('true');
      await passesAxe(page);
    });

    it('a receptionist reads treatments and rooms without changing them, and sees no checklist', async () => {
      const page = await t.signedInPage(receptionist);
      await page.waitForURL('**/dashboard');
      const nav = page.getByRole('navigation', { name: 'Main' });
      expect(await nav.getByRole('link', { name: 'Working hours' }).count()).toBe(0);
      expect(await nav.getByRole('link', { name: 'Clinic settings' }).count()).toBe(0);
      await openFromNavigation(page, 'Treatments', '/setup/treatments');
      await page.getByRole('cell', { name: 'Hydrating facial' }).waitFor();
      expect(await page.getByRole('button', { name: 'Add a treatment' }).count()).toBe(0);
      await passesAxe(page);
      await openFromNavigation(page, 'Rooms', '/setup/rooms');
      await page.getByRole('cell', { name: 'Room 1', exact: true }).waitFor();
      expect(await page.getByRole('button', { name: 'Add room' }).count()).toBe(0);
      await openFromNavigation(page, 'Today', '/dashboard');
      expect(await page.getByRole('heading', { name: 'Getting started' }).count()).toBe(0);
    });
  },
);
