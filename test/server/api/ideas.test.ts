// Ideas end to end on both drivers: records are assigned to ideas off the request path, and
// check / known-bad / idea pages / search answer from that evidence.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { drivers } from '../../helpers/db.ts';
import { testApp } from '../../helpers/app.ts';
import { envelope, HARNESS_ID, makePayload, newSigner } from '../../helpers/records.ts';
import type { Database } from '../../../server/db/client.ts';

const H100 = { accelerator: 'cuda', device_name: 'NVIDIA H100 80GB HBM3', device_count: 1, memory_mb: 81559 } as const;
const RTX4090 = { accelerator: 'cuda', device_name: 'NVIDIA GeForce RTX 4090', device_count: 1, memory_mb: 24564 } as const;
const RTX3060 = { accelerator: 'cuda', device_name: 'NVIDIA GeForce RTX 3060', device_count: 1, memory_mb: 12288 } as const;

const diffOf = (name: string, from: string, to: string, line = 40) =>
  `--- a/train.py\n+++ b/train.py\n@@ -${line},3 +${line},3 @@\n # hyperparameters\n-${name} = ${from}\n+${name} = ${to}\n BATCH = 8\n`;

describe.each(drivers)('ideas on $name', (driver) => {
  let database: Database;
  let t: ReturnType<typeof testApp>;
  const alice = newSigner('alice');
  const bob = newSigner('bob');
  const ids: Record<string, string> = {};

  async function publish(name: string, overrides: Parameters<typeof makePayload>[0], signer = alice) {
    const res = await t.post('/v1/records', envelope(makePayload(overrides), signer));
    expect(res.status).toBe(201);
    ids[name] = ((await res.json()) as any).id;
  }
  const record = async (name: string) => (await (await t.get(`/v1/records/${ids[name]}`)).json()) as any;
  const check = async (body: unknown) => {
    const res = await t.post('/v1/ideas/check', body);
    expect(res.status).toBe(200);
    return (await res.json()) as any;
  };

  beforeAll(async () => {
    database = await driver.open();
    t = testApp(database);
    await t.init();
    // One idea (matrix LR 0.04 → 0.06) in many phrasings, with and without diffs, on two classes.
    await publish('lr_a', {
      description: 'increase matrix LR from 0.04 to 0.06',
      diff: diffOf('MATRIX_LR', '0.04', '0.06'),
      hardware: H100,
      status: 'keep',
      metrics: { val_bpb: 0.99 },
    });
    await publish(
      'lr_b',
      {
        description: 'MATRIX_LR 0.04->0.06',
        diff: diffOf('MATRIX_LR', '0.04', '0.06', 57),
        hardware: RTX4090,
        status: 'discard',
        metrics: { val_bpb: 1.2 },
      },
      bob,
    );
    await publish(
      'lr_c',
      {
        description: 'matrix LR 0.04→0.06 (Muon tolerates higher LR)',
        diff: null,
        hardware: RTX4090,
        status: 'discard',
        metrics: { val_bpb: 1.21 },
      },
      bob,
    );
    // A near-miss: another parameter value.
    await publish('b1_a', {
      description: 'beta1 0.8 -> 0.9',
      diff: diffOf('ADAM_BETA1', '0.8', '0.9'),
      hardware: H100,
      status: 'discard',
      metrics: { val_bpb: 1.0 },
    });
    await publish('b1_b', {
      description: 'beta1 0.9 -> 0.95',
      diff: diffOf('ADAM_BETA1', '0.9', '0.95'),
      hardware: H100,
      status: 'discard',
      metrics: { val_bpb: 1.0 },
    });
    // An idea that runs out of memory on a 24 GB card.
    await publish('deep', {
      description: 'depth 8 -> 16',
      diff: diffOf('DEPTH', '8', '16'),
      hardware: RTX4090,
      status: 'crash',
      metrics: { val_bpb: null },
      parent: { val_bpb: 1.0 },
    });
    await publish(
      'deep2',
      {
        description: 'DEPTH 8->16 (CUDA out of memory)',
        diff: diffOf('DEPTH', '8', '16', 12),
        hardware: RTX4090,
        status: 'crash',
        metrics: { val_bpb: null },
      },
      bob,
    );
    // Bad twice on the RTX 4090, never kept anywhere.
    await publish('gelu1', {
      description: 'switch activation from relu squared to GeLU',
      diff: null,
      hardware: RTX4090,
      status: 'discard',
      metrics: { val_bpb: 1.03 },
    });
    await publish(
      'gelu2',
      { description: 'replace ReLU² with GELU activation', diff: null, hardware: RTX4090, status: 'discard', metrics: { val_bpb: 1.04 } },
      bob,
    );
    expect(await t.drain()).toBe(9);
  });
  afterAll(() => database?.close());

  it('assigns every record to an idea off the request path, grouping phrasings and keeping near-misses apart', async () => {
    const idea = async (n: string) => (await record(n)).idea_id as string;
    for (const n of Object.keys(ids)) expect(await idea(n), n).toMatch(/^[0-9a-f-]{36}$/);
    expect(await idea('lr_b')).toBe(await idea('lr_a'));
    expect(await idea('lr_c')).toBe(await idea('lr_a'));
    expect(await idea('deep2')).toBe(await idea('deep'));
    expect(await idea('gelu2')).toBe(await idea('gelu1'));
    expect(await idea('b1_a')).not.toBe(await idea('b1_b'));
    expect(await idea('b1_a')).not.toBe(await idea('lr_a'));
    expect(await t.drain()).toBe(0);
  });

  it('check: novel when nothing is similar', async () => {
    const r = await check({
      description: 'replace the tokenizer with a byte-level BPE of 65k merges',
      hardware: H100,
      harness_id: HARNESS_ID,
    });
    expect(r.verdict).toBe('novel');
    expect(r.matches.filter((m: any) => m.same_idea)).toHaveLength(0);
  });

  it('check: known_bad after ≥ 2 discards on the caller’s class with no keep there', async () => {
    const r = await check({ description: 'try GeLU instead of relu^2', hardware: RTX4090, harness_id: HARNESS_ID });
    expect(r.verdict).toBe('known_bad');
    expect(r.hardware_class).toBe('RTX 4090 24GB');
    const m = r.matches.find((x: any) => x.same_idea);
    expect(m.here).toMatchObject({ attempts: 2, discards: 2, keeps: 0 });
    expect(m.examples.length).toBeGreaterThan(0);
  });

  it('check: promising when kept on another class, known_bad where it failed twice', async () => {
    const onH100 = await check({ description: 'MATRIX_LR 0.04 -> 0.06', hardware: H100, harness_id: HARNESS_ID });
    expect(onH100.verdict).toBe('promising');
    const onA100 = await check({
      description: 'raise matrix lr to 0.06 from 0.04',
      hardware: { accelerator: 'cuda', device_name: 'NVIDIA A100-SXM4-80GB', memory_mb: 81920 },
    });
    expect(onA100.verdict).toBe('promising');
    expect(onA100.matches[0]).toMatchObject({ same_idea: true, overall: { attempts: 3, keeps: 1, discards: 2 } });
    const on4090 = await check({
      description: 'MATRIX_LR 0.04 -> 0.06',
      diff: diffOf('MATRIX_LR', '0.04', '0.06', 99),
      hardware: RTX4090,
      harness_id: HARNESS_ID,
    });
    expect(on4090.verdict).toBe('known_bad');
    expect(on4090.matches[0].via).toBe('diff');
  });

  it('check: crashes_here for an OOM at the same or larger memory, not on a bigger card', async () => {
    expect((await check({ description: 'depth 8 -> 16', hardware: RTX4090 })).verdict).toBe('crashes_here');
    expect((await check({ description: 'DEPTH 8 -> 16', hardware: RTX3060 })).verdict).toBe('crashes_here');
    // Crashed only on consumer 24 GB cards: very different from an 80 GB data-centre GPU.
    expect((await check({ description: 'DEPTH 8 -> 16', hardware: H100 })).verdict).toBe('failed_elsewhere');
  });

  it('known-bad: JSON and markdown ready for a prompt', async () => {
    const json = (await (
      await t.get(`/v1/known-bad?harness=${HARNESS_ID}&hardware_class=${encodeURIComponent('RTX 4090 24GB')}`)
    ).json()) as any;
    const descriptions = json.ideas.map((i: any) => i.description);
    // Each idea is named by its founding record; the matrix-LR idea was founded by lr_a.
    expect(descriptions).toEqual(
      expect.arrayContaining(['switch activation from relu squared to GeLU', 'depth 8 -> 16', 'increase matrix LR from 0.04 to 0.06']),
    );
    expect(json.ideas.every((i: any) => i.by_class.every((c: any) => c.hardware_class !== 'RTX 4090 24GB' || c.keeps === 0))).toBe(true);
    const res = await t.get(`/v1/known-bad?harness=${HARNESS_ID}`, { accept: 'text/markdown' });
    expect(res.headers.get('content-type')).toMatch(/text\/markdown/);
    const md = await res.text();
    expect(md).toMatch(/^## Known-bad ideas/);
    expect(md).toMatch(/- switch activation from relu squared to GeLU — 2 attempts \(RTX 4090 24GB ×2\); 0 kept; median Δval_bpb/);
    // Kept on the H100, so not known-bad across all classes.
    expect(md).not.toMatch(/matrix LR/i);
    expect((await t.get('/v1/known-bad?format=md')).headers.get('content-type')).toMatch(/markdown/);
  });

  it('idea page lists every attempt across hardware; search finds a paraphrase', async () => {
    const ideaId = (await record('lr_a')).idea_id;
    const idea = (await (await t.get(`/v1/ideas/${ideaId}`)).json()) as any;
    expect(idea.records.map((r: any) => r.id).sort()).toEqual([ids.lr_a, ids.lr_b, ids.lr_c].sort());
    expect(idea.by_class.map((c: any) => c.hardware_class).sort()).toEqual(['H100 80GB', 'RTX 4090 24GB']);
    expect(idea.overall.delta_val_bpb.median).not.toBeNull();
    const found = (await (await t.get(`/v1/ideas?q=${encodeURIComponent('bump the muon learning rate to 0.06')}`)).json()) as any;
    expect(found.ideas[0].id).toBe(ideaId);
    const top = (await (await t.get('/v1/ideas?limit=2')).json()) as any;
    expect(top.ideas).toHaveLength(2);
    expect((await t.get('/v1/ideas/00000000-0000-0000-0000-000000000000')).status).toBe(404);
  });

  it('idea page carries its records a page at a time; /v1/records?idea= pages on', async () => {
    const ideaId = (await record('lr_a')).idea_id;
    const first = (await (await t.get(`/v1/ideas/${ideaId}?limit=2`)).json()) as any;
    expect(first.records).toHaveLength(2);
    expect(first.overall.attempts).toBe(3);
    expect(first.next_cursor).toEqual(expect.any(String));
    const rest = (await (await t.get(`/v1/records?idea=${ideaId}&cursor=${encodeURIComponent(first.next_cursor)}`)).json()) as any;
    expect(rest.records).toHaveLength(1);
    expect(rest.next_cursor).toBeNull();
    expect([...first.records, ...rest.records].map((r: any) => r.id).sort()).toEqual([ids.lr_a, ids.lr_b, ids.lr_c].sort());
    expect(((await (await t.get(`/v1/ideas/${ideaId}`)).json()) as any).next_cursor).toBeNull();
    expect((await t.get(`/v1/records?idea=${'x'.repeat(101)}`)).status).toBe(400);
    expect(((await (await t.get('/v1/records?idea=no-such-idea')).json()) as any).records).toEqual([]);
    for (const qs of ['limit=0', 'limit=201', 'cursor=%%%', 'page=2']) {
      const res = await t.get(`/v1/ideas/${ideaId}?${qs}`);
      expect(res.status, qs).toBe(400);
      expect(res.headers.get('content-type')).toMatch(/problem\+json/);
    }
  });

  it('rejects bad check input with a clear 4xx and stores nothing', async () => {
    const before = { records: await t.count(), ideas: ((await (await t.get('/v1/ideas?limit=100')).json()) as any).ideas.length };
    const bad: [unknown, RegExp][] = [
      [{ description: '' }, /description: must not be empty/],
      [{}, /description: is required/],
      [{ description: 'x', diff: '+'.repeat(256 * 1024 + 1) }, /diff: must be at most/],
      [{ description: 'x', hardware: { device_name: 'H100' } }, /hardware\.accelerator/],
      [{ description: 'x', hardware: { accelerator: 'tpu', device_name: 'v5e' } }, /hardware\.accelerator/],
      [{ description: 'x', harness_id: 'abc' }, /harness_id/],
      // The caller's key, which decides "yours among them": only a fingerprint as ssh-keygen prints it.
      [{ description: 'x', key_fingerprint: 'SHA256:short' }, /key_fingerprint: must be a key fingerprint/],
      [{ description: 'x', key_fingerprint: 'MD5:' + 'a'.repeat(43) }, /key_fingerprint: must be a key fingerprint/],
      [{ description: 'x', extra: true }, /unknown field/],
    ];
    for (const [body, detail] of bad) {
      const res = await t.post('/v1/ideas/check', body);
      expect(res.status, JSON.stringify(body).slice(0, 60)).toBe(422);
      expect(((await res.json()) as any).detail).toMatch(detail);
    }
    expect((await t.post('/v1/ideas/check', '{"description":')).status).toBe(400);
    for (const qs of ['limit=0', 'harness=zz', 'format=xml']) expect((await t.get(`/v1/known-bad?${qs}`)).status, qs).toBe(400);
    expect(await t.count()).toBe(before.records);
    expect(((await (await t.get('/v1/ideas?limit=100')).json()) as any).ideas.length).toBe(before.ideas);
  });

  it('the most-tried list leaves out ideas nothing counts for: a baseline run is shown on its page, never ranked', async () => {
    await publish('baseline', {
      description: 'baseline',
      diff: null,
      parent: null,
      hardware: H100,
      status: 'keep',
      metrics: { val_bpb: 1.0 },
    });
    await t.drain();
    const ideaId = (await record('baseline')).idea_id;
    expect(ideaId).toBeTruthy();
    const listed = ((await (await t.get('/v1/ideas?limit=100')).json()) as any).ideas;
    expect(listed.length).toBeGreaterThan(0);
    expect(listed.map((i: any) => i.id)).not.toContain(ideaId);
    for (const i of listed) expect(i.overall.attempts, i.id).toBeGreaterThan(0);
    expect((await t.get(`/v1/ideas/${ideaId}`)).status).toBe(200);
  });
});
