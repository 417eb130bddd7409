// Implausible results: impossible val_bpb values are refused; a kept result far beyond its class's
// best confirmed result (and beyond its own fork's history) is flagged, off the leaderboard until
// another key replicates it within the noise. Real early gains on small hardware are not flagged,
// and a first row without a parent is never a confirmed best.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { drivers } from '../../helpers/db.ts';
import { recordsApi, testApp, useTestApp } from '../../helpers/app.ts';
import { envelope, makePayload, newSigner, type TestSigner } from '../../helpers/records.ts';
import { constantDiff, sha256 } from '../../helpers/replications.ts';
import { CORPUS_RESULTS as CORPUS, sharedPresent } from '../../helpers/shared.ts';
import { parseResultsTsv } from '../../../server/protocol/results-tsv.ts';
import type { RecordPayload } from '../../../server/protocol/record.schema.ts';

const corpusPresent = sharedPresent(CORPUS, 'the real MLX and macOS log test');
const hw = (accelerator: string, device_name: string, memory_mb: number) =>
  ({ accelerator, device_name, device_count: 1, memory_mb }) as RecordPayload['hardware'];
const MLX = hw('mlx', 'Apple M2 Max', 32768);
const M1PRO = hw('mps', 'Apple M1 Pro', 16384);
const SPARK = hw('cuda', 'NVIDIA GB10', 122000);
const A10G = hw('cuda', 'NVIDIA A10G', 23028);
const H100 = hw('cuda', 'NVIDIA H100 80GB HBM3', 81559);

describe.each(drivers)('plausibility on $name', (driver) => {
  const { database, t } = useTestApp(driver);
  const [alice, bob, carol, dave, erin, frank] = ['alice', 'bob', 'carol', 'dave', 'erin', 'frank'].map((n) => newSigner(n));

  const { post, record, board } = recordsApi(t);

  /** A fork's rows as `crossfork import` builds them: the parent is the best keep before, the first row has none. */
  const fork = async (
    name: string,
    signer: TestSigner,
    hardware: RecordPayload['hardware'],
    rows: [string, number, 'keep' | 'discard'][],
  ) => {
    let best: { val: number; i: number } | null = null;
    const out = [];
    for (const [i, [desc, val, status]] of rows.entries()) {
      const parent = best ? { train_py_sha256: sha256(`${name} train.py ${best.i}`), commit: 'abc1234', val_bpb: best.val } : null;
      out.push(
        await post(
          makePayload({
            description: desc,
            status,
            diff: i ? constantDiff(`${name.toUpperCase()}_STEP`, 'None', String(i)) : null,
            parent,
            metrics: { val_bpb: val },
            hardware,
            fork: { id: `fork-${name}`, branch: null, url: null },
          }),
          signer,
        ),
      );
      if (status === 'keep' && (!best || val < best.val)) best = { val, i };
    }
    return out;
  };

  /** An experiment replicated by another key within the noise: a confirmed result on its class. */
  const confirmed = async (
    name: string,
    signer: TestSigner,
    by: TestSigner,
    hardware: RecordPayload['hardware'],
    val: number,
    parentVal: number,
  ) => {
    const base = {
      description: `${name}: a confirmed change`,
      diff: constantDiff(`${name.toUpperCase()}`, '1', '2'),
      parent: { train_py_sha256: sha256(`${name} parent`), commit: 'abc1234', val_bpb: parentVal },
      hardware,
      fork: { id: `fork-${name}`, branch: null, url: null },
    };
    const original = await post(makePayload({ ...base, metrics: { val_bpb: val } }), signer);
    await post(
      {
        ...makePayload({
          ...base,
          status: 'discard',
          metrics: { val_bpb: val + 0.0005 },
          fork: { id: `fork-${name}-rerun`, branch: null, url: null },
        }),
        replicates: original.id,
      },
      by,
    );
    expect((await record(original.id)).replication).toMatchObject({ confirmed: true, confirmed_by: 'other_key' });
    return original;
  };

  it.each([0, -0.5, 20.01, 1e308])('refuses val_bpb %s with a 422, storing nothing', async (v) => {
    const res = await t.post('/v1/records', envelope(makePayload({ metrics: { val_bpb: v } }), alice));
    expect(res.status).toBe(422);
    expect(((await res.json()) as any).detail).toMatch(/val_bpb/);
    expect(await t.count()).toBe(0);
  });

  it('refuses non-finite val_bpb (JSON cannot carry NaN; a literal is invalid JSON)', async () => {
    const body = JSON.stringify(envelope(makePayload(), alice)).replace(/"val_bpb":0\.9932/, '"val_bpb":NaN');
    expect((await t.post('/v1/records', body)).status).toBe(400);
    expect(await t.count()).toBe(0);
  });

  it('does not flag the real early gains of new forks on small hardware (MLX −0.73, M1 Pro −0.32, DGX Spark −0.27 against their own first rows)', async () => {
    // The autoresearch-mlx seed log (corpus: BobMolt, DDay-FG, willcoming, digital-rain-tech).
    const mlx = await fork('mlx', alice, MLX, [
      ['baseline (AdamW, default config)', 2.667, 'keep'],
      ['lower weight decay to 0.1', 2.695369, 'discard'],
      ['halve total batch size to 2^16', 2.588904, 'keep'],
      ['increase matrix LR to 0.04', 2.533728, 'keep'],
      ['reduce depth from 8 to 4', 1.807902, 'keep'],
      ['halve batch size to 2^15', 1.59584, 'keep'],
    ]);
    const m1 = await fork('m1', bob, M1PRO, [
      ['baseline', 1.95, 'keep'],
      ['halve batch size for more steps', 1.63, 'keep'],
    ]);
    const spark = await fork('spark', carol, SPARK, [
      ['DGX Spark light mode baseline', 1.366, 'keep'],
      ['depth 8 -> 4 for more steps', 1.096, 'keep'],
    ]);
    expect(mlx[4].delta_val_bpb).toBeCloseTo(-0.725826, 6);
    for (const r of [...mlx, ...m1, ...spark]) expect(r.flagged, r.payload.description).toBe(false);
    await t.drain();
    // Nothing confirmed: no headline, the best result is a claim awaiting replication.
    expect(await board('Apple M2 Max')).toMatchObject({ best: null, confirmed: false, best_claim: { val_bpb: 1.59584, confirmed: false } });
    expect(await board('Apple M1 Pro')).toMatchObject({ best: null, confirmed: false, best_claim: { val_bpb: 1.63, confirmed: false } });
    // A class with a confirmed result: a new fork whose own rows stay above it is not judged either.
    await confirmed('spark-lab', dave, erin, SPARK, 1.05, 1.07);
    const late = await fork('spark2', frank, SPARK, [
      ['baseline', 1.33, 'keep'],
      ['depth 8 -> 4', 1.06, 'keep'],
    ]);
    expect(late.map((r) => r.flagged)).toEqual([false, false]);
  });

  it('a junk first row (no parent, a long description) is never a confirmed best; beyond a confirmed result it is flagged', async () => {
    const junk = {
      description: `${'x'.repeat(1998)}…`,
      status: 'keep' as const,
      diff: null,
      parent: null,
      hardware: A10G,
      fork: { id: 'fork-junk', branch: null, url: null },
    };
    const first = await post(makePayload({ ...junk, metrics: { val_bpb: 0.99 } }), alice);
    expect(first.flagged).toBe(false); // nothing is confirmed on the class yet: nothing to judge it by
    expect((await board('A10G 24GB')).best_claim).toMatchObject({ id: first.id, confirmed: false, parent_val_bpb: null });
    // Someone else replicates it: still not confirmed (a first row has no parent).
    await post({ ...makePayload({ ...junk, status: 'discard', metrics: { val_bpb: 0.9901 } }), replicates: first.id }, bob);
    expect((await record(first.id)).replication).toMatchObject({ confirmed: false, replications: 1 });

    // A confirmed result arrives: it is the class's best; the junk row is shown beside it, marked.
    const real = await confirmed('a10g', carol, dave, A10G, 1.1, 1.12);
    const cls = await board('A10G 24GB');
    expect(cls.best).toMatchObject({ id: real.id, confirmed: true });
    expect(cls.unconfirmed_best).toMatchObject({ id: first.id, confirmed: false });
    // A new parentless row far beyond every other fork (best 0.99, margin the class's spread ≈ 0.08) is flagged and off the board.
    const second = await post(
      makePayload({ ...junk, metrics: { val_bpb: 0.85 }, fork: { id: 'fork-junk-2', branch: null, url: null } }),
      erin,
    );
    expect(second.flagged).toBe(true);
    const after = await board('A10G 24GB');
    expect(after.best.id).toBe(real.id);
    expect(after.unconfirmed_best.id).toBe(first.id);
    expect(after.history.map((h: any) => h.id)).not.toContain(second.id);
  });

  it('flags a leap beyond the confirmed best and clears it once another key replicates it within the noise', async () => {
    const frontier = await confirmed('h100', bob, alice, H100, 0.981, 0.9932);
    const diff = constantDiff('DEPTH', '8', '12');
    const parent = { train_py_sha256: sha256('carol h100 parent'), commit: 'abc1234', val_bpb: 0.99 };
    const mine = { fork: { id: 'fork-carol', branch: null, url: null }, hardware: H100 };
    await post(makePayload({ ...mine, description: 'baseline', diff: null, parent: null, metrics: { val_bpb: 0.99 } }), carol);
    const leap = await post(makePayload({ ...mine, description: 'depth 8 -> 12', diff, parent, metrics: { val_bpb: 0.85 } }), carol);
    expect(leap.flagged).toBe(true);
    // Steady steps of its own beyond the frontier are not a leap.
    const step = await post(
      makePayload({
        ...mine,
        description: 'small step',
        diff: constantDiff('X', '1', '2'),
        parent: { ...parent, train_py_sha256: sha256('step') },
        metrics: { val_bpb: 0.975 },
      }),
      carol,
    );
    expect(step.flagged).toBe(false);
    expect((await board('H100 80GB')).best).toMatchObject({ id: frontier.id, confirmed: true });
    expect((await board('H100 80GB')).unconfirmed_best.id).toBe(step.id);

    const rerun = (val: number, id = leap.id) => ({
      ...makePayload({
        description: 'depth 8 -> 12 (replication)',
        status: 'discard',
        diff,
        parent,
        metrics: { val_bpb: val },
        hardware: H100,
      }),
      replicates: id,
    });
    // The same key repeating itself is not enough; another key outside the noise band neither.
    await post(rerun(0.8502), carol);
    await post(rerun(0.9), dave);
    expect((await record(leap.id)).flagged).toBe(true);
    // Another key within the noise: the result is plausible, and confirmed.
    const confirming = await post(rerun(0.8505), erin);
    expect((await record(leap.id)).flagged).toBe(false);
    expect((await record(confirming.id)).flagged).toBe(false);
    expect((await record(leap.id)).replication).toMatchObject({ confirmed: true, confirmed_by: 'other_key' });
    const cls = await board('H100 80GB');
    expect(cls.best).toMatchObject({ id: leap.id, val_bpb: 0.85, confirmed: true });
    expect(cls.unconfirmed_best).toBeNull();
  });

  it('judges a leap against the confirmed best as it is now, however long the board and noise model are cached', async () => {
    const cached = testApp(database, { stalenessMs: 60_000 });
    const RTX = hw('cuda', 'NVIDIA GeForce RTX 4090', 24564);
    const via = async (payload: object, signer: TestSigner) =>
      ((await (await cached.post('/v1/records', envelope(payload, signer))).json()) as any).record;
    const base = {
      diff: constantDiff('RTX_CHANGE', '1', '2'),
      parent: { train_py_sha256: sha256('rtx parent'), commit: 'abc1234', val_bpb: 1.07 },
      hardware: RTX,
    };
    // The noise model is read (and cached for a minute) before anything on the class is confirmed.
    expect((await via(makePayload({ ...base, description: 'rtx original', metrics: { val_bpb: 1.05 } }), alice)).flagged).toBe(false);
    await via(
      {
        ...makePayload({ ...base, description: 'rtx rerun', status: 'discard', metrics: { val_bpb: 1.0504 } }),
        replicates: (await cached.services.repos.records.list({ limit: 1 }))[0].id,
      },
      bob,
    );
    const leap = await via(
      makePayload({
        description: 'rtx leap',
        diff: constantDiff('RTX_LEAP', '1', '2'),
        parent: { train_py_sha256: sha256('rtx leap'), commit: 'abc1234', val_bpb: 1.07 },
        metrics: { val_bpb: 0.9 },
        hardware: RTX,
      }),
      carol,
    );
    expect(leap.flagged).toBe(true);
    await cached.services.stop();
  });

  it.skipIf(!corpusPresent)(
    'does not flag any row of the real MLX and macOS logs, each imported as a new fork on its own class',
    async () => {
      const files = [
        'BobMolt__autoresearch-mlx.tsv',
        'DDay-FG__autoresearch-mlx.tsv',
        'isque03__autoresearch-mlx.tsv',
        'reowens__autoresearch-mlx.tsv',
        'febinct__autoresearch-macos.tsv',
      ];
      const chips = ['Apple M4', 'Apple M3 Max', 'Apple M1 Max', 'Apple M3 Pro', 'Apple M1 Pro'];
      let n = 0;
      for (const [i, f] of files.entries()) {
        const rows = parseResultsTsv(readFileSync(new URL(f, CORPUS), 'utf8')).rows.filter(
          (r) => r.val_bpb !== null && r.val_bpb > 0 && r.status !== 'crash',
        );
        const made = await fork(
          `corpus${i}`,
          newSigner(f),
          hw('mlx', chips[i], 32768),
          rows.map((r) => [r.description.slice(0, 200), r.val_bpb!, r.status === 'keep' ? 'keep' : 'discard']),
        );
        expect(
          made.filter((r) => r.flagged).map((r) => r.payload.description),
          f,
        ).toEqual([]);
        n += made.length;
      }
      expect(n).toBeGreaterThan(100);
    },
  );
});
