// Verdicts that respect values and direction, on both drivers: each repro of issue 20 as a test
// with its expected answer (the exact change from the caller's state decides first, a diff's
// unchanged identifiers are context, conflicting changes never share an idea, own-class counts
// come from every idea with the same change, a change is never warned off by its opposite).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { drivers } from '../../helpers/db.ts';
import { testApp } from '../../helpers/app.ts';
import { envelope, HARNESS_ID, makePayload, newSigner } from '../../helpers/records.ts';
import type { Database } from '../../../server/db/client.ts';
import { parsePublicKey } from '../../../server/protocol/ssh-keys.ts';

const SPARK = { accelerator: 'cuda', device_name: 'NVIDIA GB10', device_count: 1, memory_mb: 122880 } as const;
const H100 = { accelerator: 'cuda', device_name: 'NVIDIA H100 80GB HBM3', device_count: 1, memory_mb: 81559 } as const;
const M4MAX = { accelerator: 'mlx', device_name: 'Apple M4 Max', device_count: 1, memory_mb: 131072 } as const;
const STRIX = { accelerator: 'rocm', device_name: 'AMD Ryzen AI Max+ 395', device_count: 1, memory_mb: 131072 } as const;

const assignDiff = (name: string, from: string, to: string) =>
  `--- a/train.py\n+++ b/train.py\n@@ -40,1 +40,1 @@\n-${name} = ${from}\n+${name} = ${to}\n`;
const BETA2_DIFF = [
  '--- a/train.py',
  '+++ b/train.py',
  '@@ -300,1 +300,1 @@',
  "-        groups.append(dict(kind='muon', params=ps, lr=matrix_lr, momentum=0.95, beta2=0.95, weight_decay=weight_decay))",
  "+        groups.append(dict(kind='muon', params=ps, lr=matrix_lr, momentum=0.95, beta2=0.9, weight_decay=weight_decay))",
  '',
].join('\n');

// New code that only uses knobs: the RTX 5070 fork's Gated DeltaNet diff (its parameter group reads matrix_lr and adam_betas).
const DELTANET_DIFF = [
  '--- a/train.py',
  '+++ b/train.py',
  '@@ -10,0 +10,1 @@',
  '+from fla.layers import GatedDeltaNet',
  '@@ -120,1 +121,1 @@',
  '-        self.attn = CausalSelfAttention(config, layer_idx)',
  '+        self.attn = GatedDeltaNet(hidden_size=config.n_embd, num_heads=config.n_head) if layer_idx % 4 else CausalSelfAttention(config, layer_idx)',
  '@@ -300,0 +301,1 @@',
  "+        groups.append(dict(kind='adamw', params=h_params, lr=matrix_lr, betas=adam_betas, eps=1e-10, weight_decay=0.0))",
  '',
].join('\n');

describe.each(drivers)('verdicts that respect values and direction on $name', (driver) => {
  let database: Database;
  let t: ReturnType<typeof testApp>;
  const keys = [newSigner('spark-fork'), newSigner('h100-fork'), newSigner('mac-fork')];

  async function publish(
    description: string,
    hardware: object,
    status: 'keep' | 'discard' | 'crash',
    delta: number | null,
    opts: { diff?: string | null; key?: number } = {},
  ): Promise<string> {
    const payload = makePayload({
      description,
      diff: opts.diff ?? null,
      hardware: hardware as any,
      status,
      metrics: { val_bpb: delta === null ? null : 1 + delta },
      parent: { val_bpb: 1.0 },
    });
    const res = await t.post('/v1/records', envelope(payload, keys[opts.key ?? 0]));
    expect(res.status).toBe(201);
    return ((await res.json()) as { id: string }).id;
  }
  const ideaOf = async (id: string) => ((await (await t.get(`/v1/records/${id}`)).json()) as { idea_id: string }).idea_id;
  // The Spark fork's own key, as `crossfork check` sends it: its own history is its state.
  const spark = parsePublicKey(keys[0].publicKey).fingerprint;
  const check = async (description: string, hardware?: object, diff?: string, key?: string) => {
    const res = await t.post('/v1/ideas/check', {
      description,
      harness_id: HARNESS_ID,
      ...(hardware ? { hardware } : {}),
      ...(diff ? { diff } : {}),
      ...(key ? { key_fingerprint: key } : {}),
    });
    expect(res.status).toBe(200);
    return (await res.json()) as any;
  };

  const ids: Record<string, string> = {};
  beforeAll(async () => {
    database = await driver.open();
    t = testApp(database);
    await t.init();
    // A DGX Spark fork that halved its batch from 2^19 down to 2^15 (kept each time), then 2^14 → 2^13 (discarded).
    for (const [from, to] of [
      [19, 18],
      [18, 17],
      [17, 16],
      [16, 15],
    ])
      await publish(`halve TOTAL_BATCH_SIZE 2**${from} -> 2**${to}`, SPARK, 'keep', -0.01, {
        diff: assignDiff('TOTAL_BATCH_SIZE', `2**${from}`, `2**${to}`),
      });
    ids.batch14 = await publish('halve TOTAL_BATCH_SIZE 2**14 -> 2**13', SPARK, 'discard', 0.006, {
      diff: assignDiff('TOTAL_BATCH_SIZE', '2**14', '2**13'),
    });
    // Slower Muon momentum warm-ups kept; constant momentum (the opposite) discarded.
    await publish('longer muon momentum warmup 300 -> 500 steps', SPARK, 'keep', -0.004);
    await publish('slower momentum ramp: muon momentum warmup 300 -> 600', SPARK, 'keep', -0.003);
    await publish('constant Muon momentum 0.95 - worse than warmup', SPARK, 'discard', 0.01);
    // A Muon beta2 change whose diff line also holds an unchanged weight_decay=weight_decay.
    ids.beta2 = await publish('Muon beta2 0.95 -> 0.9', SPARK, 'discard', 0.002, { diff: BETA2_DIFF });
    // Another value of one knob, and a removal and its re-addition.
    ids.ve64 = await publish('ve_gate_channels 32->64', SPARK, 'keep', -0.01);
    ids.ve16 = await publish('ve_gate_channels 32->16', SPARK, 'discard', 0.003);
    ids.wdOff = await publish('WARMDOWN_RATIO 0.4→0.0', SPARK, 'discard', 0.02);
    ids.wdOn = await publish('WARMDOWN_RATIO 0.0→0.4 (restore warmdown)', SPARK, 'keep', -0.02);
    ids.floor = await publish('FINAL_LR_FRAC 0.0->0.1', SPARK, 'keep', -0.008);
    // Adam betas set whole: another tuple is another value; another part's betas another setting.
    ids.betas = await publish('ADAM_BETAS (0.95,0.999)', SPARK, 'discard', 0.004);
    ids.x0betas = await publish('x0_lambdas betas (0.9,0.95)', SPARK, 'discard', 0.003);
    // The DeltaNet diff on the Spark, and the same change described in words on an H100.
    ids.deltanetDiff = await publish('Gated DeltaNet hybrid 9/12 layers via fla', SPARK, 'discard', 0.03, { diff: DELTANET_DIFF });
    ids.deltanetWords = await publish('swap most attention layers for Gated DeltaNet linear attention', H100, 'discard', 0.02, { key: 1 });
    // Baseline runs, and changes whose descriptions name the baseline they start from.
    await publish('baseline', SPARK, 'keep', 0);
    await publish('baseline rerun', SPARK, 'discard', 0.001, { key: 1 });
    await publish('baseline + FP8 matmuls', SPARK, 'discard', 0.004);
    await t.drain();
  });
  afterAll(() => database?.close());

  it('1. halving from the caller’s own state, discarded on its class, warns although halvings from 2^19 … were kept', async () => {
    const r = await check('halve the batch size to fit more steps', SPARK, assignDiff('TOTAL_BATCH_SIZE', '2**14', '2**13'), spark);
    expect(r.verdict).toBe('failed_nearby');
    expect(r.warning).toBe(true);
    expect(r.evidence.failed_by).toEqual({ forks: 1, yours: true, here: true });
    expect(r.evidence.decided_by).toBe('exact');
    expect(r.evidence.tiers.class).toMatchObject({ attempts: 1, discards: 1, keeps: 0 });
    expect(r.evidence.other_values).toMatchObject({ keeps: 4, attempts: 4 });
    expect(r.reason).toMatch(/^Your exact change: never kept on DGX Spark/);
    expect(r.reason).toMatch(/other values of this change on DGX Spark GB10 128GB: kept 4 of 4 \(kept: 2\^1\d → 2\^1\d, .* and 1 more\)/);
    // Which other values, each with its outcome: the halvings from 2^19 … 2^16, each kept once.
    expect(r.evidence.other_values.changes.map((v: any) => [v.values, v.keeps, v.attempts]).sort()).toEqual([
      ['2^16 → 2^15', 1, 1],
      ['2^17 → 2^16', 1, 1],
      ['2^18 → 2^17', 1, 1],
      ['2^19 → 2^18', 1, 1],
    ]);
    const same = r.matches.find((m: any) => m.same_idea);
    expect(same.id).toBe(await ideaOf(ids.batch14));
    // In words, with the values, the same answer.
    const words = await check('cut TOTAL_BATCH_SIZE from 2**14 to 2**13', SPARK, undefined, spark);
    expect(words.verdict).toBe('failed_nearby');
    expect(words.warning).toBe(true);
  });

  it('1c. one other fork’s discard on other hardware of the family is replicated by nobody: failed_nearby, no warning', async () => {
    // A Strix Halo user (the Spark's family, another device) asks the same; then the Spark fork itself, and another Spark.
    const r = await check('cut TOTAL_BATCH_SIZE from 2**14 to 2**13', STRIX);
    expect(r.verdict).toBe('failed_nearby');
    expect(r.warning).toBe(false);
    expect(r.evidence.failed_by).toEqual({ forks: 1, yours: false, here: false });
    expect(r.reason).toMatch(/one fork’s result on other hardware, replicated by nobody: not a warning/);
    expect((await check('cut TOTAL_BATCH_SIZE from 2**14 to 2**13', STRIX, undefined, spark)).warning).toBe(true);
    const otherSpark = await check('cut TOTAL_BATCH_SIZE from 2**14 to 2**13', SPARK);
    expect(otherSpark.warning).toBe(true);
    expect(otherSpark.evidence.failed_by).toEqual({ forks: 1, yours: false, here: true });
  });

  it('1b. "halve the batch size" with no state asks about every halving: kept 4 of 5 on this class', async () => {
    const r = await check('halve the batch size', SPARK);
    expect(r.evidence.decided_by).toBe('exact');
    expect(r.evidence.tiers.class).toMatchObject({ attempts: 5, keeps: 4, discards: 1 });
    expect(r.warning).toBe(false);
  });

  it('2. an identifier unchanged on a changed line is context: weight decay on the embeddings is not the Muon beta2 idea', async () => {
    const r = await check('add weight decay to the embeddings', SPARK);
    const beta2 = await ideaOf(ids.beta2);
    expect(r.matches.map((m: any) => m.id)).not.toContain(beta2);
    expect(r.matches.filter((m: any) => m.same_idea)).toEqual([]);
    expect(r.verdict).toBe('novel');
  });

  it('2b. a diff’s new code that only uses knobs (lr=matrix_lr, weight_decay=0.0) changes what it adds, not them', async () => {
    expect(await ideaOf(ids.deltanetDiff)).toBe(await ideaOf(ids.deltanetWords));
    const r = await check('MATRIX_LR 0.04 -> 0.05', SPARK);
    expect(r.matches.filter((m: any) => m.same_idea).map((m: any) => m.id)).not.toContain(await ideaOf(ids.deltanetDiff));
    const words = await check('try Gated DeltaNet linear attention', SPARK);
    expect(words.evidence.decided_by).toBe('exact');
    expect(words.evidence.tiers.class).toMatchObject({ attempts: 1, discards: 1 });
  });

  it('3. changes that conflict never share an idea; another value of the knob is related, not the same', async () => {
    expect(await ideaOf(ids.ve64)).not.toBe(await ideaOf(ids.ve16));
    expect(await ideaOf(ids.wdOff)).not.toBe(await ideaOf(ids.wdOn));
    const r = await check('ve_gate_channels 32->64', SPARK);
    expect(r.verdict).toBe('promising');
    expect(r.evidence.tiers.class).toMatchObject({ attempts: 1, keeps: 1 });
    expect(r.related.map((m: any) => m.id)).toContain(await ideaOf(ids.ve16));
    // The known-bad list counts a setting tried once as one attempt, and never lists what was kept.
    const bad = (await (await t.get(`/v1/known-bad?harness=${HARNESS_ID}`)).json()) as any;
    for (const idea of bad.ideas) expect(idea.overall.keeps).toBe(0);
    const offId = await ideaOf(ids.wdOff);
    const off = bad.ideas.find((i: any) => i.id === offId);
    if (off) expect(off.overall.attempts).toBe(1);
  });

  it('4. own-class counts come from every idea with the same change, and do not move when other hardware is added', async () => {
    const before = await check('halve TOTAL_BATCH_SIZE 2**16 -> 2**15', SPARK);
    expect(before.evidence.tiers.class).toMatchObject({ attempts: 1, keeps: 1 });
    // The same change reworded on the same class joins or sits beside it: still counted.
    await publish('batch 64K -> 32K (half the tokens per step)', SPARK, 'keep', -0.002, { key: 2 });
    // Unrelated hardware, the same change and other values of it.
    for (let i = 0; i < 3; i++) await publish(`TOTAL_BATCH_SIZE 2**16 -> 2**15 (run ${i})`, H100, 'discard', 0.004, { key: 1 });
    await publish('TOTAL_BATCH_SIZE 2**20 -> 2**19', M4MAX, 'keep', -0.01, { key: 2 });
    await t.drain();
    const after = await check('halve TOTAL_BATCH_SIZE 2**16 -> 2**15', SPARK);
    expect(after.evidence.tiers.class).toMatchObject({ attempts: 2, keeps: 2 });
    expect(after.verdict).toBe(before.verdict === 'inconclusive' ? 'inconclusive' : after.verdict);
    expect(['promising', 'inconclusive']).toContain(after.verdict);
  });

  it('5. "end the schedule at 10 % of peak LR instead of zero" finds FINAL_LR_FRAC 0.0 -> 0.1', async () => {
    const r = await check('end the schedule at 10% of peak LR instead of zero', SPARK);
    expect(r.matches.map((m: any) => m.id)).toContain(await ideaOf(ids.floor));
    expect(r.verdict).toBe('promising');
    // The repro's own wording is the same change, exactly.
    const own = await check('Stop decaying the LR to zero; end at 10 % of peak', SPARK);
    expect(own.matches.find((m: any) => m.same_idea)?.id).toBe(await ideaOf(ids.floor));
    expect(own.evidence.decided_by).toBe('exact');
    expect(own.verdict).toBe('promising');
    expect(own.warning).toBe(false);
  });

  it('6. "smaller batch (2^18→2^16)" is a batch decrease with its values: the other decreases decide, no warning', async () => {
    const r = await check('smaller batch (2^18→2^16)', SPARK);
    // No record made exactly this change: the other decreases on this class decide (the nearest were kept).
    expect(r.evidence.decided_by).toBe('others');
    expect(r.evidence.tiers.class.keeps).toBeGreaterThanOrEqual(4);
    expect(r.evidence.tiers.class.keeps).toBeGreaterThan(r.evidence.tiers.class.discards);
    expect(r.verdict).toBe('promising');
    expect(r.warning).toBe(false);
    // The reason says which values decided, each with its outcome.
    expect(r.evidence.near_values.map((v: any) => v.values)).toContain('2^18 → 2^17');
    expect(r.evidence.near_values.find((v: any) => v.values === '2^16 → 2^15')).toMatchObject({ attempts: 2, keeps: 2 });
    expect(r.reason).toMatch(/^Not your exact change .*; tried on DGX Spark GB10 128GB, kept: 2\^16 → 2\^15, .* and 1 more\.$/);
  });

  it('7. Adam betas are read with their tuple: (0.9,0.95) is not the discarded (0.95,0.999), nor x0_lambdas betas', async () => {
    const r = await check('ADAM_BETAS (0.9,0.95)', SPARK);
    const same = r.matches.filter((m: any) => m.same_idea).map((m: any) => m.id);
    expect(same).not.toContain(await ideaOf(ids.betas));
    expect(same).not.toContain(await ideaOf(ids.x0betas));
    expect(r.warning).toBe(false);
    expect(await ideaOf(ids.betas)).not.toBe(await ideaOf(ids.x0betas));
    // The same tuple reworded is the same idea.
    const again = await check('adam betas 0.95, 0.999', SPARK);
    expect(again.matches.find((m: any) => m.same_idea)?.id).toBe(await ideaOf(ids.betas));
  });

  it('8. "constant Muon momentum" is the discarded no-warm-up idea, never counted with the kept slower warm-ups', async () => {
    const r = await check('constant Muon momentum', SPARK, undefined, spark);
    expect(r.evidence.tiers.class.keeps).toBe(0);
    expect(r.evidence.tiers.class.discards).toBe(1);
    expect(r.warning).toBe(true);
  });

  it('gold: "warm Muon’s momentum up more slowly" matches the kept slower warm-ups, not the opposite', async () => {
    const r = await check("warm Muon's momentum up more slowly", SPARK);
    expect(r.warning).toBe(false);
    expect(r.verdict).toBe('promising');
    expect(r.evidence.tiers.class.keeps).toBe(2);
    expect(r.evidence.tiers.class.discards).toBe(0);
  });

  it('7b. a baseline changes nothing: no verdict from the changes that name a baseline, and the reason says why', async () => {
    for (const q of ['baseline', 'baseline run', 'fresh baseline']) {
      const r = await check(q, SPARK);
      expect(r.warning).toBe(false);
      expect(r.verdict).toBe('novel');
      expect(r.evidence.decided_by).toBe('baseline');
      expect(r.evidence.tiers.class.attempts).toBe(0);
      expect(r.reason).toMatch(/^A baseline changes nothing/);
      expect(r.changes).toEqual([]);
    }
    // A change on top of the baseline is a change: judged as one.
    const fp8 = await check('baseline + FP8 matmuls', SPARK);
    expect(fp8.evidence.decided_by).not.toBe('baseline');
    expect(fp8.verdict).not.toBe('novel');
  });
});
