// The leaderboard's read state: concurrent readers share one computation, a board is kept until
// records change and then refreshed within the staleness bound (at the next read with bound 0).
import { describe, expect, it } from 'vitest';
import { drivers } from '../../helpers/db.ts';
import { useTestApp } from '../../helpers/app.ts';
import { envelope, makePayload, newSigner } from '../../helpers/records.ts';
import { LeaderboardRepository } from '../../../server/repositories/leaderboard.repository.ts';
import { LeaderboardService } from '../../../server/services/leaderboard.service.ts';
import { parsePublicKey } from '../../../server/protocol/ssh-keys.ts';

class CountingRepository extends LeaderboardRepository {
  computed = 0;
  override async harnesses() {
    this.computed += 1;
    return super.harnesses();
  }
}

describe.each(drivers)('leaderboard cache on $name', (driver) => {
  const { database, t } = useTestApp(driver);
  const alice = newSigner('alice');

  it('shares one computation between readers, keeps it until records change, and refreshes within the bound', async () => {
    const repo = new CountingRepository(database.db);
    let now = 0;
    const board = new LeaderboardService({ leaderboard: repo, staleMs: 1000, now: () => now });
    await Promise.all([board.get(), board.get(), board.get()]);
    expect(repo.computed).toBe(1);
    // No change: kept however long.
    now = 60_000;
    await board.get();
    expect(repo.computed).toBe(1);
    // A change: the next read answers at once from the last board and refreshes it in the background…
    board.invalidate();
    await Promise.all([board.get(), board.get()]);
    expect(repo.computed).toBe(2);
    // …and a burst of changes inside half the bound costs no further computation.
    board.invalidate();
    now += 100;
    await board.get();
    expect(repo.computed).toBe(2);
    // Past the bound, a read waits for a board that has the change.
    now += 1000;
    await board.get();
    expect(repo.computed).toBe(3);
    // Bound 0: every change is recomputed at the next read.
    const off = new LeaderboardService({ leaderboard: repo, staleMs: 0 });
    await off.get();
    await off.get();
    expect(repo.computed).toBe(4);
    off.invalidate();
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
