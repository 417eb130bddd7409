// The "What transfers" page in real headless Chromium against the real server: ideas against
// hardware families, kept / tried per cell, ideas kept on more families first, rows linking to
// the idea pages, the harness filter, phone width. Screenshots: test-results/screenshots/.
import { describe, expect, it } from 'vitest';
import { chromiumAvailable, launchBrowser, screenshot } from '../helpers/browser.ts';
import { waitForIdeas } from '../helpers/server-process.ts';
import { useWebSite } from '../helpers/web-site.ts';
import { envelope, HARNESS_ID, makePayload, newSigner } from '../helpers/records.ts';

const HW = {
  rtx4090: { accelerator: 'cuda', device_name: 'NVIDIA GeForce RTX 4090', device_count: 1, memory_mb: 24564 },
  rtx3090: { accelerator: 'cuda', device_name: 'NVIDIA GeForce RTX 3090', device_count: 1, memory_mb: 24576 },
  h100: { accelerator: 'cuda', device_name: 'NVIDIA H100 80GB HBM3', device_count: 1, memory_mb: 81559 },
  m4max: { accelerator: 'mlx', device_name: 'Apple M4 Max', device_count: 1, memory_mb: 131072 },
} as const;

describe.skipIf(!chromiumAvailable())('the What transfers page in Chromium', () => {
  const { server, browser } = useWebSite('crossfork-web-transfer-', {
    seed: async (url) => {
      const keys = [newSigner('a'), newSigner('b'), newSigner('c')];
      let n = 0;
      const publish = async (description: string, hw: keyof typeof HW, status: 'keep' | 'discard') => {
        const payload = makePayload({
          description,
          diff: null,
          status,
          hardware: HW[hw] as any,
          metrics: { val_bpb: status === 'keep' ? 0.99 : 1.01 },
          parent: { val_bpb: 1.0 },
          fork: { id: `fork-${n}` },
        });
        const res = await fetch(`${url}/v1/records`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(envelope(payload, keys[n++ % 3])),
        });
        expect(res.status).toBe(201);
      };
      // Kept on three families: transfers.
      await publish('rotary base 10000 -> 50000', 'h100', 'keep');
      await publish('rotary base 10000 -> 50000', 'm4max', 'keep');
      await publish('rotary base 10000 -> 50000', 'rtx4090', 'keep');
      await publish('rotary base 10000 -> 50000', 'rtx3090', 'discard');
      // Kept on one family only, failed on another.
      await publish('tie the token embedding and the lm_head weights', 'm4max', 'keep');
      await publish('tie the token embedding and the lm_head weights', 'h100', 'discard');
      await publish('tie the token embedding and the lm_head weights', 'h100', 'discard');
      await publish('Muon momentum 0.95 -> 0.98', 'rtx3090', 'keep');
      await waitForIdeas(url);
    },
  });

  it('shows ideas against hardware families, kept / tried per cell, the widest transfer first, linking to each idea', async () => {
    const page = await browser.newPage();
    await page.goto(`${server.url}/transfer`);
    await page.locator('table.transfer tbody tr').first().waitFor();
    expect(await page.title()).toBe('What transfers · crossfork');
    const families = await page.locator('table.transfer thead th.family').allTextContents();
    expect(families.map((f) => f.replace(/\s+/g, ' ').trim())).toEqual([
      'NVIDIA consumer 20–24GB',
      'NVIDIA datacenter 40–80GB',
      'Apple M-series',
    ]);
    const rows = await page.locator('table.transfer tbody tr').evaluateAll((trs) =>
      trs.map((tr) => ({
        idea: tr.querySelector('th a')!.textContent!.trim(),
        kept: tr.querySelectorAll('td')[0].textContent!.trim(),
        cells: Object.fromEntries(
          [...tr.querySelectorAll('td.cell')].map((td) => [
            td.getAttribute('data-family'),
            td.classList.contains('untried') ? '' : (td.childNodes[0]?.textContent ?? '').trim(),
          ]),
        ),
      })),
    );
    expect(rows[0]).toEqual({
      idea: 'rotary base 10000 -> 50000',
      kept: '3',
      cells: { 'NVIDIA consumer 20–24GB': '1/2', 'NVIDIA datacenter 40–80GB': '1/1', 'Apple M-series': '1/1' },
    });
    const tie = rows.find((r) => r.idea.startsWith('tie the token'))!;
    expect(tie).toMatchObject({
      kept: '1',
      cells: { 'NVIDIA consumer 20–24GB': '', 'NVIDIA datacenter 40–80GB': '0/2', 'Apple M-series': '1/1' },
    });
    expect(await page.locator('tr:has-text("tie the token") td.cell.failed').count()).toBe(1);
    expect(await page.locator('tr:has-text("tie the token") td.cell.untried').count()).toBe(1);
    expect(await page.locator('a[href="/transfer"][aria-current="page"]').count()).toBe(1);
    await screenshot(page, 'transfer');
    // A row opens its idea's page (client-side).
    await page.locator('table.transfer a', { hasText: 'rotary base' }).click();
    await expect.poll(() => page.url()).toMatch(/\/ideas\/[A-Za-z0-9_-]+$/);
    await page.locator('h1', { hasText: 'rotary base' }).waitFor();
  });

  it("the harness filter is in the URL; an invalid one shows the server's problem", async () => {
    const page = await browser.newPage();
    await page.goto(`${server.url}/transfer?harness=${HARNESS_ID}`);
    await page.locator('table.transfer tbody tr').first().waitFor();
    expect(await page.locator('select[name="harness"]').inputValue()).toBe(HARNESS_ID);
    await page.goto(`${server.url}/transfer?harness=nope`);
    await page.locator('.error').waitFor();
    expect(await page.locator('.error').innerText()).toMatch(/must be a harness id/);
  });

  it('fits a phone: the grid scrolls inside its frame, not the page', async () => {
    const phone = await launchBrowser({ viewport: { width: 390, height: 844 } });
    try {
      const page = await phone.newPage();
      await page.goto(`${server.url}/transfer`);
      await page.locator('table.transfer tbody tr').first().waitFor();
      expect(await page.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth')).toBeLessThanOrEqual(0);
      await screenshot(page, 'transfer-phone');
    } finally {
      await phone.close();
    }
  });
});
