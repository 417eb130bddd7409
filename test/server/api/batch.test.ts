// POST /v1/records/batch on both drivers: per-item results in input order, bad items alone.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { drivers } from '../../helpers/db.ts';
import { testApp } from '../../helpers/app.ts';
import { envelope, makePayload, newSigner } from '../../helpers/records.ts';
import type { Database } from '../../../server/db/client.ts';
import { workerVerifier } from '../../../server/verify/verifier.ts';

describe.each(drivers)('batch API on $name', (driver) => {
  let database: Database;
  let t: ReturnType<typeof testApp>;
  const alice = newSigner('alice');
  // Batches of 16 or more are verified in worker threads, as in production.
  const verifier = workerVerifier(2);

  beforeAll(async () => {
    database = await driver.open();
    t = testApp(database, { verifier });
  });
  afterAll(async () => {
    await verifier.close();
    await database?.close();
  });

  it('stores good items, rejects bad ones alone, and answers in input order', async () => {
    const good1 = envelope(makePayload(), alice);
    const good2 = envelope(makePayload({ status: 'discard', metrics: { val_bpb: 1.01 } }), alice);
    const tampered = envelope(makePayload(), alice);
    tampered.payload.description += ' (edited)';
    const oversized = envelope(makePayload({ description: 'd'.repeat(2001) }), alice);
    const res = await t.post('/v1/records/batch', { records: [good1, tampered, 'not an object', good2, oversized, good1] });
    expect(res.status).toBe(200);
    const { results } = (await res.json()) as any;
    expect(results.map((r: any) => r.status)).toEqual(['created', 'rejected', 'rejected', 'created', 'rejected', 'duplicate']);
    expect(results[1].error).toMatchObject({ status: 401, detail: expect.stringMatching(/signature/) });
    expect(results[2].error).toMatchObject({ status: 422, detail: expect.stringMatching(/envelope/) });
    expect(results[4].error.detail).toMatch(/description: must be at most 2000/);
    expect(results[0].id).toBe(results[5].id);
    expect(await t.count()).toBe(2);
    for (const r of [results[0], results[3]]) expect((await t.get(`/v1/records/${r.id}`)).status).toBe(200);
  });

  it('reports records already stored as duplicates', async () => {
    const env = envelope(makePayload(), alice);
    await t.post('/v1/records', env);
    const { results } = (await (await t.post('/v1/records/batch', { records: [env] })).json()) as any;
    expect(results).toEqual([{ id: expect.any(String), status: 'duplicate' }]);
  });

  it('refuses a malformed batch as a whole, storing nothing', async () => {
    const before = await t.count();
    const env = envelope(makePayload(), alice);
    for (const body of [{}, { records: [] }, { records: env }, [env], { records: [env], extra: 1 }]) {
      const res = await t.post('/v1/records/batch', body);
      expect(res.status, JSON.stringify(body).slice(0, 80)).toBe(422);
      expect(res.headers.get('content-type')).toMatch(/problem\+json/);
    }
    const tooMany = { records: Array.from({ length: 1001 }, () => env) };
    const res = await t.post('/v1/records/batch', tooMany);
    expect(res.status).toBe(422);
    expect(((await res.json()) as any).detail).toMatch(/at most 1000/);
    expect((await t.post('/v1/records/batch', '{"records": [')).status).toBe(400);
    expect(await t.count()).toBe(before);
  });

  it('stores a full batch of 1,000 in one request, verified in worker threads', async () => {
    const before = await t.count();
    const records = Array.from({ length: 1000 }, (_, i) => envelope(makePayload({ description: `batch item ${i}` }), alice));
    records[500].payload.description = 'changed after signing';
    const { results } = (await (await t.post('/v1/records/batch', { records })).json()) as any;
    expect(results.filter((r: any) => r.status === 'created')).toHaveLength(999);
    expect(results[500]).toMatchObject({ status: 'rejected', error: { status: 401, detail: expect.stringMatching(/signature/) } });
    expect(await t.count()).toBe(before + 999);
    expect((await t.get(`/v1/records/${results[500].id}`)).status).toBe(404);
  });
});
