// Write rate limits: a token bucket per client IP and per signing key, each allowing
// `perMinute` write requests a minute (bursts up to that many), refilled continuously. The
// buckets live in the database (rate_limit_buckets), so every server process on it shares them.
import { createHash } from 'node:crypto';
import { RateLimitedError } from './errors.ts';
import type { RateLimitRepository } from '../repositories/rate-limit.repository.ts';

/** A bucket untouched this long has refilled completely: the same as an absent one. */
const FULL_MS = 60_000;

export class WriteRateLimiter {
  private lastSweep = 0;

  constructor(
    private readonly store: RateLimitRepository,
    /** Write requests per minute per IP and per key; 0 turns limiting off. */
    readonly perMinute: number,
    /** The clock (tests); unset, the database's, so that server copies agree. */
    private readonly now?: () => number,
  ) {}

  /** Takes one token from each bucket or throws RateLimitedError (nothing taken then). */
  async take(buckets: string[]): Promise<void> {
    if (this.perMinute <= 0 || buckets.length === 0) return;
    const t = this.now ? this.now() : null;
    const rate = this.perMinute / 60_000; // tokens per ms
    const short = (await this.store.take(buckets, this.perMinute, rate, t)).sort(
      (a, b) => buckets.indexOf(a.bucket) - buckets.indexOf(b.bucket),
    );
    this.sweepNowAndThen(t);
    if (short.length) {
      const waitMs = Math.max(...short.map((c) => (1 - c.tokens) / rate));
      const what = [...new Set(short.map((c) => c.bucket.split(':')[0]))].join(' and ');
      throw new RateLimitedError(
        `more than ${this.perMinute} write requests a minute from this ${what}; retry later`,
        Math.max(1, Math.ceil(waitMs / 1000)),
      );
    }
  }

  /** Per-IP bucket name. */
  static ip(address: string): string {
    return `ip:${address}`;
  }

  /** Per-key bucket names for the public keys a write request carries (each counted once). */
  static keys(body: unknown): string[] {
    const keys = new Set<string>();
    const add = (env: unknown) => {
      const k = (env as { public_key?: unknown } | null)?.public_key;
      if (typeof k === 'string' && k.length <= 16_384)
        keys.add(`key:${createHash('sha256').update(k.trim().split(/\s+/).slice(0, 2).join(' ')).digest('hex')}`);
    };
    add(body);
    const items = (body as { records?: unknown } | null)?.records;
    if (Array.isArray(items)) for (const e of items.slice(0, 1000)) add(e);
    return [...keys];
  }

  /** At most once a minute per process, drops buckets that have refilled (bounds the table). */
  private sweepNowAndThen(t: number | null): void {
    const wall = Date.now();
    if (wall - this.lastSweep < FULL_MS) return;
    this.lastSweep = wall;
    this.store.sweep(FULL_MS, t).catch(() => {}); // best effort: the next sweep catches up
  }
}
