import { randomBytes } from 'node:crypto';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seriousAccessibilityViolations } from '../support/accessibility.ts';
import { browserAvailable, startBrowserApp, type BrowserApp } from '../support/browser.ts';
import { createClinic, createUser, type TestClinic, type TestUser } from '../support/factories.ts';

/**
 * The super admin's pages, driven through the browser over the real API. Figures are arranged in the
 * last few days, inside the "Last 7 days" period. Appointments in the past are written as the database
 * owner, as the analytics tests do: the booking service only accepts future times.
 */
describe.runIf(browserAvailable)('super admin pages', () => {
  let t: BrowserApp;
  let admin: TestUser;
  const clinics = {} as Record<'busy' | 'quiet', TestClinic & { name: string }>;

  beforeAll(async () => {
    t = await startBrowserApp();
    admin = await createUser(t, null, 'super_admin');

    clinics.busy = await arrangeClinic('starter');
    const busyStaff = await createUser(t, clinics.busy.id, 'clinic_staff');
    await createUser(t, clinics.busy.id, 'receptionist');
    for (const [status, price] of [
      ['completed', 150_000],
      ['completed', 100_000],
      ['cancelled', 90_000],
      ['no_show', 120_000],
    ] as const) {
      await insertAppointment(clinics.busy.id, busyStaff.id, status, price);
    }
    await insertCompletedAnalysis(clinics.busy.id, busyStaff.id);
    await insertCustomer(clinics.busy.id);
    await insertCustomer(clinics.busy.id);

    clinics.quiet = await arrangeClinic('professional');
    const quietStaff = await createUser(t, clinics.quiet.id, 'clinic_staff');
    await insertAppointment(clinics.quiet.id, quietStaff.id, 'completed', 50_000);
  });
  afterAll(() => t?.stop());

  async function arrangeClinic(tier: string) {
    const clinic = await createClinic(t, { tier });
    // In Bangkok (the default zone), whose date runs ahead of UTC's from 17:00 UTC: the period ends on each
    // clinic's own today, so the customers made just now count at any hour.
    await createUser(t, clinic.id, 'clinic_owner');
    return { ...clinic, name: `Clinic ${clinic.slug}` };
  }

  async function insertCustomer(clinicId: string): Promise<string> {
    const { rows } = await t.db.owner.query<{ id: string }>(
      `INSERT INTO customers (clinic_id, full_name) VALUES ($1, 'Walk-in') RETURNING id`,
      [clinicId],
    );
    return rows[0]!.id;
  }

  let booked = 0;
  /** About two days ago, inside the clinic's last 7 days whatever the hour; each a slot of its own. */
  async function insertAppointment(clinicId: string, staffUserId: string, status: string, priceSatang: number) {
    const startsAt = new Date(Date.now() - 2 * 86_400_000 + booked++ * 2 * 3_600_000);
    const customerId = await insertCustomer(clinicId);
    const { rows } = await t.db.owner.query<{ id: string }>(
      `INSERT INTO treatments (clinic_id, name_en, category, duration_minutes, price_satang) VALUES ($1, 'Hydrating facial', 'facial', 60, $2) RETURNING id`,
      [clinicId, priceSatang],
    );
    await t.db.owner.query(
      `INSERT INTO appointments (clinic_id, customer_id, treatment_id, staff_user_id, starts_at, ends_at, status, price_satang)
       VALUES ($1, $2, $3, $4, $5, $5::timestamptz + interval '1 hour', $6, $7)`,
      [clinicId, customerId, rows[0]!.id, staffUserId, startsAt, status, priceSatang],
    );
  }

  async function insertCompletedAnalysis(clinicId: string, staffUserId: string) {
    const customerId = await insertCustomer(clinicId);
    await t.db.owner.query(
      `INSERT INTO skin_analyses (clinic_id, customer_id, requested_by_user_id, provider, status, photo_sha256, photo_format, stored_bytes,
                                  width, height, working_width, working_height, quota_month, created_at, finished_at)
       VALUES ($1, $2, $3, 'local', 'completed', $4, 'jpeg', 1000, 1080, 1080, 1080, 1080, to_char(now(), 'YYYY-MM'), now() - interval '1 day', now() - interval '1 day')`,
      [clinicId, customerId, staffUserId, randomBytes(32).toString('hex')],
    );
  }

  const clinicRow = async (id: string) =>
    (
      await t.db.owner.query(
        'SELECT slug, name, tier, status, time_zone, locale, quota_overrides, analysis_provider FROM clinics WHERE id = $1',
        [id],
      )
    ).rows[0];
  const auditOf = async (clinicId: string, action: string) =>
    (
      await t.db.owner.query('SELECT actor_user_id, metadata FROM audit_logs WHERE clinic_id = $1 AND action = $2 ORDER BY id', [
        clinicId,
        action,
      ])
    ).rows;

  /** Signed in, with actions failing well inside the test's own time limit. */
  async function signedIn(user: TestUser, language?: 'en' | 'th' | 'zh') {
    const page = await t.signedInPage(user, { language });
    page.setDefaultTimeout(10_000);
    return page;
  }

  /** Cells as read on screen: the non-breaking spaces of formatted money read as spaces. */
  const cellsOf = async (row: Locator) => (await row.getByRole('cell').allTextContents()).map((text) => text.replace(/\s/g, ' '));

  /** The order in which the named clinics appear in the performance table. */
  const orderOf = async (page: Page, names: string[]) =>
    (await page.locator('tbody tr th a').allTextContents()).filter((name) => names.includes(name));

  it("the clinic performance table shows each clinic's figures for the period and re-ranks by the chosen column", async () => {
    const page = await signedIn(admin);
    await page.waitForURL('**/admin/analytics');
    await page.getByRole('button', { name: 'Last 7 days' }).click();
    await page.waitForURL('**/admin/analytics?days=7');

    const busyRow = page.locator('tbody tr').filter({ has: page.getByRole('link', { name: clinics.busy.name, exact: true }) });
    // Staff: owner, practitioner, receptionist. Customers: one per appointment and analysis, and two walk-ins.
    // No-show rate: 1 no-show of 3 appointments that were due (2 completed + 1 no-show).
    await expect
      .poll(async () => (await cellsOf(busyRow)).slice(0, 10))
      .toEqual(['3', '7', '7', '4', '2', '1', '1', '33.3%', 'THB 2,500.00', '1']);
    const quietRow = page.locator('tbody tr').filter({ has: page.getByRole('link', { name: clinics.quiet.name, exact: true }) });
    expect((await cellsOf(quietRow)).slice(0, 10)).toEqual(['2', '1', '1', '1', '1', '0', '0', '0%', 'THB 500.00', '0']);

    const revenueCard = page.locator('.figure').filter({ hasText: 'Revenue' });
    expect((await revenueCard.locator('.figure-value').textContent())?.replace(/\s/g, ' ')).toBe('THB 3,000.00');
    expect(await page.getByText(/Figures computed at /).isVisible()).toBe(true);
    expect(await page.getByText("The last 7 days, up to each clinic's own today").isVisible()).toBe(true);
    expect(await seriousAccessibilityViolations(page)).toEqual([]);

    // Revenue, highest first, is the default ranking.
    expect(await orderOf(page, [clinics.busy.name, clinics.quiet.name])).toEqual([clinics.busy.name, clinics.quiet.name]);
    await page.getByRole('button', { name: 'Appointments', exact: true }).click();
    await expect
      .poll(() => page.getByRole('columnheader', { name: 'Appointments', exact: true }).getAttribute('aria-sort'))
      .toBe('descending');
    await page.getByRole('button', { name: 'Appointments', exact: true }).click();
    await expect
      .poll(() => page.getByRole('columnheader', { name: 'Appointments', exact: true }).getAttribute('aria-sort'))
      .toBe('ascending');
    await expect
      .poll(() => orderOf(page, [clinics.busy.name, clinics.quiet.name]))
      .toEqual([clinics.quiet.name, clinics.busy.name]);
    expect(new URL(page.url()).searchParams.get('sort')).toBe('appointments');

    await page.getByRole('link', { name: clinics.quiet.name, exact: true }).click();
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe(clinics.quiet.name);
  });

  it("a bad slug shows the API's reason next to it and creates nothing; a good form creates the clinic and opens it", async () => {
    const page = await signedIn(admin);
    await page.goto('/admin/clinics');
    await page.getByRole('button', { name: 'New clinic' }).click();
    const form = page.getByRole('form', { name: 'New clinic' });
    const tag = randomBytes(4).toString('hex');
    const name = `Siam Glow ${tag}`;
    const ownerEmail = `owner-${tag}@example.test`;
    await form.getByLabel('Name', { exact: true }).fill(name);
    await form.getByLabel('Slug', { exact: true }).fill('-Siam Glow-');
    await form.getByLabel('Plan', { exact: true }).selectOption('professional');
    await form.getByLabel('Language', { exact: true }).selectOption('en');
    await form.getByLabel("Owner's full name").fill('Ploy Owner');
    await form.getByLabel("Owner's email").fill(ownerEmail);
    await form.getByLabel("Owner's first password").fill('owner password 123');
    await form.getByRole('button', { name: 'Create clinic' }).click();

    await expect
      .poll(() => page.getByText('3 to 63 lower-case letters, digits or dashes, not starting or ending with a dash').isVisible())
      .toBe(true);
    expect(await form.getByLabel('Slug', { exact: true }).getAttribute('aria-invalid')).toBe('true');
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    expect((await t.db.owner.query('SELECT 1 FROM clinics WHERE name = $1', [name])).rowCount).toBe(0);

    await form.getByLabel('Slug', { exact: true }).fill(`siam-glow-${tag}`);
    await form.getByRole('button', { name: 'Create clinic' }).click();
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe(name);
    const id = page.url().split('/').pop()!;
    expect(await clinicRow(id)).toMatchObject({
      slug: `siam-glow-${tag}`,
      name,
      tier: 'professional',
      status: 'trial',
      time_zone: 'Asia/Bangkok',
      locale: 'en',
    });
    const { rows: owners } = await t.db.owner.query('SELECT role FROM users WHERE clinic_id = $1 AND email = $2', [
      id,
      ownerEmail,
    ]);
    expect(owners).toEqual([{ role: 'clinic_owner' }]);

    await page.getByRole('link', { name: '← All clinics' }).click();
    await expect.poll(() => page.getByRole('link', { name, exact: true }).isVisible()).toBe(true);
  });

  it("a flag's share of clinics is set for the whole platform from the clinics page, and stored", async () => {
    const page = await signedIn(admin);
    await page.goto('/admin/clinics');
    const flags = page.getByRole('region', { name: 'Feature flags for all clinics' });
    const row = flags.getByRole('row').filter({ has: page.getByRole('rowheader', { name: 'response-cache' }) });
    await expect.poll(() => row.getByRole('cell').nth(2).textContent()).toBe('Default');
    await row.getByLabel('Share of clinics for response-cache (%)').fill('30');
    await row.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => row.getByRole('cell').nth(2).textContent()).not.toBe('Default');
    const { rows } = await t.db.owner.query(
      `SELECT enabled, rollout_percent FROM feature_flag_defaults WHERE feature_key = 'response-cache'`,
    );
    expect(rows).toEqual([{ enabled: true, rollout_percent: 30 }]);
  });

  it('a new plan and limit are saved, recorded in the audit log, and shown there with their details', async () => {
    const clinic = await createClinic(t, { tier: 'starter' });
    const page = await signedIn(admin);
    await page.goto(`/admin/clinics/${clinic.id}`);
    const staffLimit = page.getByRole('row').filter({ has: page.getByRole('rowheader', { name: 'Staff accounts' }) });
    // Beside each limit, the chosen plan's own value, so an override can be weighed against it.
    await expect.poll(() => page.getByRole('columnheader', { name: 'Starter plan default' }).count()).toBe(1);
    await expect.poll(() => staffLimit.getByRole('cell').nth(1).textContent()).toBe('5');
    await page.getByLabel('Plan', { exact: true }).selectOption('professional');
    await expect.poll(() => staffLimit.getByRole('cell').nth(1).textContent()).toBe('20');
    await page.getByLabel('Staff accounts', { exact: true }).fill('12');
    await page.getByRole('button', { name: 'Save plan and limits' }).click();

    await expect.poll(() => page.getByRole('status').first().textContent()).toBe('Saved.');
    expect(await staffLimit.getByRole('cell').first().textContent()).toBe("12 (this clinic's own limit)");
    expect(await clinicRow(clinic.id)).toMatchObject({ tier: 'professional', quota_overrides: { max_users: 12 } });
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    expect(await auditOf(clinic.id, 'clinic.tier_change')).toEqual([
      { actor_user_id: admin.id, metadata: { from: 'starter', to: 'professional' } },
    ]);
    expect(await auditOf(clinic.id, 'clinic.update')).toEqual([
      { actor_user_id: admin.id, metadata: { quotaOverrides: { from: {}, to: { max_users: 12 } } } },
    ]);

    await page.getByRole('link', { name: 'Audit log of this clinic' }).click();
    const tierEntry = page.locator('tbody.audit-entry').filter({ hasText: 'clinic.tier_change' });
    await expect
      .poll(() => tierEntry.locator('tr').first().getByRole('cell').nth(1).textContent())
      .toBe('Plan changedclinic.tier_change');
    await tierEntry.getByRole('button', { name: 'Details' }).click();
    const recorded = JSON.parse((await tierEntry.getByLabel('Recorded details').textContent())!);
    expect(recorded).toEqual({ from: 'starter', to: 'professional' });
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
  });

  it('choosing OpenAI on a platform without its key says why, in the chosen language, and keeps the provider', async () => {
    const clinic = await createClinic(t);
    const page = await signedIn(admin, 'th');
    await page.goto(`/admin/clinics/${clinic.id}`);
    await page.getByLabel('ผู้ให้บริการ', { exact: true }).selectOption('openai');
    await page.getByRole('button', { name: 'บันทึกผู้ให้บริการ' }).click();
    await expect
      .poll(() => page.getByRole('alert').textContent())
      .toBe('แพลตฟอร์มนี้ยังไม่ได้ตั้งค่า OpenAI คลินิกจึงใช้ผู้ให้บริการวิเคราะห์ผิวเดิมต่อไป');
    expect((await clinicRow(clinic.id)).analysis_provider).toBeNull();
  });

  it('suspending a clinic asks first; cancelling changes nothing, confirming suspends it', async () => {
    const clinic = await arrangeClinic('starter');
    const page = await signedIn(admin);
    await page.goto(`/admin/clinics/${clinic.id}`);

    await page.getByRole('button', { name: 'Suspend clinic' }).click();
    const dialog = page.getByRole('dialog', { name: `Suspend ${clinic.name}?` });
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await expect.poll(() => dialog.count()).toBe(0);
    expect((await clinicRow(clinic.id)).status).toBe('active');

    await page.getByRole('button', { name: 'Suspend clinic' }).click();
    await dialog.getByRole('button', { name: 'Suspend', exact: true }).click();
    await expect.poll(() => page.getByRole('button', { name: 'Reactivate clinic' }).isVisible()).toBe(true);
    expect(await page.locator('.page-heading .badge').allTextContents()).toEqual(['Starter', 'Suspended']);
    expect((await clinicRow(clinic.id)).status).toBe('suspended');
  });

  it('a clinic owner who types an admin address sees that it is not for them, and no admin data', async () => {
    const owner = await createUser(t, clinics.busy.id, 'clinic_owner');
    const page = await signedIn(owner);
    await page.goto('/admin/analytics');
    await expect.poll(() => page.getByRole('alert').textContent()).toBe('You do not have access to this.');
    expect(await page.getByText(clinics.quiet.name).count()).toBe(0);
    expect(await page.locator('table').count()).toBe(0);
    const statuses = await page.evaluate(() =>
      Promise.all(
        ['/api/admin/analytics/clinics', '/api/admin/clinics', '/api/admin/audit-logs'].map((path) =>
          fetch(path).then((r) => r.status),
        ),
      ),
    );
    expect(statuses).toEqual([403, 403, 403]);
  });
});
