// Routes read-only queries to a streaming replica (DATABASE_READ_URL) while it keeps up: a
// poll compares the primary's WAL position with what the replica has replayed and turns that
// into a staleness in milliseconds. Past `maxLagMs`, or when the replica does not answer,
// reads go to the primary until it has caught up again.
import type { Sql } from 'postgres';
import type { Db } from './client.ts';

export interface ReplicaStatus {
  /** Reads go to the replica now. */
  inUse: boolean;
  /** How far behind the primary the replica's data may be, ms (null: not measured yet). */
  lagMs: number | null;
  /** The replica answered its last poll. */
  healthy: boolean;
}

export interface ReadRouterOptions {
  primary: { db: Db; sql: Sql };
  replica: { db: Db; sql: Sql };
  maxLagMs: number;
  pollMs: number;
  now?: () => number;
}

interface Sample {
  at: number;
  lsn: number;
}

/** A WAL position (`16/B374D848`) as a number of bytes. */
export function lsnBytes(lsn: string): number {
  const [hi, lo] = lsn.split('/');
  return parseInt(hi, 16) * 2 ** 32 + parseInt(lo, 16);
}

export class ReadRouter {
  /** Drizzle over the replica or the primary, whichever `status().inUse` says, per query. */
  readonly db: Db;
  private samples: Sample[] = [];
  private state: ReplicaStatus = { inUse: false, lagMs: null, healthy: false };
  private timer: NodeJS.Timeout | null = null;
  private polling: Promise<void> | null = null;
  private readonly now: () => number;
  /** What the replica had replayed at the last poll (bytes). */
  private replayed = -1;
  private waiters: { lsn: number; fn: () => void }[] = [];

  constructor(private readonly o: ReadRouterOptions) {
    this.now = o.now ?? Date.now;
    const pick = () => (this.state.inUse ? o.replica.db : o.primary.db);
    // The primary's drizzle object as the target keeps prototype checks working; every property
    // is read from the database chosen at that moment, methods bound to it.
    this.db = new Proxy(o.primary.db, {
      get(_target, prop) {
        const target = pick() as unknown as Record<PropertyKey, unknown>;
        const value = target[prop];
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
  }

  status(): ReplicaStatus {
    return { ...this.state };
  }

  /** Polls once (so the first reads already know where to go), then every pollMs. */
  async start(): Promise<void> {
    await this.poll();
    this.timer = setInterval(() => void this.poll(), this.o.pollMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.polling;
    this.waiters = [];
  }

  /**
   * Runs `fn` once reads see WAL position `lsn`: at once when they go to the primary or the
   * replica has replayed it, else at the first poll that finds it replayed (or finds reads moved
   * to the primary).
   */
  afterReplay(lsn: string, fn: () => void): void {
    const at = lsnBytes(lsn);
    if (!this.state.inUse || this.replayed >= at) fn();
    else this.waiters.push({ lsn: at, fn });
  }

  private wake(): void {
    if (this.waiters.length === 0) return;
    const ready = this.waiters.filter((w) => !this.state.inUse || w.lsn <= this.replayed);
    this.waiters = this.waiters.filter((w) => !ready.includes(w));
    for (const w of ready) w.fn();
  }

  /** One measurement: the primary's current WAL position and the replica's replayed one. */
  poll(): Promise<void> {
    this.polling ??= this.measure().finally(() => (this.polling = null));
    return this.polling;
  }

  private async measure(): Promise<void> {
    const [primary, replica] = await Promise.allSettled([
      this.o.primary.sql`SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')::float8 AS lsn`,
      this.o.replica.sql`SELECT pg_is_in_recovery() AS standby,
                                pg_wal_lsn_diff(coalesce(pg_last_wal_replay_lsn(), '0/0'), '0/0')::float8 AS lsn`,
    ]);
    const t = this.now();
    if (primary.status === 'fulfilled') {
      this.samples.push({ at: t, lsn: Number(primary.value[0].lsn) });
      // Enough history to measure lags well past the limit.
      const keep = t - Math.max(10_000, 4 * this.o.maxLagMs);
      while (this.samples.length > 2 && this.samples[1].at < keep) this.samples.shift();
    }
    if (replica.status === 'rejected') {
      this.state = { inUse: false, lagMs: this.state.lagMs, healthy: false };
    } else {
      const { standby, lsn } = replica.value[0] as { standby: boolean; lsn: number };
      this.replayed = standby ? Number(lsn) : Number.POSITIVE_INFINITY;
      const lagMs = standby ? this.lagOf(this.replayed, t) : 0;
      // With the primary unreachable, slightly stale reads beat none.
      const inUse = primary.status === 'rejected' || lagMs <= this.o.maxLagMs;
      this.state = { inUse, lagMs, healthy: true };
    }
    this.wake();
  }

  /**
   * The replica holds everything the primary had at the latest sample whose position it has
   * replayed; anything written since may be missing. Lag = time since that sample; infinite when
   * it is behind every sample kept (just started, or further behind than the history reaches).
   */
  private lagOf(replayed: number, t: number): number {
    for (let i = this.samples.length - 1; i >= 0; i--) if (this.samples[i].lsn <= replayed) return t - this.samples[i].at;
    return Number.POSITIVE_INFINITY;
  }
}
