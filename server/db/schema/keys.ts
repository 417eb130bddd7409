// Links from signing keys to GitHub logins (`POST /v1/keys`), re-checked against GitHub's
// list of the user's public keys; a key removed there loses its link (unlinked_at set).
import { sql } from 'drizzle-orm';
import { index, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

export const keyLinks = pgTable(
  'key_links',
  {
    keyFingerprint: text('key_fingerprint').primaryKey(),
    publicKey: text('public_key').notNull(),
    githubLogin: text('github_login').notNull(),
    // The signed crossfork.key/v1 statement: its id (refuses replays), canonical payload, signature.
    linkId: text('link_id').notNull(),
    payload: text('payload').notNull(),
    signature: text('signature').notNull(),
    linkedAt: timestamp('linked_at', { withTimezone: true, mode: 'date' }).notNull(),
    checkedAt: timestamp('checked_at', { withTimezone: true, mode: 'date' })
      .notNull()
      .default(sql`now()`),
    unlinkedAt: timestamp('unlinked_at', { withTimezone: true, mode: 'date' }),
    unlinkReason: text('unlink_reason'),
  },
  (t) => [index('key_links_login_idx').on(t.githubLogin), index('key_links_checked_idx').on(t.checkedAt)],
);

export type KeyLinkRow = typeof keyLinks.$inferSelect;
export type NewKeyLinkRow = typeof keyLinks.$inferInsert;
