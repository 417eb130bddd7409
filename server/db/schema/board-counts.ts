// The leaderboard's counts, kept up to date by triggers on `records` (migration 0008): signed,
// visible records and keeps per (harness key, harness id, hardware class, key). The board reads
// these few rows instead of scanning every record on each read after a write.
import { integer, pgTable, primaryKey, text } from 'drizzle-orm/pg-core';

export const boardCounts = pgTable(
  'board_counts',
  {
    /** What the record ranks under: `coalesce(records.harness_key, records.harness_id)`. */
    harnessKey: text('harness_key').notNull(),
    /** The prepare.py version (a key groups equivalent versions). */
    harnessId: text('harness_id').notNull(),
    hardwareClass: text('hardware_class').notNull(),
    keyFingerprint: text('key_fingerprint').notNull(),
    records: integer('records').notNull(),
    keeps: integer('keeps').notNull(),
    /** The greatest harness name among these records (the board shows max per harness). */
    harnessName: text('harness_name').notNull(),
  },
  (t) => [primaryKey({ name: 'board_counts_pkey', columns: [t.harnessKey, t.hardwareClass, t.keyFingerprint, t.harnessId] })],
);
