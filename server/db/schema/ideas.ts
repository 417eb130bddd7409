// Ideas (one change, however often tried) and the record embeddings they are matched by.
import { sql } from 'drizzle-orm';
import { doublePrecision, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { anyVector } from './vector.ts';
import { tsvector } from './tsvector.ts';

export const ideas = pgTable(
  'ideas',
  {
    id: text('id').primaryKey(),
    // The founding record's description and parameter key: how the idea is shown and matched.
    description: text('description').notNull(),
    paramKey: text('param_key'),
    foundingRecordId: text('founding_record_id').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' })
      .notNull()
      .default(sql`now()`),
    // Retrieval documents, recomputed from the idea's visible records: the concepts its records
    // change, their distinct changes with counts, and a full-text document of descriptions plus
    // the catalogue's words for those concepts.
    concepts: text('concepts')
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    changes: jsonb('changes')
      .$type<{ concept: string; action: string; from: string | null; to: string | null; records: number }[]>()
      .notNull()
      .default(sql`'[]'::jsonb`),
    search: tsvector('search'),
    attempts: integer('attempts').notNull().default(0),
    // How many distinct descriptions the document holds (assignment appends while below the cap).
    described: integer('described').notNull().default(0),
  },
  // No pending list (fastupdate off): ideas are rewritten on every assignment, and a GIN pending
  // list that grows between vacuums is scanned whole by every search (check's lexical query took
  // 205 ms mean under the load bench with it, 5 ms without).
  (t) => [
    index('ideas_concepts_idx').using('gin', t.concepts).with({ fastupdate: false }),
    index('ideas_search_idx').using('gin', t.search).with({ fastupdate: false }),
  ],
);

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
 * Evidence per (idea, harness key, hardware class) — `harness_id` holds the harness key, under
 * which equivalent upstream prepare.py versions count as one —, recomputed from `records` whenever a record
 * joins an idea or a key is revoked or restored, so a check reads a few rows however often
 * an idea was tried. Hidden records never count.
 */
export const ideaEvidence = pgTable(
  'idea_evidence',
  {
    ideaId: text('idea_id').notNull(),
    harnessId: text('harness_id').notNull(),
    hardwareClass: text('hardware_class').notNull(),
    hardwareFamily: text('hardware_family').notNull().default(''),
    acceleratorKind: text('accelerator_kind').notNull().default(''),
    attempts: integer('attempts').notNull(),
    keeps: integer('keeps').notNull(),
    discards: integer('discards').notNull(),
    crashes: integer('crashes').notNull(),
    oomCrashes: integer('oom_crashes').notNull(),
    maxOomMemoryGb: doublePrecision('max_oom_memory_gb'),
    contributors: integer('contributors').notNull(),
    // Records with a delta against their parent (crashes and parentless rows have none).
    deltas: integer('deltas').notNull().default(0),
    medianDelta: doublePrecision('median_delta'),
    minDelta: doublePrecision('min_delta'),
    maxDelta: doublePrecision('max_delta'),
    // Visible records of the cell that are shown but not counted above (invalid, baseline, no parent).
    excluded: integer('excluded').notNull().default(0),
    // What the median and the distinct contributors are recomputed from when a batch adds records
    // (the counted deltas, the counted records' key fingerprints): never read by the API.
    deltaValues: doublePrecision('delta_values').array(),
    contributorKeys: text('contributor_keys').array(),
  },
  (t) => [
    primaryKey({ columns: [t.ideaId, t.harnessId, t.hardwareClass] }),
    index('idea_evidence_scope_idx').on(t.harnessId, t.hardwareClass),
  ],
);

export type IdeaRow = typeof ideas.$inferSelect;
