// SQL for the shared write rate limits: take a token from each of a request's buckets in one
// statement (crossfork_take_tokens, all or nothing), and sweep buckets that have refilled.
import { sql } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { queryRows } from '../db/rows.ts';

export interface ShortBucket {
  bucket: string;
  tokens: number;
}

export class RateLimitRepository {
  constructor(private readonly db: Db) {}

  /**
   * Takes one token from every bucket in `names` (created full), or none when any holds less
   * than one: then returns those with the tokens they hold. `nowMs` null: the database's clock.
   */
  async take(names: string[], cap: number, perMs: number, nowMs: number | null): Promise<ShortBucket[]> {
    const rows = await queryRows<{ short_bucket: string; short_tokens: number }>(
      this.db,
      sql`SELECT short_bucket, short_tokens FROM crossfork_take_tokens(${`{${names.map(arrayItem).join(',')}}`}::text[], ${cap}::float8, ${perMs}::float8, ${nowMs}::float8)`,
    );
    return rows.map((r) => ({ bucket: r.short_bucket, tokens: Number(r.short_tokens) }));
  }

  /** Deletes buckets untouched for `fullMs` (they have refilled: the same as absent). */
  async sweep(fullMs: number, nowMs: number | null): Promise<void> {
    await this.db.execute(
      sql`DELETE FROM rate_limit_buckets WHERE at_ms < coalesce(${nowMs}::float8, extract(epoch FROM clock_timestamp()) * 1000) - ${fullMs}`,
    );
  }
}

/** A text[] literal item: quoted, with backslashes and quotes escaped. */
function arrayItem(s: string): string {
  return `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}
