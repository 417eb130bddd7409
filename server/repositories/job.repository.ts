// SQL for the `jobs` queue: enqueue inside a caller's transaction, lease due jobs with
// SKIP LOCKED under a token (safe across server copies), extend, complete, or reschedule with
// the error; a worker whose lease lapsed can no longer touch the jobs.
import { and, eq, inArray, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { jobs, type JobRow } from '../db/schema/jobs.ts';
import { queryRows } from '../db/rows.ts';

/**
 * `INSERT INTO jobs`: one job of `kind` for each row `subjects` selects (columns `subject` and its
 * order `n`). Part of a larger statement where the subjects are inserted by the same statement.
 */
export function enqueueSelected(kind: string, subjects: SQL): SQL {
  return sql`INSERT INTO jobs (kind, subject) SELECT ${kind}, s.subject FROM (${subjects}) AS s ORDER BY s.n`;
}

export class JobRepository {
  constructor(private readonly db: Db) {}

  /** One statement, the subjects one JSON parameter (drizzle's builder maps every value of every row: a tenth of the request thread's CPU at 500-record batches). */
  async enqueue(kind: string, subjects: string[], tx: Db = this.db): Promise<void> {
    if (subjects.length === 0) return;
    await tx.execute(
      enqueueSelected(
        kind,
        sql`SELECT a.subject, a.n FROM jsonb_array_elements_text(${JSON.stringify(subjects)}::jsonb) WITH ORDINALITY AS a (subject, n)`,
      ),
    );
  }

  /**
   * Enqueues one job of `kind` for `subject` unless one is already waiting (not leased): for
   * scheduled and on-demand GitHub work. Serialised per kind so server copies do not double it.
   */
  async enqueueOnce(kind: string, subject: string, runAt: Date = new Date()): Promise<boolean> {
    return this.db.transaction(async (txRaw) => {
      const tx = txRaw as unknown as Db;
      await tx.execute(sql`SELECT pg_advisory_xact_lock(hashtext(${'jobs:' + kind}))`);
      const rows = await queryRows<{ id: string | number }>(
        tx,
        sql`INSERT INTO jobs (kind, subject, run_at)
            SELECT ${kind}, ${subject}, ${runAt.toISOString()}::timestamptz
            WHERE NOT EXISTS (SELECT 1 FROM jobs WHERE kind = ${kind} AND subject = ${subject}
                              AND (locked_until IS NULL OR locked_until < now()))
            RETURNING id`,
      );
      return rows.length > 0;
    });
  }

  /**
   * Leases up to `limit` due jobs of `kind` for `leaseMs` under the token `lease`: only its holder
   * may extend, complete or reschedule them. A crashed worker's lease expires; SKIP LOCKED keeps
   * concurrent workers (in any server process) from taking the same job.
   */
  async lease(kind: string, limit: number, leaseMs: number, lease: string): Promise<JobRow[]> {
    // One statement: a lease is never taken without its rows reaching the caller. The due jobs are
    // picked once, in a materialized CTE: as `id IN (subquery)` a plan that re-ran the subquery
    // for each row found the rows it had just leased no longer due and went on to the next ones,
    // leasing far more than `limit`.
    const rows = await queryRows<{
      id: number | string;
      kind: string;
      subject: string;
      run_at: Date | string;
      locked_until: Date | string | null;
      lease: string | null;
      attempts: number | string;
      last_error: string | null;
      created_at: Date | string;
    }>(
      this.db,
      sql`WITH picked AS MATERIALIZED (
            SELECT id FROM jobs
            WHERE kind = ${kind} AND run_at <= now() AND (locked_until IS NULL OR locked_until < now())
            ORDER BY id LIMIT ${limit}
            FOR UPDATE SKIP LOCKED)
          UPDATE jobs SET locked_until = now() + make_interval(secs => ${leaseMs / 1000}), lease = ${lease}, attempts = jobs.attempts + 1
          FROM picked WHERE jobs.id = picked.id
          RETURNING jobs.id, jobs.kind, jobs.subject, jobs.run_at, jobs.locked_until, jobs.lease, jobs.attempts, jobs.last_error, jobs.created_at`,
    );
    const date = (d: Date | string) => (d instanceof Date ? d : new Date(d));
    return rows
      .map((r) => ({
        id: Number(r.id),
        kind: r.kind,
        subject: r.subject,
        runAt: date(r.run_at),
        lockedUntil: r.locked_until === null ? null : date(r.locked_until),
        lease: r.lease,
        attempts: Number(r.attempts),
        lastError: r.last_error,
        createdAt: date(r.created_at),
      }))
      .sort((a, b) => a.id - b.id);
  }

  /** Extends a lease still held; returns how many of its jobs it still holds. */
  async extend(ids: number[], lease: string, leaseMs: number): Promise<number> {
    if (!ids.length) return 0;
    const rows = await this.db
      .update(jobs)
      .set({ lockedUntil: sql`now() + make_interval(secs => ${leaseMs / 1000})` })
      .where(and(inArray(jobs.id, ids), eq(jobs.lease, lease)))
      .returning({ id: jobs.id });
    return rows.length;
  }

  /** Deletes the handled jobs still under `lease` (a job re-leased by another worker is theirs). */
  async complete(ids: number[], lease: string): Promise<void> {
    if (ids.length) await this.db.delete(jobs).where(and(inArray(jobs.id, ids), eq(jobs.lease, lease)));
  }

  async reschedule(ids: number[], lease: string, error: string, delayMs: number): Promise<void> {
    if (!ids.length) return;
    await this.db
      .update(jobs)
      .set({
        lockedUntil: null,
        lease: null,
        lastError: error.slice(0, 2000),
        runAt: sql`now() + make_interval(secs => ${delayMs / 1000})`,
      })
      .where(and(inArray(jobs.id, ids), eq(jobs.lease, lease)));
  }

  /** Queue depth and the age of the oldest due job (seconds), per kind. */
  async stats(kind: string): Promise<{ depth: number; lagSeconds: number }> {
    const [row] = await this.db
      .select({
        depth: sql<number>`count(*)::int`,
        lag: sql<number>`coalesce(extract(epoch from now() - min(${jobs.createdAt})), 0)::float8`,
      })
      .from(jobs)
      .where(eq(jobs.kind, kind));
    return { depth: Number(row.depth), lagSeconds: Number(row.lag) };
  }
}
