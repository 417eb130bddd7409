// The front page's "GPU time saved" box in real headless Chromium against the real server: two
// warned runs not made (window closed), one made anyway that failed; totals, precision and the
// licence line shown. Screenshot: test-results/screenshots/front-saved-time.png.
import { describe, expect, it } from 'vitest';
import { chromiumAvailable, screenshot } from '../helpers/browser.ts';
import { useWebSite } from '../helpers/web-site.ts';
import { envelope, HARNESS_ID, makePayload, newSigner } from '../helpers/records.ts';
import { parsePublicKey } from '../../server/protocol/ssh-keys.ts';
import { harnessDisplayName } from '../../server/protocol/harnesses.ts';

const diff = (name: string, from: string, to: string) =>
  `--- a/train.py\n+++ b/train.py\n@@ -10,1 +10,1 @@\n-${name} = ${from}\n+${name} = ${to}\n`;
const BAD = [
  { description: 'raise DEPTH from 8 to 16', diff: diff('DEPTH', '8', '16') },
  { description: 'lower WEIGHT_DECAY from 0.1 to 0.01', diff: diff('WEIGHT_DECAY', '0.1', '0.01') },
  { description: 'raise WARMDOWN_RATIO from 0.5 to 0.9', diff: diff('WARMDOWN_RATIO', '0.5', '0.9') },
];

describe.skipIf(!chromiumAvailable())('the front page shows the GPU time warnings saved', () => {
  const post = (path: string, body: unknown) =>
    fetch(`${server.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

  const { server, browser } = useWebSite('crossfork-web-saved-', {
    env: { CROSSFORK_SAVED_TIME_WINDOW_S: '2' },
    seed: async (url) => {
      const others = [newSigner('x'), newSigner('y')];
      const failed = BAD.flatMap((c) =>
        others.map((s) => envelope(makePayload({ ...c, status: 'discard', metrics: { val_bpb: 1.003 } }), s)),
      );
      expect((await post('/v1/records/batch', { records: failed })).status).toBe(200);
      // Ideas are assigned in the background: wait until a check of the first change warns.
      const caller = newSigner('caller');
      const key_fingerprint = parsePublicKey(caller.publicKey).fingerprint;
      const hardware = makePayload().hardware;
      for (let i = 0; ; i++) {
        const probe = (await (await post('/v1/ideas/check', { ...BAD[0], harness_id: HARNESS_ID, hardware })).json()) as any;
        if (probe.warning) break;
        if (i > 100) throw new Error('no warning after 10 s');
        await new Promise((r) => setTimeout(r, 100));
      }
      for (const c of BAD) {
        const r = (await (await post('/v1/ideas/check', { ...c, harness_id: HARNESS_ID, hardware, key_fingerprint })).json()) as any;
        expect(r.warning).toBe(true);
      }
      // The caller runs the third anyway; it fails.
      const ran = envelope(makePayload({ ...BAD[2], status: 'discard', metrics: { val_bpb: 1.004 } }), caller);
      expect((await post('/v1/records', ran)).status).toBe(201);
      for (let i = 0; ; i++) {
        const s = (await (await fetch(`${url}/v1/saved-time`)).json()) as any;
        if (s.totals.ran_anyway === 1 && s.totals.pending === 0) break;
        if (i > 100) throw new Error(`saved time never settled: ${JSON.stringify(s.totals)}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
  });

  it('states the saved GPU time, the precision, the rule and the licence', async () => {
    const page = await browser.newPage();
    await page.goto(`${server.url}/?harness=${HARNESS_ID}`);
    const box = page.locator('section.saved-time');
    await box.locator('.saved-headline').waitFor();
    await expect.poll(() => box.locator('.saved-headline').getAttribute('data-saved-seconds')).toBe('600');
    const text = await box.innerText();
    expect(text).toMatch(/10 GPU-minutes saved: 2 warned runs were not made/);
    expect(text).toMatch(/Warnings ignored: 1, of which 1 then failed \(observed precision 100%\)/);
    expect(text).toMatch(/CC BY 4\.0/);
    expect(await box.locator(`tr[data-harness="${HARNESS_ID}"] td`).allInnerTexts()).toEqual([
      harnessDisplayName(HARNESS_ID),
      '4', // the probe's keyless warning counts as warned, never as followed up
      '2',
      '10 GPU-minutes',
      '1',
      '1',
      '100%',
    ]);
    await box.scrollIntoViewIfNeeded();
    await screenshot(page, 'front-saved-time');
    expect(browser.problems).toEqual([]);
  });
});
