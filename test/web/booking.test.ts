import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seriousAccessibilityViolations } from '../support/accessibility.ts';
import { browserAvailable, startBrowserApp, type BrowserApp } from '../support/browser.ts';
import { localDateInDays, localInstant, setUpBookableTreatment } from '../support/clinic-operations.ts';
import { createClinic, createUser, signInAs, type TestUser } from '../support/factories.ts';
import type { HttpClient } from '../support/http-client.ts';

const ZONE = 'Asia/Bangkok';
const LOCALES = { en: 'en-GB', th: 'th-TH' } as const;
/** A start time as the app shows it: clinic zone, the reader's language. */
const clock = (instant: string, language: keyof typeof LOCALES = 'en') =>
  new Intl.DateTimeFormat(LOCALES[language], { timeStyle: 'short', timeZone: ZONE }).format(new Date(instant));
const money = (satang: number) => new Intl.NumberFormat(LOCALES.en, { style: 'currency', currency: 'THB' }).format(satang / 100);

describe.runIf(browserAvailable)('booking in the web app', () => {
  let t: BrowserApp;
  let clinicId: string;
  let owner: HttpClient;
  let staffId: string;
  let treatmentId: string;
  let lateTreatmentId: string;

  beforeAll(async () => {
    t = await startBrowserApp();
    const clinic = await createClinic(t, { tier: 'professional' });
    clinicId = clinic.id;
    owner = await signInAs(t, await createUser(t, clinic.id, 'clinic_owner'));
    const staff = await createUser(t, clinic.id, 'clinic_staff');
    staffId = staff.id;
    treatmentId = (await setUpBookableTreatment(owner, staff.id)).id;
    // A second practitioner who works around the clock, so a booking inside the fee window exists at any hour.
    const nightStaff = await createUser(t, clinic.id, 'clinic_staff');
    const allDay = [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, start: '00:00', end: '23:59' }));
    lateTreatmentId = (await setUpBookableTreatment(owner, nightStaff.id, { weeklyHours: allDay })).id;
  });
  afterAll(() => t?.stop());

  const customerIdOf = async (user: TestUser) =>
    (await t.db.owner.query('SELECT id FROM customers WHERE user_id = $1', [user.id])).rows[0].id as string;
  const rowsOf = async (customerId: string) =>
    (
      await t.db.owner.query<{ starts_at: Date; status: string; cancellation_fee_satang: string | null }>(
        'SELECT starts_at, status, cancellation_fee_satang FROM appointments WHERE customer_id = $1',
        [customerId],
      )
    ).rows;
  const countAt = async (startsAt: string) =>
    (
      await t.db.owner.query('SELECT count(*)::int AS n FROM appointments WHERE clinic_id = $1 AND starts_at = $2', [
        clinicId,
        startsAt,
      ])
    ).rows[0].n as number;

  /** The booking form with the treatment and day chosen, and the slot at `startsAt` picked. */
  async function pickSlot(page: Page, date: string, startsAt: string, language: keyof typeof LOCALES = 'en') {
    await page.goto('/my-appointments/book');
    await page.locator('form.booking select').selectOption(treatmentId);
    await page.locator('form.booking input[type=date]').fill(date);
    await page
      .locator('.slots')
      .getByRole('button', { name: clock(startsAt, language), exact: true })
      .click();
  }

  it('a customer books a free time and finds it among their upcoming appointments', async () => {
    const user = await createUser(t, clinicId, 'customer');
    const page = await t.signedInPage(user);
    await page.waitForURL('**/my-appointments');
    await page.getByRole('link', { name: 'Book an appointment' }).click();
    await page.getByLabel('Treatment').selectOption({ label: `Hydrating facial · 60 min · ${money(150_000)}` });
    const date = localDateInDays(3);
    await page.getByLabel('Date').fill(date);
    const startsAt = localInstant(date, '10:00');
    await page.getByRole('group', { name: 'Available times' }).getByRole('button', { name: '10:00', exact: true }).click();
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    await page.getByRole('button', { name: 'Confirm booking' }).click();

    await page.waitForURL('**/my-appointments?booked=*');
    await expect.poll(() => page.getByRole('status').textContent()).toBe('Your appointment is booked.');
    const card = page.getByRole('listitem', { name: 'Hydrating facial' });
    await expect.poll(() => card.locator('time').first().getAttribute('datetime')).toBe(new Date(startsAt).toISOString());
    expect(await card.textContent()).toContain('Scheduled');
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    const rows = await rowsOf(await customerIdOf(user));
    expect(rows.map((r) => [r.starts_at.toISOString(), r.status])).toEqual([[new Date(startsAt).toISOString(), 'scheduled']]);
  });

  it('a time booked by someone else after it was shown is refused, the times refresh and no second booking is made', async () => {
    const user = await createUser(t, clinicId, 'customer');
    const page = await t.signedInPage(user);
    const date = localDateInDays(4);
    const startsAt = localInstant(date, '11:00');
    await pickSlot(page, date, startsAt);

    const other = await signInAs(t, await createUser(t, clinicId, 'customer'));
    expect((await other.post('/api/appointments', { treatmentId, startsAt })).status).toBe(201);
    await page.getByRole('button', { name: 'Confirm booking' }).click();

    await expect.poll(() => page.getByRole('alert').textContent()).toBe('That time can no longer be booked. Choose another.');
    await expect
      .poll(() =>
        page
          .locator('.slots')
          .getByRole('button', { name: clock(startsAt), exact: true })
          .count(),
      )
      .toBe(0);
    expect(await page.locator('.slots button').count()).toBeGreaterThan(0);
    expect(await countAt(startsAt)).toBe(1);
    expect(await rowsOf(await customerIdOf(user))).toEqual([]);
  });

  it('two bookings racing for one time: the loser sees in Thai that it was just taken, and one row exists', async () => {
    const user = await createUser(t, clinicId, 'customer');
    const page = await t.signedInPage(user, { language: 'th' });
    const date = localDateInDays(5);
    const startsAt = localInstant(date, '14:00');
    await pickSlot(page, date, startsAt, 'th');

    // The rival's booking is written but not yet committed when ours is checked: ours passes the
    // availability check and then waits on the rival's row, which the database settles as slot-taken.
    const rival = await createUser(t, clinicId, 'customer');
    const held = await t.db.owner.connect();
    try {
      await held.query('BEGIN');
      await held.query(
        `INSERT INTO appointments (clinic_id, customer_id, treatment_id, staff_user_id, starts_at, ends_at, price_satang)
         VALUES ($1, $2, $3, $4, $5, $5::timestamptz + interval '60 minutes', 150000)`,
        [clinicId, await customerIdOf(rival), treatmentId, staffId, startsAt],
      );
      const xid = (await held.query('SELECT pg_current_xact_id()::xid::text AS xid')).rows[0].xid as string;
      await page.getByRole('button', { name: 'ยืนยันการจอง' }).click();
      await expect
        .poll(
          async () =>
            (
              await t.db.owner.query(
                "SELECT count(*)::int AS n FROM pg_locks WHERE NOT granted AND locktype = 'transactionid' AND transactionid = $1::xid",
                [xid],
              )
            ).rows[0].n,
        )
        .toBe(1);
      await held.query('COMMIT');
    } finally {
      held.release();
    }

    await expect.poll(() => page.getByRole('alert').textContent()).toBe('เวลานี้เพิ่งถูกจองไป โปรดเลือกเวลาอื่น');
    await expect
      .poll(() =>
        page
          .locator('.slots')
          .getByRole('button', { name: clock(startsAt, 'th'), exact: true })
          .count(),
      )
      .toBe(0);
    expect(await countAt(startsAt)).toBe(1);
    expect(await rowsOf(await customerIdOf(user))).toEqual([]);
  });

  it('a customer moves an appointment to another time and then cancels it free of charge', async () => {
    const user = await createUser(t, clinicId, 'customer');
    const client = await signInAs(t, user);
    const date = localDateInDays(6);
    expect((await client.post('/api/appointments', { treatmentId, startsAt: localInstant(date, '09:00') })).status).toBe(201);
    const customerId = await customerIdOf(user);
    const page = await t.signedInPage(user);
    const card = page.getByRole('listitem', { name: 'Hydrating facial' });

    await card.getByRole('button', { name: 'Change time' }).click();
    const moved = localInstant(date, '15:30');
    await card.locator('.slots').getByRole('button', { name: '15:30', exact: true }).click();
    await card.getByRole('button', { name: /^Move to / }).click();
    await expect
      .poll(async () => (await rowsOf(customerId)).map((r) => r.starts_at.toISOString()))
      .toEqual([new Date(moved).toISOString()]);
    await expect.poll(() => card.locator('time').first().getAttribute('datetime')).toBe(new Date(moved).toISOString());

    await card.getByRole('button', { name: 'Cancel', exact: true }).click();
    await expect.poll(() => card.getByTestId('cancellation-fee').textContent()).toBe('Cancelling now is free of charge.');
    expect(await card.locator('.policy').textContent()).toContain('Less than 6 h before the start: 100% of the price');
    await card.getByRole('button', { name: 'Cancel appointment' }).click();
    await expect
      .poll(async () => (await rowsOf(customerId)).map((r) => [r.status, r.cancellation_fee_satang]))
      .toEqual([['cancelled', '0']]);
    await expect.poll(() => card.textContent()).toContain('Cancelled');
  });

  it('late in the fee window a customer cannot move the visit and cancels only after seeing and accepting the fee', async () => {
    const user = await createUser(t, clinicId, 'customer');
    const customerId = await customerIdOf(user);
    // 7 to 10 hours ahead is inside the 75% tier (under 12 h, not under 6 h) for the whole test.
    const today = localDateInDays(0);
    const slots = (
      await owner.get(`/api/availability?treatmentId=${lateTreatmentId}&fromDate=${today}&toDate=${localDateInDays(1)}`)
    ).body as { startsAt: string }[];
    const soon = slots.find(
      (s) => Date.parse(s.startsAt) > Date.now() + 7 * 3_600_000 && Date.parse(s.startsAt) < Date.now() + 10 * 3_600_000,
    )!;
    expect(
      (await owner.post('/api/appointments', { treatmentId: lateTreatmentId, startsAt: soon.startsAt, customerId })).status,
    ).toBe(201);
    const page = await t.signedInPage(user);
    const card = page.getByRole('listitem', { name: 'Hydrating facial' });

    await card.getByRole('button', { name: 'Change time' }).click();
    await expect
      .poll(() => card.getByRole('alert').textContent())
      .toBe('It is too late to move this appointment yourself. You can still cancel it, or call the clinic.');

    await card.getByRole('button', { name: 'Cancel', exact: true }).click();
    await expect
      .poll(() => card.getByTestId('cancellation-fee').textContent())
      .toBe(`Cancelling now costs ${money(112_500)} (75% of the price).`);
    await card.getByRole('button', { name: `Cancel and pay ${money(112_500)}` }).click();
    await expect
      .poll(async () => (await rowsOf(customerId)).map((r) => [r.status, r.cancellation_fee_satang]))
      .toEqual([['cancelled', '112500']]);
    await expect.poll(() => card.textContent()).toContain('Cancellation fee');
  });
});
