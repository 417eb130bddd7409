// The one-parameter bulk insert stores exactly what drizzle's builder stores (text, numbers,
// booleans, timestamps, jsonb, nulls, defaults), in the rows' order, skips ids already stored,
// and hands back to the builder what JSON cannot carry.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inArray } from 'drizzle-orm';
import { drivers } from '../../helpers/db.ts';
import type { Database } from '../../../server/db/client.ts';
import { jsonInsert } from '../../../server/db/json-insert.ts';
import { queryRows } from '../../../server/db/rows.ts';
import { records } from '../../../server/db/schema/records.ts';

function row(id: string, over: Partial<typeof records.$inferInsert> = {}): typeof records.$inferInsert {
  return {
    id,
    payload: JSON.stringify({ description: `d ${id}`, note: 'quote " and \\ backslash, ünïcode' }),
    signature: null,
    publicKey: null,
    keyFingerprint: 'SHA256:x',
    signed: false,
    harnessId: 'h',
    harnessName: 'harness',
    hardwareClass: 'RTX 4090 24GB',
    status: 'keep',
    description: `d ${id}`,
    valBpb: 0.987654321012345,
    parentValBpb: null,
    deltaValBpb: -1e-7,
    forkId: 'f',
    createdAt: new Date('2026-11-02T03:04:05.678Z'),
    changes: [{ concept: 'LR', action: 'raise', from: '0.04', to: '0.05' }],
    ...over,
  };
}

describe.each(drivers)('jsonInsert on $name', (driver) => {
  let database: Database;
  beforeAll(async () => {
    database = await driver.open();
  });
  afterAll(async () => database?.close());

  const stored = async (ids: string[]) => {
    const rows = await database.db.select().from(records).where(inArray(records.id, ids));
    return rows.map(({ seq, receivedAt, ...r }) => ({ ...r, seq: typeof seq, receivedAt: receivedAt instanceof Date }));
  };

  it('stores what the builder stores, in order, and skips ids already there', async () => {
    const given = [
      row('a1'),
      row('a2', { valBpb: null, changes: null, status: 'discard' }),
      row('a3', { signed: true, signature: 's', publicKey: 'k' }),
    ];
    const query = jsonInsert(records, given, { conflict: 'id', returning: 'id' })!;
    expect(query).not.toBeNull();
    expect((await queryRows<{ id: string }>(database.db, query)).map((r) => r.id)).toEqual(['a1', 'a2', 'a3']);
    await database.db.insert(records).values(given.map((g) => ({ ...g, id: `b${g.id.slice(1)}` })));
    const viaJson = await stored(['a1', 'a2', 'a3']);
    const viaBuilder = await stored(['b1', 'b2', 'b3']);
    expect(viaJson.map(({ id, ...r }) => r)).toEqual(viaBuilder.map(({ id, ...r }) => r));
    const seqs = await queryRows<{ id: string; seq: number }>(
      database.db,
      jsonInsert(records, [row('a0'), row('a1')], { conflict: 'id', returning: 'id' })!,
    );
    expect(seqs.map((r) => r.id)).toEqual(['a0']); // a1 was there already
    const order = await database.db
      .select({ id: records.id, seq: records.seq })
      .from(records)
      .where(inArray(records.id, ['a1', 'a2', 'a3']));
    const bySeq = [...order].sort((x, y) => Number(x.seq) - Number(y.seq)).map((r) => r.id);
    expect(bySeq).toEqual(['a1', 'a2', 'a3']);
  });

  it('writes a plain default for a column some rows leave out, as the builder does, and keeps an explicit null', async () => {
    // `replicated` (default false) set on one row only, as replication bookkeeping does; `signed` (default true) likewise.
    const given = [
      row('d1', { replicated: true, signed: undefined, signature: 's', publicKey: 'k', replicationKey: 'k' }),
      row('d2', { signed: false, replicationKey: null }),
      row('d3', { replicationKey: null }),
    ];
    const query = jsonInsert(records, given, { conflict: 'id', returning: 'id' });
    expect(query).not.toBeNull();
    expect((await queryRows<{ id: string }>(database.db, query!)).map((r) => r.id)).toEqual(['d1', 'd2', 'd3']);
    await database.db.insert(records).values(given.map((g) => ({ ...g, id: `e${g.id.slice(1)}` })));
    const viaJson = await stored(['d1', 'd2', 'd3']);
    const viaBuilder = await stored(['e1', 'e2', 'e3']);
    expect(viaJson.map(({ id, ...r }) => r)).toEqual(viaBuilder.map(({ id, ...r }) => r));
    const byId = [...viaJson].sort((a, b) => (a.id < b.id ? -1 : 1));
    expect(byId.map((r) => [r.replicated, r.signed, r.replicationKey])).toEqual([
      [true, true, 'k'],
      [false, false, null],
      [false, false, null],
    ]);
  });

  it('hands back to the builder a column some rows leave out whose default is SQL, or a number JSON cannot carry', () => {
    const at = new Date('2026-11-02T03:04:05.678Z');
    expect(
      jsonInsert(records, [row('c1', { receivedAt: at }), row('c2', { receivedAt: undefined })], { conflict: 'id', returning: 'id' }),
    ).toBeNull();
    expect(jsonInsert(records, [row('c3', { valBpb: Number.NaN })], { conflict: 'id', returning: 'id' })).toBeNull();
    expect(jsonInsert(records, [row('c4', { deltaValBpb: Number.POSITIVE_INFINITY })], { conflict: 'id', returning: 'id' })).toBeNull();
  });
});
