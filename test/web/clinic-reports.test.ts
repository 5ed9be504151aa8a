import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seriousAccessibilityViolations } from '../support/accessibility.ts';
import { browserAvailable, startBrowserApp, type BrowserApp } from '../support/browser.ts';
import { createClinic, createUser, type TestUser } from '../support/factories.ts';

interface Visit {
  status: 'completed' | 'cancelled' | 'no_show';
  /** A Bangkok local start. */
  at: string;
  priceBaht: number;
}

// March 2025 against the 31 days before it; the owner picks these days in the page's own period form.
const VISITS: Visit[] = [
  { status: 'completed', at: '2025-03-03T10:00:00+07:00', priceBaht: 1_000 },
  { status: 'completed', at: '2025-03-12T10:00:00+07:00', priceBaht: 1_500 },
  { status: 'completed', at: '2025-03-31T22:00:00+07:00', priceBaht: 2_500 },
  { status: 'no_show', at: '2025-03-14T10:00:00+07:00', priceBaht: 900 },
  { status: 'cancelled', at: '2025-03-15T10:00:00+07:00', priceBaht: 900 },
  { status: 'completed', at: '2025-02-20T10:00:00+07:00', priceBaht: 800 },
];
const inMarch = (v: Visit) => v.at >= '2025-03-01' && v.at < '2025-04-01';

describe.runIf(browserAvailable)('clinic reports in the web app', () => {
  let t: BrowserApp;
  let owner: TestUser;

  beforeAll(async () => {
    t = await startBrowserApp();
    const clinic = await createClinic(t);
    owner = await createUser(t, clinic.id, 'clinic_owner');
    const staff = await createUser(t, clinic.id, 'clinic_staff');
    await t.db.owner.query(`UPDATE users SET full_name = 'Napat Therapist' WHERE id = $1`, [staff.id]);
    const {
      rows: [customer],
    } = await t.db.owner.query<{ id: string }>(
      `INSERT INTO customers (clinic_id, full_name, created_at) VALUES ($1, 'Regular', '2025-01-01') RETURNING id`,
      [clinic.id],
    );
    const {
      rows: [treatment],
    } = await t.db.owner.query<{ id: string }>(
      `INSERT INTO treatments (clinic_id, name_en, category, duration_minutes, price_satang) VALUES ($1, 'Hydrating facial', 'facial', 60, 100000) RETURNING id`,
      [clinic.id],
    );
    for (const v of VISITS)
      await t.db.owner.query(
        `INSERT INTO appointments (clinic_id, customer_id, treatment_id, staff_user_id, starts_at, ends_at, status, price_satang)
         VALUES ($1, $2, $3, $4, $5, $5::timestamptz + interval '1 hour', $6, $7)`,
        [clinic.id, customer!.id, treatment!.id, staff.id, v.at, v.status, v.priceBaht * 100],
      );
  });
  afterAll(() => t?.stop());

  it('an owner opens the report for a period, sees its figures against the period before, and downloads a table as CSV', async () => {
    const page = await t.signedInPage(owner);
    await page.getByRole('link', { name: 'Reports' }).click();
    await page.waitForURL('**/reports');
    await page.getByRole('textbox', { name: 'From' }).fill('2025-03-01');
    await page.getByRole('textbox', { name: 'To', exact: true }).fill('2025-03-31');
    await page.getByRole('button', { name: 'Show period' }).click();
    await page.waitForURL('**/reports?from=2025-03-01&to=2025-03-31');

    // The figures, counted here from the arranged visits.
    const march = VISITS.filter(inMarch);
    const completed = march.filter((v) => v.status === 'completed');
    const revenue = completed.reduce((sum, v) => sum + v.priceBaht, 0);
    const previousRevenue = VISITS.filter((v) => !inMarch(v) && v.status === 'completed').reduce(
      (sum, v) => sum + v.priceBaht,
      0,
    );
    const money = (baht: number) => new Intl.NumberFormat('en-GB', { style: 'currency', currency: 'THB' }).format(baht);
    const comparison = page.getByRole('table', { name: 'Compared with the previous period' });
    const row = (name: string) =>
      comparison
        .getByRole('row', { name: new RegExp(`^${name}`) })
        .locator('td')
        .allTextContents();
    await expect.poll(() => row('Bookings')).toEqual([String(march.length), '1', '+400%']);
    expect(await row('Revenue')).toEqual([money(revenue), money(previousRevenue), expect.stringMatching(/^\+/)]);
    expect(await row('No-show rate')).toEqual(['25%', '0%', '+25 pts']);
    expect(await row('Completion rate')).toEqual(['60%', '100%', '-40 pts']);
    const staffRow = await page
      .getByRole('table', { name: 'Per staff member' })
      .getByRole('row', { name: /Napat Therapist/ })
      .locator('td')
      .allTextContents();
    expect(staffRow).toEqual(['5', '3', '1', '1', '60%', '25%', money(revenue), '1']);
    expect(await page.getByRole('img', { name: /^Revenue:/ }).count()).toBe(1);

    expect(await seriousAccessibilityViolations(page)).toEqual([]);

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'Download CSV (per staff member)' }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/-staff-2025-03-01-to-2025-03-31\.csv$/);
    const csv = (await readFile((await download.path())!, 'utf8'))
      .replace(/^\uFEFF/, '')
      .trimEnd()
      .split('\r\n');
    expect(csv[0]).toBe(
      'staff_id,staff_name,bookings,completed,cancelled,no_shows,completion_rate,no_show_rate,revenue_thb,customers',
    );
    expect(csv[1]).toMatch(new RegExp(`,Napat Therapist,5,3,1,1,0\\.6,0\\.25,${revenue}\\.00,1$`));
  }, 120_000);
});
