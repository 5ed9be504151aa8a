import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seriousAccessibilityViolations } from '../support/accessibility.ts';
import { browserAvailable, startBrowserApp, type BrowserApp } from '../support/browser.ts';
import { createClinic, createUser, PASSWORD, type TestUser } from '../support/factories.ts';
import { readMail, startSmtpSink, type SmtpSink } from '../support/smtp-sink.ts';

describe.runIf(browserAvailable)('resetting a forgotten password in the web app', () => {
  let t: BrowserApp;
  let smtp: SmtpSink;
  let customer: TestUser;

  beforeAll(async () => {
    smtp = await startSmtpSink();
    t = await startBrowserApp({ SMTP_URL: smtp.url, SMTP_FROM: 'Clinic <clinic@example.com>' });
    customer = await createUser(t, (await createClinic(t)).id, 'customer');
    await t.db.owner.query(`UPDATE users SET locale = 'th' WHERE id = $1`, [customer.id]);
  });
  afterAll(async () => {
    await t?.stop();
    await smtp?.close();
  });

  async function resetLink(): Promise<string> {
    await expect.poll(() => smtp.messages.filter((m) => m.to.includes(customer.email)).length, { timeout: 10_000 }).toBe(1);
    const mail = readMail(smtp.messages.find((m) => m.to.includes(customer.email))!.raw);
    expect(mail.subject).toBe('ตั้งรหัสผ่านใหม่');
    const token = /reset-password\?token=([A-Za-z0-9_-]{43})/.exec(mail.text)![1]!;
    return `/reset-password?token=${token}`;
  }

  it('from the sign-in form to the email, a new password, and signing in with it', async () => {
    const page = await t.newPage({ language: 'en' });
    await page.goto('/');
    await page.getByRole('link', { name: 'Forgot your password?' }).click();
    await page.waitForURL('**/forgot-password');
    await page.getByLabel('Email', { exact: true }).fill(customer.email);
    await page.getByRole('button', { name: 'Send the link' }).click();
    await expect.poll(() => page.getByRole('status').textContent()).toContain('a link is on its way');
    expect(await seriousAccessibilityViolations(page)).toEqual([]);

    const link = await resetLink();
    await page.goto(link);
    await page.getByLabel('New password', { exact: true }).fill('a fresh passphrase 2026');
    await page.getByRole('button', { name: 'Set the new password' }).click();
    await expect.poll(() => page.getByRole('status').textContent()).toContain('signed out everywhere');
    expect(await seriousAccessibilityViolations(page)).toEqual([]);

    // The link is spent: opening it again says so.
    const again = await t.newPage({ language: 'en' });
    await again.goto(link);
    await again.getByLabel('New password', { exact: true }).fill('yet another passphrase');
    await again.getByRole('button', { name: 'Set the new password' }).click();
    await expect.poll(() => again.getByRole('alert').textContent()).toContain('not valid any more');

    await page.getByRole('link', { name: 'Back to sign-in' }).click();
    await page.locator('input[type=email]').fill(customer.email);
    await page.locator('input[type=password]').fill(PASSWORD);
    await page.locator('form button[type=submit]').click();
    await expect.poll(() => page.getByRole('alert').textContent()).toBe('That email and password do not match.');
    await page.locator('input[type=password]').fill('a fresh passphrase 2026');
    await page.locator('form button[type=submit]').click();
    await page.locator('header.top-bar').waitFor();
  });
});
