// SQL for the leaderboard: harnesses and per-class counts (from board_counts, which triggers keep
// current), best keeps, and the best-so-far history (each keep that beat every earlier keep of
// its class). Only signed records rank: unsigned public-log records count as evidence in ideas;
// replications (payload `replicates`) confirm their original and never rank themselves; flagged keeps
// are listed apart with their reason.
import { asc, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { records, type RecordRow } from '../db/schema/records.ts';
import { boardCounts } from '../db/schema/board-counts.ts';
import { queryRows } from '../db/rows.ts';

/** A harness key (equivalent upstream versions share one) with the prepare.py ids seen under it. */
export interface HarnessSummary {
  harnessId: string;
  name: string;
  records: number;
  contributors: number;
  versions: string[];
}
export interface ClassCounts {
  hardwareClass: string;
  records: number;
  contributors: number;
  keeps: number;
}
export interface FlaggedKeep {
  id: string;
  hardwareClass: string;
  valBpb: number;
  description: string;
  flagReason: string | null;
  keyFingerprint: string;
  createdAt: Date;
}
export interface HistoryPoint {
  hardwareClass: string;
  id: string;
  valBpb: number;
  createdAt: Date;
  timeUnknown: boolean;
}

/**
 * The record says its time is unknown (payload `time_unknown: true`). The payload is canonical JSON,
 * where that key/value pair can only be written this one way, and a quote inside a string value is
 * always escaped, so the bytes below occur only as the payload's own field.
 */
const TIME_UNKNOWN = sql`strpos(r.payload, '"time_unknown":true') > 0`;

/** The harness key a record ranks under (rows stored before keys existed fall back to their id). */
const KEY = sql<string>`coalesce(${records.harnessKey}, ${records.harnessId})`;

/** A text[] as the drivers return it: an array (postgres.js) or its literal (`{a,b}`). */
function parseArray(v: string[] | string): string[] {
  return Array.isArray(v)
    ? v
    : v
        .replace(/^\{|\}$/g, '')
        .split(',')
        .filter(Boolean);
}

export class LeaderboardRepository {
  constructor(private readonly db: Db) {}

  /** Harness keys by records, from the counts the triggers keep (board_counts), not a scan of records. */
  async harnesses(): Promise<HarnessSummary[]> {
    const rows = await queryRows<{ harness_key: string; name: string; records: number; contributors: number; versions: string[] | string }>(
      this.db,
      sql`SELECT harness_key, max(harness_name) AS name, sum(records)::int AS records,
                 count(DISTINCT key_fingerprint)::int AS contributors, array_agg(DISTINCT harness_id ORDER BY harness_id) AS versions
          FROM board_counts GROUP BY harness_key ORDER BY sum(records) DESC, harness_key`,
    );
    return rows.map((r) => ({
      harnessId: r.harness_key,
      name: r.name,
      records: Number(r.records),
      contributors: Number(r.contributors),
      versions: parseArray(r.versions),
    }));
  }

  async classCounts(harnessKey: string): Promise<ClassCounts[]> {
    const rows = await this.db
      .select({
        hardwareClass: boardCounts.hardwareClass,
        records: sql<number>`sum(${boardCounts.records})::int`,
        contributors: sql<number>`count(distinct ${boardCounts.keyFingerprint})::int`,
        keeps: sql<number>`sum(${boardCounts.keeps})::int`,
      })
      .from(boardCounts)
      .where(eq(boardCounts.harnessKey, harnessKey))
      .groupBy(boardCounts.hardwareClass);
    return rows.map((r) => ({ ...r, records: Number(r.records), contributors: Number(r.contributors), keeps: Number(r.keeps) }));
  }

  /**
   * The lowest-val_bpb keep of each hardware class (earliest wins a tie); flagged and hidden
   * records never rank. One probe of records_rank_idx per class, not a scan of the keeps.
   */
  async bestKeeps(harnessKey: string): Promise<RecordRow[]> {
    const ids = await queryRows<{ id: string }>(
      this.db,
      sql`SELECT best.id FROM (SELECT DISTINCT hardware_class FROM board_counts WHERE harness_key = ${harnessKey} AND keeps > 0) c
          CROSS JOIN LATERAL (
            SELECT id FROM records
            WHERE coalesce(harness_key, harness_id) = ${harnessKey} AND hardware_class = c.hardware_class
              AND status = 'keep' AND val_bpb IS NOT NULL AND NOT flagged AND NOT hidden AND signed AND replicates IS NULL
            ORDER BY val_bpb, created_at, seq LIMIT 1) best`,
    );
    if (ids.length === 0) return [];
    return this.db
      .select()
      .from(records)
      .where(
        inArray(
          records.id,
          ids.map((r) => r.id),
        ),
      )
      .orderBy(asc(records.hardwareClass));
  }

  /**
   * Flagged keeps of a harness key, best first, at most `perClass` per class: claims shown with the
   * reason they cannot lead (flagged records are rare; records_flagged_idx lists them).
   */
  async flaggedKeeps(harnessKey: string, perClass = 3): Promise<FlaggedKeep[]> {
    const rows = await queryRows<{
      id: string;
      hardware_class: string;
      val_bpb: number;
      description: string;
      flag_reason: string | null;
      key_fingerprint: string;
      created_at: string | Date;
    }>(
      this.db,
      sql`SELECT id, hardware_class, val_bpb, description, flag_reason, key_fingerprint, created_at FROM (
            SELECT *, row_number() OVER (PARTITION BY hardware_class ORDER BY val_bpb, created_at, seq) AS rn FROM records
            WHERE flagged AND coalesce(harness_key, harness_id) = ${harnessKey} AND status = 'keep' AND val_bpb IS NOT NULL
              AND signed AND NOT hidden AND replicates IS NULL) f
          WHERE rn <= ${perClass} ORDER BY hardware_class, val_bpb`,
    );
    return rows.map((r) => ({
      id: r.id,
      hardwareClass: r.hardware_class,
      valBpb: Number(r.val_bpb),
      description: r.description,
      flagReason: r.flag_reason,
      keyFingerprint: r.key_fingerprint,
      createdAt: new Date(r.created_at),
    }));
  }

  /** Records by id (a class's best confirmed result, found by the noise model's groups). */
  async rows(ids: string[]): Promise<RecordRow[]> {
    return ids.length ? this.db.select().from(records).where(inArray(records.id, ids)) : [];
  }

  async history(harnessId: string): Promise<HistoryPoint[]> {
    const rows = await queryRows<{
      hardware_class: string;
      id: string;
      val_bpb: number;
      created_at: string | Date;
      time_unknown: boolean | string;
    }>(
      this.db,
      // The window runs over records_history_idx alone (no payloads); only the few points found
      // are read from the table, for their time_unknown.
      sql`
        SELECT k.hardware_class, k.id, k.val_bpb, k.created_at, ${TIME_UNKNOWN} AS time_unknown FROM (
          SELECT hardware_class, id, val_bpb, created_at, seq,
                 min(val_bpb) OVER (PARTITION BY hardware_class ORDER BY created_at, seq
                                    ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS best_before
          FROM records
          WHERE coalesce(harness_key, harness_id) = ${harnessId} AND status = 'keep' AND val_bpb IS NOT NULL AND NOT flagged AND NOT hidden AND signed
            AND replicates IS NULL
        ) k JOIN records r ON r.id = k.id
        WHERE k.best_before IS NULL OR k.val_bpb < k.best_before
        ORDER BY k.hardware_class, k.created_at, k.seq`,
    );
    return rows.map((r) => ({
      hardwareClass: r.hardware_class,
      id: r.id,
      valBpb: Number(r.val_bpb),
      createdAt: new Date(r.created_at),
      timeUnknown: r.time_unknown === true || r.time_unknown === 't',
    }));
  }
}
