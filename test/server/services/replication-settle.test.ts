// Replication bookkeeping after the commit is settled again by the assign-idea job: a record
// whose request stopped between its commit and its bookkeeping is marked and unflags all the same.
import { describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { drivers } from '../../helpers/db.ts';
import { useTestApp } from '../../helpers/app.ts';
import { envelope, makePayload, newSigner } from '../../helpers/records.ts';
import { constantDiff, sha256 } from '../../helpers/replications.ts';
import { queryRows } from '../../../server/db/rows.ts';
import { JOB_ASSIGN_IDEA } from '../../../server/jobs/kinds.ts';

describe.each(drivers)('replication settled by the assign-idea job on $name', (driver) => {
  const { database, t } = useTestApp(driver);
  const [alice, bob] = ['alice', 'bob'].map((n) => newSigner(n));

  const replicated = async (ids: string[]) =>
    (
      await queryRows<{ id: string; replicated: boolean | string }>(
        database.db,
        sql`SELECT id, replicated FROM records WHERE id IN (${sql.join(
          ids.map((id) => sql`${id}`),
          sql`, `,
        )}) ORDER BY id`,
      )
    ).map((r) => r.replicated === true || r.replicated === 't');

  it('marks a group of two that the request left unmarked once the job runs', async () => {
    const same = {
      diff: constantDiff('SETTLE_KNOB', '1', '2'),
      parent: { train_py_sha256: sha256('settle parent'), commit: 'abc1234', val_bpb: 1.0 },
    };
    const ids: string[] = [];
    for (const [signer, val] of [
      [alice, 0.98],
      [bob, 0.981],
    ] as const) {
      const res = await t.post(
        '/v1/records',
        envelope(makePayload({ ...same, description: 'settle knob', metrics: { val_bpb: val } }), signer),
      );
      expect(res.status).toBe(201);
      ids.push(((await res.json()) as any).id);
    }
    expect(await replicated(ids)).toEqual([true, true]);
    // The request's bookkeeping lost (a crash between the commit and it), the jobs still queued.
    await database.db.execute(sql`UPDATE records SET replicated = false`);
    await t.services.repos.jobs.enqueue(JOB_ASSIGN_IDEA, ids);
    expect(await replicated(ids)).toEqual([false, false]);
    await t.drain();
    expect(await replicated(ids)).toEqual([true, true]);
  });
});
