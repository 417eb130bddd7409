// What to try next, on both drivers: ideas the fork tried are left out, a keep on the caller's
// family ranks above a keep on distant hardware, the reason cites the counts in the evidence,
// known-bad ideas go to `avoid`, and bad query input is a 400 problem document.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { drivers } from '../../helpers/db.ts';
import { testApp } from '../../helpers/app.ts';
import { envelope, HARNESS_ID, makePayload, newSigner } from '../../helpers/records.ts';
import type { Database } from '../../../server/db/client.ts';

const RTX4090 = { accelerator: 'cuda', device_name: 'NVIDIA GeForce RTX 4090', device_count: 1, memory_mb: 24564 } as const;
const RTX3090 = { accelerator: 'cuda', device_name: 'NVIDIA GeForce RTX 3090', device_count: 1, memory_mb: 24576 } as const;
const M4MAX = { accelerator: 'mlx', device_name: 'Apple M4 Max', device_count: 1, memory_mb: 131072 } as const;
const H100 = { accelerator: 'cuda', device_name: 'NVIDIA H100 80GB HBM3', device_count: 1, memory_mb: 81559 } as const;
const MINE = 'fork-mine';
const HW_QS = `accelerator=cuda&device_name=${encodeURIComponent('NVIDIA GeForce RTX 4090')}&memory_mb=24564`;

describe.each(drivers)('suggestions on $name', (driver) => {
  let database: Database;
  let t: ReturnType<typeof testApp>;
  const keys = [newSigner('a'), newSigner('b'), newSigner('c')];
  let n = 0;

  async function publish(description: string, hardware: object, status: 'keep' | 'discard' | 'crash', fork = `fork-${n}`) {
    const valBpb = status === 'crash' ? null : status === 'keep' ? 0.99 : 1.01;
    const payload = makePayload({
      description,
      diff: null,
      hardware: hardware as any,
      status,
      metrics: { val_bpb: valBpb },
      parent: { val_bpb: 1.0 },
      fork: { id: fork },
    });
    const res = await t.post('/v1/records', envelope(payload, keys[n++ % keys.length]));
    expect(res.status).toBe(201);
  }
  const suggest = async (qs: string) => {
    const res = await t.get(`/v1/suggestions?harness=${HARNESS_ID}&${qs}`);
    expect(res.status, await res.clone().text()).toBe(200);
    return (await res.json()) as any;
  };
  const find = (r: any, re: RegExp) => r.suggestions.find((s: any) => re.test(s.description));

  beforeAll(async () => {
    database = await driver.open();
    t = testApp(database);
    await t.init();
    await publish('tie the token embedding and the lm_head weights', RTX3090, 'keep');
    await publish('Muon momentum 0.95 -> 0.98', M4MAX, 'keep');
    await publish('add QK norm before attention', RTX4090, 'keep');
    await publish('add QK norm before attention', RTX4090, 'discard', MINE);
    await publish('switch the MLP nonlinearity to GELU', RTX4090, 'discard');
    await publish('GeLU activation instead of relu2', RTX4090, 'discard');
    await publish('GELU MLP', H100, 'keep');
    await publish('rotary base 10000 -> 50000', H100, 'keep');
    await publish('rotary base 10000 -> 50000', M4MAX, 'keep');
    await t.drain();
  });
  afterAll(() => database?.close());

  it('leaves out the ideas the fork tried, and says how many', async () => {
    const mine = await suggest(`${HW_QS}&fork=${MINE}`);
    expect(mine.fork).toBe(MINE);
    expect(mine.tried_by_fork).toBe(1);
    expect(find(mine, /QK norm/)).toBeUndefined();
    const other = await suggest(`${HW_QS}&fork=someone-else`);
    expect(other.tried_by_fork).toBe(0);
    expect(find(other, /QK norm/)).toMatchObject({ basis: 'kept_near' });
  });

  it("a keep on the caller's family ranks above a keep on distant hardware", async () => {
    const r = await suggest(`${HW_QS}&fork=${MINE}`);
    expect(r.hardware_class).toBe('RTX 4090 24GB');
    expect(r.hardware_family).toBe('NVIDIA consumer 20–24GB');
    const ids = r.suggestions.map((s: any) => s.description);
    const tie = ids.findIndex((d: string) => /tie the token/.test(d));
    const muon = ids.findIndex((d: string) => /Muon momentum/.test(d));
    expect(tie).toBeGreaterThanOrEqual(0);
    expect(muon).toBeGreaterThan(tie);
    expect(find(r, /tie the token/)).toMatchObject({ basis: 'kept_near', transfers: false });
    expect(find(r, /Muon momentum/)).toMatchObject({ basis: 'untried_near' });
    // Kept on two families (H100's and the Mac's): it transfers.
    expect(find(r, /rotary base/)).toMatchObject({ transfers: true, basis: 'untried_near' });
    // The same caller given by class: the same answer.
    const byClass = await suggest(`hardware_class=${encodeURIComponent('RTX 4090 24GB')}&fork=${MINE}`);
    expect(byClass.suggestions.map((s: any) => s.idea_id)).toEqual(r.suggestions.map((s: any) => s.idea_id));
  });

  it('the reason cites the counts of its evidence', async () => {
    const r = await suggest(`${HW_QS}&fork=${MINE}`);
    const tie = find(r, /tie the token/);
    expect(tie.reason).toMatch(/^Kept 1 of 1 on hardware like yours \(NVIDIA consumer 20–24GB\)/);
    expect(tie.evidence.tiers.family).toMatchObject({ attempts: 1, keeps: 1, classes: ['RTX 3090 24GB'] });
    expect(tie.evidence.families).toEqual([
      { hardware_family: 'NVIDIA consumer 20–24GB', proximity: 'family', attempts: 1, keeps: 1, discards: 0, crashes: 0 },
    ]);
    const rotary = find(r, /rotary base/);
    expect(rotary.reason).toMatch(/kept 2 of 2 on other hardware/);
    expect(rotary.reason).toMatch(/kept on 2 hardware families/);
    expect(rotary.evidence.tiers.kind.keeps + rotary.evidence.tiers.elsewhere.keeps).toBe(2);
    // The effect on the nearest hardware with deltas: the H100's (the caller's accelerator kind), not the Mac's.
    expect(rotary.evidence).toMatchObject({ effect: { n: 1, median: -0.01 }, effect_proximity: 'kind' });
    expect(rotary.reason).toContain('median Δ -0.01 val_bpb over 1 on other hardware');
    // Every number in a reason is among the evidence's numbers.
    for (const s of r.suggestions) {
      // (…and the number of families it was kept on, the kept entries of `families`.)
      const numbers = new Set([
        ...(JSON.stringify(s.evidence).match(/-?\d+(\.\d+)?/g) ?? []),
        String(s.evidence.families.filter((f: any) => f.keeps > 0).length),
      ]);
      for (const x of s.reason.replace(/\([^)]*\)/g, '').match(/-?\d+(\.\d+)?/g) ?? [])
        expect(numbers.has(x) || numbers.has(String(Math.abs(Number(x)))), `${x} in "${s.reason}"`).toBe(true);
    }
  });

  it('known-bad ideas of the class go to avoid, not to the suggestions', async () => {
    const r = await suggest(`${HW_QS}`);
    expect(r.avoid.map((a: any) => a.description).join('|')).toMatch(/GELU|GeLU/);
    expect(r.avoid[0]).toMatchObject({ discards: 2 });
    expect(r.suggestions.some((s: any) => r.avoid.some((a: any) => a.idea_id === s.idea_id))).toBe(false);
  });

  it("without hardware every class is the caller's; limit caps the list", async () => {
    const r = await suggest('limit=2');
    expect(r.hardware_class).toBeNull();
    expect(r.suggestions).toHaveLength(2);
    expect(r.suggestions[0].reason).toMatch(/anywhere/);
  });

  it('bad input: a 400 problem document naming the field', async () => {
    const cases: [string, RegExp][] = [
      [`harness=${HARNESS_ID}&colour=blue`, /colour/],
      [`harness=${HARNESS_ID}&limit=0`, /limit/],
      [`harness=${HARNESS_ID}&limit=51`, /limit/],
      [`harness=${HARNESS_ID}&limit=two`, /limit/],
      ['hardware_class=H100', /harness/],
      ['harness=nope', /harness/],
      [`harness=${HARNESS_ID}&hardware_class=H100&accelerator=cuda&device_name=H100`, /hardware_class/],
      [`harness=${HARNESS_ID}&device_name=H100`, /accelerator/],
      [`harness=${HARNESS_ID}&accelerator=tpu&device_name=x`, /accelerator/],
      [`harness=${HARNESS_ID}&accelerator=cuda&device_name=x&memory_mb=-1`, /memory_mb/],
    ];
    for (const [qs, field] of cases) {
      const res = await t.get(`/v1/suggestions?${qs}`);
      expect(res.status, qs).toBe(400);
      expect(res.headers.get('content-type')).toMatch(/application\/problem\+json/);
      const body = (await res.json()) as any;
      expect(body).toMatchObject({ status: 400, title: 'Bad request' });
      expect(body.detail, qs).toMatch(/^invalid query: /);
      expect(body.errors.length, qs).toBeGreaterThan(0);
      expect(JSON.stringify(body.errors), qs).toMatch(field);
    }
  });

  it('is in the OpenAPI document', async () => {
    const doc = (await (await t.get('/openapi.json')).json()) as any;
    expect(doc.paths['/v1/suggestions'].get.parameters.map((p: any) => p.name)).toEqual(
      expect.arrayContaining(['harness', 'hardware_class', 'fork', 'limit']),
    );
  });
});
