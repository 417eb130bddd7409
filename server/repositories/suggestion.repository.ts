// SQL for suggestions: the ideas kept somewhere that a fork has not tried (candidates, those kept
// on the caller's class or family first), and how many ideas a fork has tried.
import { sql } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { queryRows } from '../db/rows.ts';

export class SuggestionRepository {
  constructor(private readonly db: Db) {}

  /**
   * Ideas with at least one visible keep, not tried by `forkId` (any of its records, on any
   * harness), at most `limit`: most keeps on this class or family first, then most keeps anywhere.
   */
  async candidates(
    scope: { hardwareClass: string | null; hardwareFamily: string | null; forkId: string | null },
    limit: number,
  ): Promise<string[]> {
    const near =
      scope.hardwareClass || scope.hardwareFamily
        ? sql`coalesce(sum(keeps) FILTER (WHERE hardware_class = ${scope.hardwareClass ?? ''} OR hardware_family = ${scope.hardwareFamily ?? ''}), 0) DESC,`
        : sql``;
    const tried = scope.forkId
      ? sql`AND NOT EXISTS (SELECT 1 FROM records r WHERE r.fork_id = ${scope.forkId} AND r.idea_id = e.idea_id)`
      : sql``;
    const rows = await queryRows<{ idea_id: string }>(
      this.db,
      sql`SELECT e.idea_id FROM idea_evidence e
          WHERE e.hardware_class <> '' ${tried}
          GROUP BY e.idea_id
          HAVING sum(keeps) > 0
          ORDER BY ${near} sum(keeps) DESC, e.idea_id
          LIMIT ${limit}`,
    );
    return rows.map((r) => r.idea_id);
  }

  /** Distinct ideas of the fork's records (what suggestions leave out). */
  async triedCount(forkId: string): Promise<number> {
    const [row] = await queryRows<{ n: number | string }>(
      this.db,
      sql`SELECT count(DISTINCT idea_id) AS n FROM records WHERE fork_id = ${forkId} AND idea_id IS NOT NULL`,
    );
    return Number(row?.n ?? 0);
  }
}
