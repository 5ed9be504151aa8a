import { existsSync } from 'node:fs';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { PASSWORD, type TestUser } from './factories.ts';
import { startTestApp, type TestApp } from './test-app.ts';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
// Browser tests need Debian's Chromium (README: "Test it"). CI installs it and must run them; on a
// laptop without it they are skipped rather than failing the rest of the suite.
export const browserAvailable = existsSync(CHROMIUM) || !!process.env.CI;

// Playwright gives each launch a fresh profile and runs it headless; without the networking flags
// Chromium keeps calling home, which a closed network refuses.
const FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** Debian's Chromium, headless, in a fresh profile (the browser tests and the web bench). */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: FLAGS });
}

export interface BrowserApp extends TestApp {
  baseUrl: string;
  browser: Browser;
  /** A fresh browser profile (its own cookies and storage) in `language`, at a phone or desktop size. */
  newPage(options?: { language?: 'en' | 'th' | 'zh'; viewport?: { width: number; height: number } }): Promise<Page>;
  /** A fresh profile signed in as `user` through the sign-in form, on the user's home page. */
  signedInPage(user: Pick<TestUser, 'email'>, options?: { language?: 'en' | 'th' | 'zh' }): Promise<Page>;
}

/** The real app listening on a free port and serving the built web app, with Chromium to drive it. */
export async function startBrowserApp(env: Record<string, string> = {}): Promise<BrowserApp> {
  // WEB_DIST_DIR lets a run test a build kept elsewhere than web/dist.
  const t = await startTestApp({ ...(process.env.WEB_DIST_DIR ? { WEB_DIST_DIR: process.env.WEB_DIST_DIR } : {}), ...env });
  const address = await t.app.listen({ host: '127.0.0.1', port: 0 });
  const browser = await launchChromium();
  const contexts: BrowserContext[] = [];
  const newPage: BrowserApp['newPage'] = async ({ language = 'en', viewport = { width: 1280, height: 800 } } = {}) => {
    const context = await browser.newContext({ baseURL: address, locale: language, viewport });
    contexts.push(context);
    // The app keeps the visitor's language choice; start each profile in the one asked for.
    await context.addInitScript(
      (l) => window.localStorage.getItem('bwai.language') ?? window.localStorage.setItem('bwai.language', l),
      language,
    );
    return context.newPage();
  };
  return {
    ...t,
    baseUrl: address,
    browser,
    newPage,
    async signedInPage(user, options) {
      const page = await newPage(options);
      await page.goto('/');
      await page.locator('input[type=email]').fill(user.email);
      await page.locator('input[type=password]').fill(PASSWORD);
      await page.locator('form button[type=submit]').click();
      await page.locator('header.top-bar').waitFor();
      return page;
    },
    async stop() {
      for (const context of contexts) await context.close().catch(() => undefined);
      await browser.close();
      await t.stop();
    },
  };
}
