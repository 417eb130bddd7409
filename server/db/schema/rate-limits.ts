// Write rate limits shared by every server process on one database: a token bucket per client
// IP or signing key. Taken through crossfork_take_tokens() (migration 0008) in one round trip;
// UNLOGGED on PostgreSQL (no WAL per write request; a crash only refills the buckets).
import { doublePrecision, pgTable, text } from 'drizzle-orm/pg-core';

export const rateLimitBuckets = pgTable('rate_limit_buckets', {
  /** `ip:ADDRESS` or `key:SHA256`. */
  bucket: text('bucket').primaryKey(),
  tokens: doublePrecision('tokens').notNull(),
  /** When `tokens` was last computed, in ms since the epoch (the limiter's clock). */
  atMs: doublePrecision('at_ms').notNull(),
});
