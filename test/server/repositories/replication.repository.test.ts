// What plausibility reads of a class: its best unflagged keeps and its latest results, each with
// the fork, key and the run's tokens and steps read from the payload (absent metrics as null).
import { describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { drivers } from '../../helpers/db.ts';
import { useTestApp } from '../../helpers/app.ts';
import { envelope, makePayload, newSigner } from '../../helpers/records.ts';
import { queryRows } from '../../../server/db/rows.ts';
import { ReplicationRepository } from '../../../server/repositories/replication.repository.ts';

describe.each(drivers)('class results on $name', (driver) => {
  const { database, t } = useTestApp(driver);
  const signer = newSigner('peers');

  it('gives the best keeps by val_bpb and the latest results by arrival, with tokens and steps', async () => {
    const runs = [
      { status: 'keep', val: 0.995, tokens: 500.1, steps: 950 },
      { status: 'keep', val: 0.991, tokens: 501.2, steps: 951 },
      { status: 'discard', val: 0.999, tokens: 499.3, steps: 952 },
      { status: 'keep', val: 0.993, tokens: null, steps: null },
      { status: 'keep', val: 0.997, tokens: 498.4, steps: 953 },
    ] as const;
    for (const [i, r] of runs.entries()) {
      const payload = makePayload({
        description: `peer run ${i}`,
        status: r.status,
        metrics: { val_bpb: r.val, total_tokens_m: r.tokens, num_steps: r.steps } as never,
        fork: { id: `fork-${i}` } as never,
      });
      const res = await t.post('/v1/records', envelope(payload, signer));
      expect(res.status, await res.clone().text()).toBe(201);
    }
    const [scope] = await queryRows<{ harness_key: string; hardware_class: string }>(
      database.db,
      sql`SELECT coalesce(harness_key, harness_id) AS harness_key, hardware_class FROM records LIMIT 1`,
    );
    const got = await new ReplicationRepository(database.db).classResults(
      { harnessKey: scope.harness_key, hardwareClass: scope.hardware_class },
      3,
      4,
    );
    const brief = (p: { forkId: string; valBpb: number; tokensM: number | null; steps: number | null }) => [
      p.forkId,
      p.valBpb,
      p.tokensM,
      p.steps,
    ];
    expect(got.best.map(brief)).toEqual([
      ['fork-1', 0.991, 501.2, 951],
      ['fork-3', 0.993, null, null],
      ['fork-0', 0.995, 500.1, 950],
    ]);
    expect(got.recent.map(brief)).toEqual([
      ['fork-4', 0.997, 498.4, 953],
      ['fork-3', 0.993, null, null],
      ['fork-2', 0.999, 499.3, 952],
      ['fork-1', 0.991, 501.2, 951],
    ]);
    expect(new Set(got.recent.map((p) => p.keyFingerprint)).size).toBe(1);
  });
});
