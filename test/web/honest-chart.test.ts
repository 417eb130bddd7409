// The leaderboard in Chromium for records whose time is unknown (a bare results.tsv imported at
// once) and for over-long descriptions: the progress chart plots by experiment order (evenly
// spaced, said in its caption) instead of a vertical line at the import time, the date cell says
// "time unknown", and a 2,000-character description is clamped in the table.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { chromiumAvailable, screenshot } from '../helpers/browser.ts';
import { useWebSite } from '../helpers/web-site.ts';
import { envelope, makePayload, newSigner } from '../helpers/records.ts';
import { LIMITS } from '../../server/protocol/limits.ts';

const available = chromiumAvailable();
const HARNESS = createHash('sha256').update('bare results harness (web test)').digest('hex');
const MAC = { accelerator: 'mps', device_name: 'Apple M3 Pro', memory_mb: 36864, device_count: 1 } as const;
const LONG = `${'Supercalifragilisticexpialidocious'.repeat(20)} ${'a long explanation of the change '.repeat(80)}`.slice(
  0,
  LIMITS.descriptionChars,
);

describe.skipIf(!available)('time unknown and long descriptions on the leaderboard, in Chromium', () => {
  const { server, browser } = useWebSite('crossfork-web-honest-', {
    seed: async (url) => {
      const me = newSigner('bare');
      const now = Date.parse('2026-03-09T12:00:00Z');
      // Five improving keeps imported together: 1 ms apart, times unknown; the best has a 2,000-character description.
      const values = [1.05, 1.04, 1.02, 1.01, 0.99];
      const records = values.map((v, i) =>
        envelope(
          makePayload({
            created_at: new Date(now - values.length + i).toISOString(),
            time_unknown: true,
            description: i === values.length - 1 ? LONG : `bare row ${i}`,
            status: 'keep',
            metrics: { val_bpb: v },
            parent: i === 0 ? null : { train_py_sha256: null, commit: null, val_bpb: values[i - 1] },
            harness: { id: HARNESS, name: 'autoresearch', time_budget_s: 300 },
            hardware: MAC,
          }),
          me,
        ),
      );
      const res = (await (
        await fetch(`${url}/v1/records/batch`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ records }),
        })
      ).json()) as any;
      expect(
        res.results.every((r: any) => r.status === 'created'),
        JSON.stringify(res),
      ).toBe(true);
    },
  });

  it('plots by experiment order, evenly spaced, says so, and shows "time unknown"; clamps the long description', async () => {
    const page = await browser.newPage();
    await page.goto(`${server.url}/?harness=${HARNESS}`);
    const row = page.locator('table.board tbody tr[data-class="Apple M3 Pro"]');
    await row.waitFor();
    expect(await row.locator('td.date').innerText()).toBe('time unknown');
    const svg = page.locator('figure.chart svg');
    expect(await svg.getAttribute('data-axis')).toBe('order');
    expect(await page.locator('figure.chart figcaption').innerText()).toContain(
      'in the order of the experiments: some of their times are unknown',
    );
    const xs = await page.locator('figure.chart g.series circle').evaluateAll((cs) => cs.map((c) => Number(c.getAttribute('cx'))));
    expect(xs).toHaveLength(5);
    const gaps = xs.slice(1).map((x, i) => x - xs[i]);
    expect(Math.min(...gaps)).toBeGreaterThan(20);
    expect(Math.max(...gaps) - Math.min(...gaps)).toBeLessThan(0.5);
    expect(await page.locator('figure.chart text.tick', { hasText: '#1' }).count()).toBe(1);
    // The 2,000-character best (a claim: nothing is confirmed): clamped in the table, not a page of text; no sideways scrolling.
    const link = row.locator('.claim a');
    const height = (await link.boundingBox())!.height;
    const lineHeight = await page.evaluate<number>(
      `parseFloat(getComputedStyle(document.querySelector('tr[data-class="Apple M3 Pro"] .claim a')).lineHeight) || 20`,
    );
    expect(height).toBeLessThanOrEqual(lineHeight * 3 + 2);
    expect((await link.textContent())?.length).toBe(LIMITS.descriptionChars);
    expect(await page.evaluate<boolean>('document.documentElement.scrollWidth <= document.documentElement.clientWidth')).toBe(true);
    await screenshot(page, 'leaderboard-time-unknown');
    expect(browser.problems).toEqual([]);
  }, 60_000);
});
