// Writes docs/img/leaderboard.png, the README's picture: the real web in Chromium against a server on a fresh PGlite directory, seeded as the browser tests seed it (`npx tsx scripts/screenshot-leaderboard.ts [out.png]`).
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildWeb } from './build-web.mjs';
import { startServer } from '../test/helpers/server-process.ts';
import { launchBrowser } from '../test/helpers/browser.ts';
import { seedSite } from '../test/web/seed.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const out = resolve(process.argv[2] ?? join(ROOT, 'docs/img/leaderboard.png'));

const dataDir = mkdtempSync(join(tmpdir(), 'crossfork-screenshot-'));
await buildWeb({ quiet: true });
const server = await startServer({ CROSSFORK_DATA_DIR: join(dataDir, 'data'), DATABASE_URL: '' });
const browser = await launchBrowser({ viewport: { width: 1280, height: 900 } });
try {
  await seedSite(server.url);
  const page = await browser.newPage();
  await page.goto(`${server.url}/`);
  await page.locator('table.board tbody tr').first().waitFor();
  await page.locator('figure.chart .legend').waitFor();
  // The header, the board and the progress chart: everything down to the chart's legend.
  const chart = (await page.locator('figure.chart').boundingBox())!;
  mkdirSync(dirname(out), { recursive: true });
  await page.screenshot({ path: out, fullPage: true, clip: { x: 0, y: 0, width: 1280, height: Math.ceil(chart.y + chart.height + 16) } });
  if (browser.problems.length) throw new Error(`the page reported problems: ${browser.problems.join('; ')}`);
  console.log(`wrote ${out}`);
} finally {
  await browser.close();
  await server.stop();
  rmSync(dataDir, { recursive: true, force: true });
}
