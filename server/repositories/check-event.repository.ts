// SQL for `check_events` (checks that warned) and what their callers published afterwards: the
// counts behind the GPU time saved (server/services/gpu-time.service.ts states the rule).
import { sql } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { queryRows } from '../db/rows.ts';
import { checkEvents, type NewCheckEventRow } from '../db/schema/check-events.ts';

export interface OutcomeCounts {
  harnessKey: string | null;
  warned: number;
  followed: number;
  skipped: number;
  pending: number;
  ranAnyway: number;
  ranFailed: number;
}

export class CheckEventRepository {
  constructor(private readonly db: Db) {}

  async insert(row: NewCheckEventRow): Promise<void> {
    await this.db.insert(checkEvents).values(row);
  }

  /**
   * Per harness key: warned checks; those that can be followed up (a caller key and a change to
   * match); of those, the ones whose caller published the same change (same diff key, or records'
   * catalogue changes containing the warned ones) within `windowS` of the warning, and how many of
   * those were not kept; the ones with no such record and the window closed (skipped) or open (pending).
   */
  async outcomes(windowS: number, now: Date): Promise<OutcomeCounts[]> {
    const rows = await queryRows<Record<string, string | number | null>>(
      this.db,
      sql`WITH e AS (
            SELECT e.harness_key,
                   e.key_fingerprint IS NOT NULL AND (e.diff_key IS NOT NULL OR e.changes <> '[]'::jsonb) AS followed,
                   e.created_at + make_interval(secs => ${windowS}) <= ${now.toISOString()}::timestamptz AS closed,
                   ran.status
            FROM check_events e
            LEFT JOIN LATERAL (
              SELECT r.status FROM records r
              WHERE e.key_fingerprint IS NOT NULL AND r.key_fingerprint = e.key_fingerprint AND NOT r.hidden
                AND r.received_at >= e.created_at AND r.received_at < e.created_at + make_interval(secs => ${windowS})
                AND ((e.diff_key IS NOT NULL AND r.diff_key = e.diff_key) OR (e.changes <> '[]'::jsonb AND r.changes @> e.changes))
              ORDER BY r.received_at LIMIT 1
            ) ran ON true
          )
          SELECT harness_key,
                 count(*)::int AS warned,
                 count(*) FILTER (WHERE followed)::int AS followed,
                 count(*) FILTER (WHERE followed AND status IS NULL AND closed)::int AS skipped,
                 count(*) FILTER (WHERE followed AND status IS NULL AND NOT closed)::int AS pending,
                 count(*) FILTER (WHERE followed AND status IS NOT NULL)::int AS ran_anyway,
                 count(*) FILTER (WHERE followed AND status IS NOT NULL AND status <> 'keep')::int AS ran_failed
          FROM e GROUP BY harness_key ORDER BY count(*) DESC, harness_key`,
    );
    return rows.map((r) => ({
      harnessKey: (r.harness_key as string | null) ?? null,
      warned: Number(r.warned),
      followed: Number(r.followed),
      skipped: Number(r.skipped),
      pending: Number(r.pending),
      ranAnyway: Number(r.ran_anyway),
      ranFailed: Number(r.ran_failed),
    }));
  }

  /** The median time budget (seconds) records of each harness key declare. */
  async timeBudgets(harnessKeys: string[]): Promise<Map<string, number>> {
    if (harnessKeys.length === 0) return new Map();
    const rows = await queryRows<{ harness_key: string; budget: number | string | null }>(
      this.db,
      sql`SELECT coalesce(harness_key, harness_id) AS harness_key,
                 percentile_disc(0.5) WITHIN GROUP (ORDER BY (payload::jsonb #>> '{harness,time_budget_s}')::float8) AS budget
          FROM records
          WHERE coalesce(harness_key, harness_id) IN (${sql.join(
            harnessKeys.map((k) => sql`${k}`),
            sql`, `,
          )})
          GROUP BY 1`,
    );
    return new Map(rows.filter((r) => r.budget !== null).map((r) => [r.harness_key, Number(r.budget)]));
  }
}
