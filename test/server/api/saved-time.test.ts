// The GPU time warnings saved, on a scripted scenario on both drivers: warned and skipped; warned
// and run anyway, then failed; warned and run anyway, then kept; warned without a key; not warned.
// Exact counts from GET /v1/saved-time and /metrics, before and after the window closes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { drivers } from '../../helpers/db.ts';
import { testApp } from '../../helpers/app.ts';
import { envelope, HARNESS_ID, makePayload, newSigner } from '../../helpers/records.ts';
import { parsePublicKey } from '../../../server/protocol/ssh-keys.ts';
import { harnessDisplayName } from '../../../server/protocol/harnesses.ts';
import type { Database } from '../../../server/db/client.ts';
import type { SavedTime } from '../../../server/protocol/dataset.schema.ts';

const H100 = makePayload().hardware;
const diff = (name: string, from: string, to: string) =>
  `--- a/train.py\n+++ b/train.py\n@@ -10,1 +10,1 @@\n-${name} = ${from}\n+${name} = ${to}\n`;
const BAD = {
  depth: { description: 'raise DEPTH from 8 to 16', diff: diff('DEPTH', '8', '16') },
  decay: { description: 'lower WEIGHT_DECAY from 0.1 to 0.01', diff: diff('WEIGHT_DECAY', '0.1', '0.01') },
  warmdown: { description: 'raise WARMDOWN_RATIO from 0.5 to 0.9', diff: diff('WARMDOWN_RATIO', '0.5', '0.9') },
};
const WINDOW_S = 3600;

describe.each(drivers)('GPU time saved by warnings ($name)', (driver) => {
  let database: Database;
  let t: ReturnType<typeof testApp>;
  let offsetMs = 0;
  const caller = newSigner('caller@lab');
  const fingerprint = parsePublicKey(caller.publicKey).fingerprint;
  beforeAll(async () => {
    database = await driver.open();
    t = testApp(database, { now: () => new Date(Date.now() + offsetMs), savedTimeWindowS: WINDOW_S });
    await t.init();
    // Three changes that failed twice each on the H100 (two other keys): a check of any of them warns.
    const others = [newSigner('x@lab'), newSigner('y@lab')];
    const failed = Object.values(BAD).flatMap((c) =>
      others.map((s) => envelope(makePayload({ ...c, status: 'discard', metrics: { val_bpb: 1.003 } }), s)),
    );
    expect((await t.post('/v1/records/batch', { records: failed })).status).toBe(200);
    await t.drain();
  });
  afterAll(() => database?.close());

  const check = async (c: { description: string; diff: string }, key: string | undefined) => {
    const res = await t.post('/v1/ideas/check', { ...c, harness_id: HARNESS_ID, hardware: H100, ...(key ? { key_fingerprint: key } : {}) });
    expect(res.status).toBe(200);
    return (await res.json()) as { warning: boolean; verdict: string };
  };
  const saved = async () => (await (await t.get('/v1/saved-time')).json()) as SavedTime;

  it('counts avoided runs, runs made anyway and whether they failed, exactly', async () => {
    // 1. warned and skipped; 2. warned, run anyway, failed; 3. warned, run anyway, kept;
    // 4. warned without a key (cannot be followed up); 5. not warned (nothing stored).
    for (const c of Object.values(BAD)) expect(await check(c, fingerprint)).toMatchObject({ warning: true });
    expect(await check(BAD.depth, undefined)).toMatchObject({ warning: true });
    expect(await check({ description: 'use SwiGLU in the MLP', diff: diff('MLP_ACT', 'relu2', 'swiglu') }, fingerprint)).toMatchObject({
      warning: false,
    });
    const ran = [
      envelope(makePayload({ ...BAD.decay, status: 'discard', metrics: { val_bpb: 1.002 } }), caller),
      envelope(makePayload({ ...BAD.warmdown, status: 'keep', metrics: { val_bpb: 0.99 } }), caller),
      // Another change by the caller, never warned about: it is no "run anyway".
      envelope(makePayload({ description: 'raise MATRIX_LR from 0.04 to 0.05', status: 'keep' }), caller),
    ];
    expect((await t.post('/v1/records/batch', { records: ran })).status).toBe(200);
    await t.drain();

    // While the window is open, the skipped warning is pending.
    const open = await saved();
    expect(open.window_s).toBe(WINDOW_S);
    expect(open.totals).toEqual({
      warned: 4,
      followed: 3,
      skipped: 0,
      pending: 1,
      ran_anyway: 2,
      ran_failed: 1,
      avoided_gpu_seconds: 0,
      precision: 0.5,
    });

    offsetMs = (WINDOW_S + 60) * 1000; // the window has closed
    const closed = await saved();
    expect(closed.totals).toEqual({
      warned: 4,
      followed: 3,
      skipped: 1,
      pending: 0,
      ran_anyway: 2,
      ran_failed: 1,
      avoided_gpu_seconds: 300,
      precision: 0.5,
    });
    expect(closed.harnesses).toEqual([
      { harness_key: HARNESS_ID, harness_name: harnessDisplayName(HARNESS_ID), time_budget_s: 300, ...closed.totals },
    ]);
    expect(closed.rule).toMatch(/window/);

    const metrics = await (await t.get('/metrics')).text();
    expect(metrics).toContain(`crossfork_saved_gpu_seconds{harness="${HARNESS_ID}"} 300`);
    expect(metrics).toContain(`crossfork_check_warnings{harness="${HARNESS_ID}"} 4`);
    expect(metrics).toContain(`crossfork_warning_precision{harness="${HARNESS_ID}"} 0.5`);
  });

  it('refuses a malformed key fingerprint and stores nothing', async () => {
    const before = (await saved()).totals.warned;
    const res = await t.post('/v1/ideas/check', { ...BAD.depth, harness_id: HARNESS_ID, hardware: H100, key_fingerprint: 'not-a-key' });
    expect(res.status).toBe(422);
    expect(res.headers.get('content-type')).toMatch(/problem\+json/);
    expect(((await res.json()) as { detail: string }).detail).toMatch(/key_fingerprint/);
    expect((await saved()).totals.warned).toBe(before);
  });
});
