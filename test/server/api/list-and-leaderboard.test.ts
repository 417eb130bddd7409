// GET /v1/records (filters, cursor pages), GET /v1/leaderboard, /healthz and /openapi.json.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { drivers } from '../../helpers/db.ts';
import { testApp } from '../../helpers/app.ts';
import { envelope, HARNESS_ID, makePayload, newSigner } from '../../helpers/records.ts';
import type { Database } from '../../../server/db/client.ts';

const OTHER_HARNESS = createHash('sha256').update('another prepare.py').digest('hex');
const H100 = { device_name: 'NVIDIA H100 80GB HBM3', memory_mb: 81559 };
const RTX = { device_name: 'NVIDIA GeForce RTX 4090', memory_mb: 24564 };
const at = (min: number) => new Date(Date.UTC(2026, 2, 9, 0, min)).toISOString();

describe.each(drivers)('list and leaderboard on $name', (driver) => {
  let database: Database;
  let t: ReturnType<typeof testApp>;
  const alice = newSigner('alice');
  const bob = newSigner('bob');
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    database = await driver.open();
    t = testApp(database);
    const rows = {
      h1: [makePayload({ created_at: at(1), hardware: H100, status: 'keep', metrics: { val_bpb: 0.998 } }), alice],
      h2: [makePayload({ created_at: at(2), hardware: H100, status: 'keep', metrics: { val_bpb: 0.99 } }), bob],
      h3: [makePayload({ created_at: at(3), hardware: H100, status: 'keep', metrics: { val_bpb: 0.993 } }), alice],
      h4: [makePayload({ created_at: at(4), hardware: H100, status: 'discard', metrics: { val_bpb: 0.95 } }), alice],
      h5: [makePayload({ created_at: at(5), hardware: H100, status: 'keep', metrics: { val_bpb: 0.985 } }), alice],
      h6: [makePayload({ created_at: at(6), hardware: H100, status: 'crash', metrics: { val_bpb: null } }), bob],
      r1: [makePayload({ created_at: at(1), hardware: RTX, status: 'keep', metrics: { val_bpb: 1.1 } }), bob],
      r2: [makePayload({ created_at: at(2), hardware: RTX, status: 'discard', metrics: { val_bpb: 1.2 } }), bob],
      o1: [
        makePayload({
          created_at: at(1),
          hardware: H100,
          status: 'keep',
          metrics: { val_bpb: 0.5 },
          harness: { id: OTHER_HARNESS, name: 'other' },
        }),
        alice,
      ],
    } as const;
    const list = Object.entries(rows);
    const { results } = (await (await t.post('/v1/records/batch', { records: list.map(([, [p, s]]) => envelope(p, s)) })).json()) as any;
    list.forEach(([name], i) => (ids[name] = results[i].id));
    expect(results.every((r: any) => r.status === 'created')).toBe(true);
  });
  afterAll(() => database?.close());

  it('lists newest first and pages with an opaque cursor until exhausted', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res = await t.get(`/v1/records?limit=4${cursor ? `&cursor=${cursor}` : ''}`);
      expect(res.status).toBe(200);
      const page = (await res.json()) as any;
      seen.push(...page.records.map((r: any) => r.id));
      cursor = page.next_cursor;
      pages += 1;
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen).toHaveLength(9);
    expect(new Set(seen).size).toBe(9);
    expect(seen[0]).toBe(ids.o1);
  });

  it('takes the first value of a query key given twice', async () => {
    const res = await t.get('/v1/records?limit=2&limit=50');
    expect(res.status).toBe(200);
    expect(((await res.json()) as any).records).toHaveLength(2);
  });

  it('filters by harness, hardware class, status and key', async () => {
    const q = async (qs: string) => ((await (await t.get(`/v1/records?${qs}`)).json()) as any).records.map((r: any) => r.id).sort();
    expect(await q(`hardware_class=${encodeURIComponent('RTX 4090 24GB')}`)).toEqual([ids.r1, ids.r2].sort());
    expect(await q(`harness=${OTHER_HARNESS}`)).toEqual([ids.o1]);
    expect(await q(`harness=${HARNESS_ID}&status=crash`)).toEqual([ids.h6]);
    const bobFp = ((await (await t.get(`/v1/records/${ids.h2}`)).json()) as any).key_fingerprint;
    expect(await q(`key=${encodeURIComponent(bobFp)}`)).toEqual([ids.h2, ids.h6, ids.r1, ids.r2].sort());
  });

  it('rejects bad queries with 400 problems', async () => {
    for (const qs of ['limit=0', 'limit=201', 'limit=abc', 'status=kept', 'harness=xyz', 'cursor=bogus', 'unknown=1']) {
      const res = await t.get(`/v1/records?${qs}`);
      expect(res.status, qs).toBe(400);
      expect(((await res.json()) as any).detail).toMatch(/query|cursor/);
    }
  });

  it('ranks each hardware class by its lowest kept val_bpb, within one harness', async () => {
    const board = (await (await t.get(`/v1/leaderboard?harness=${HARNESS_ID}`)).json()) as any;
    expect(board.harness.id).toBe(HARNESS_ID);
    expect(board.classes.map((c: any) => c.hardware_class)).toEqual(['H100 80GB', 'RTX 4090 24GB']);
    const [h100, rtx] = board.classes;
    // The discard at 0.95 and the other harness's 0.5 do not count.
    expect(h100.best).toMatchObject({ id: ids.h5, val_bpb: 0.985 });
    expect(h100).toMatchObject({ records: 6, keeps: 4, contributors: 2 });
    expect(h100.history.map((h: any) => h.id)).toEqual([ids.h1, ids.h2, ids.h5]);
    expect(rtx.best).toMatchObject({ id: ids.r1, val_bpb: 1.1 });
    expect(rtx).toMatchObject({ records: 2, contributors: 1 });
    expect(board.harnesses.map((h: any) => [h.id, h.records])).toEqual([
      [HARNESS_ID, 8],
      [OTHER_HARNESS, 1],
    ]);
  });

  it('defaults to the busiest harness and 404s an unknown one', async () => {
    const board = (await (await t.get('/v1/leaderboard')).json()) as any;
    expect(board.harness.id).toBe(HARNESS_ID);
    expect((await t.get(`/v1/leaderboard?harness=${'f'.repeat(64)}`)).status).toBe(404);
    expect((await t.get('/v1/leaderboard?harness=nope')).status).toBe(400);
  });

  it('serves /healthz and an OpenAPI document covering the routes', async () => {
    const health = await t.get('/healthz');
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'ok', database: driver.name });
    const doc = (await (await t.get('/openapi.json')).json()) as any;
    expect(doc.openapi).toBe('3.1.0');
    // Other features add their own paths; these must always be documented.
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/healthz',
        '/metrics',
        '/v1/claims',
        '/v1/ideas',
        '/v1/ideas/check',
        '/v1/ideas/{id}',
        '/v1/known-bad',
        '/v1/leaderboard',
        '/v1/records',
        '/v1/records/batch',
        '/v1/records/{id}',
      ]),
    );
    expect(doc.components.schemas.SignedRecord).toBeDefined();
    expect(JSON.stringify(doc.components.schemas.Record)).toContain('val_bpb');
    const docs = await t.get('/docs');
    expect(docs.status).toBe(200);
    expect(await docs.text()).toContain('/openapi.json');
  });
});
