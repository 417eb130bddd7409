// Evidence counts only rows that are evidence, on both drivers: records the log marks invalid
// (TAINTED, NaN), baselines and keeps or discards with no parent are stored, assigned and shown,
// but counted apart (`excluded`), and an older derivation gets the column filled in by re-derivation.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { drivers } from '../../helpers/db.ts';
import { testApp } from '../../helpers/app.ts';
import { envelope, makePayload, newSigner } from '../../helpers/records.ts';
import type { Database } from '../../../server/db/client.ts';
import { queryRows } from '../../../server/db/rows.ts';
import { EvidenceRepository } from '../../../server/repositories/evidence.repository.ts';
import { parsePublicKey } from '../../../server/protocol/ssh-keys.ts';

const SPARK = { accelerator: 'cuda', device_name: 'NVIDIA GB10', device_count: 1, memory_mb: 122880 } as const;

describe.each(drivers)('evidence that is evidence on $name', (driver) => {
  let database: Database;
  let t: ReturnType<typeof testApp>;
  const keys = [newSigner('a'), newSigner('b'), newSigner('c')];
  let n = 0;
  const ids: Record<string, string> = {};

  async function publish(
    name: string,
    description: string,
    status: 'keep' | 'discard' | 'crash',
    valBpb: number | null,
    parentValBpb: number | null,
  ) {
    const payload = makePayload({
      description,
      diff: null,
      hardware: SPARK as any,
      status,
      metrics: { val_bpb: valBpb },
      parent: { val_bpb: parentValBpb },
      fork: { id: `fork-${n}` },
    });
    const res = await t.post('/v1/records', envelope(payload, keys[n++ % keys.length]));
    expect(res.status).toBe(201);
    ids[name] = ((await res.json()) as { id: string }).id;
  }

  const excludedOf = async () =>
    Object.fromEntries(
      (await queryRows<{ id: string; e: string | null }>(database.db, sql`SELECT id, evidence_excluded AS e FROM records`)).map((r) => [
        Object.keys(ids).find((k) => ids[k] === r.id),
        r.e,
      ]),
    );
  const ideaOf = async (name: string) => ((await (await t.get(`/v1/records/${ids[name]}`)).json()) as { idea_id: string }).idea_id;
  const idea = async (name: string) => (await (await t.get(`/v1/ideas/${await ideaOf(name)}`)).json()) as any;
  /** Every idea's all-records evidence row, summed: what the counts say across the whole store. */
  const totals = async () =>
    (
      await queryRows<{ attempts: number; keeps: number; discards: number; crashes: number; deltas: number; excluded: number }>(
        database.db,
        sql`SELECT sum(attempts)::int AS attempts, sum(keeps)::int AS keeps, sum(discards)::int AS discards, sum(crashes)::int AS crashes,
                   sum(deltas)::int AS deltas, sum(excluded)::int AS excluded FROM idea_evidence WHERE hardware_class = ''`,
      )
    ).map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, Number(v)])))[0];

  beforeAll(async () => {
    database = await driver.open();
    t = testApp(database);
    await t.init();
    await publish('tainted', 'halve weight decay 0.2->0.1 (TAINTED: weight tying not reverted)', 'discard', 3.31, 1.3);
    await publish('nan', 'muon momentum 0.95 -> 0.99: loss went NaN at step 400', 'discard', 4.5, 1.3);
    await publish('nanCrash', 'float16 weights (NaN at step 117 — squared ReLU overflows f16 max 65504)', 'crash', null, 1.3);
    await publish('baseline1', 'baseline', 'keep', 1.3, null);
    await publish('baseline2', 'baseline', 'keep', 1.31, null);
    await publish('baseline3', 'baseline (AdamW, default config)', 'keep', 1.29, 1.3);
    await publish('orphan', 'increase matrix LR from 0.04 to 0.06', 'discard', 1.32, null);
    await publish('counted1', 'MATRIX_LR 0.04->0.06', 'discard', 1.31, 1.3);
    await publish('counted2', 'halve weight decay 0.2 -> 0.1', 'keep', 1.28, 1.3);
    await t.drain();
  });
  afterAll(() => database?.close());

  it('stores why each record does not count, and null for those that do', async () => {
    expect(await excludedOf()).toEqual({
      tainted: 'invalid',
      nan: 'invalid',
      nanCrash: null,
      baseline1: 'baseline',
      baseline2: 'baseline',
      baseline3: 'baseline',
      orphan: 'no_parent',
      counted1: null,
      counted2: null,
    });
  });

  it('evidence counts only counted rows; the others are counted apart', async () => {
    // Counted: the NaN crash, two discards/keeps with parents. Excluded: 2 invalid, 3 baselines, 1 without a parent.
    expect(await totals()).toEqual({ attempts: 3, keeps: 1, discards: 1, crashes: 1, deltas: 2, excluded: 6 });
  });

  it('excluded records stay visible: retrievable, assigned, on their idea page, whose summary says how many were not counted', async () => {
    for (const name of Object.keys(ids)) {
      const res = await t.get(`/v1/records/${ids[name]}`);
      expect(res.status, name).toBe(200);
      const view = (await res.json()) as { idea_id: string | null; evidence_excluded: string | null };
      expect(view.idea_id, name).toBeTruthy();
      // The record says itself why it does not count.
      expect(view.evidence_excluded, name).toBe((await excludedOf())[name]);
    }
    const baseline = await idea('baseline1');
    expect(baseline.overall).toMatchObject({ attempts: 0, keeps: 0, excluded: expect.any(Number) });
    expect(baseline.overall.excluded).toBeGreaterThanOrEqual(2);
    expect(baseline.records.map((r: { id: string }) => r.id)).toEqual(expect.arrayContaining([ids.baseline1, ids.baseline2]));
    const tainted = await idea('tainted');
    expect(tainted.overall.excluded).toBeGreaterThanOrEqual(1);
    expect(tainted.records.map((r: { id: string }) => r.id)).toContain(ids.tainted);
    // An idea's evidence rows carry the count too (what the verdict's cells read).
    const rows = (await new EvidenceRepository(database.db).byIdeas([await ideaOf('tainted')])).rows;
    expect(rows.reduce((a, r) => a + r.excluded, 0)).toBe(tainted.overall.excluded);
    expect(rows.reduce((a, r) => a + r.attempts, 0)).toBe(tainted.overall.attempts);
  });

  it('a caller’s own failures are its counted discards and crashes: not its keeps, invalid rows or rows without a parent', async () => {
    const repo = new EvidenceRepository(database.db);
    const fp = (i: number) => parsePublicKey(keys[i].publicKey).fingerprint;
    const all = [...new Set(await Promise.all(Object.keys(ids).map(ideaOf)))];
    // Signed in turn by a, b, c: counted1 (a discard) by b, nanCrash (a crash) by c; a signed the
    // invalid discard and the one without a parent, c the kept weight-decay halving.
    expect(await repo.failedBy(fp(1), all)).toEqual(new Set([await ideaOf('counted1')]));
    expect(await repo.failedBy(fp(2), all)).toEqual(new Set([await ideaOf('nanCrash')]));
    expect(await repo.failedBy(fp(0), all)).toEqual(new Set());
    expect(await repo.failedBy(fp(1), [])).toEqual(new Set());
  });

  it('"baseline" is not an idea with attempts: neither at assignment nor after a full refresh', async () => {
    const baselineIdea = await ideaOf('baseline1');
    const attempts = async () =>
      Number((await queryRows<{ a: number }>(database.db, sql`SELECT attempts AS a FROM ideas WHERE id = ${baselineIdea}`))[0].a);
    expect(await attempts()).toBe(0);
    await t.services.ideas.refreshIdeas([baselineIdea]);
    expect(await attempts()).toBe(0);
    const all = await queryRows<{ id: string; a: number }>(database.db, sql`SELECT id, attempts AS a FROM ideas`);
    const counted = await queryRows<{ idea_id: string; n: number }>(
      database.db,
      sql`SELECT idea_id, count(*)::int AS n FROM records WHERE evidence_excluded IS NULL GROUP BY idea_id`,
    );
    // Grown at assignment or recomputed, an idea's attempts are its counted records.
    for (const i of all) expect(Number(i.a), i.id).toBe(Number(counted.find((c) => c.idea_id === i.id)?.n ?? 0));
  });

  it('known-bad lists hold ideas by their counted failures only, never for invalid rows alone', async () => {
    const res = await t.get('/v1/known-bad');
    expect(res.status).toBe(200);
    const body = (await res.json()) as { ideas: { id: string; overall: { discards: number; crashes: number } }[] };
    for (const i of body.ideas) expect(i.overall.discards + i.overall.crashes, i.id).toBeGreaterThan(0);
    const nanIdea = await ideaOf('nan');
    const { rows } = await new EvidenceRepository(database.db).byIdeas([nanIdea]);
    if (rows.every((r) => r.discards + r.crashes === 0)) expect(body.ideas.map((i) => i.id)).not.toContain(nanIdea);
  });

  it('records derived before the column existed get it filled by the background re-derivation', async () => {
    await database.db.execute(sql`UPDATE records SET derived_version = 'old', evidence_excluded = NULL`);
    await database.db.execute(sql`UPDATE idea_evidence SET excluded = 0`);
    expect(await t.services.ideas.needsRederive()).toBe(true);
    await t.rederiveAll();
    expect(await t.services.ideas.needsRederive()).toBe(false);
    expect((await excludedOf()).tainted).toBe('invalid');
    expect((await excludedOf()).orphan).toBe('no_parent');
    expect(await totals()).toEqual({ attempts: 3, keeps: 1, discards: 1, crashes: 1, deltas: 2, excluded: 6 });
  });
});
