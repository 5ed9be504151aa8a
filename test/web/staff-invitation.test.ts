import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserAvailable, startBrowserApp, type BrowserApp } from '../support/browser.ts';
import { createClinic, createUser } from '../support/factories.ts';
import { readMail, startSmtpSink, type SmtpSink } from '../support/smtp-sink.ts';

describe.runIf(browserAvailable)('accepting a staff invitation in the web app', () => {
  let t: BrowserApp;
  let smtp: SmtpSink;

  beforeAll(async () => {
    smtp = await startSmtpSink();
    t = await startBrowserApp({ SMTP_URL: smtp.url, SMTP_FROM: 'Clinic <clinic@example.com>' });
  });
  afterAll(async () => {
    await t?.stop();
    await smtp?.close();
  });

  it("an owner's invitation from the team page is accepted by a receptionist from the email link, who then signs in", async () => {
    const clinic = await createClinic(t);
    const email = `receptionist-${Date.now()}@example.test`;
    const ownerPage = await t.signedInPage(await createUser(t, clinic.id, 'clinic_owner'));
    await ownerPage.getByRole('link', { name: 'Team', exact: true }).click();
    await ownerPage.getByRole('textbox', { name: 'Email' }).fill(email);
    await ownerPage.getByRole('textbox', { name: 'Name' }).fill('Ploy');
    await ownerPage.locator('select').and(ownerPage.getByLabel('Role')).selectOption('receptionist');
    await ownerPage.locator('select').and(ownerPage.getByLabel('Language of the email')).selectOption('th');
    await ownerPage.getByRole('button', { name: 'Send the invitation', exact: true }).click();
    await ownerPage.getByText('The invitation is on its way.', { exact: false }).waitFor();

    await expect.poll(() => smtp.messages.filter((m) => m.to.includes(email)).length, { timeout: 10_000 }).toBe(1);
    const mail = readMail(smtp.messages.find((m) => m.to.includes(email))!.raw);
    expect(mail.subject).toBe(`คุณได้รับคำเชิญให้เข้าร่วม Clinic ${clinic.slug}`);
    const link = /\/accept-invitation\?token=[A-Za-z0-9_-]{43}/.exec(mail.text)![0];

    const page = await t.newPage({ language: 'en' });
    await page.goto(link);
    await page.getByRole('heading', { name: "Join your clinic's team" }).waitFor();
    await page.getByLabel('Your password', { exact: true }).fill('my receptionist passphrase');
    await page.getByRole('button', { name: 'Accept the invitation' }).click();
    await expect.poll(() => page.getByRole('status').textContent()).toContain('Welcome to the team');

    // The link is spent: opening it again says so.
    const again = await t.newPage({ language: 'zh' });
    await again.goto(link);
    await again.getByLabel('您的密码', { exact: true }).fill('another passphrase here');
    await again.getByRole('button', { name: '接受邀请' }).click();
    await expect.poll(() => again.getByRole('alert').textContent()).toContain('此邀请链接已失效');

    await page.getByRole('link', { name: 'Sign in' }).click();
    await page.locator('input[type=email]').fill(email);
    await page.locator('input[type=password]').fill('my receptionist passphrase');
    await page.locator('form button[type=submit]').click();
    await page.locator('header.top-bar').waitFor();
    const me = await page.evaluate(() => fetch('/api/me').then((r) => r.json()));
    expect(me).toMatchObject({ email, role: 'receptionist', clinicId: clinic.id });
  });
});
