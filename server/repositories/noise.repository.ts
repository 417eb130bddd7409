// SQL for the noise model: every measurement (a signed, visible record with a val_bpb) of a
// harness that shares its replication group and hardware class with another one.
import { sql } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { queryRows } from '../db/rows.ts';

/** One measurement in a replication group of two or more on its harness key and class. */
export interface GroupRow {
  id: string;
  hardwareClass: string;
  /** Null for rows stored before families were derived. */
  hardwareFamily: string | null;
  replicationKey: string;
  keyFingerprint: string;
  valBpb: number;
  parentValBpb: number | null;
  status: string;
  flagged: boolean;
  replicates: string | null;
  /** Marked as a member of a group of two or more. */
  replicated: boolean;
  createdAt: Date;
  /** Measurements in its group on its harness key and class (more than the rows read when sampled). */
  groupSize: number;
}

/**
 * Measurements read per group: a group is one train.py, so its earliest GROUP_SAMPLE runs say as
 * much about the noise as all of them, and a popular change tried by thousands stays cheap.
 */
export const GROUP_SAMPLE = 200;

const bool = (v: unknown) => v === true || v === 't';

export function groupRow(r: Record<string, unknown>): GroupRow {
  return {
    id: String(r.id),
    hardwareClass: String(r.hardware_class),
    hardwareFamily: (r.hardware_family as string | null) ?? null,
    replicationKey: String(r.replication_key),
    keyFingerprint: String(r.key_fingerprint),
    valBpb: Number(r.val_bpb),
    parentValBpb: r.parent_val_bpb === null || r.parent_val_bpb === undefined ? null : Number(r.parent_val_bpb),
    status: String(r.status),
    flagged: bool(r.flagged),
    replicates: (r.replicates as string | null) ?? null,
    replicated: bool(r.replicated),
    createdAt: new Date(r.created_at as string | Date),
    groupSize: r.group_size === undefined ? 0 : Number(r.group_size),
  };
}

/**
 * `coalesce(r.harness_key, r.harness_id) = key`, written so that a group's scan walks
 * records_group_members_idx in seq order (the planner otherwise prefers the harness expression index
 * and sorts the whole group).
 */
export const onHarness = (harnessKey: string) =>
  sql`(r.harness_key = ${harnessKey} OR (r.harness_key IS NULL AND r.harness_id = ${harnessKey}))`;

export const GROUP_COLUMNS = sql.raw(
  'id, hardware_class, hardware_family, replication_key, key_fingerprint, val_bpb, parent_val_bpb, status, flagged, replicates, replicated, created_at',
);

export class NoiseRepository {
  constructor(private readonly db: Db) {}

  /**
   * The members of every replication group of two or more measurements on this harness key, per
   * class (the earliest GROUP_SAMPLE of each): only rows marked `replicated` (through
   * records_replication_idx) are read, never the singletons most records are.
   */
  async groupMembers(harnessKey: string): Promise<GroupRow[]> {
    // Groups and their sizes from the index alone, then each group's earliest rows
    // (records_group_members_idx): a group measured thousands of times is counted, not sorted.
    const rows = await queryRows<Record<string, unknown>>(
      this.db,
      sql`SELECT m.*, g.group_size FROM (
            SELECT hardware_class, replication_key, count(*) AS group_size FROM records
            WHERE replicated AND coalesce(harness_key, harness_id) = ${harnessKey} AND val_bpb IS NOT NULL AND signed AND NOT hidden
            GROUP BY 1, 2) g
          CROSS JOIN LATERAL (
            SELECT ${GROUP_COLUMNS} FROM records r
            WHERE r.replication_key = g.replication_key AND r.hardware_class = g.hardware_class AND r.replicated
              AND ${onHarness(harnessKey)} AND r.val_bpb IS NOT NULL AND r.signed AND NOT r.hidden
            ORDER BY r.seq LIMIT ${GROUP_SAMPLE}) m`,
    );
    return rows.map(groupRow);
  }
}
