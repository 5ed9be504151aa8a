import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seriousAccessibilityViolations } from '../support/accessibility.ts';
import { browserAvailable, startBrowserApp, type BrowserApp } from '../support/browser.ts';
import { localDateInDays, localInstant, setUpBookableTreatment } from '../support/clinic-operations.ts';
import { createClinic, createUser, signInAs } from '../support/factories.ts';

const ZONE = 'Asia/Bangkok';
const clock = (instant: string) =>
  new Intl.DateTimeFormat('en-GB', { timeStyle: 'short', timeZone: ZONE }).format(new Date(instant));

describe.runIf(browserAvailable)('the live inbox', () => {
  let t: BrowserApp;
  beforeAll(async () => {
    t = await startBrowserApp();
  });
  afterAll(() => t?.stop());

  it("a customer's online booking appears in the receptionist's open inbox and badge without a reload", async () => {
    const clinic = await createClinic(t, { tier: 'professional' });
    const owner = await signInAs(t, await createUser(t, clinic.id, 'clinic_owner'));
    const staff = await createUser(t, clinic.id, 'clinic_staff');
    const treatment = await setUpBookableTreatment(owner, staff.id);
    const receptionist = await createUser(t, clinic.id, 'receptionist');
    const customer = await createUser(t, clinic.id, 'customer');
    // Notices are written in each reader's language.
    await t.db.owner.query(`UPDATE users SET locale = 'en' WHERE id = ANY($1)`, [[receptionist.id, customer.id]]);

    const front = await t.signedInPage(receptionist);
    await front.getByRole('link', { name: 'Inbox', exact: true }).click();
    await front.waitForURL('**/notifications');
    await front.getByText('Nothing here yet', { exact: false }).waitFor();
    expect(await seriousAccessibilityViolations(front)).toEqual([]);
    const loads: string[] = [];
    front.on('framenavigated', (frame) => {
      if (frame === front.mainFrame()) loads.push(frame.url());
    });

    const page = await t.signedInPage(customer);
    await page.waitForURL('**/my-appointments');
    await page.getByRole('link', { name: 'Book an appointment' }).click();
    await page.getByLabel('Treatment').selectOption(treatment.id);
    const date = localDateInDays(3);
    await page.getByLabel('Date').fill(date);
    const startsAt = localInstant(date, '10:00');
    await page
      .getByRole('group', { name: 'Available times' })
      .getByRole('button', { name: clock(startsAt), exact: true })
      .click();
    await page.getByRole('button', { name: 'Confirm booking' }).click();
    await page.waitForURL('**/my-appointments?booked=*');

    // The receptionist's page, open all along, shows the booking and the new count.
    const item = front.getByRole('listitem').filter({ hasText: 'New online booking' });
    await item.waitFor({ timeout: 15_000 });
    await expect.poll(() => item.textContent()).toContain('Hydrating facial');
    await front.getByRole('link', { name: 'Inbox 1 unread' }).waitFor();
    expect(await front.getByTestId('unread-badge').textContent()).toBe('1');
    expect(loads).toEqual([]);

    // The customer's own badge counts their confirmation; their inbox shows it.
    await page.getByRole('link', { name: 'Inbox 1 unread' }).click();
    await page.getByRole('listitem').filter({ hasText: 'Booking confirmed' }).waitFor();
    expect(await seriousAccessibilityViolations(page)).toEqual([]);

    // Reading it clears the badge.
    await front.getByRole('button', { name: 'Mark all as read' }).click();
    await front.getByRole('link', { name: 'Inbox', exact: true }).waitFor();
    expect(await front.getByTestId('unread-badge').count()).toBe(0);

    // The channel choices under the inbox: email off, saved for this person.
    await front.getByLabel('By email').uncheck();
    await front.getByRole('button', { name: 'Save' }).click();
    await front.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
    const saved = await t.db.owner.query('SELECT email, line FROM notification_preferences WHERE user_id = $1', [
      receptionist.id,
    ]);
    expect(saved.rows).toEqual([{ email: false, line: false }]);
    expect(await seriousAccessibilityViolations(front)).toEqual([]);
  }, 120_000);
});
