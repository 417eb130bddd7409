// Web bench: first load of `/` in headless Chromium with N records (default 10,000) on native
// PostgreSQL, against the real server; baseline in the same run: GET /v1/leaderboard alone.
//   npm run bench -- web [--records 10000] [--runs 10]
// Records are seeded straight into the table (the page reads only the leaderboard).
import { createHash } from 'node:crypto';
import { parseArgs } from 'node:util';
import { openDatabase } from '../server/db/client.ts';
import { records } from '../server/db/schema/records.ts';
import { buildWeb } from '../scripts/build-web.mjs';
import { startServer } from '../test/helpers/server-process.ts';
import { chromiumAvailable, launchBrowser } from '../test/helpers/browser.ts';
import { benchDatabaseUrl } from './databases.ts';
import { syntheticExperiment, BENCH_HARNESS } from './synthetic.ts';
import { seedRow } from './seed-row.ts';

const BOARD = 'table.board tbody tr';

export async function run(argv: string[]) {
  const { values } = parseArgs({
    args: argv,
    options: { records: { type: 'string', default: '10000' }, runs: { type: 'string', default: '10' } },
  });
  const n = Number(values.records);
  const runs = Number(values.runs);
  if (!chromiumAvailable()) throw new Error('the web bench needs Chromium (/usr/bin/chromium)');
  const built = await buildWeb({ quiet: true });
  const url = await benchDatabaseUrl('crossfork_bench_web');
  const t0 = performance.now();
  await seed(url, n);
  console.log(`seeded ${n} records in ${((performance.now() - t0) / 1000).toFixed(1)} s${built.built ? ' (web/dist rebuilt)' : ''}`);

  const server = await startServer({ DATABASE_URL: url, LOG_LEVEL: 'warn' }, 60_000);
  const browser = await launchBrowser();
  try {
    // Warm the server (JIT, connection pool, PostgreSQL caches) the same way for both.
    for (let i = 0; i < 3; i++) await (await fetch(`${server.url}/v1/leaderboard`)).arrayBuffer();
    const api: number[] = [];
    for (let i = 0; i < runs * 2; i++) {
      const s = performance.now();
      const res = await fetch(`${server.url}/v1/leaderboard`);
      await res.arrayBuffer();
      api.push(performance.now() - s);
    }

    const cold: Timing[] = [];
    const warm: Timing[] = [];
    for (let i = 0; i < runs; i++) {
      cold.push(await firstLoad(browser, server.url, true));
      warm.push(await firstLoad(browser, server.url, false));
    }
    const rendered = med(cold.map((t) => t.rendered));
    const result = {
      bench: 'web',
      records: n,
      runs,
      api_leaderboard_ms: { p50: med(api), max: max(api) },
      cold_cache: summarise(cold),
      warm_cache: summarise(warm),
      ratio_rendered_to_api: Number((rendered / med(api)).toFixed(2)),
      target_ms: 1000,
      within_target: max(cold.map((t) => t.rendered)) <= 1000,
    };
    console.log(`GET /v1/leaderboard alone: p50 ${result.api_leaderboard_ms.p50} ms`);
    console.log(
      `first load of / (empty cache): leaderboard rendered p50 ${result.cold_cache.rendered.p50} ms, max ${result.cold_cache.rendered.max} ms · DOMContentLoaded p50 ${result.cold_cache.dom_content_loaded.p50} ms · load p50 ${result.cold_cache.load.p50} ms · its /v1/leaderboard fetch p50 ${result.cold_cache.api_fetch_start.p50} → ${result.cold_cache.api_fetch_end.p50} ms`,
    );
    console.log(`repeat load (cached assets): leaderboard rendered p50 ${result.warm_cache.rendered.p50} ms`);
    console.log(`rendered / API alone: ${result.ratio_rendered_to_api}× · target ≤ 1000 ms: ${result.within_target ? 'met' : 'MISSED'}`);
    console.log(JSON.stringify(result));
  } finally {
    await browser.close();
    await server.stop();
  }
}

interface Timing {
  rendered: number;
  responseEnd: number;
  domContentLoaded: number;
  load: number;
  apiStart: number;
  apiEnd: number;
  rows: number;
}

/** One navigation to `/`; times are from navigation start, as the page's own clock reads them. */
async function firstLoad(browser: Awaited<ReturnType<typeof launchBrowser>>, base: string, disableCache: boolean): Promise<Timing> {
  const page = await browser.newPage();
  const cdp = await browser.context.newCDPSession(page);
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: disableCache });
  // Records the moment the first leaderboard row is in the DOM, without a round trip to the test.
  await page.addInitScript(`(() => {
    const seen = () => { if (!window.__boardAt && document.querySelector(${JSON.stringify(BOARD)})) window.__boardAt = performance.now(); };
    new MutationObserver(seen).observe(document, { childList: true, subtree: true });
  })()`);
  await page.goto(base + '/', { waitUntil: 'load' });
  await page.waitForSelector(BOARD);
  await page.waitForFunction('window.__boardAt !== undefined');
  const t = await page.evaluate<Timing>(`(() => {
    const nav = performance.getEntriesByType('navigation')[0];
    const api = performance.getEntriesByType('resource').find((e) => e.name.includes('/v1/leaderboard'));
    return { rendered: window.__boardAt, responseEnd: nav.responseEnd, domContentLoaded: nav.domContentLoadedEventEnd, load: nav.loadEventEnd,
             apiStart: api ? api.startTime : -1, apiEnd: api ? api.responseEnd : -1,
             rows: document.querySelectorAll(${JSON.stringify(BOARD)}).length };
  })()`);
  await cdp.detach();
  await page.close();
  if (t.rows < 1) throw new Error('the leaderboard rendered no rows');
  return t;
}

async function seed(url: string, n: number) {
  const database = await openDatabase({ url, maxConnections: 4 });
  try {
    const chunk = 1000;
    const start = Date.UTC(2026, 0, 1);
    const step = (60 * 86_400_000) / n; // two months of experiments
    for (let from = 0; from < n; from += chunk) {
      const rows = Array.from({ length: Math.min(chunk, n - from) }, (_, k) => {
        const i = from + k;
        const e = syntheticExperiment(i);
        const createdAt = new Date(start + i * step);
        const payload = {
          schema: 'crossfork.record/v1',
          created_at: createdAt.toISOString(),
          description: e.description,
          status: e.status,
          diff: null,
          parent: { train_py_sha256: null, commit: null, val_bpb: 1.0 },
          commit: null,
          metrics: {
            val_bpb: e.valBpb,
            peak_vram_mb: null,
            training_seconds: 300,
            total_seconds: 320,
            mfu_percent: null,
            total_tokens_m: null,
            num_steps: null,
            num_params_m: null,
          },
          harness: { id: e.harnessId, name: 'bench', time_budget_s: 300 },
          hardware: { ...e.hardware, driver: null, runtime: null },
          agent: { model: null, tool: null },
          fork: { id: `bench-${i % 50}`, branch: null, url: null },
        };
        return seedRow(e, {
          id: createHash('sha256').update(`web-bench-${i}`).digest('hex'),
          payload: JSON.stringify(payload),
          key: i,
          harnessId: BENCH_HARNESS,
          forkId: `bench-${i % 50}`,
          createdAt,
        });
      });
      await database.db.insert(records).values(rows);
    }
  } finally {
    await database.close();
  }
}

const med = (xs: number[]) => round([...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]);
const max = (xs: number[]) => round(Math.max(...xs));
const round = (x: number) => Number(x.toFixed(1));
const pick = (ts: Timing[], k: keyof Timing) => ({ p50: med(ts.map((t) => t[k])), max: max(ts.map((t) => t[k])) });
const summarise = (ts: Timing[]) => ({
  rendered: pick(ts, 'rendered'),
  response_end: pick(ts, 'responseEnd'),
  dom_content_loaded: pick(ts, 'domContentLoaded'),
  load: pick(ts, 'load'),
  api_fetch_start: pick(ts, 'apiStart'),
  api_fetch_end: pick(ts, 'apiEnd'),
});
