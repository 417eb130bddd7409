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

// Native PostgreSQL only: PGlite has one connection, so nothing else can hold a row.
describe.each(drivers.filter((d) => d.name === 'postgres'))('the request does not wait on rows an assignment holds, on $name', (driver) => {
  const { database, t } = useTestApp(driver);
  const [alice, bob] = ['alice', 'bob'].map((n) => newSigner(n));

  it("acknowledges a replication while its group's first member is locked, and the job marks that member afterwards", async () => {
    const same = {
      diff: constantDiff('LOCKED_KNOB', '1', '2'),
      parent: { train_py_sha256: sha256('locked parent'), commit: 'abc1234', val_bpb: 1.0 },
      description: 'locked knob',
    };
    const first = await t.post('/v1/records', envelope(makePayload({ ...same, metrics: { val_bpb: 0.98 } }), alice));
    expect(first.status).toBe(201);
    const a = ((await first.json()) as any).id as string;
    // Another transaction (an idea assignment writing it, say) holds the first member's row.
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let locked!: () => void;
    const isLocked = new Promise<void>((r) => (locked = r));
    const holder = database.db.transaction(async (tx) => {
      await tx.execute(sql`SELECT id FROM records WHERE id = ${a} FOR UPDATE`);
      locked();
      await held;
    });
    await isLocked;
    const t0 = performance.now();
    const second = await Promise.race([
      t.post('/v1/records', envelope(makePayload({ ...same, metrics: { val_bpb: 0.981 } }), bob)),
      new Promise<null>((r) => setTimeout(() => r(null), 10_000)),
    ]);
    const waited = performance.now() - t0;
    release();
    await holder;
    expect(second, 'the request waited for the locked row').not.toBeNull();
    expect(second!.status).toBe(201);
    expect(waited).toBeLessThan(10_000);
    const b = ((await second!.json()) as any).id as string;
    const marked = async () =>
      (
        await queryRows<{ id: string; replicated: boolean | string }>(
          database.db,
          sql`SELECT id, replicated FROM records WHERE id IN (${a}, ${b})`,
        )
      )
        .map((r) => [r.id, r.replicated === true || r.replicated === 't'] as const)
        .sort((x, y) => (x[0] === a ? -1 : y[0] === a ? 1 : 0));
    // The new member is marked as it is stored; the locked first member is left for the job.
    expect(await marked()).toEqual([
      [a, false],
      [b, true],
    ]);
    await t.drain();
    expect(await marked()).toEqual([
      [a, true],
      [b, true],
    ]);
  });
});
