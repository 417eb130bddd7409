// The leaderboard and /transfer say what they mean, in real headless Chromium against the real
// server: a class with only claims says nothing is confirmed and shows its best claim as a claim; a
// class with a confirmed best shows a better claim apart, with `crossfork replicate`; flagged results
// are listed with why; /transfer clamps the corpus's longest descriptions so the numbers stay
// readable. Screenshots: test-results/screenshots/board-*.png.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { chromiumAvailable, screenshot } from '../helpers/browser.ts';
import { waitForIdeas } from '../helpers/server-process.ts';
import { useWebSite } from '../helpers/web-site.ts';
import { envelope, HARNESS_ID, makePayload, newSigner, NO_METRICS, type TestSigner } from '../helpers/records.ts';
import { constantDiff, sha256 } from '../helpers/replications.ts';
import { parseResultsTsv } from '../../server/protocol/results-tsv.ts';
import { CORPUS_RESULTS as CORPUS, sharedPresent } from '../helpers/shared.ts';

const corpusMissing = !sharedPresent(CORPUS, 'the /transfer clamp test');

const SPARK = { accelerator: 'cuda', device_name: 'NVIDIA GB10', device_count: 1, memory_mb: 122000 } as const;
const H100 = { accelerator: 'cuda', device_name: 'NVIDIA H100 80GB HBM3', device_count: 1, memory_mb: 81559 } as const;
const M4 = { accelerator: 'mlx', device_name: 'Apple M4 Max', device_count: 1, memory_mb: 131072 } as const;

describe.skipIf(!chromiumAvailable())('leaderboard claims and /transfer in Chromium', () => {
  const ids: Record<string, string> = {};
  const longest: string[] = [];

  const post = async (payload: object, signer: TestSigner) => {
    const res = await fetch(`${server.url}/v1/records`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(envelope(payload, signer)),
    });
    expect(res.status, await res.clone().text()).toBe(201);
    return ((await res.json()) as any).record;
  };
  const keep = (name: string, hardware: object, val: number, parent: number | null, description: string, extra: object = {}) =>
    makePayload({
      description,
      diff: constantDiff(name.toUpperCase(), '0', '1'),
      parent: parent === null ? null : { train_py_sha256: sha256(`${name} parent`), commit: 'abc1234', val_bpb: parent },
      metrics: { val_bpb: val },
      hardware: hardware as any,
      fork: { id: `fork-${name}`, branch: null, url: null },
      ...extra,
    });

  const { server, browser } = useWebSite('crossfork-web-claims-', {
    seed: async (url) => {
      // DGX Spark: only claims (a real fork's light-mode baseline and its depth 8 → 4), and a flagged 0.31.
      const spark = newSigner('spark');
      const sparkFork = { fork: { id: 'fork-spark', branch: null, url: null } };
      await post(keep('spark-base', SPARK, 1.366, null, 'DGX Spark light mode baseline', sparkFork), spark);
      ids.sparkClaim = (await post(keep('spark-depth', SPARK, 1.096, 1.366, 'depth 8 -> 4 for more steps', sparkFork), spark)).id;
      const bare = makePayload({
        description: 'secret sauce',
        diff: null,
        parent: null,
        metrics: {
          ...NO_METRICS,
          val_bpb: 0.31,
        },
        hardware: SPARK as any,
        fork: { id: 'fork-bare', branch: null, url: null },
      });
      ids.sauce = (await post(bare, newSigner('fresh'))).id;
      // H100: a confirmed 0.9810 (rerun by another key) and a better claim from another fork.
      const confirmed = keep('warmdown', H100, 0.981, 0.9932, 'lower WARMDOWN_RATIO from 0.5 to 0.3');
      ids.h100 = (await post(confirmed, newSigner('bob'))).id;
      await post(
        {
          ...keep('warmdown', H100, 0.9812, 0.9932, 'lower WARMDOWN_RATIO from 0.5 to 0.3 (rerun)', { status: 'discard' }),
          replicates: ids.h100,
        },
        newSigner('alice'),
      );
      ids.h100Claim = (
        await post(
          keep('muon', H100, 0.9761, 0.9815, 'Muon momentum 0.95 -> 0.98 with a longer warmup of the momentum'),
          newSigner('carol'),
        )
      ).id;
      // /transfer: the corpus's longest descriptions, each kept on two families so they transfer.
      if (!corpusMissing) {
        const rows = parseResultsTsv(readFileSync(new URL('Djordje-Stojanovic__TrainRTX5070.tsv', CORPUS), 'utf8')).rows;
        longest.push(
          ...rows
            .map((r) => r.description)
            .sort((a, b) => b.length - a.length)
            .slice(0, 3),
        );
        let n = 0;
        for (const d of longest) for (const hw of [H100, M4]) await post(keep(`long-${n++}`, hw, 0.99, 1.0, d), newSigner(`long ${n}`));
        await waitForIdeas(url, '?limit=200');
      }
    },
    timeoutMs: 180_000,
  });

  it('a class with only claims says none is confirmed and shows its best claim as a claim; the flagged 0.31 is listed with why', async () => {
    const page = await browser.newPage();
    await page.goto(`${server.url}/?harness=${HARNESS_ID}`);
    const row = page.locator('tr[data-class="DGX Spark GB10 128GB"]');
    await row.waitFor();
    expect(await row.locator('td[data-label="Best val_bpb"]').innerText()).toBe('none confirmed');
    expect(await row.locator('.claim-only').innerText()).toBe('Nothing on this class is confirmed yet.');
    const claim = row.locator(`[data-unconfirmed="${ids.sparkClaim}"]`);
    expect(await claim.innerText()).toMatch(
      /claim best claim, awaiting replication: 1\.0960 depth 8 -> 4 for more steps\s+crossfork replicate [0-9a-f]{12}…/,
    );
    await row.locator('details.flagged summary').click();
    const flagged = row.locator(`li[data-flagged="${ids.sauce}"]`);
    expect(await flagged.innerText()).toMatch(/^0\.3100 secret sauce: 0\.31 beats the class's best 1\.096/);
    // The flagged 0.31 is nowhere as a number of the class.
    expect(await row.locator('td.best').count()).toBe(0);
    await screenshot(page, 'board-claims-only');
  });

  it('a class with a confirmed best shows it as the number, and the better claim apart with the command that would confirm it', async () => {
    const page = await browser.newPage();
    await page.goto(`${server.url}/?harness=${HARNESS_ID}`);
    const row = page.locator('tr[data-class="H100 80GB"]');
    await row.waitFor();
    expect(await row.locator('td.best').innerText()).toBe('0.9810');
    expect(await row.locator('td.desc > a').first().innerText()).toBe('lower WARMDOWN_RATIO from 0.5 to 0.3');
    const claim = row.locator(`[data-unconfirmed="${ids.h100Claim}"]`);
    expect(await claim.innerText()).toMatch(/better claim, awaiting replication: 0\.9761 .*crossfork replicate/s);
    // Confirmed classes rank first.
    const order = await page.locator('table.board tbody tr').evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-class')));
    expect(order.indexOf('H100 80GB')).toBeLessThan(order.indexOf('DGX Spark GB10 128GB'));
    await screenshot(page, 'board-confirmed-and-claim');
  });

  it.skipIf(corpusMissing)(
    "/transfer clamps the corpus's longest descriptions: the numbers of each row stay clear of the text",
    async () => {
      const page = await browser.newPage();
      await page.goto(`${server.url}/transfer?harness=${HARNESS_ID}`);
      await page.locator('table.transfer tbody tr').first().waitFor();
      const rows = page.locator('table.transfer tbody tr');
      expect(await rows.count()).toBeGreaterThanOrEqual(3);
      for (let i = 0; i < (await rows.count()); i++) {
        const r = rows.nth(i);
        const text = await r.locator('th.desc a').boundingBox();
        const nums = await r.locator('td.num').first().boundingBox();
        const th = await r.locator('th.desc').boundingBox();
        // The text stays inside its own cell (at most three lines), left of the numbers.
        expect(text!.x + text!.width).toBeLessThanOrEqual(nums!.x + 1);
        expect(text!.y + text!.height).toBeLessThanOrEqual(th!.y + th!.height + 1);
        const lineHeight = await r
          .locator('th.desc a')
          .evaluate((a) => parseFloat((globalThis as any).getComputedStyle(a).lineHeight) || 20);
        expect(text!.height).toBeLessThanOrEqual(3 * lineHeight + 2);
      }
      // The whole description is still there, in the title.
      const title = await page.locator('table.transfer th.desc a').first().getAttribute('title');
      expect(longest.some((d) => title!.startsWith(d))).toBe(true);
      await screenshot(page, 'board-transfer-longest');
    },
  );
});
