// Idea assignment indexes a vector once per idea: exact repeats ("baseline" on every fork) join
// their idea as evidence without piling duplicate points into the HNSW graph.
import { describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { drivers } from '../../helpers/db.ts';
import { useTestApp } from '../../helpers/app.ts';
import { envelope, makePayload, newSigner } from '../../helpers/records.ts';
import { queryRows } from '../../../server/db/rows.ts';
import { IdeaRepository } from '../../../server/repositories/idea.repository.ts';

describe.each(drivers)('idea repository on $name', (driver) => {
  const { database, t } = useTestApp(driver);
  const alice = newSigner('alice');

  const embeddings = async () => (await queryRows<{ n: number }>(database.db, sql`SELECT count(*)::int AS n FROM record_embeddings`))[0].n;

  it('indexes identical vectors of one idea once, and keeps every record (baselines shown, not counted)', async () => {
    for (let i = 0; i < 3; i++) {
      const res = await t.post(
        '/v1/records',
        envelope(makePayload({ description: 'baseline', diff: null, created_at: `2026-11-0${i + 1}T00:00:00Z` }), alice),
      );
      expect(res.status).toBe(201);
    }
    const other = await t.post(
      '/v1/records',
      envelope(makePayload({ description: 'switch activation from ReLU squared to GeLU', diff: null }), alice),
    );
    expect(other.status).toBe(201);
    await t.drain();
    const page = (await (await t.get('/v1/records?limit=10')).json()) as any;
    const baseline = page.records.filter((r: any) => r.payload.description === 'baseline');
    expect(baseline).toHaveLength(3);
    expect(new Set(baseline.map((r: any) => r.idea_id)).size).toBe(1);
    expect(await embeddings()).toBe(2);
    // Every record is kept and shown; baselines change nothing, so none is counted as an attempt.
    const idea = (await (await t.get(`/v1/ideas/${baseline[0].idea_id}`)).json()) as any;
    expect(idea.overall.attempts).toBe(0);
    expect(idea.overall.excluded).toBe(3);
  });

  it("gives a vector's best similarity to those indexed for one idea and parameter key, exactly", async () => {
    const { model, dimensions } = t.services.embedder;
    const space = { model, dimensions };
    const ideas = new IdeaRepository(database.db);
    const unit = (k: number) => Array.from({ length: dimensions }, (_, i) => (i === k ? 1 : 0));
    const ids = [];
    for (const description of ['raise TWIN_KNOB from 1 to 2', 'lower OTHER_TWIN_KNOB from 2 to 1']) {
      const res = await t.post('/v1/records', envelope(makePayload({ description, diff: null }), alice));
      ids.push(((await res.json()) as { id: string }).id);
    }
    await t.drain();
    const [a, b] = await queryRows<{ idea_id: string; param_key: string | null }>(
      database.db,
      sql`SELECT idea_id, param_key FROM records WHERE id IN (${ids[0]}, ${ids[1]}) ORDER BY seq`,
    );
    // Replace what assignment indexed with known vectors: two for the first idea's key, one with no key.
    await database.db.execute(sql`DELETE FROM record_embeddings`);
    const put = (recordId: string, ideaId: string, paramKey: string | null, v: number[]) =>
      database.db.execute(
        sql`INSERT INTO record_embeddings (record_id, model, idea_id, param_key, embedding) VALUES (${recordId}, ${model}, ${ideaId}, ${paramKey}, ${`[${v.join(',')}]`}::vector)`,
      );
    await put(ids[0], a.idea_id, a.param_key, unit(0));
    await put(`${ids[0]}-2`, a.idea_id, a.param_key, unit(1));
    await put(ids[1], b.idea_id, null, unit(2));
    const sims = await ideas.twinSimilarityMany(space, [
      { vector: unit(1), ideaId: a.idea_id, paramKey: a.param_key }, // equal to the second
      { vector: unit(2), ideaId: a.idea_id, paramKey: a.param_key }, // orthogonal to both
      { vector: unit(2), ideaId: a.idea_id, paramKey: 'ANOTHER:key' }, // nothing under that key
      { vector: unit(2), ideaId: b.idea_id, paramKey: null }, // a null key matches a null key
    ]);
    expect(sims.map((x) => (x === null ? null : Math.round(x * 1000) / 1000))).toEqual([1, 0, null, 1]);
    expect(await ideas.twinSimilarityMany(space, [])).toEqual([]);
  });

  it("counts an idea's distinct contributors across classes, not the largest class", async () => {
    const [a, b, c] = [newSigner('a'), newSigner('b'), newSigner('c')];
    const A100 = { accelerator: 'cuda', device_name: 'NVIDIA A100-SXM4-80GB', device_count: 1, memory_mb: 81920 } as const;
    const tries = [
      [a, undefined],
      [b, undefined],
      [b, A100],
      [c, A100],
    ] as const;
    for (const [i, [signer, hardware]] of tries.entries()) {
      const res = await t.post(
        '/v1/records',
        envelope(
          makePayload({
            description: 'use SwiGLU in the MLP',
            diff: null,
            created_at: `2026-11-1${i}T00:00:00Z`,
            ...(hardware ? { hardware } : {}),
          }),
          signer,
        ),
      );
      expect(res.status).toBe(201);
    }
    await t.drain();
    const page = (await (await t.get('/v1/records?limit=20')).json()) as any;
    const ideaId = page.records.find((r: any) => r.payload.description === 'use SwiGLU in the MLP').idea_id;
    const idea = (await (await t.get(`/v1/ideas/${ideaId}`)).json()) as any;
    expect(idea.overall).toMatchObject({ attempts: 4, contributors: 3 });
    expect(idea.by_class.map((x: any) => x.contributors).sort()).toEqual([2, 2]);
  });

  it("finds each key's idea through its earliest assigned record, past records not assigned yet", async () => {
    const diff = '--- a/train.py\n+++ b/train.py\n@@ -1 +1 @@\n-WINDOW_PATTERN = "SSSL"\n+WINDOW_PATTERN = "SL"\n';
    for (let i = 0; i < 3; i++) {
      const res = await t.post(
        '/v1/records',
        envelope(makePayload({ description: 'window pattern SL', diff, created_at: `2026-11-2${i}T00:00:00Z` }), alice),
      );
      expect(res.status).toBe(201);
    }
    await t.drain();
    const rows = await queryRows<{ seq: number; idea_id: string; diff_key: string }>(
      database.db,
      sql`SELECT seq, idea_id, diff_key FROM records WHERE description = 'window pattern SL' ORDER BY seq`,
    );
    expect(rows).toHaveLength(3);
    const key = rows[0].diff_key;
    expect(key).toBeTruthy();
    // Statistics taken while nothing was assigned (right after a burst) must not change the answer.
    await database.db.execute(sql`UPDATE records SET idea_id = NULL WHERE diff_key = ${key}`);
    await database.db.execute(sql`ANALYZE records`);
    const ideas = t.services.repos.ideas;
    expect(await ideas.ideasByKeys('diff', [key, 'no-such-key'])).toEqual(new Map());
    // The earliest record waits unassigned; the next one holds the idea.
    await database.db.execute(sql`UPDATE records SET idea_id = ${rows[1].idea_id} WHERE seq IN (${rows[1].seq}, ${rows[2].seq})`);
    expect(await ideas.ideasByKeys('diff', [key, 'no-such-key'])).toEqual(new Map([[key, rows[1].idea_id]]));
    expect(await ideas.ideaByDiffKey(key)).toBe(rows[1].idea_id);
    await database.db.execute(sql`UPDATE records SET idea_id = ${rows[0].idea_id} WHERE seq = ${rows[0].seq}`);
  });
});
