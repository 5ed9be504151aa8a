import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appFor, enrolTwoFactor, fromBase32 } from '../support/authenticator.ts';
import { seriousAccessibilityViolations } from '../support/accessibility.ts';
import { browserAvailable, startBrowserApp, type BrowserApp } from '../support/browser.ts';
import { createClinic, createUser, PASSWORD, signInAs } from '../support/factories.ts';

const NEW_PASSWORD = 'a brand new password 42';

/** Sets up an authenticator app from the page's key and confirms it; returns the app. */
async function enrolOnPage(page: Page) {
  await page.getByRole('button', { name: 'Set up an authenticator app' }).click();
  const secret = (await page.getByTestId('totp-secret').textContent())!.trim();
  expect(await page.getByTestId('totp-uri').textContent()).toContain(`secret=${secret}`);
  expect(await seriousAccessibilityViolations(page)).toEqual([]);
  const code = appFor(fromBase32(secret));
  await page.getByLabel('Code', { exact: true }).fill(code(0));
  await page.getByRole('button', { name: 'Turn on' }).click();
  await page.getByRole('heading', { name: 'Your recovery codes' }).waitFor();
  expect(await page.locator('.recovery-codes li').count()).toBe(10);
  expect(await seriousAccessibilityViolations(page)).toEqual([]);
  await page.getByRole('button', { name: 'I have kept my codes' }).click();
  return code;
}

describe.runIf(browserAvailable)('the account pages in the web app', () => {
  let t: BrowserApp;
  beforeAll(async () => {
    t = await startBrowserApp({ TWO_FACTOR_REQUIRED_ROLES: 'super_admin,clinic_owner' });
  });
  afterAll(() => t?.stop());

  it('a staff member changes their profile and password, turns on two-factor sign-in and signs in with a code', async () => {
    const user = await createUser(t, (await createClinic(t)).id, 'clinic_staff');
    const page = await t.signedInPage(user);
    await page.getByRole('link', { name: 'Test clinic_staff' }).click();
    await page.waitForURL('**/account');
    await page.getByRole('heading', { name: 'Your account' }).waitFor();
    expect(await seriousAccessibilityViolations(page)).toEqual([]);

    await page.getByLabel('Name').fill('Nok Sukjai');
    await page.getByLabel('Phone').fill('+66 81 234 5678');
    await page.locator('main').getByLabel('Language').selectOption('en');
    await page.getByRole('button', { name: 'Save the profile' }).click();
    await expect.poll(() => page.getByRole('status').first().textContent()).toBe('Your profile is saved.');
    await page.getByRole('link', { name: 'Nok Sukjai' }).waitFor();
    const { rows } = await t.db.owner.query('SELECT full_name, phone, locale FROM users WHERE id = $1', [user.id]);
    expect(rows[0]).toEqual({ full_name: 'Nok Sukjai', phone: '+66 81 234 5678', locale: 'en' });

    await page.getByLabel('Current password').fill('not the password');
    await page.getByLabel('New password').fill(NEW_PASSWORD);
    await page.getByRole('button', { name: 'Change the password' }).click();
    await page.getByRole('alert').waitFor();
    await page.getByLabel('Current password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Change the password' }).click();
    await page.getByText('Your password is changed. Devices signed out: 0.').waitFor();

    await page.getByRole('link', { name: 'Manage two-factor sign-in' }).click();
    await page.waitForURL('**/account/two-factor');
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    const code = await enrolOnPage(page);
    await page.getByText('Two-factor sign-in is on. Recovery codes left: 10.').waitFor();

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.locator('input[type=email]').fill(user.email);
    await page.locator('input[type=password]').fill(NEW_PASSWORD);
    await page.locator('form button[type=submit]').click();
    await page.getByRole('heading', { name: 'Two-factor sign-in' }).waitFor();
    // The enrolment took this step's code: the next one signs in.
    await page.getByLabel('Code', { exact: true }).fill(code(1));
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.locator('header.top-bar').waitFor();
    await page.waitForURL('**/dashboard');
  });

  it('a super admin who must use two-factor sign-in is taken to enrolment, and the app opens once it is on', async () => {
    const admin = await createUser(t, null, 'super_admin');
    const page = await t.signedInPage(admin);
    await page.waitForURL('**/account/two-factor');
    await expect
      .poll(() => page.getByRole('alert').textContent())
      .toBe('Your role must sign in with a second factor. Turn it on to continue.');
    expect(await page.locator('.top-bar nav a').count()).toBe(0);
    await page.goto('/admin/clinics');
    await page.waitForURL('**/account/two-factor');

    await enrolOnPage(page);
    await page.getByRole('link', { name: 'Clinics' }).click();
    await page.waitForURL('**/admin/clinics');
    await page.getByRole('heading', { name: 'Clinics', exact: true }).waitFor();
  });

  it('an admin made owner while signed in is taken to enrolment at their next page', async () => {
    const clinic = await createClinic(t);
    const owner = await signInAs(t, await createUser(t, clinic.id, 'clinic_owner'));
    await enrolTwoFactor(owner);
    const admin = await createUser(t, clinic.id, 'clinic_admin');
    const page = await t.signedInPage(admin);
    await page.waitForURL('**/dashboard');

    expect((await owner.patch(`/api/staff/${admin.id}`, { role: 'clinic_owner' })).status).toBe(200);
    await page.getByRole('link', { name: 'Customers', exact: true }).click();
    await page.waitForURL('**/account/two-factor');
    await page.getByRole('button', { name: 'Set up an authenticator app' }).waitFor();
  });
});
