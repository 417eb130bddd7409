// Findings that hold up, on both drivers: a check recognises an idea however it is worded, its
// verdict is decided over all the evidence it returns (never contradicting it), evidence is
// weighed by hardware proximity, and stored records are re-derived when the catalogue changes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { drivers } from '../../helpers/db.ts';
import { testApp } from '../../helpers/app.ts';
import { envelope, HARNESS_ID, makePayload, newSigner } from '../../helpers/records.ts';
import type { Database } from '../../../server/db/client.ts';
import { parsePublicKey } from '../../../server/protocol/ssh-keys.ts';
import { queryRows } from '../../../server/db/rows.ts';
import { DERIVATION_VERSION } from '../../../server/services/ideas/derive.ts';

const SPARK = { accelerator: 'cuda', device_name: 'NVIDIA GB10', device_count: 1, memory_mb: 122880 } as const;
const M4MAX = { accelerator: 'mlx', device_name: 'Apple M4 Max', device_count: 1, memory_mb: 131072 } as const;
const RTX4090 = { accelerator: 'cuda', device_name: 'NVIDIA GeForce RTX 4090', device_count: 1, memory_mb: 24564 } as const;
const RTX3090 = { accelerator: 'cuda', device_name: 'NVIDIA GeForce RTX 3090', device_count: 1, memory_mb: 24576 } as const;
const H100 = { accelerator: 'cuda', device_name: 'NVIDIA H100 80GB HBM3', device_count: 1, memory_mb: 81559 } as const;
const M1PRO = { accelerator: 'mps', device_name: 'Apple M1 Pro', device_count: 1, memory_mb: 16384 } as const;

describe.each(drivers)('findings on $name', (driver) => {
  let database: Database;
  let t: ReturnType<typeof testApp>;
  const keys = [newSigner('a'), newSigner('b'), newSigner('c'), newSigner('d')];
  let n = 0;

  async function publish(description: string, hardware: object, status: 'keep' | 'discard' | 'crash', valBpb: number | null) {
    const payload = makePayload({
      description,
      diff: null,
      hardware: hardware as any,
      status,
      metrics: { val_bpb: valBpb },
      parent: { val_bpb: 1.0 },
    });
    const res = await t.post('/v1/records', envelope(payload, keys[n++ % keys.length]));
    expect(res.status).toBe(201);
  }
  const check = async (description: string, hardware?: object, key?: string) => {
    const res = await t.post('/v1/ideas/check', {
      description,
      harness_id: HARNESS_ID,
      ...(hardware ? { hardware } : {}),
      ...(key ? { key_fingerprint: key } : {}),
    });
    expect(res.status).toBe(200);
    return (await res.json()) as any;
  };

  beforeAll(async () => {
    database = await driver.open();
    t = testApp(database);
    await t.init();
    await publish('SwiGLU MLP replacing squared ReLU', SPARK, 'discard', 1.01);
    await publish('switch the MLP nonlinearity to GELU', M1PRO, 'discard', 1.02);
    await publish('GeLU activation instead of relu2', M1PRO, 'discard', 1.03);
    await publish('weight tying (share wte and lm_head weights)', SPARK, 'discard', 1.2);
    await publish('tie embeddings', M4MAX, 'keep', 0.95);
    await publish('MLP expansion 4x -> 8x (CUDA out of memory)', RTX4090, 'crash', null);
    await publish('mlp ratio 4 -> 8: OOM at step 0', RTX3090, 'crash', null);
    await publish('Muon momentum 0.95 -> 0.98', H100, 'keep', 0.96);
    await publish('increase matrix LR from 0.04 to 0.06', H100, 'keep', 0.97);
    await publish('MATRIX_LR 0.04->0.05', H100, 'discard', 1.01);
    await t.drain();
  });
  afterAll(() => database?.close());

  it('SwiGLU on the class it was discarded on: not novel, a warning, the evidence listed', async () => {
    const r = await check('use SwiGLU MLP', SPARK);
    expect(r.verdict).toBe('failed_nearby');
    expect(r.warning).toBe(true);
    expect(r.matches[0].description).toMatch(/SwiGLU/);
    expect(r.matches[0].why.text).toMatch(/same/);
    expect(r.evidence.tiers.class).toMatchObject({ attempts: 1, discards: 1, keeps: 0 });
    expect(r.reason).toContain('1 discarded');
    expect(r.evidence.failed_by).toEqual({ forks: 1, yours: false, here: true });
    // The fork that discarded it (its key signed the record) is told it was its own.
    const own = await check('use SwiGLU MLP', SPARK, parsePublicKey(keys[0].publicKey).fingerprint);
    expect(own.warning).toBe(true);
    expect(own.evidence.failed_by).toEqual({ forks: 1, yours: true, here: true });
    expect(own.reason).toMatch(/1 discarded; yours among them/);
  });

  it('GELU discarded 2 of 2 times: known_bad without hardware, failed on hardware like yours on another Mac, not mixed', async () => {
    expect((await check('try GELU in the MLP')).verdict).toBe('known_bad');
    const mac = await check('replace relu squared by gelu', M4MAX);
    expect(mac.verdict).toBe('failed_nearby');
    expect(mac.hardware_family).toBe('Apple M-series');
    expect(mac.reason).toMatch(/2 attempts, 2 discarded/);
    const far = await check('gelu activation', RTX4090);
    expect(far.verdict).toBe('failed_elsewhere');
    expect(far.warning).toBe(false);
  });

  it('a keep on very different hardware does not make an idea discarded here promising', async () => {
    const r = await check('share the input embedding matrix with the output projection', SPARK);
    expect(r.verdict).toBe('failed_nearby');
    expect(r.reason).toMatch(/on other hardware \(Apple M4 Max\) kept 1 of 1/);
    const mac = await check('share the input embedding matrix with the output projection', M4MAX);
    expect(mac.verdict).toBe('promising');
  });

  it('a rewording of an MLP-width change that ran out of memory on 24 GB cards crashes here', async () => {
    const r = await check('make the feed-forward hidden layer eight times the model width', RTX4090);
    expect(r.verdict).toBe('crashes_here');
    expect(r.matches.length).toBeGreaterThan(0);
  });

  it('a rewording of a kept Muon-momentum change is promising, and says why it matched', async () => {
    const r = await check('raise the momentum of the orthogonalised optimizer', H100);
    expect(r.verdict).toBe('promising');
    expect(r.matches[0].why.via).toBe('changes');
    expect(r.matches[0].why.changes[0].concept).toBe('MUON_MOMENTUM');
  });

  it('the same concept moved the other way is related, not a match', async () => {
    const r = await check('lower the matrix learning rate to 0.02', H100);
    expect(r.matches).toEqual([]);
    expect(r.verdict).toBe('novel');
    expect(r.related.length).toBeGreaterThan(0);
    expect(r.related[0].why.changes[0].relation).toBe('opposite');
  });

  it('search and known-bad go through the same engine', async () => {
    const found = (await (await t.get(`/v1/ideas?q=${encodeURIComponent('reuse the token embedding as the output layer')}`)).json()) as any;
    expect(found.ideas[0].description).toMatch(/weight tying|tie/);
    expect(found.ideas[0].why.text).toBeTruthy();
    // The list is "never works here": GELU failed twice on the M1 Pro; SwiGLU once on Spark (a
    // warning in `check`, above, but not yet a known-bad entry).
    const knownBad = async (cls: string) =>
      ((await (await t.get(`/v1/known-bad?harness=${HARNESS_ID}&hardware_class=${encodeURIComponent(cls)}`)).json()) as any).ideas.map(
        (i: any) => i.description,
      );
    const m1 = (await check('use GELU', M1PRO)).hardware_class as string;
    expect((await knownBad(m1)).some((d: string) => /GELU|GeLU/.test(d))).toBe(true);
    expect(await knownBad('DGX Spark GB10 128GB')).not.toContain('SwiGLU MLP replacing squared ReLU');
  });

  it('documents grown batch by batch at assignment equal the documents recomputed from every record', async () => {
    // The same idea again, worded as before and anew, in a later batch: counts add up, a known
    // description is not counted twice, a new one is appended.
    await publish('SwiGLU MLP replacing squared ReLU', M4MAX, 'discard', 1.04);
    await publish('swap the MLP activation for a SwiGLU gate', RTX4090, 'keep', 0.99);
    await t.drain();
    const docs = () =>
      queryRows<{ id: string; attempts: number; described: number; concepts: string[]; changes: unknown; lexemes: string[] }>(
        database.db,
        sql`SELECT id, attempts, described, concepts, changes, tsvector_to_array(search) AS lexemes FROM ideas ORDER BY id`,
      ).then((rows) =>
        rows.map((r) => ({
          ...r,
          attempts: Number(r.attempts),
          described: Number(r.described),
          concepts: [...r.concepts].sort(),
          lexemes: [...r.lexemes].sort(),
        })),
      );
    const grown = await docs();
    expect(grown.some((d) => d.attempts >= 2)).toBe(true);
    await t.services.ideas.refreshIdeas(grown.map((d) => d.id));
    expect(await docs()).toEqual(grown);
  });

  it('records stored under an older catalogue are re-derived in the background', async () => {
    await database.db.execute(sql`UPDATE records SET derived_version = 'old', changes = NULL`);
    await database.db.execute(sql`UPDATE ideas SET concepts = '{}', changes = '[]'::jsonb`);
    expect(await t.services.ideas.needsRederive()).toBe(true);
    await t.rederiveAll();
    expect(await t.services.ideas.needsRederive()).toBe(false);
    const rows = await queryRows<{ v: string }>(database.db, sql`SELECT DISTINCT derived_version AS v FROM records`);
    expect(rows.map((r) => r.v)).toEqual([DERIVATION_VERSION]);
    expect((await check('use SwiGLU MLP', SPARK)).warning).toBe(true);
  });

  it('start-up queues the re-derivation job when the catalogue changed, and the job runner drains it', async () => {
    await database.db.execute(sql`UPDATE records SET derived_version = 'old'`);
    await t.services.start();
    await t.services.stop();
    expect(await t.services.rederivation.drain()).toBeGreaterThan(0);
    expect(await t.services.ideas.needsRederive()).toBe(false);
    // Up to date: nothing is queued at the next start.
    await t.services.start();
    await t.services.stop();
    expect(await t.services.rederivation.drain()).toBe(0);
  });
});
