// SQL for `forks` and `github_cursors`: upsert a page of discovered forks together with the
// cursor after it (one transaction), list forks in a stable order, record crawl outcomes.
import { and, asc, eq, gt, or, sql } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { forks, githubCursors, type ForkRow, type NewForkRow } from '../db/schema/forks.ts';

export interface CrawlOutcome {
  oid: string | null;
  status: string;
  detail: string | null;
  rows: number | null;
  skipped: unknown[] | null;
}

export class ForkRepository {
  constructor(private readonly db: Db) {}

  async cursor(key: string): Promise<{ cursor: string | null; pages: number } | undefined> {
    const [row] = await this.db.select().from(githubCursors).where(eq(githubCursors.key, key)).limit(1);
    return row ? { cursor: row.cursor, pages: row.pages } : undefined;
  }

  async clearCursor(key: string): Promise<void> {
    await this.db.delete(githubCursors).where(eq(githubCursors.key, key));
  }

  /**
   * Stores a page of forks and the cursor after it in one transaction: a failure leaves the
   * previous page's state, and a retry resumes from it. Returns ids whose default-branch head
   * differs from the last crawled commit (they need a crawl).
   */
  async savePage(key: string, rows: NewForkRow[], cursor: string | null): Promise<string[]> {
    return this.db.transaction(async (txRaw) => {
      const tx = txRaw as unknown as Db;
      let changed: { id: string }[] = [];
      if (rows.length) {
        changed = await tx
          .insert(forks)
          .values(rows)
          .onConflictDoUpdate({
            target: forks.id,
            set: {
              nameWithOwner: sql`excluded.name_with_owner`,
              owner: sql`excluded.owner`,
              name: sql`excluded.name`,
              parent: sql`excluded.parent`,
              depth: sql`least(${forks.depth}, excluded.depth)`,
              url: sql`excluded.url`,
              pushedAt: sql`excluded.pushed_at`,
              stars: sql`excluded.stars`,
              forkCount: sql`excluded.fork_count`,
              defaultBranch: sql`excluded.default_branch`,
              headOid: sql`excluded.head_oid`,
              headCommittedAt: sql`excluded.head_committed_at`,
              seenAt: sql`now()`,
            },
          })
          .returning({ id: forks.id, head: forks.headOid, crawled: forks.crawledOid })
          .then((r) => r.filter((x) => x.head !== null && x.head !== x.crawled));
      }
      await tx
        .insert(githubCursors)
        .values({ key, cursor, pages: 1 })
        .onConflictDoUpdate({ target: githubCursors.key, set: { cursor, pages: sql`${githubCursors.pages} + 1`, updatedAt: sql`now()` } });
      return changed.map((c) => c.id);
    });
  }

  async find(id: string): Promise<ForkRow | undefined> {
    const [row] = await this.db.select().from(forks).where(eq(forks.id, id)).limit(1);
    return row;
  }

  /** Forks ordered by (depth, name), after the given position (keyset pagination). */
  async list(limit: number, after?: { depth: number; name: string }): Promise<ForkRow[]> {
    return this.db
      .select()
      .from(forks)
      .where(after ? or(gt(forks.depth, after.depth), and(eq(forks.depth, after.depth), gt(forks.nameWithOwner, after.name))) : undefined)
      .orderBy(asc(forks.depth), asc(forks.nameWithOwner))
      .limit(limit);
  }

  async count(): Promise<number> {
    const [row] = await this.db.select({ n: sql<number>`count(*)::int` }).from(forks);
    return Number(row.n);
  }

  /** Forks of `parent` that have forks of their own (the next level of discovery). */
  async childrenWithForks(parent: string): Promise<ForkRow[]> {
    return this.db
      .select()
      .from(forks)
      .where(and(eq(forks.parent, parent), gt(forks.forkCount, 0)))
      .orderBy(asc(forks.nameWithOwner));
  }

  async saveCrawl(id: string, o: CrawlOutcome, tx: Db = this.db): Promise<void> {
    await tx
      .update(forks)
      .set({
        crawledOid: o.oid,
        crawledAt: sql`now()`,
        crawlStatus: o.status,
        crawlDetail: o.detail,
        logRows: o.rows,
        logSkipped: o.skipped ? JSON.stringify(o.skipped) : null,
      })
      .where(eq(forks.id, id));
  }
}
