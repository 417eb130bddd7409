// The leaderboard cache: concurrent readers share one computation, a board lives `cacheMs`,
// and storing or hiding records in this process shows on the next read, not `cacheMs` later.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { drivers } from '../../helpers/db.ts';
import { testApp } from '../../helpers/app.ts';
import { envelope, makePayload, newSigner } from '../../helpers/records.ts';
import { LeaderboardRepository } from '../../../server/repositories/leaderboard.repository.ts';
import { LeaderboardService } from '../../../server/services/leaderboard.service.ts';
import type { Database } from '../../../server/db/client.ts';
import { parsePublicKey } from '../../../server/protocol/ssh-keys.ts';

class CountingRepository extends LeaderboardRepository {
  computed = 0;
  override async harnesses() {
    this.computed += 1;
    return super.harnesses();
  }
}

describe.each(drivers)('leaderboard cache on $name', (driver) => {
  let database: Database;
  let t: ReturnType<typeof testApp>;
  const alice = newSigner('alice');

  beforeAll(async () => {
    database = await driver.open();
    t = testApp(database);
    await t.init();
  });
  afterAll(async () => {
    await t?.services.stop();
    await database?.close();
  });

  it('shares one computation between concurrent readers and reuses it for cacheMs', async () => {
    const repo = new CountingRepository(database.db);
    let now = 0;
    const board = new LeaderboardService({ leaderboard: repo, cacheMs: 1000, now: () => now });
    await Promise.all([board.get(), board.get(), board.get()]);
    expect(repo.computed).toBe(1);
    now = 999;
    await board.get();
    expect(repo.computed).toBe(1);
    now = 1000;
    await board.get();
    expect(repo.computed).toBe(2);
    board.invalidate();
    await board.get();
    expect(repo.computed).toBe(3);
    const off = new LeaderboardService({ leaderboard: repo, cacheMs: 0 });
    await off.get();
    await off.get();
    expect(repo.computed).toBe(5);
  });

  it('a stored keep shows on the very next read, and a revoked key leaves it at once', async () => {
    const before = (await (await t.get('/v1/leaderboard')).json()) as any;
    expect(before.classes).toEqual([]);
    const res = await t.post('/v1/records', envelope(makePayload({ status: 'keep', metrics: { val_bpb: 0.99 } }), alice));
    expect(res.status).toBe(201);
    const after = (await (await t.get('/v1/leaderboard')).json()) as any;
    // Nothing confirmed yet: it shows as the class's claim, not its headline.
    expect(after.classes.map((c: any) => [c.best, c.best_claim?.val_bpb])).toEqual([[null, 0.99]]);
    await t.services.revocation.revoke(parsePublicKey(alice.publicKey).fingerprint, 'test');
    const revoked = (await (await t.get('/v1/leaderboard')).json()) as any;
    expect(revoked.classes).toEqual([]);
  });
});
