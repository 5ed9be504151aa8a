import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobDefinition } from '../../src/jobs/job-context.ts';
import { sendJob } from '../../src/jobs/job-queue.ts';
import { startWorker, type Worker } from '../../src/jobs/worker.ts';
import { seriousAccessibilityViolations } from '../support/accessibility.ts';
import { browserAvailable, startBrowserApp, type BrowserApp } from '../support/browser.ts';
import { createUser, type TestUser } from '../support/factories.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

// Processes publish every second here, and the page asks as often.
const FAST = { SYSTEM_SNAPSHOT_SECONDS: '1' };

/**
 * The System page in the browser, over two processes sharing the database and Redis: the one serving
 * the page (API) and a second one serving the API and working jobs.
 */
describe.runIf(browserAvailable && Boolean(process.env.REDIS_URL))('the System page', () => {
  let t: BrowserApp;
  let other: TestApp;
  let worker: Worker;
  let admin: TestUser;
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  let runs = 0;
  const heldJob: JobDefinition = {
    queue: 'test-system-page',
    options: { retryLimit: 0 },
    async handle() {
      if (++runs === 1) await held;
    },
  };

  beforeAll(async () => {
    t = await startBrowserApp(FAST);
    other = await startTestApp({ ...FAST, WORKER_CONCURRENCY: '1' }, { database: t.database });
    worker = await startWorker(other, other.database.ownerUrl, [heldJob]);
    admin = await createUser(t, null, 'super_admin');
  });
  afterAll(async () => {
    release();
    await worker?.stop();
    await other?.stop();
    await t?.stop();
  });

  async function openSystem(language: 'en' | 'th' | 'zh', navLabel: string): Promise<Page> {
    const page = await t.signedInPage(admin, { language });
    page.setDefaultTimeout(10_000);
    await page.getByRole('navigation').getByRole('link', { name: navLabel }).click();
    await page.waitForURL('**/admin/system');
    return page;
  }

  const queueRow = (page: Page) =>
    page.locator('.queues-table tbody tr').filter({ has: page.getByRole('rowheader', { name: heldJob.queue, exact: true }) });
  const cells = async (page: Page) => (await queueRow(page).getByRole('cell').allTextContents()).slice(0, 4);

  it('a super admin sees every process and the queues, and the figures follow a job as it waits and runs', async () => {
    const page = await openSystem('en', 'System');
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('System');
    await expect.poll(() => page.getByText(/^Updated \d+ secs? ago$/).isVisible()).toBe(true);

    const nodes = page.locator('.nodes-table tbody tr');
    await expect.poll(() => nodes.count()).toBe(2);
    const roles = async () => (await nodes.locator('td:nth-of-type(1)').allTextContents()).sort();
    expect(await roles()).toEqual(['API', 'API and worker']);
    expect(await page.getByText('The whole platform: 2 processes publish their figures.').isVisible()).toBe(true);
    expect(await seriousAccessibilityViolations(page)).toEqual([]);

    // Waiting, running, failed, dead-lettered: nothing yet.
    await expect.poll(() => cells(page)).toEqual(['0', '0', '0', '0']);
    await sendJob(t.jobs, heldJob, {});
    await expect.poll(() => cells(page)).toEqual(['0', '1', '0', '0']);
    await sendJob(t.jobs, heldJob, {});
    await expect.poll(() => cells(page)).toEqual(['1', '1', '0', '0']);
    const jobsWaiting = page.locator('.figure-jobs .figure-value');
    await expect.poll(() => jobsWaiting.textContent()).toBe('1');

    release();
    await expect.poll(() => cells(page)).toEqual(['0', '0', '0', '0']);
    await expect.poll(() => jobsWaiting.textContent()).toBe('0');
    // The page keeps its own short history: the waiting job shows in the trend line.
    expect(await page.locator('.figure-jobs canvas[role=img]').count()).toBe(1);
  });

  it('reads in Thai and Chinese', async () => {
    const thai = await openSystem('th', 'ระบบ');
    await expect.poll(() => thai.getByRole('heading', { level: 1 }).textContent()).toBe('ระบบ');
    await expect.poll(() => thai.getByRole('columnheader', { name: 'ย้ายไปคิวงานเสีย' }).count()).toBe(1);
    await expect.poll(() => thai.getByText(/^อัปเดตเมื่อ /).isVisible()).toBe(true);

    const chinese = await openSystem('zh', '系统');
    await expect.poll(() => chinese.getByRole('heading', { level: 1 }).textContent()).toBe('系统');
    await expect.poll(() => chinese.getByRole('heading', { name: '进程', exact: true }).count()).toBe(1);
  });
});
