// Forks of the upstream found on GitHub (discovery), what their public results.tsv gave
// (crawl), and the saved page cursors that let an interrupted discovery resume.
import { sql } from 'drizzle-orm';
import { index, integer, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';

export const forks = pgTable(
  'forks',
  {
    // GitHub's node id: stable across renames.
    id: text('id').primaryKey(),
    nameWithOwner: text('name_with_owner').notNull(),
    owner: text('owner').notNull(),
    name: text('name').notNull(),
    parent: text('parent').notNull(),
    depth: integer('depth').notNull(),
    url: text('url').notNull(),
    pushedAt: timestamp('pushed_at', { withTimezone: true, mode: 'date' }),
    stars: integer('stars').notNull(),
    forkCount: integer('fork_count').notNull(),
    defaultBranch: text('default_branch'),
    headOid: text('head_oid'),
    headCommittedAt: timestamp('head_committed_at', { withTimezone: true, mode: 'date' }),
    discoveredAt: timestamp('discovered_at', { withTimezone: true, mode: 'date' })
      .notNull()
      .default(sql`now()`),
    seenAt: timestamp('seen_at', { withTimezone: true, mode: 'date' })
      .notNull()
      .default(sql`now()`),
    // The public log as of the last crawl: the commit read, the outcome, rows ingested, rows skipped (JSON).
    crawledOid: text('crawled_oid'),
    crawledAt: timestamp('crawled_at', { withTimezone: true, mode: 'date' }),
    crawlStatus: text('crawl_status'),
    crawlDetail: text('crawl_detail'),
    logRows: integer('log_rows'),
    logSkipped: text('log_skipped'),
  },
  (t) => [uniqueIndex('forks_name_idx').on(t.nameWithOwner), index('forks_order_idx').on(t.depth, t.nameWithOwner)],
);

/** Where a paged GitHub listing stopped (`forks:OWNER/NAME`): a retried job resumes there. */
export const githubCursors = pgTable('github_cursors', {
  key: text('key').primaryKey(),
  cursor: text('cursor'),
  pages: integer('pages').notNull().default(0),
  updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' })
    .notNull()
    .default(sql`now()`),
});

export type ForkRow = typeof forks.$inferSelect;
export type NewForkRow = typeof forks.$inferInsert;
