// SQL for suggestions: the ideas kept somewhere that a fork has not tried (candidates, those kept
// on the caller's class or family first), how many ideas a fork has tried, what its failures
// changed, and the changes candidate ideas make.
import { sql } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { queryRows } from '../db/rows.ts';

/** A change as the catalogue reads it (records.changes, ideas.changes). */
export interface StoredChange {
  concept: string;
  action: string;
  from: string | null;
  to: string | null;
}

const textArray = (xs: readonly string[]) =>
  sql`ARRAY[${sql.join(
    xs.map((x) => sql`${x}`),
    sql`, `,
  )}]::text[]`;
const parsed = <T>(v: T | string): T => (typeof v === 'string' ? (JSON.parse(v) as T) : v);

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

  /** The fork's discarded and crashed records that the catalogue read changes from, oldest first. */
  async failures(forkId: string): Promise<{ status: 'discard' | 'crash'; description: string; changes: StoredChange[] }[]> {
    const rows = await queryRows<{ status: 'discard' | 'crash'; description: string; changes: StoredChange[] | string }>(
      this.db,
      sql`SELECT status, description, changes FROM records
          WHERE fork_id = ${forkId} AND status IN ('discard', 'crash') AND changes IS NOT NULL AND jsonb_array_length(changes) > 0
          ORDER BY seq`,
    );
    return rows.map((r) => ({ status: r.status, description: r.description, changes: parsed(r.changes) }));
  }

  /** Each idea's distinct changes with how many of its records make each (ideas.changes). */
  async ideaChanges(ideaIds: readonly string[]): Promise<Map<string, (StoredChange & { records: number })[]>> {
    if (ideaIds.length === 0) return new Map();
    const rows = await queryRows<{ id: string; changes: (StoredChange & { records: number })[] | string | null }>(
      this.db,
      sql`SELECT id, changes FROM ideas WHERE id IN (SELECT unnest(${textArray(ideaIds)}))`,
    );
    return new Map(rows.map((r) => [r.id, r.changes ? parsed(r.changes) : []]));
  }
}
