// The job runner on a real database: when the database fails while a batch is being settled
// (PostgreSQL restarting), the batch is neither lost nor stranded behind its lease; several
// runners never run a job twice, a slow batch keeps its lease, and a dead worker's jobs are
// taken over once its lease lapses (and it can no longer touch them).
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { drivers } from '../../helpers/db.ts';
import { JobRunner } from '../../../server/jobs/job-runner.ts';
import { JobRepository } from '../../../server/repositories/job.repository.ts';
import { queryRows } from '../../../server/db/rows.ts';
import type { Database } from '../../../server/db/client.ts';
import type { JobRow } from '../../../server/db/schema/jobs.ts';

/** A repository whose next `failures[name]` calls of a method throw, as a dropped connection would. */
class FlakyJobs extends JobRepository {
  failures: Partial<Record<'complete' | 'reschedule', number>> = {};
  override async complete(ids: number[], lease: string) {
    if (this.fail('complete')) throw new Error('write CONNECTION_CLOSED');
    return super.complete(ids, lease);
  }
  override async reschedule(ids: number[], lease: string, error: string, delayMs: number) {
    if (this.fail('reschedule')) throw new Error('write CONNECTION_CLOSED');
    return super.reschedule(ids, lease, error, delayMs);
  }
  private fail(name: 'complete' | 'reschedule') {
    if (!this.failures[name]) return false;
    this.failures[name]! -= 1;
    return true;
  }
}

describe.each(drivers)('job runner on $name', (driver) => {
  let database: Database;
  let repo: FlakyJobs;
  const rows = async () =>
    queryRows<{ subject: string; locked: boolean; attempts: number }>(
      database.db,
      sql`SELECT subject, locked_until IS NOT NULL AS locked, attempts FROM jobs ORDER BY id`,
    );

  beforeAll(async () => {
    database = await driver.open();
  });
  afterAll(async () => {
    await database?.close();
  });
  beforeEach(async () => {
    await database.db.execute(sql`DELETE FROM jobs`);
    repo = new FlakyJobs(database.db);
  });

  it('leases in id order, hands each batch over once, and deletes it when handled', async () => {
    await repo.enqueue('t', ['a', 'b', 'c', 'd', 'e']);
    const seen: string[][] = [];
    const runner = new JobRunner(repo, { kind: 't', batchSize: 2, handle: async (jobs) => void seen.push(jobs.map((j) => j.subject)) });
    expect(await runner.drain()).toBe(5);
    expect(seen).toEqual([['a', 'b'], ['c', 'd'], ['e']]);
    expect(await rows()).toEqual([]);
  });

  it('a failed handler reschedules its batch with backoff and keeps the error', async () => {
    await repo.enqueue('t', ['a']);
    const runner = new JobRunner(repo, {
      kind: 't',
      backoffBaseMs: 60_000,
      handle: async () => {
        throw new Error('embedding API down');
      },
    });
    expect(await runner.drain()).toBe(0);
    const [job] = await queryRows<{ due: boolean; locked: boolean; last_error: string }>(
      database.db,
      sql`SELECT run_at <= now() AS due, locked_until IS NOT NULL AS locked, last_error FROM jobs`,
    );
    expect(job).toEqual({ due: false, locked: false, last_error: 'embedding API down' });
  });

  it('settles a failed batch as soon as the database answers again, not when the lease expires', async () => {
    await repo.enqueue('t', ['a', 'b']);
    let calls = 0;
    const handled: string[] = [];
    const runner = new JobRunner(repo, {
      kind: 't',
      leaseMs: 3_600_000,
      backoffBaseMs: 0,
      handle: async (jobs: JobRow[]) => {
        if (calls++ === 0) throw new Error('connection reset');
        handled.push(...jobs.map((j) => j.subject));
      },
    });
    repo.failures.reschedule = 1; // the database is gone when the failure is written back
    await expect(runner.drain()).rejects.toThrow(/CONNECTION_CLOSED/);
    expect((await rows()).map((r) => r.locked)).toEqual([true, true]); // leased for an hour
    expect(await runner.drain()).toBe(2);
    expect(handled).toEqual(['a', 'b']);
    expect(await rows()).toEqual([]);
  });

  it('a handled batch whose completion failed is completed next time, not handled twice', async () => {
    await repo.enqueue('t', ['a', 'b']);
    const handled: string[] = [];
    const runner = new JobRunner(repo, {
      kind: 't',
      leaseMs: 3_600_000,
      handle: async (jobs) => void handled.push(...jobs.map((j) => j.subject)),
    });
    repo.failures.complete = 1;
    await expect(runner.drain()).rejects.toThrow(/CONNECTION_CLOSED/);
    expect(await rows()).toHaveLength(2);
    expect(await runner.drain()).toBe(0);
    expect(await rows()).toEqual([]);
    expect(handled).toEqual(['a', 'b']);
  });

  it('steps aside while writes are in flight: smaller batches, at most one per maxYieldMs, full speed after', async () => {
    await repo.enqueue('t', ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h']);
    let busy = true;
    const sizes: number[] = [];
    const runner = new JobRunner(repo, {
      kind: 't',
      batchSize: 4,
      busyBatchSize: 1,
      maxYieldMs: 800,
      pollMs: 50,
      yieldWhile: () => busy,
      handle: async (jobs) => void sizes.push(jobs.length),
    });
    runner.start();
    try {
      await expect.poll(() => sizes.length).toBe(1);
      await new Promise((r) => setTimeout(r, 300));
      expect(sizes).toEqual([1]); // waiting for the writes, well within maxYieldMs
      await expect.poll(() => sizes.length, { timeout: 3000 }).toBe(2); // but not forever
      expect(sizes).toEqual([1, 1]);
      busy = false;
      await expect.poll(() => sizes.reduce((a, b) => a + b, 0), { timeout: 3000 }).toBe(8);
      expect(sizes.slice(2)).toEqual([4, 2]);
    } finally {
      await runner.stop();
    }
  });

  it('several runners drain one queue concurrently, each job handled exactly once', async () => {
    const subjects = Array.from({ length: 300 }, (_, i) => `j${i}`);
    await repo.enqueue('t', subjects);
    const seen: string[] = [];
    const runners = Array.from(
      { length: 4 },
      () =>
        new JobRunner(new JobRepository(database.db), {
          kind: 't',
          batchSize: 7,
          handle: async (jobs) => {
            await new Promise((r) => setTimeout(r, 1));
            seen.push(...jobs.map((j) => j.subject));
          },
        }),
    );
    const counts = await Promise.all(runners.map((r) => r.drain()));
    expect(counts.reduce((a, b) => a + b, 0)).toBe(300);
    expect(seen.sort()).toEqual([...subjects].sort());
    expect(await rows()).toEqual([]);
  });

  it('a batch slower than its lease keeps it by heartbeat: no other runner takes it', async () => {
    await repo.enqueue('t', ['slow']);
    const runs: string[] = [];
    const slow = new JobRunner(repo, {
      kind: 't',
      leaseMs: 300,
      handle: async (jobs) => {
        runs.push(jobs[0].subject);
        await new Promise((r) => setTimeout(r, 1000)); // more than three leases
      },
    });
    const other = new JobRunner(new JobRepository(database.db), {
      kind: 't',
      leaseMs: 300,
      handle: async (jobs) => void runs.push(...jobs.map((j) => `again:${j.subject}`)),
    });
    const first = slow.drain();
    const poller = (async () => {
      for (let i = 0; i < 12; i++) {
        await new Promise((r) => setTimeout(r, 100));
        await other.drain();
      }
    })();
    await Promise.all([first, poller]);
    expect(runs).toEqual(['slow']);
    expect(await rows()).toEqual([]);
  });

  it("a dead worker's lease lapses: another runner takes its jobs, and the dead one cannot touch them", async () => {
    await repo.enqueue('t', ['a', 'b']);
    // A worker leased them and died (no heartbeat, no settle).
    const dead = await repo.lease('t', 10, 200, 'deadhost:1:dead');
    expect(dead).toHaveLength(2);
    const handled: string[] = [];
    const runner = new JobRunner(new JobRepository(database.db), {
      kind: 't',
      handle: async (jobs) => {
        // The dead worker's late writes change nothing now that the jobs are leased again.
        await repo.complete(
          dead.map((j) => j.id),
          'deadhost:1:dead',
        );
        await repo.reschedule(
          dead.map((j) => j.id),
          'deadhost:1:dead',
          'late',
          60_000,
        );
        expect(
          await repo.extend(
            dead.map((j) => j.id),
            'deadhost:1:dead',
            60_000,
          ),
        ).toBe(0);
        handled.push(...jobs.map((j) => j.subject));
      },
    });
    expect(await runner.drain()).toBe(0); // still leased
    await new Promise((r) => setTimeout(r, 300));
    expect(await runner.drain()).toBe(2);
    expect(handled).toEqual(['a', 'b']);
    expect(await rows()).toEqual([]);
  });

  it('with prepare, the next batch is prepared while one is handled; each handler gets its own batch prepared, once', async () => {
    await repo.enqueue('t', ['a', 'b', 'c', 'd', 'e']);
    const events: string[] = [];
    let release!: () => void;
    const firstHandled = new Promise<void>((r) => (release = r));
    const runner = new JobRunner(repo, {
      kind: 't',
      batchSize: 2,
      prepare: async (jobs) => {
        events.push(`prepare ${jobs.map((j) => j.subject).join('')}`);
        return jobs.map((j) => j.subject.toUpperCase()).join('');
      },
      handle: async (jobs, prepared) => {
        events.push(`handle ${jobs.map((j) => j.subject).join('')} ${prepared}`);
        // The first batch is held until the second one's preparation has started.
        if (jobs[0].subject === 'a') {
          setTimeout(release, 0);
          await firstHandled;
        }
      },
    });
    expect(await runner.drain()).toBe(5);
    expect(events).toEqual(['prepare ab', 'prepare cd', 'handle ab AB', 'prepare e', 'handle cd CD', 'handle e E']);
    expect(await rows()).toEqual([]);
  });

  it('with prepare, no batch is leased ahead while writes are in flight', async () => {
    await repo.enqueue('t', ['a', 'b', 'c', 'd']);
    const events: string[] = [];
    const runner = new JobRunner(repo, {
      kind: 't',
      batchSize: 2,
      yieldWhile: () => true,
      maxYieldMs: 0,
      prepare: async (jobs) => void events.push(`prepare ${jobs.map((j) => j.subject).join('')}`),
      handle: async (jobs) => void events.push(`handle ${jobs.map((j) => j.subject).join('')}`),
    });
    expect(await runner.drain()).toBe(4);
    expect(events).toEqual(['prepare ab', 'handle ab', 'prepare cd', 'handle cd']);
  });

  it('with prepare, a failed preparation reschedules its batch only; stopping gives the batch leased ahead back at once', async () => {
    await repo.enqueue('t', ['a', 'b', 'c', 'd']);
    const handled: string[] = [];
    const runner = new JobRunner(repo, {
      kind: 't',
      batchSize: 2,
      backoffBaseMs: 60_000,
      prepare: async (jobs) => {
        if (jobs[0].subject === 'c') throw new Error('embedding API down');
        return null;
      },
      handle: async (jobs) => void handled.push(...jobs.map((j) => j.subject)),
    });
    expect(await runner.drain()).toBe(2);
    expect(handled).toEqual(['a', 'b']);
    const left = await queryRows<{ subject: string; due: boolean; locked: boolean; last_error: string }>(
      database.db,
      sql`SELECT subject, run_at <= now() AS due, locked_until IS NOT NULL AS locked, last_error FROM jobs ORDER BY id`,
    );
    expect(left).toEqual([
      { subject: 'c', due: false, locked: false, last_error: 'embedding API down' },
      { subject: 'd', due: false, locked: false, last_error: 'embedding API down' },
    ]);

    // A runner stopped with a batch leased ahead leaves it due and unleased, not held until its lease lapses.
    await database.db.execute(sql`DELETE FROM jobs`);
    await repo.enqueue('t', ['e', 'f', 'g', 'h']);
    let stopping: Promise<void> | null = null;
    const stopped = new JobRunner(repo, {
      kind: 't',
      batchSize: 2,
      prepare: async () => null,
      handle: async () => {
        stopping ??= stopped.stop();
      },
    });
    stopped.start();
    await expect.poll(() => stopping !== null, { timeout: 5000 }).toBe(true);
    await stopping;
    const after = await queryRows<{ subject: string; due: boolean; locked: boolean }>(
      database.db,
      sql`SELECT subject, run_at <= now() AS due, locked_until IS NOT NULL AS locked FROM jobs ORDER BY id`,
    );
    expect(after).toEqual([
      { subject: 'g', due: true, locked: false },
      { subject: 'h', due: true, locked: false },
    ]);
  });
});
