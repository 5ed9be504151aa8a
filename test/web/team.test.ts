import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seriousAccessibilityViolations } from '../support/accessibility.ts';
import { browserAvailable, startBrowserApp, type BrowserApp } from '../support/browser.ts';
import { createClinic, createUser } from '../support/factories.ts';

describe.runIf(browserAvailable)('the team pages in the web app', () => {
  let t: BrowserApp;
  beforeAll(async () => {
    t = await startBrowserApp();
  });
  afterAll(() => t?.stop());

  it("an owner invites within the plan's seats, meets its limit as an upgrade prompt, resends and revokes", async () => {
    // Starter seats five: the owner and three staff leave one.
    const clinic = await createClinic(t, { tier: 'starter' });
    const owner = await createUser(t, clinic.id, 'clinic_owner');
    for (const role of ['clinic_admin', 'clinic_staff', 'receptionist'] as const) await createUser(t, clinic.id, role);
    const page = await t.signedInPage(owner);
    await page.getByRole('link', { name: 'Team', exact: true }).click();
    await page.waitForURL('**/team');
    await page.getByRole('heading', { name: 'Staff', exact: true }).waitFor();
    await expect.poll(() => page.locator('table').last().locator('tbody tr').count()).toBe(4);
    expect(await seriousAccessibilityViolations(page)).toEqual([]);

    const invite = async (email: string, name: string) => {
      await page.getByRole('textbox', { name: 'Email' }).fill(email);
      await page.getByRole('textbox', { name: 'Name' }).fill(name);
      await page.locator('select').and(page.getByLabel('Role')).selectOption('receptionist');
      await page.getByRole('button', { name: 'Send the invitation', exact: true }).click();
    };
    const ploy = `ploy-${Date.now()}@example.test`;
    await invite(ploy, 'Ploy');
    await page.getByRole('button', { name: `Revoke the invitation of ${ploy}` }).waitFor();
    await expect
      .poll(() =>
        page
          .getByRole('row', { name: new RegExp(ploy) })
          .last()
          .textContent(),
      )
      .toContain('Invited');

    await invite(`mint-${Date.now()}@example.test`, 'Mint');
    await expect.poll(() => page.getByRole('alert').textContent()).toContain("Your plan's user limit is reached");
    expect(await seriousAccessibilityViolations(page)).toEqual([]);

    // A link can be sent again once a minute has passed.
    await t.db.owner.query(
      `UPDATE account_tokens SET created_at = created_at - interval '2 minutes'
       WHERE user_id = (SELECT id FROM users WHERE email = $1)`,
      [ploy],
    );
    await page.getByRole('button', { name: `Resend the invitation to ${ploy}` }).click();
    await page.getByText('A new link is on its way.').waitFor();

    await page.getByRole('button', { name: `Revoke the invitation of ${ploy}` }).click();
    await page.getByRole('heading', { name: 'Invitations not accepted yet' }).waitFor({ state: 'detached' });
    const { rows } = await t.db.owner.query('SELECT disabled_at IS NOT NULL AS disabled FROM users WHERE email = $1', [ploy]);
    expect(rows).toEqual([{ disabled: true }]);
  });

  it("an owner changes a member's role, disables the account and books a day of leave", async () => {
    const clinic = await createClinic(t, { tier: 'starter' });
    const owner = await createUser(t, clinic.id, 'clinic_owner');
    const practitioner = await createUser(t, clinic.id, 'clinic_staff');
    const page = await t.signedInPage(owner);
    await page.goto('/team');
    await page.getByRole('link', { name: 'Test clinic_staff' }).click();
    await page.waitForURL(`**/team/${practitioner.id}`);
    await page.getByRole('heading', { name: 'Leave and extra shifts' }).waitFor();
    await page.getByText('No leave or extra shifts in the next 90 days.').waitFor();
    expect(await seriousAccessibilityViolations(page)).toEqual([]);

    await page.locator('select').and(page.getByLabel('Role')).selectOption('receptionist');
    await page.getByRole('button', { name: 'Change the role' }).click();
    await page.getByText('The role is changed.').waitFor();

    await page.getByRole('button', { name: 'Disable the account' }).click();
    await page.getByRole('button', { name: 'Enable the account' }).waitFor();
    const { rows } = await t.db.owner.query('SELECT role, disabled_at IS NOT NULL AS disabled FROM users WHERE id = $1', [
      practitioner.id,
    ]);
    expect(rows).toEqual([{ role: 'receptionist', disabled: true }]);

    // A whole day of leave, ten days ahead in the clinic's calendar (Asia/Bangkok, UTC+7).
    const day = new Date(Date.now() + 7 * 3600_000 + 10 * 86_400_000).toISOString().slice(0, 10);
    await page.getByLabel('Date').fill(day);
    await page.getByLabel('Note').fill('Family trip');
    await page.getByRole('button', { name: 'Add', exact: true }).click();
    await page.getByRole('cell', { name: 'Family trip' }).waitFor();
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    const leave = await t.db.owner.query(
      'SELECT kind, starts_at, ends_at FROM staff_schedule_exceptions WHERE staff_user_id = $1',
      [practitioner.id],
    );
    expect(leave.rows).toEqual([
      {
        kind: 'leave',
        starts_at: new Date(`${day}T00:00:00+07:00`),
        ends_at: new Date(Date.parse(`${day}T00:00:00+07:00`) + 86_400_000),
      },
    ]);

    await page.getByRole('button', { name: /^Remove the entry from/ }).click();
    await page.getByText('No leave or extra shifts in the next 90 days.').waitFor();
  });
});
