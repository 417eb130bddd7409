// Replication and the noise model through the API, on both drivers: the optional `replicates`
// field (ids of records without it unchanged), GET /v1/noise converging on synthetic
// replications, effects within noise made inconclusive, confirmed results on the leaderboard
// (another key, the same key, outside the noise, a first row) and the replication queue.
import { describe, expect, it } from 'vitest';
import { drivers } from '../../helpers/db.ts';
import { useTestApp } from '../../helpers/app.ts';
import { envelope, HARNESS_ID, makePayload, newSigner } from '../../helpers/records.ts';
import { constantDiff, replicationEnvelopes, sha256 } from '../../helpers/replications.ts';
import { canonicalBytes, contentId } from '../../../server/protocol/canonical.ts';
import { verifySshsig } from '../../../server/protocol/sshsig.ts';
import { parsePublicKey } from '../../../server/protocol/ssh-keys.ts';

const H100 = { accelerator: 'cuda', device_name: 'NVIDIA H100 80GB HBM3', device_count: 1, memory_mb: 81559 } as const;
const A100 = { accelerator: 'cuda', device_name: 'NVIDIA A100-SXM4-80GB', device_count: 1, memory_mb: 81920 } as const;
const RTX = { accelerator: 'cuda', device_name: 'NVIDIA GeForce RTX 4090', device_count: 1, memory_mb: 24564 } as const;
const A10G = { accelerator: 'cuda', device_name: 'NVIDIA A10G', device_count: 1, memory_mb: 23028 } as const;
const OTHER_HARNESS = sha256('prepare.py of the replication test');

describe.each(drivers)('replication and noise on $name', (driver) => {
  const { t } = useTestApp(driver);
  const [alice, bob, carol, dave, erin] = ['alice', 'bob', 'carol', 'dave', 'erin'].map((n) => newSigner(n));
  const fp = (s: typeof alice) => parsePublicKey(s.publicKey).fingerprint;

  const post = async (payload: object, signer = alice) => {
    const res = await t.post('/v1/records', envelope(payload, signer));
    return { status: res.status, body: (await res.json()) as any };
  };
  const record = async (id: string) => (await (await t.get(`/v1/records/${id}`)).json()) as any;
  const board = async (harness = HARNESS_ID) => (await (await t.get(`/v1/leaderboard?harness=${harness}`)).json()) as any;

  it('replicates is optional: records without it keep their ids and verify; with it, it names a stored record on the same harness', async () => {
    const diff = constantDiff('WARMUP_RATIO', '0.0', '0.05');
    const parent = { train_py_sha256: sha256('train.py before warmup'), commit: 'abc1234', val_bpb: 1.0 };
    const original = makePayload({ description: 'add 5% warmup', diff, parent, metrics: { val_bpb: 0.995 }, hardware: RTX });
    expect('replicates' in original).toBe(false);
    const o = await post(original);
    expect(o.status).toBe(201);
    expect(o.body.id).toBe(contentId(original));
    expect(o.body.record).toMatchObject({ replicates: null, replication: { confirmed: false, replications: 0 } });
    // What was stored still verifies, byte for byte.
    const stored = await record(o.body.id);
    expect(contentId(stored.payload)).toBe(o.body.id);
    expect(verifySshsig(canonicalBytes(stored.payload), stored.signature, stored.public_key).fingerprint).toBe(fp(alice));

    const before = await t.count();
    for (const [replicates, why] of [
      [null, /replicates/],
      ['xyz', /replicates.*SHA-256/],
      ['f'.repeat(64), /no record f{12}/],
    ] as const) {
      const bad = await post({ ...makePayload({ diff, parent, metrics: { val_bpb: 0.996 }, hardware: RTX }), replicates }, bob);
      expect(bad.status, String(replicates)).toBe(422);
      expect(bad.body.detail).toMatch(why);
    }
    const elsewhere = await post(
      {
        ...makePayload({
          diff,
          parent,
          metrics: { val_bpb: 0.996 },
          hardware: RTX,
          harness: { id: OTHER_HARNESS, name: 'other', time_budget_s: 300 },
        }),
        replicates: o.body.id,
      },
      bob,
    );
    expect(elsewhere.status).toBe(422);
    expect(elsewhere.body.detail).toMatch(/harness/);
    expect(elsewhere.body.errors[0].path).toBe('payload.replicates');
    expect(await t.count()).toBe(before);

    const replication = {
      ...makePayload({ description: 'add 5% warmup', diff, parent, metrics: { val_bpb: 0.9955 }, hardware: RTX }),
      replicates: o.body.id,
    };
    const r = await post(replication, bob);
    expect(r.status).toBe(201);
    expect(r.body.id).toBe(contentId(replication));
    expect(r.body.record).toMatchObject({
      replicates: o.body.id,
      replication: { confirmed: true, confirmed_by: 'other_key', replications: 1 },
    });
    // A replication of the replication counts for the original.
    const again = await post(
      { ...makePayload({ diff, parent, metrics: { val_bpb: 0.9951 }, hardware: RTX }), replicates: r.body.id },
      carol,
    );
    expect(again.body.record.replicates).toBe(o.body.id);
    expect((await record(o.body.id)).replication).toMatchObject({ confirmed: true, confirmed_by: 'other_key', replications: 2 });

    // The original and its replication in one batch (an outbox sent late): both stored, linked.
    const first = makePayload({ description: 'baseline rerun', diff: null, parent: null, metrics: { val_bpb: 1.01 }, hardware: RTX });
    const second = {
      ...makePayload({ description: 'baseline rerun', diff: null, parent: null, metrics: { val_bpb: 1.0101 }, hardware: RTX }),
      replicates: contentId(first),
    };
    const batch = (await (
      await t.post('/v1/records/batch', {
        records: [envelope(first, alice), envelope(second, bob), envelope({ ...second, replicates: 'e'.repeat(64) }, bob)],
      })
    ).json()) as any;
    expect(batch.results.map((x: any) => x.status)).toEqual(['created', 'created', 'rejected']);
    expect(batch.results[2].error.detail).toMatch(/no record/);
    const linked = await record(batch.results[1].id);
    expect(linked.replicates).toBe(batch.results[0].id);
    // A first row (no parent) is never confirmed, however well it replicates.
    expect(linked.replication).toMatchObject({ confirmed: false, replications: 1 });
    expect((await record(batch.results[0].id)).replication).toMatchObject({ confirmed: false, replications: 1 });
  });

  it('GET /v1/noise converges to the spread of synthetic replications; a class with too few leans on its family, then the prior', async () => {
    const res = await t.post('/v1/records/batch', {
      records: replicationEnvelopes({ hardware: H100, sigma: 0.004, groups: 60, runs: 3, seed: 11, signers: [alice, bob, carol] }),
    });
    expect(((await res.json()) as any).results.every((r: any) => r.status === 'created')).toBe(true);
    await t.post('/v1/records/batch', {
      records: replicationEnvelopes({ hardware: A10G, sigma: 0.004, groups: 1, runs: 2, seed: 12, signers: [alice, bob] }),
    });
    await post(
      makePayload({
        description: 'A100 run',
        diff: constantDiff('ONLY_A100', '1', '2'),
        parent: { train_py_sha256: sha256('a100'), commit: 'abc1234', val_bpb: 1.1 },
        metrics: { val_bpb: 1.09 },
        hardware: A100,
      }),
    );

    const noise = (await (await t.get(`/v1/noise?harness=${HARNESS_ID}`)).json()) as any;
    expect(noise).toMatchObject({ harness: HARNESS_ID, prior: 0.002, pseudo_replications: 4 });
    const h100 = noise.classes.find((c: any) => c.hardware_class === 'H100 80GB');
    expect(h100).toMatchObject({
      hardware_family: 'NVIDIA datacenter 40–80GB',
      source: 'class',
      replications: 120,
      groups: 60,
      records: 180,
    });
    expect(Math.abs(h100.sigma - 0.004) / 0.004).toBeLessThan(0.15);
    const a10g = noise.classes.find((c: any) => c.hardware_class === 'A10G 24GB');
    expect(a10g).toMatchObject({ replications: 1, source: 'prior' });
    // The A100 has no replication: the leaderboard shows its family's σ.
    const family = noise.families.find((f: any) => f.hardware_family === 'NVIDIA datacenter 40–80GB');
    const a100 = (await board()).classes.find((c: any) => c.hardware_class === 'A100 80GB');
    expect(a100.noise).toMatchObject({ source: 'family', replications: 0, sigma: family.sigma });

    expect((await t.get('/v1/noise?harness=nope')).status).toBe(400);
    expect((await t.get('/v1/noise?harness=' + 'a'.repeat(64))).status).toBe(200);
    const doc = (await (await t.get('/openapi.json')).json()) as any;
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/v1/noise', '/v1/replication-queue']));
    expect(JSON.stringify(doc.components.schemas.SignedRecord)).toContain('replicates');
    expect(JSON.stringify(doc.components.schemas.Leaderboard)).toContain('unconfirmed_best');
  });

  it('an idea whose Δ lies within the noise is inconclusive; the same Δ on a quiet class is promising', async () => {
    const harness = { id: OTHER_HARNESS, name: 'other', time_budget_s: 300 };
    const diff = constantDiff('WARMDOWN_RATIO', '0.5', '0.3');
    for (const [i, delta] of [-0.004, -0.0035, -0.003, -0.0025].entries()) {
      const parent = { train_py_sha256: sha256(`warmdown parent ${i}`), commit: 'abc1234', val_bpb: 1.0 + i / 100 };
      expect(
        (
          await post(
            makePayload({
              description: 'lower WARMDOWN_RATIO from 0.5 to 0.3',
              diff,
              parent,
              metrics: { val_bpb: parent.val_bpb + delta },
              hardware: H100,
              harness,
            }),
            [alice, bob, carol, dave][i],
          )
        ).status,
      ).toBe(201);
    }
    await t.drain();
    const check = async () =>
      (await (
        await t.post('/v1/ideas/check', {
          description: 'lower WARMDOWN_RATIO from 0.5 to 0.3',
          diff,
          harness_id: OTHER_HARNESS,
          hardware: H100,
        })
      ).json()) as any;
    const quiet = await check();
    expect(quiet.verdict).toBe('promising');
    expect(quiet.evidence.effect).toMatchObject({ n: 4, noise: 0.002 });

    // Replications on this harness say runs on this class spread by ~0.006: the same Δ is noise.
    await t.post('/v1/records/batch', {
      records: replicationEnvelopes({ hardware: H100, sigma: 0.006, groups: 40, runs: 3, seed: 21, signers: [alice, bob, carol], harness }),
    });
    const noisy = await check();
    expect(noisy.verdict).toBe('inconclusive');
    expect(noisy.reason).toMatch(/within noise/);
    expect(noisy.evidence.effect.noise).toBeGreaterThan(0.0045);
    expect(noisy.evidence.effect.low).toBeLessThanOrEqual(0);
    expect(noisy.evidence.effect.high).toBeGreaterThanOrEqual(0);
    const idea = (await (await t.get(`/v1/ideas/${noisy.matches[0].id}`)).json()) as any;
    const cls = idea.by_class.find((c: any) => c.hardware_class === 'H100 80GB' && c.harness_id === OTHER_HARNESS);
    expect(cls.effect).toMatchObject({ n: 4, within_noise: true });
    expect(cls.effect.noise).toBe(noisy.evidence.effect.noise);
    expect(idea.overall.effect.within_noise).toBe(true);
  });

  it('confirms results replicated within the noise (another key, or the same key as such); one outside does not; a first row never outranks a confirmed best', async () => {
    const keep = (name: string, val: number, parentVal: number | null, extra: object = {}) =>
      makePayload({
        description: `A10G: ${name}`,
        diff: constantDiff(`A10G_${name.toUpperCase()}`, '1', '2'),
        parent: parentVal === null ? null : { train_py_sha256: sha256(`a10g parent ${name}`), commit: 'abc1234', val_bpb: parentVal },
        metrics: { val_bpb: val },
        hardware: A10G,
        ...extra,
      });
    const a = (await post(keep('a', 1.1, 1.12), alice)).body.id;
    const b = (await post(keep('b', 1.09, 1.12), alice)).body.id;
    const c = (await post(keep('c', 1.095, 1.12), alice)).body.id;
    const e = (await post(keep('e', 1.085, null), erin)).body.id;
    expect((await board()).classes.find((x: any) => x.hardware_class === 'A10G 24GB')).toMatchObject({ best: null, confirmed: false });
    expect((await board()).classes.find((x: any) => x.hardware_class === 'A10G 24GB').best_claim).toMatchObject({
      id: e,
      confirmed: false,
      parent_val_bpb: null,
    });

    const rerun = (name: string, val: number, of: string, parentVal: number | null = 1.12) => ({
      ...keep(name, val, parentVal),
      status: 'discard',
      replicates: of,
    });
    await post(rerun('a', 1.1015, a), bob); // another key, within 2·√2·σ
    await post(rerun('b', 1.12, b), carol); // another key, outside
    await post(rerun('c', 1.0955, c), alice); // the same key on another run
    await post(rerun('e', 1.0851, e, null), dave); // a first row, replicated

    expect((await record(a)).replication).toMatchObject({ confirmed: true, confirmed_by: 'other_key', replications: 1 });
    expect((await record(b)).replication).toMatchObject({ confirmed: false, confirmed_by: null, replications: 1 });
    expect((await record(c)).replication).toMatchObject({ confirmed: true, confirmed_by: 'same_key', replications: 1 });
    expect((await record(e)).replication).toMatchObject({ confirmed: false, replications: 1 });

    const lb = await board();
    const cls = lb.classes.find((x: any) => x.hardware_class === 'A10G 24GB');
    // The best confirmed result is the class's best; the better unconfirmed first row is shown beside it.
    expect(cls.best).toMatchObject({ id: c, val_bpb: 1.095, confirmed: true, confirmed_by: 'same_key', replications: 1 });
    expect(cls.best.interval.low).toBeLessThan(1.09525);
    expect(cls.best.interval.high).toBeGreaterThan(1.09525);
    expect(cls.unconfirmed_best).toMatchObject({ id: e, val_bpb: 1.085, confirmed: false, parent_val_bpb: null, replications: 1 });
    // Replications never rank themselves; history points say whether they are confirmed.
    const history = new Map(cls.history.map((h: any) => [h.id, h.confirmed]));
    expect([...history.keys()]).toEqual([a, b, e]);
    expect(history.get(a)).toBe(true);
    expect(history.get(e)).toBe(false);
    // Classes with a confirmed result come first; a class's best is never unconfirmed.
    expect(lb.classes.every((x: any) => x.best === null || x.best.confirmed)).toBe(true);
    const firstUnconfirmed = lb.classes.findIndex((x: any) => !x.confirmed);
    const lastConfirmed = lb.classes.map((x: any) => x.confirmed).lastIndexOf(true);
    expect(firstUnconfirmed === -1 || lastConfirmed < firstUnconfirmed).toBe(true);

    // The queue: unconfirmed results that would lead first (b beats the confirmed 1.095), then
    // the class's other unconfirmed ones (c, confirmed only by its own key); a and the first row never.
    const queue = async (qs: string) =>
      (
        (await (
          await t.get(`/v1/replication-queue?harness=${HARNESS_ID}&hardware_class=${encodeURIComponent('A10G 24GB')}${qs}`)
        ).json()) as any
      ).items;
    const items = await queue('');
    expect(items.map((i: any) => [i.id, i.reason])).toEqual([
      [b, 'unconfirmed_best'],
      [c, 'unconfirmed'],
    ]);
    expect(items[0]).toMatchObject({ replications: 1, class_confirmed_best: 1.095, flagged: false, confirmed_by: null });
    expect(items[1].confirmed_by).toBe('same_key');
    // A key's own results, and train.py versions it already measured, are left out for it.
    expect((await queue(`&key=${encodeURIComponent(fp(carol))}`)).map((i: any) => i.id)).toEqual([c]);
    expect(await queue(`&key=${encodeURIComponent(fp(alice))}`)).toEqual([]);
    expect((await t.get('/v1/replication-queue?limit=0')).status).toBe(400);
    const all = (await (await t.get('/v1/replication-queue')).json()) as any;
    expect(all.harness_id).toBe(HARNESS_ID);
  });
});
