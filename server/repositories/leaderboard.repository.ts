// Aggregate SQL over `records` for the leaderboard: harnesses, per-class counts, best keeps,
// and the best-so-far history (each keep that beat every earlier keep of its class). Only
// signed records rank: unsigned public-log records count as evidence in ideas, not here.
import { and, asc, eq, sql } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { records, type RecordRow } from '../db/schema/records.ts';
import { queryRows } from '../db/rows.ts';

export interface HarnessSummary { harnessId: string; name: string; records: number; contributors: number }
export interface ClassCounts { hardwareClass: string; records: number; contributors: number; keeps: number }
export interface HistoryPoint { hardwareClass: string; id: string; valBpb: number; createdAt: Date }

export class LeaderboardRepository {
  constructor(private readonly db: Db) {}

  async harnesses(): Promise<HarnessSummary[]> {
    const rows = await this.db
      .select({
        harnessId: records.harnessId,
        name: sql<string>`max(${records.harnessName})`,
        records: sql<number>`count(*)::int`,
        contributors: sql<number>`count(distinct ${records.keyFingerprint})::int`,
      })
      .from(records)
      .where(and(eq(records.hidden, false), eq(records.signed, true)))
      .groupBy(records.harnessId)
      .orderBy(sql`count(*) desc`, records.harnessId);
    return rows.map((r) => ({ ...r, records: Number(r.records), contributors: Number(r.contributors) }));
  }

  async classCounts(harnessId: string): Promise<ClassCounts[]> {
    const rows = await this.db
      .select({
        hardwareClass: records.hardwareClass,
        records: sql<number>`count(*)::int`,
        contributors: sql<number>`count(distinct ${records.keyFingerprint})::int`,
        keeps: sql<number>`count(*) filter (where ${records.status} = 'keep')::int`,
      })
      .from(records)
      .where(and(eq(records.harnessId, harnessId), eq(records.hidden, false), eq(records.signed, true)))
      .groupBy(records.hardwareClass);
    return rows.map((r) => ({ ...r, records: Number(r.records), contributors: Number(r.contributors), keeps: Number(r.keeps) }));
  }

  /** The lowest-val_bpb keep of each hardware class (earliest wins a tie); flagged and hidden records never rank. */
  async bestKeeps(harnessId: string): Promise<RecordRow[]> {
    return this.db
      .selectDistinctOn([records.hardwareClass])
      .from(records)
      .where(and(eq(records.harnessId, harnessId), eq(records.status, 'keep'), sql`${records.valBpb} is not null`, eq(records.flagged, false), eq(records.hidden, false), eq(records.signed, true)))
      .orderBy(asc(records.hardwareClass), asc(records.valBpb), asc(records.createdAt), asc(records.seq));
  }

  async history(harnessId: string): Promise<HistoryPoint[]> {
    const rows = await queryRows<{ hardware_class: string; id: string; val_bpb: number; created_at: string | Date }>(
      this.db,
      sql`
        SELECT hardware_class, id, val_bpb, created_at FROM (
          SELECT hardware_class, id, val_bpb, created_at, seq,
                 min(val_bpb) OVER (PARTITION BY hardware_class ORDER BY created_at, seq
                                    ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS best_before
          FROM records
          WHERE harness_id = ${harnessId} AND status = 'keep' AND val_bpb IS NOT NULL AND NOT flagged AND NOT hidden AND signed
        ) k
        WHERE best_before IS NULL OR val_bpb < best_before
        ORDER BY hardware_class, created_at, seq`,
    );
    return rows.map((r) => ({ hardwareClass: r.hardware_class, id: r.id, valBpb: Number(r.val_bpb), createdAt: new Date(r.created_at) }));
  }
}
