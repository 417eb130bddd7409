// Real headless Chromium for browser tests (Debian's /usr/bin/chromium through playwright-core),
// launched with the flags this machine needs; tests skip when it is missing, except in CI.
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM = process.env.CROSSFORK_CHROMIUM ?? '/usr/bin/chromium';
export const SCREENSHOTS = fileURLToPath(new URL('../../test-results/screenshots', import.meta.url));

const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--disable-quic',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

/** Whether browser tests can run; warns (or, in CI, throws) when they cannot. */
export function chromiumAvailable(): boolean {
  if (existsSync(CHROMIUM)) return true;
  const msg = `${CHROMIUM} is missing: browser tests are skipped (install it with scripts/setup-test-env.sh or \`apt-get install -y chromium\`)`;
  if (process.env.CI) throw new Error(`CI needs Chromium: ${msg}`);
  console.warn(`[test] ${msg}`);
  return false;
}

export interface TestBrowser {
  context: BrowserContext;
  /** A fresh page whose JavaScript errors and dialogs are recorded in `problems`. */
  newPage(): Promise<Page>;
  problems: string[];
  close(): Promise<void>;
}

/** Launches Chromium with a fresh profile (persistent contexts take --user-data-dir). */
export async function launchBrowser(
  opts: { viewport?: { width: number; height: number }; permissions?: string[] } = {},
): Promise<TestBrowser> {
  const profile = mkdtempSync(join(tmpdir(), 'crossfork-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: FLAGS,
    viewport: opts.viewport ?? { width: 1280, height: 900 },
    permissions: opts.permissions,
  });
  const problems: string[] = [];
  return {
    context,
    problems,
    async newPage() {
      const page = await context.newPage();
      page.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`));
      page.on('dialog', (d) => {
        problems.push(`dialog: ${d.type()} ${d.message()}`);
        void d.dismiss();
      });
      return page;
    },
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Saves a full-page screenshot as test-results/screenshots/<name>.png. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const path = join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}
