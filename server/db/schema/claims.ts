// Claims: signed, short-lived reservations of an idea someone is about to try.
import { sql } from 'drizzle-orm';
import { index, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

export const claims = pgTable(
  'claims',
  {
    id: text('id').primaryKey(),
    payload: text('payload').notNull(),
    signature: text('signature').notNull(),
    publicKey: text('public_key').notNull(),
    keyFingerprint: text('key_fingerprint').notNull(),
    description: text('description').notNull(),
    harnessId: text('harness_id').notNull(),
    hardwareClass: text('hardware_class').notNull(),
    diffKey: text('diff_key'),
    paramKey: text('param_key'),
    embeddingModel: text('embedding_model').notNull(),
    // JSON array; compared in process (active claims are few).
    embedding: text('embedding').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true, mode: 'date' }).notNull(),
    receivedAt: timestamp('received_at', { withTimezone: true, mode: 'date' })
      .notNull()
      .default(sql`now()`),
  },
  (t) => [index('claims_active_idx').on(t.harnessId, t.expiresAt)],
);

export type ClaimRow = typeof claims.$inferSelect;
