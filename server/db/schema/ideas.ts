// Ideas (one change, however often tried) and the record embeddings they are matched by.
import { sql } from 'drizzle-orm';
import { index, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';
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
  },
  (t) => [primaryKey({ columns: [t.recordId, t.model] }), index('record_embeddings_idea_idx').on(t.ideaId)],
);

export type IdeaRow = typeof ideas.$inferSelect;
