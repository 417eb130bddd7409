// The leaderboard's counts (board_counts, kept by triggers on records) always equal a fresh
// aggregate over the records: after batches, duplicates, unsigned rows, a revocation and its
// restore, a record moved to another class or harness key, and deletes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { drivers } from '../../helpers/db.ts';
import { testApp } from '../../helpers/app.ts';
import { envelope, makePayload, newSigner } from '../../helpers/records.ts';
import { queryRows } from '../../../server/db/rows.ts';
import { parsePublicKey } from '../../../server/protocol/ssh-keys.ts';
import type { Database } from '../../../server/db/client.ts';

describe.each(drivers)('leaderboard counts on $name', (driver) => {
  let database: Database;
  let t: ReturnType<typeof testApp>;
  const signers = [newSigner('a'), newSigner('b'), newSigner('c')];
  const devices = ['NVIDIA H100 80GB HBM3', 'NVIDIA GeForce RTX 4090', 'Apple M4 Max'];

  beforeAll(async () => {
    database = await driver.open();
    t = testApp(database);
  });
  afterAll(async () => {
    await t?.services.stop();
    await database?.close();
  });

  const kept = () =>
    queryRows<Record<string, unknown>>(
      database.db,
      sql`SELECT harness_key, harness_id, hardware_class, key_fingerprint, records, keeps FROM board_counts ORDER BY 1, 2, 3, 4`,
    );
  const truth = () =>
    queryRows<Record<string, unknown>>(
      database.db,
      sql`SELECT coalesce(harness_key, harness_id) AS harness_key, harness_id, hardware_class, key_fingerprint,
                 count(*)::int AS records, (count(*) FILTER (WHERE status = 'keep'))::int AS keeps
          FROM records WHERE signed AND NOT hidden GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4`,
    );
  const agree = async () => {
    const [a, b] = [await kept(), await truth()];
    expect(a).toEqual(b);
    return a;
  };

  it('follow inserts, revocation, restore, moves and deletes', async () => {
    const batch = Array.from({ length: 60 }, (_, i) =>
      envelope(
        makePayload({
          description: `board ${i}`,
          status: (['keep', 'discard', 'crash'] as const)[i % 3],
          metrics: { val_bpb: i % 3 === 2 ? null : 0.99 - i / 1000 },
          hardware: { device_name: devices[i % 3] } as never,
        }),
        signers[i % 3],
      ),
    );
    const res = await t.post('/v1/records/batch', { records: [...batch, batch[0]] }); // a duplicate too
    expect(res.status).toBe(200);
    expect((await agree()).length).toBeGreaterThan(0);

    // An unsigned public-log row never counts.
    await database.db
      .execute(sql`INSERT INTO records (id, payload, key_fingerprint, signed, provenance, harness_id, harness_name, hardware_class, status, description, fork_id, created_at)
                                  VALUES (${'f'.repeat(64)}, '{}', 'github:o/r', false, 'github:o/r@abc', 'h-unsigned', 'x', 'unreported', 'keep', 'd', 'fork', now())`);
    await agree();

    const fp = parsePublicKey(signers[1].publicKey).fingerprint;
    await t.services.revocation.revoke(fp, 'test');
    const afterRevoke = await agree();
    expect(afterRevoke.some((r) => r.key_fingerprint === fp)).toBe(false);
    await t.services.revocation.restore(fp);
    expect((await agree()).some((r) => r.key_fingerprint === fp)).toBe(true);

    // Re-derivation can move records to another class or harness key.
    await database.db.execute(sql`UPDATE records SET hardware_class = 'Moved 1GB' WHERE seq % 4 = 0`);
    await database.db.execute(sql`UPDATE records SET harness_key = 'group-b' WHERE seq % 5 = 0`);
    await database.db.execute(sql`UPDATE records SET status = 'discard' WHERE status = 'keep' AND seq % 7 = 0`);
    await agree();
    // Unrelated columns leave the counts alone (and do not fire the trigger's work).
    await database.db.execute(sql`UPDATE records SET idea_id = 'some-idea' WHERE seq % 2 = 0`);
    await agree();

    await database.db.execute(sql`DELETE FROM records WHERE seq % 3 = 1`);
    await agree();
    await database.db.execute(sql`DELETE FROM records`);
    expect(await agree()).toEqual([]);
  });

  it('the leaderboard answers from them, with every harness version under its key', async () => {
    const r = await t.post('/v1/records', envelope(makePayload({ status: 'keep', metrics: { val_bpb: 0.97 } }), signers[0]));
    expect(r.status).toBe(201);
    const board = (await (await t.get('/v1/leaderboard')).json()) as any;
    expect(board.harnesses).toHaveLength(1);
    expect(board.harnesses[0].records).toBe(1);
    expect(board.harnesses[0].versions).toHaveLength(1);
    expect(board.classes[0]).toMatchObject({ best: null, confirmed: false, best_claim: { val_bpb: 0.97 } });
  });
});
