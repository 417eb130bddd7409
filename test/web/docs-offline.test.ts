// `/docs` with the network off: real Chromium against the real server, every request that leaves the
// server's origin refused (and recorded). The reference must render from assets the server serves
// from its pinned package: operations listed, a schema expandable, no request elsewhere, no errors.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailable, launchBrowser, screenshot, type TestBrowser } from '../helpers/browser.ts';
import { startServer, type ServerProcess } from '../helpers/server-process.ts';

const available = chromiumAvailable();

describe.skipIf(!available)('/docs offline, in Chromium', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'crossfork-docs-'));
  let server: ServerProcess;
  let browser: TestBrowser;
  beforeAll(async () => {
    server = await startServer({ CROSSFORK_DATA_DIR: join(dataDir, 'data'), DATABASE_URL: '' });
    browser = await launchBrowser();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('renders the API reference with nothing fetched from outside the server', async () => {
    const origin = new URL(server.url).origin;
    const outside: string[] = [];
    const failed: string[] = [];
    await browser.context.route('**/*', (route) => {
      const url = route.request().url();
      if (url.startsWith(`${origin}/`) || url.startsWith('data:')) return route.continue();
      outside.push(url);
      return route.abort('internetdisconnected');
    });
    const page = await browser.newPage();
    const consoleErrors: string[] = [];
    page.on('console', (m) => m.type() === 'error' && consoleErrors.push(m.text()));
    page.on('requestfailed', (r) => failed.push(`${r.url()} ${r.failure()?.errorText}`));
    const res = await page.goto(`${server.url}/docs`);
    expect(res?.status()).toBe(200);
    expect(res?.headers()['content-security-policy']).toMatch(/script-src 'self'/);
    // The operations of the OpenAPI document, grouped by tag.
    await page.locator('.opblock').first().waitFor({ timeout: 30_000 });
    const paths = await page.locator('.opblock-summary-path').allInnerTexts();
    for (const p of ['/v1/records', '/v1/records/batch', '/v1/ideas/check', '/v1/leaderboard', '/v1/hardware/class'])
      expect(
        paths.map((x) => x.replace(/\u200b/g, '')),
        p,
      ).toContain(p);
    expect(await page.locator('.info .title').innerText()).toContain('crossfork API');
    // Open one operation: its request schema renders from the same document.
    await page.locator('.opblock-summary-path', { hasText: '/v1/ideas/check' }).first().click();
    await page
      .locator('.opblock.is-open .model-box, .opblock.is-open .body-param__example, .opblock.is-open .opblock-section-request-body')
      .first()
      .waitFor();
    await screenshot(page, 'docs-offline');
    expect(outside, 'requests that left the server').toEqual([]);
    expect(failed).toEqual([]);
    expect(browser.problems).toEqual([]);
    expect(consoleErrors).toEqual([]);
  }, 60_000);

  it("serves only the pinned package's files, cacheable by version", async () => {
    const html = await (await fetch(`${server.url}/docs`)).text();
    const js = /src="(\/docs\/assets\/[^"]+\/swagger-ui-bundle\.js)"/.exec(html)?.[1];
    expect(js).toBeTruthy();
    const asset = await fetch(`${server.url}${js}`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('cache-control')).toContain('immutable');
    expect(asset.headers.get('content-type')).toContain('javascript');
    for (const bad of [
      js!.replace('swagger-ui-bundle.js', 'package.json'),
      js!.replace('swagger-ui-bundle.js', '..%2Fpackage.json'),
      '/docs/assets/0.0.0/swagger-ui-bundle.js',
    ]) {
      expect((await fetch(`${server.url}${bad}`)).status, bad).toBe(404);
    }
  });
});
