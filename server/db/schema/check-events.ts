// Checks that warned (`POST /v1/ideas/check` answered warning: true): who asked, on what harness
// and class, about which change, and the verdict. The GPU time the warnings saved is counted from these.
import { sql } from 'drizzle-orm';
import { bigint, index, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

export const checkEvents = pgTable(
  'check_events',
  {
    id: bigint('id', { mode: 'number' }).generatedAlwaysAsIdentity().primaryKey(),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' })
      .notNull()
      .default(sql`now()`),
    // The caller's key fingerprint (SHA256:…) when it said one; null: the event cannot be followed up.
    keyFingerprint: text('key_fingerprint'),
    // The harness id the caller gave, and its harness key (equivalent upstream versions share one).
    harnessId: text('harness_id'),
    harnessKey: text('harness_key'),
    hardwareClass: text('hardware_class'),
    verdict: text('verdict').notNull(),
    // The change warned about: the normalised diff's key (when a diff was sent) and the catalogue's reading.
    diffKey: text('diff_key'),
    changes: jsonb('changes')
      .$type<{ concept: string; action: string; from: string | null; to: string | null }[]>()
      .notNull()
      .default(sql`'[]'::jsonb`),
    // The ideas the warning cited (informative only: "the same change" is matched by diff key or changes).
    ideaIds: text('idea_ids')
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
  },
  (t) => [index('check_events_key_idx').on(t.keyFingerprint, t.createdAt), index('check_events_harness_idx').on(t.harnessKey, t.createdAt)],
);

export type CheckEventRow = typeof checkEvents.$inferSelect;
export type NewCheckEventRow = typeof checkEvents.$inferInsert;
