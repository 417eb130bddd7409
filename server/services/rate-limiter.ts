// Write rate limits: a token bucket per client IP and per signing key, each allowing
// `perMinute` write requests a minute (bursts up to that many), refilled continuously.
// In-process: with N server copies a client can reach N× the limit unless the load balancer
// keeps it on one copy (README, "Scaling").
import { createHash } from 'node:crypto';
import { ProblemError } from '../errors.ts';

interface Bucket { tokens: number; at: number }

/** Buckets kept before idle ones are swept (bounds memory under a flood of distinct keys). */
const MAX_BUCKETS = 100_000;

export class WriteRateLimiter {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    /** Write requests per minute per IP and per key; 0 turns limiting off. */
    readonly perMinute: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Takes one token from each bucket or throws 429 with Retry-After (nothing taken then). */
  take(buckets: string[]): void {
    if (this.perMinute <= 0 || buckets.length === 0) return;
    const t = this.now();
    const rate = this.perMinute / 60_000; // tokens per ms
    const current = buckets.map((name) => {
      const b = this.buckets.get(name) ?? { tokens: this.perMinute, at: t };
      return { name, b: { tokens: Math.min(this.perMinute, b.tokens + (t - b.at) * rate), at: t } };
    });
    const short = current.filter((c) => c.b.tokens < 1);
    if (short.length) {
      const waitMs = Math.max(...short.map((c) => (1 - c.b.tokens) / rate));
      const what = short.map((c) => c.name.split(':')[0]).join(' and ');
      throw new ProblemError(429, 'rate-limited', 'Too many requests', `more than ${this.perMinute} write requests a minute from this ${what}; retry later`, undefined, {
        'Retry-After': String(Math.max(1, Math.ceil(waitMs / 1000))),
      });
    }
    if (this.buckets.size > MAX_BUCKETS) this.sweep(t);
    for (const c of current) this.buckets.set(c.name, { tokens: c.b.tokens - 1, at: t });
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
      if (typeof k === 'string' && k.length <= 16_384) keys.add(`key:${createHash('sha256').update(k.trim().split(/\s+/).slice(0, 2).join(' ')).digest('hex')}`);
    };
    add(body);
    const items = (body as { records?: unknown } | null)?.records;
    if (Array.isArray(items)) for (const e of items.slice(0, 1000)) add(e);
    return [...keys];
  }

  /** Drops buckets that have refilled completely: they behave exactly like absent ones. */
  private sweep(t: number): void {
    const full = 60_000;
    for (const [name, b] of this.buckets) if (t - b.at >= full) this.buckets.delete(name);
  }
}
