// Keys revoked by an administrator: their records are hidden and their writes refused.
import { sql } from 'drizzle-orm';
import { pgTable, text, timestamp } from 'drizzle-orm/pg-core';

export const revokedKeys = pgTable('revoked_keys', {
  keyFingerprint: text('key_fingerprint').primaryKey(),
  reason: text('reason').notNull(),
  revokedAt: timestamp('revoked_at', { withTimezone: true, mode: 'date' })
    .notNull()
    .default(sql`now()`),
});

export type RevokedKeyRow = typeof revokedKeys.$inferSelect;
