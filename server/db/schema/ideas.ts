// Ideas (one change, however often tried) and the record embeddings they are matched by.
import { sql } from 'drizzle-orm';
import { doublePrecision, index, integer, pgTable, primaryKey, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { anyVector } from './vector.ts';

export const ideas = pgTable('ideas', {
  id: text('id').primaryKey(),
  // The founding record's description and parameter key: how the idea is shown and matched.
  description: text('description').notNull(),
  paramKey: text('param_key'),
  foundingRecordId: text('founding_record_id').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().default(sql`now()`),
});

export const recordEmbeddings = pgTable(
  'record_embeddings',
  {
    recordId: text('record_id').notNull(),
    model: text('model').notNull(),
    // Denormalised from records so the nearest-neighbour query touches one table.
    ideaId: text('idea_id').notNull(),
    paramKey: text('param_key'),
    embedding: anyVector('embedding').notNull(),
    // Hash of the vector and parameter key: an idea indexes each distinct pair once (IdeaRepository.assign).
    vectorKey: text('vector_key'),
  },
  (t) => [
    primaryKey({ columns: [t.recordId, t.model] }),
    index('record_embeddings_idea_idx').on(t.ideaId),
    uniqueIndex('record_embeddings_distinct_idx').on(t.ideaId, t.model, t.vectorKey),
  ],
);

/**
 * Evidence per (idea, harness, hardware class), recomputed from `records` whenever a record
 * joins an idea or a key is revoked or restored, so a check reads a few rows however often
 * an idea was tried. Hidden records never count.
 */
export const ideaEvidence = pgTable(
  'idea_evidence',
  {
    ideaId: text('idea_id').notNull(),
    harnessId: text('harness_id').notNull(),
    hardwareClass: text('hardware_class').notNull(),
    attempts: integer('attempts').notNull(),
    keeps: integer('keeps').notNull(),
    discards: integer('discards').notNull(),
    crashes: integer('crashes').notNull(),
    oomCrashes: integer('oom_crashes').notNull(),
    maxOomMemoryGb: doublePrecision('max_oom_memory_gb'),
    contributors: integer('contributors').notNull(),
    medianDelta: doublePrecision('median_delta'),
    minDelta: doublePrecision('min_delta'),
    maxDelta: doublePrecision('max_delta'),
  },
  (t) => [primaryKey({ columns: [t.ideaId, t.harnessId, t.hardwareClass] }), index('idea_evidence_scope_idx').on(t.harnessId, t.hardwareClass)],
);

export type IdeaRow = typeof ideas.$inferSelect;
