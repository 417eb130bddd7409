// SQL for `key_links`: store or replace a key's link, look up active links by key or login,
// pick links due for a re-check, and mark them checked or unlinked.
import { and, asc, eq, inArray, isNull, lt, sql } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { keyLinks, type KeyLinkRow, type NewKeyLinkRow } from '../db/schema/keys.ts';

export class KeyLinkRepository {
  constructor(private readonly db: Db) {}

  async find(keyFingerprint: string): Promise<KeyLinkRow | undefined> {
    const [row] = await this.db.select().from(keyLinks).where(eq(keyLinks.keyFingerprint, keyFingerprint)).limit(1);
    return row;
  }

  /** Inserts or replaces the key's link (a key belongs to one login at a time). */
  async upsert(row: NewKeyLinkRow): Promise<KeyLinkRow> {
    const { keyFingerprint: _k, ...rest } = row;
    const [stored] = await this.db
      .insert(keyLinks)
      .values(row)
      .onConflictDoUpdate({ target: keyLinks.keyFingerprint, set: { ...rest, unlinkedAt: null, unlinkReason: null } })
      .returning();
    return stored;
  }

  /** Active links (GitHub still lists the key) of these fingerprints: fingerprint → login. */
  async loginsOf(fingerprints: string[]): Promise<Map<string, string>> {
    const fps = [...new Set(fingerprints)].filter((f) => f.startsWith('SHA256:'));
    if (fps.length === 0) return new Map();
    const rows = await this.db
      .select({ fp: keyLinks.keyFingerprint, login: keyLinks.githubLogin })
      .from(keyLinks)
      .where(and(inArray(keyLinks.keyFingerprint, fps), isNull(keyLinks.unlinkedAt)));
    return new Map(rows.map((r) => [r.fp, r.login]));
  }

  async list(filter: { login?: string; key?: string; limit: number }): Promise<KeyLinkRow[]> {
    return this.db
      .select()
      .from(keyLinks)
      .where(
        and(
          isNull(keyLinks.unlinkedAt),
          filter.login ? sql`lower(${keyLinks.githubLogin}) = lower(${filter.login})` : undefined,
          filter.key ? eq(keyLinks.keyFingerprint, filter.key) : undefined,
        ),
      )
      .orderBy(asc(keyLinks.githubLogin), asc(keyLinks.keyFingerprint))
      .limit(filter.limit);
  }

  /** Active links last checked before `before`, oldest check first. */
  async dueForCheck(before: Date, limit: number): Promise<KeyLinkRow[]> {
    return this.db
      .select()
      .from(keyLinks)
      .where(and(isNull(keyLinks.unlinkedAt), lt(keyLinks.checkedAt, before)))
      .orderBy(asc(keyLinks.checkedAt))
      .limit(limit);
  }

  async markChecked(fingerprints: string[], at: Date): Promise<void> {
    if (fingerprints.length) await this.db.update(keyLinks).set({ checkedAt: at }).where(inArray(keyLinks.keyFingerprint, fingerprints));
  }

  async unlink(fingerprint: string, reason: string, at: Date): Promise<void> {
    await this.db
      .update(keyLinks)
      .set({ unlinkedAt: at, checkedAt: at, unlinkReason: reason })
      .where(eq(keyLinks.keyFingerprint, fingerprint));
  }
}
