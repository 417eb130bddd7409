// The background job queue (a transactional outbox): rows are written in the same
// transaction as the records they concern, and deleted only once handled.
import { sql } from 'drizzle-orm';
import { bigint, index, integer, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

export const jobs = pgTable(
  'jobs',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    kind: text('kind').notNull(),
    /** What the job is about, e.g. a record id. */
    subject: text('subject').notNull(),
    runAt: timestamp('run_at', { withTimezone: true, mode: 'date' })
      .notNull()
      .default(sql`now()`),
    lockedUntil: timestamp('locked_until', { withTimezone: true, mode: 'date' }),
    /** The lease holding it (`host:pid:random`): only that worker may extend, complete or reschedule it. */
    lease: text('lease'),
    attempts: integer('attempts').notNull().default(0),
    lastError: text('last_error'),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' })
      .notNull()
      .default(sql`now()`),
  },
  (t) => [index('jobs_due_idx').on(t.kind, t.runAt, t.id)],
);

export type JobRow = typeof jobs.$inferSelect;
