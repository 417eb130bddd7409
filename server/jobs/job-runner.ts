// Drains one kind of job in the background: leases due jobs in batches, hands them to a
// handler, deletes them on success, and reschedules them with exponential backoff on failure.
// A failing dependency (an embedding API outage) delays jobs; it never drops them. When the
// database itself fails while a batch is settled, the runner keeps the outcome and settles it
// first thing next time, so a leased batch is not stranded until its lease expires. Safe with
// any number of runners in any number of processes: a lease is held under a token and extended
// while its batch runs, so only a dead (or stalled) worker's jobs go to another after leaseMs.
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Logger } from 'pino';
import type { JobRow } from '../db/schema/jobs.ts';
import type { JobRepository } from '../repositories/job.repository.ts';

export interface JobRunnerOptions {
  kind: string;
  /** Handles a batch (with what `prepare` made of it, when given); throwing reschedules the whole batch. */
  handle(jobs: JobRow[], prepared?: unknown): Promise<void>;
  /**
   * Work on a batch that needs no lock (reading, parsing, embedding): with it, while no writes are
   * in flight (`yieldWhile`), the next batch is leased and prepared while the current one is
   * handled, so the two overlap. A failure counts as the batch's (rescheduled with backoff).
   */
  prepare?(jobs: JobRow[]): Promise<unknown>;
  batchSize?: number;
  pollMs?: number;
  /** How long a lease lasts without a heartbeat (extended every leaseMs/3 while its batch runs). */
  leaseMs?: number;
  /** Backoff after the n-th failed attempt: base · 2^(n-1), capped. */
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  /**
   * While this says true (writes in flight), a pass waits, but never more than `maxYieldMs`
   * (default 500) after the previous one: foreground writes go first, background work still
   * progresses.
   */
  yieldWhile?: () => boolean;
  maxYieldMs?: number;
  /** The batch size while `yieldWhile` says true (a shorter hold on the database); default batchSize. */
  busyBatchSize?: number;
  logger?: Logger;
}

/** A leased batch, its lease kept alive, and what `prepare` is making of it. */
interface Leased {
  batch: JobRow[];
  ids: number[];
  lease: string;
  heartbeat: NodeJS.Timeout;
  prepared: Promise<unknown>;
}

/** How a leased batch ended: handled (error null), or failed and due again after delayMs. */
interface Outcome {
  ids: number[];
  lease: string;
  error: string | null;
  delayMs: number;
}

/** This process, in every lease token it takes (`host:pid:random`): an operator sees who holds what. */
const WORKER = `${hostname()}:${process.pid}`;

export class JobRunner {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private wanted = false;
  private stopped = true;
  /** Outcomes not yet written back (the database failed while settling them). */
  private unsettled: Outcome[] = [];
  private readonly o: Required<Omit<JobRunnerOptions, 'logger' | 'yieldWhile' | 'busyBatchSize' | 'prepare'>> &
    Pick<JobRunnerOptions, 'logger' | 'yieldWhile' | 'busyBatchSize' | 'prepare'>;
  private lastPassAt = 0;
  /** With `prepare`: the next batch, leased and being prepared while the current one is handled. */
  private ahead: Leased | null = null;
  /** stop() was called: no batch is leased ahead any more. */
  private halting = false;

  constructor(
    private readonly repo: JobRepository,
    options: JobRunnerOptions,
  ) {
    this.o = { batchSize: 64, pollMs: 1000, leaseMs: 30_000, backoffBaseMs: 1000, backoffMaxMs: 300_000, maxYieldMs: 500, ...options };
  }

  start(): void {
    this.stopped = false;
    this.halting = false;
    this.schedule(0);
  }

  /** Asks for a pass soon (called after new jobs were committed). */
  poke(): void {
    if (!this.stopped) this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.halting = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running;
    await this.release();
  }

  /** Gives the batch leased ahead back to the queue, due at once (a stopping runner does not sit on it until its lease lapses). */
  private async release(): Promise<void> {
    const ahead = this.ahead;
    if (!ahead) return;
    this.ahead = null;
    clearInterval(ahead.heartbeat);
    await ahead.prepared.catch(() => {});
    await this.repo.reschedule(ahead.ids, ahead.lease, 'released unhandled: the runner stopped', 0).catch(() => {});
  }

  /** Runs passes until no job is due now (tests, and the shutdown path). Returns jobs handled. */
  async drain(): Promise<number> {
    await this.running;
    let total = 0;
    for (;;) {
      const n = await this.pass();
      if (n === 0) return total;
      total += n;
    }
  }

  private schedule(ms: number) {
    this.wanted = true;
    if (this.timer || this.running) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.wanted = false;
      this.running = this.loop().finally(() => {
        this.running = null;
        if (!this.stopped) this.schedule(this.wanted ? 0 : this.o.pollMs);
      });
    }, ms);
    this.timer.unref();
  }

  private async loop() {
    try {
      while (!this.stopped && (await this.yieldToWrites(), !this.stopped) && (await this.pass()) > 0);
    } catch (err) {
      // The queue itself failed (database down): try again at the next poll.
      this.o.logger?.warn({ err: String(err), kind: this.o.kind }, 'job queue unavailable');
    }
  }

  private async yieldToWrites(): Promise<void> {
    const { yieldWhile, maxYieldMs } = this.o;
    // Let pending I/O run first: on PGlite a pass is one long chain of promises, so without a
    // macrotask boundary between passes the server would not even accept incoming requests.
    await new Promise((r) => setImmediate(r));
    while (yieldWhile?.() && Date.now() - this.lastPassAt < maxYieldMs && !this.stopped) await new Promise((r) => setTimeout(r, 10));
    this.lastPassAt = Date.now();
  }

  /** Leases a batch (null when none is due), keeps its lease alive and, with `prepare`, starts preparing it. */
  private async leaseBatch(): Promise<Leased | null> {
    const size = this.o.busyBatchSize !== undefined && this.o.yieldWhile?.() ? this.o.busyBatchSize : this.o.batchSize;
    const lease = `${WORKER}:${randomBytes(6).toString('hex')}`;
    const batch = await this.repo.lease(this.o.kind, size, this.o.leaseMs, lease);
    if (batch.length === 0) return null;
    const ids = batch.map((j) => j.id);
    const prepared = this.o.prepare ? this.o.prepare(batch) : Promise.resolve(undefined);
    prepared.catch(() => {}); // awaited by its pass; meanwhile a failure must not go unhandled
    return { batch, ids, lease, heartbeat: this.heartbeat(ids, lease), prepared };
  }

  /** One lease-handle-settle round; returns how many jobs it handled successfully. */
  private async pass(): Promise<number> {
    await this.settlePending();
    const current = this.ahead ?? (await this.leaseBatch());
    this.ahead = null;
    if (!current) return 0;
    const { batch, ids, lease, heartbeat } = current;
    try {
      const prepared = await current.prepared;
      // The next batch is leased and prepared while this one is handled, unless writes are in
      // flight: on saturated cores the overlap would take the CPU they wait for.
      if (this.o.prepare && !this.halting && !this.o.yieldWhile?.()) this.ahead = await this.leaseBatch().catch(() => null); // the queue failing here is the next pass's to meet
      await this.o.handle(batch, prepared);
    } catch (err) {
      const attempts = Math.min(...batch.map((j) => j.attempts));
      const delay = Math.min(this.o.backoffMaxMs, this.o.backoffBaseMs * 2 ** Math.max(0, attempts - 1));
      this.o.logger?.warn(
        { err: String(err), kind: this.o.kind, jobs: batch.length, attempts, retryInMs: delay },
        'jobs failed; rescheduled',
      );
      await this.settle({ ids, lease, error: String((err as Error)?.message ?? err), delayMs: delay });
      return 0;
    } finally {
      clearInterval(heartbeat);
    }
    await this.settle({ ids, lease, error: null, delayMs: 0 });
    return batch.length;
  }

  /** Extends the lease every leaseMs/3 while the batch runs; a lapsed one is logged (its jobs may run again elsewhere). */
  private heartbeat(ids: number[], lease: string): NodeJS.Timeout {
    const timer = setInterval(
      () => {
        this.repo.extend(ids, lease, this.o.leaseMs).then(
          (held) =>
            held < ids.length &&
            this.o.logger?.warn(
              { kind: this.o.kind, jobs: ids.length, held },
              'job lease lapsed while its batch ran; another worker may run it',
            ),
          (err) => this.o.logger?.warn({ err: String(err), kind: this.o.kind }, 'could not extend a job lease'),
        );
      },
      Math.max(50, Math.floor(this.o.leaseMs / 3)),
    );
    timer.unref();
    return timer;
  }

  /** Writes a batch's outcome back; if the database fails, keeps it for the next pass. */
  private async settle(outcome: Outcome): Promise<void> {
    try {
      await this.write(outcome);
    } catch (err) {
      this.unsettled.push(outcome);
      throw err;
    }
  }

  private async settlePending(): Promise<void> {
    while (this.unsettled.length) {
      await this.write(this.unsettled[0]);
      this.unsettled.shift();
    }
  }

  private write(o: Outcome): Promise<void> {
    return o.error === null ? this.repo.complete(o.ids, o.lease) : this.repo.reschedule(o.ids, o.lease, o.error, o.delayMs);
  }
}
