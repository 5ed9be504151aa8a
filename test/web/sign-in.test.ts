import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seriousAccessibilityViolations } from '../support/accessibility.ts';
import { browserAvailable, startBrowserApp, type BrowserApp } from '../support/browser.ts';
import { createClinic, createUser, type TestUser } from '../support/factories.ts';

describe.runIf(browserAvailable)('signing in to the web app', () => {
  let t: BrowserApp;
  let owner: TestUser;
  let customer: TestUser;
  let admin: TestUser;

  beforeAll(async () => {
    t = await startBrowserApp();
    const clinic = await createClinic(t);
    owner = await createUser(t, clinic.id, 'clinic_owner');
    customer = await createUser(t, clinic.id, 'customer');
    admin = await createUser(t, null, 'super_admin');
  });
  afterAll(() => t?.stop());

  it('a wrong password shows the reason in the chosen language and signs nobody in', async () => {
    const page = await t.newPage({ language: 'th' });
    await page.goto('/');
    await expect.poll(() => page.locator('h1').textContent()).toBe('เข้าสู่ระบบ');
    await page.locator('input[type=email]').fill(owner.email);
    await page.locator('input[type=password]').fill('not the password');
    await page.locator('form button[type=submit]').click();
    await expect.poll(() => page.getByRole('alert').textContent()).toBe('อีเมลหรือรหัสผ่านไม่ถูกต้อง');
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    expect((await page.context().cookies()).some((c) => c.name === 'bwai_session')).toBe(false);
  });

  it('each role lands on its own home page with its own navigation', async () => {
    const cases: [TestUser, string, string[]][] = [
      [
        owner,
        '/dashboard',
        ['Today', 'Skin analyses', 'Customers', 'Team', 'Reports', 'Treatments', 'Rooms', 'Working hours', 'Clinic settings'],
      ],
      [customer, '/my-appointments', ['My appointments', 'Skin analyses', 'My data']],
      [admin, '/admin/analytics', ['Clinic performance', 'Clinics', 'Audit log', 'System']],
    ];
    for (const [user, home, links] of cases) {
      const page = await t.signedInPage(user);
      await page.waitForURL(`**${home}`);
      expect(await page.locator('header nav a').allTextContents()).toEqual(links);
      expect(await seriousAccessibilityViolations(page), home).toEqual([]);
    }
  });

  it('the session cookie is httpOnly, so page scripts cannot read it', async () => {
    const page = await t.signedInPage(customer);
    const session = (await page.context().cookies()).find((c) => c.name === 'bwai_session');
    expect(session).toMatchObject({ httpOnly: true, sameSite: 'Lax' });
    expect(await page.evaluate(() => document.cookie)).not.toContain('bwai_session');
  });

  it('switching language changes the page at once and is kept after a reload', async () => {
    const page = await t.signedInPage(customer);
    await page.getByLabel('Language').selectOption('zh');
    await expect.poll(() => page.locator('header nav a').first().textContent()).toBe('我的预约');
    await page.reload();
    await expect.poll(() => page.locator('header nav a').first().textContent()).toBe('我的预约');
    await expect.poll(() => page.locator('html').getAttribute('lang')).toBe('zh');
  });

  it("a page fetches only its reader's language, and a switch fetches the chosen one before showing it", async () => {
    const page = await t.signedInPage(customer, { language: 'th' });
    const fetched: string[] = [];
    page.on('request', (request) => {
      const language = /\/strings-(\w+)-[^/]*\.js$/.exec(request.url())?.[1];
      if (language) fetched.push(language);
    });
    await page.reload();
    await expect.poll(() => page.locator('header nav a').first().textContent()).toBe('นัดหมายของฉัน');
    expect(fetched).toEqual(['th']);
    await page.getByLabel('ภาษา').selectOption('zh');
    await expect.poll(() => page.locator('header nav a').first().textContent()).toBe('我的预约');
    expect(fetched).toEqual(['th', 'zh']);
  });

  it('signing out returns to the sign-in form and the old session no longer reads anything', async () => {
    const page = await t.signedInPage(owner);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await expect.poll(() => page.locator('h1').textContent()).toBe('Sign in');
    const me = await page.evaluate(() => fetch('/api/me').then((r) => r.status));
    expect(me).toBe(401);
  });

  it('a write after the CSRF secret is lost (a restart, a cleared cookie) fetches a new token and goes through', async () => {
    const page = await t.signedInPage(owner);
    await page.context().clearCookies({ name: '_csrf' });
    await page.getByRole('button', { name: 'Sign out' }).click();
    await expect.poll(() => page.locator('h1').textContent()).toBe('Sign in');
    expect(await page.evaluate(() => fetch('/api/me').then((r) => r.status))).toBe(401);
  });
});
