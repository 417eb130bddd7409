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
  createdAt: Date;
}

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
    createdAt: new Date(r.created_at as string | Date),
  };
}

export const GROUP_COLUMNS = sql.raw('id, hardware_class, hardware_family, replication_key, key_fingerprint, val_bpb, parent_val_bpb, status, flagged, replicates, created_at');

export class NoiseRepository {
  constructor(private readonly db: Db) {}

  /**
   * The members of every replication group of two or more measurements on this harness key, per
   * class: the groups come from an index-only group-by over records_replication_idx, singletons
   * (most records) are never read.
   */
  async groupMembers(harnessKey: string): Promise<GroupRow[]> {
    const rows = await queryRows<Record<string, unknown>>(
      this.db,
      sql`SELECT r.id, r.hardware_class, r.hardware_family, r.replication_key, r.key_fingerprint, r.val_bpb, r.parent_val_bpb,
                 r.status, r.flagged, r.replicates, r.created_at
          FROM (SELECT hardware_class, replication_key FROM records
                WHERE coalesce(harness_key, harness_id) = ${harnessKey} AND replication_key IS NOT NULL AND val_bpb IS NOT NULL AND signed AND NOT hidden
                GROUP BY hardware_class, replication_key HAVING count(*) > 1) g
          JOIN records r ON r.hardware_class = g.hardware_class AND r.replication_key = g.replication_key
          WHERE coalesce(r.harness_key, r.harness_id) = ${harnessKey} AND r.val_bpb IS NOT NULL AND r.signed AND NOT r.hidden`,
    );
    return rows.map(groupRow);
  }
}
