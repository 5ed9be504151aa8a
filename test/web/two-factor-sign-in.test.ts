import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enrolTwoFactor } from '../support/authenticator.ts';
import { browserAvailable, startBrowserApp, type BrowserApp } from '../support/browser.ts';
import { createUser, PASSWORD, signInAs } from '../support/factories.ts';

describe.runIf(browserAvailable)('two-factor sign-in in the web app', () => {
  let t: BrowserApp;
  beforeAll(async () => {
    t = await startBrowserApp();
  });
  afterAll(() => t?.stop());

  it('a super admin with two-factor sign-in on is asked for the code after the password, and a wrong one is refused', async () => {
    const admin = await createUser(t, null, 'super_admin');
    const { code } = await enrolTwoFactor(await signInAs(t, admin));

    const page = await t.newPage({ language: 'en' });
    await page.goto('/');
    await page.locator('input[type=email]').fill(admin.email);
    await page.locator('input[type=password]').fill(PASSWORD);
    await page.locator('form button[type=submit]').click();
    await expect.poll(() => page.locator('h1').textContent()).toBe('Two-factor sign-in');
    expect((await page.context().cookies()).some((c) => c.name === 'bwai_session')).toBe(false);

    await page.getByLabel('Code', { exact: true }).fill(code(0) === '000000' ? '111111' : '000000');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect
      .poll(() => page.getByRole('alert').textContent())
      .toBe('That code is not right. Type the code your app shows now, or a recovery code.');
    await page.getByLabel('Code', { exact: true }).fill(code(0));
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.locator('header.top-bar').waitFor();
    await page.waitForURL('**/admin/analytics');
  });
});
