// Trust on the web site, in real Chromium against the real server: the leaderboard marks
// confirmed and unconfirmed bests with their replications, interval and the class's noise; an
// idea whose effect is within the noise says so; record pages say how they stand and link a
// replication to its original. Screenshots: test-results/screenshots/trust-*.png.
import { describe, expect, it } from 'vitest';
import { chromiumAvailable, screenshot } from '../helpers/browser.ts';
import { useWebSite } from '../helpers/web-site.ts';
import { envelope, makePayload, newSigner } from '../helpers/records.ts';
import { constantDiff, replicationEnvelopes, sha256 } from '../helpers/replications.ts';

const available = chromiumAvailable();
const H100 = { accelerator: 'cuda', device_name: 'NVIDIA H100 80GB HBM3', device_count: 1, memory_mb: 81559 } as const;
const A10G = { accelerator: 'cuda', device_name: 'NVIDIA A10G', device_count: 1, memory_mb: 23028 } as const;

describe.skipIf(!available)('trust on the web site', () => {
  const ids: Record<string, string> = {};
  let ideaId = '';

  const { server, browser } = useWebSite('crossfork-trust-web-', {
    env: { CROSSFORK_STALENESS_MS: '0' },
    seed: async (url) => {
      const [alice, bob, carol, dave] = ['alice', 'bob', 'carol', 'dave'].map((n) => newSigner(`${n}@lab`));
      const post = async (payload: object, signer = alice) => {
        const res = await fetch(`${url}/v1/records`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(envelope(payload, signer)),
        });
        if (res.status !== 201) throw new Error(`seed refused (${res.status}): ${await res.text()}`);
        return ((await res.json()) as { id: string }).id;
      };
      // The H100's noise, from 30 train.py versions each run three times (σ ≈ 0.004).
      const batch = replicationEnvelopes({ hardware: H100, sigma: 0.004, groups: 30, runs: 3, seed: 5, signers: [alice, bob, carol] });
      await fetch(`${url}/v1/records/batch`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ records: batch }),
      });

      // H100: a confirmed result, and a better first row nobody can confirm.
      const lr = {
        description: 'raise MATRIX_LR from 0.04 to 0.05',
        diff: constantDiff('MATRIX_LR', '0.04', '0.05'),
        parent: { train_py_sha256: sha256('h100 parent'), commit: 'abc1234', val_bpb: 0.9979 },
        hardware: H100,
      };
      ids.confirmed = await post(makePayload({ ...lr, metrics: { val_bpb: 0.9712 } }), alice);
      ids.replication = await post({ ...makePayload({ ...lr, metrics: { val_bpb: 0.9731 } }), replicates: ids.confirmed }, bob);
      ids.firstRow = await post(
        makePayload({ description: "my fork's first run", diff: null, parent: null, metrics: { val_bpb: 0.9655 }, hardware: H100 }),
        dave,
      );
      // A10G: one result, not replicated.
      ids.lonely = await post(
        makePayload({
          description: 'halve TOTAL_BATCH_SIZE on the A10G',
          diff: constantDiff('TOTAL_BATCH_SIZE', '2**19', '2**18'),
          parent: { train_py_sha256: sha256('a10g parent'), commit: 'abc1234', val_bpb: 1.12 },
          metrics: { val_bpb: 1.101 },
          hardware: A10G,
        }),
        carol,
      );
      // An idea whose effect on the H100 is smaller than its noise.
      for (const [i, delta] of [-0.002, -0.001, -0.0015].entries()) {
        ids[`warmup${i}`] = await post(
          makePayload({
            description: 'add a 2% LR warmup',
            diff: constantDiff('WARMUP_RATIO', '0.0', '0.02'),
            parent: { train_py_sha256: sha256(`warmup parent ${i}`), commit: 'abc1234', val_bpb: 1.0 + i / 100 },
            metrics: { val_bpb: 1.0 + i / 100 + delta },
            hardware: H100,
          }),
          [alice, bob, carol][i],
        );
      }
      for (let i = 0; i < 200; i++) {
        const rec = (await (await fetch(`${url}/v1/records/${ids.warmup2}`)).json()) as { idea_id: string | null };
        if (rec.idea_id) {
          ideaId = rec.idea_id;
          break;
        }
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    timeoutMs: 180_000,
  });

  const open = async (path: string) => {
    const page = await browser.newPage();
    await page.goto(`${server.url}${path}`);
    return page;
  };

  it("marks the confirmed best, the better unconfirmed first row beside it, and each class's noise", async () => {
    const page = await open('/');
    await page.locator('table.board tbody tr').first().waitFor();
    const h100 = page.locator('tr[data-class="H100 80GB"]');
    expect(await h100.locator('td.best').textContent()).toBe('0.9712');
    const standing = await h100.locator('.best-standing').textContent();
    expect(standing).toContain('✓ confirmed');
    expect(standing).toMatch(/1 replication · mean 0\.972[12] ± 0\.00\d\d/);
    const better = h100.locator('.unconfirmed-best');
    expect(await better.getAttribute('data-unconfirmed')).toBe(ids.firstRow);
    expect(await better.textContent()).toMatch(/claim\s+better claim, awaiting replication: 0\.9655 .*a first row: never confirmed/s);
    // σ of the H100 from 61 replications (30 versions run three times, and the confirmed pair); the prior elsewhere.
    expect(await h100.locator('th .noise').textContent()).toMatch(/^noise σ 0\.00[3-4]\d · 61 replications$/);
    const a10g = page.locator('tr[data-class="A10G 24GB"]');
    // Nothing confirmed on the A10G: no number, its best result a claim awaiting replication.
    expect(await a10g.locator('td[data-label="Best val_bpb"]').textContent()).toBe('none confirmed');
    expect(await a10g.locator('.claim').textContent()).toMatch(/best claim, awaiting replication/);
    expect(await a10g.locator('th .noise').textContent()).toBe('noise σ 0.0020 · 0 replications');
    // Confirmed classes first.
    expect(await page.locator('table.board tbody tr').evaluateAll((trs) => trs.map((t) => t.getAttribute('data-class')))).toEqual([
      'H100 80GB',
      'A10G 24GB',
    ]);
    expect(browser.problems).toEqual([]);
    await screenshot(page, 'trust-leaderboard');
    await page.close();
  });

  it("says an idea's effect is within noise, overall and per class", async () => {
    expect(ideaId).not.toBe('');
    const page = await open(`/ideas/${ideaId}`);
    await page.locator('table.attempts').waitFor();
    expect(await page.locator('.overall-effect').textContent()).toMatch(/−0\.0015 ± 0\.00\d\d\s*within noise/);
    const cell = await page.locator('td.effect-cell').first().textContent();
    expect(cell).toContain('within noise');
    await screenshot(page, 'trust-idea');
    await page.close();
  });

  it('record pages say how a result stands, and a replication links its original', async () => {
    const confirmed = await open(`/records/${ids.confirmed}`);
    await confirmed.locator('section.replication').waitFor();
    const text = await confirmed.locator('section.replication').textContent();
    expect(text).toContain('✓ confirmed');
    expect(text).toMatch(/1 replication/);
    expect(text).toMatch(/noise σ 0\.00\d\d on H100 80GB/);
    await screenshot(confirmed, 'trust-record-confirmed');

    const replication = await open(`/records/${ids.replication}`);
    await replication.locator('section.replication a').waitFor();
    expect(await replication.locator('section.replication a').getAttribute('href')).toBe(`/records/${ids.confirmed}`);
    await replication.locator('section.replication a').click();
    await expect.poll(() => new URL(replication.url()).pathname).toBe(`/records/${ids.confirmed}`);

    const lonely = await open(`/records/${ids.lonely}`);
    await lonely.locator('section.replication').waitFor();
    const lonelyText = await lonely.locator('section.replication').textContent();
    expect(lonelyText).toContain('unconfirmed');
    expect(lonelyText).toContain(`crossfork replicate ${ids.lonely}`);
    await screenshot(lonely, 'trust-record-unconfirmed');
    expect(browser.problems).toEqual([]);
    for (const p of [confirmed, replication, lonely]) await p.close();
  });
});
