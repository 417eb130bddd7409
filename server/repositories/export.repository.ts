// SQL for the open dataset: visible records a page at a time in insertion order (the export and the
// snapshots stream through these pages, never the whole table), ideas and their per-class evidence.
import { and, asc, eq, gt, gte, lt, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { records, type RecordRow } from '../db/schema/records.ts';
import { ideaEvidence, ideas } from '../db/schema/ideas.ts';
import { evidenceReadColumns } from './evidence.repository.ts';

export interface ExportFilter {
  /** A harness key (equivalent upstream prepare.py versions share one): records ranked under it. */
  harnessKey?: string;
  hardwareClass?: string;
  /** received_at ≥ since and < until. */
  since?: Date;
  until?: Date;
}

/** What one exported record line is built from. */
export const exportColumns = {
  seq: records.seq,
  id: records.id,
  payload: records.payload,
  signature: records.signature,
  publicKey: records.publicKey,
  signed: records.signed,
  provenance: records.provenance,
  keyFingerprint: records.keyFingerprint,
  harnessId: records.harnessId,
  harnessKey: records.harnessKey,
  harnessName: records.harnessName,
  hardwareClass: records.hardwareClass,
  hardwareFamily: records.hardwareFamily,
  acceleratorKind: records.acceleratorKind,
  memoryGb: records.memoryGb,
  status: records.status,
  valBpb: records.valBpb,
  parentValBpb: records.parentValBpb,
  deltaValBpb: records.deltaValBpb,
  forkId: records.forkId,
  createdAt: records.createdAt,
  receivedAt: records.receivedAt,
  ideaId: records.ideaId,
  diffKey: records.diffKey,
  changes: records.changes,
  flagged: records.flagged,
  replicates: records.replicates,
  replicationKey: records.replicationKey,
};

export type ExportRow = Pick<RecordRow, keyof typeof exportColumns>;

export type EvidenceExportRow = Omit<typeof ideaEvidence.$inferSelect, 'deltaValues' | 'contributorKeys'>;
export interface IdeaExportRow {
  id: string;
  description: string;
  paramKey: string | null;
  foundingRecordId: string;
  createdAt: Date;
  attempts: number;
  concepts: string[];
}

const KEY = sql`coalesce(${records.harnessKey}, ${records.harnessId})`;

export class ExportRepository {
  constructor(private readonly db: Db) {}

  private where(f: ExportFilter, afterSeq: number): SQL {
    const w: SQL[] = [eq(records.hidden, false), gt(records.seq, afterSeq)];
    if (f.harnessKey) w.push(sql`${KEY} = ${f.harnessKey}`);
    if (f.hardwareClass) w.push(eq(records.hardwareClass, f.hardwareClass));
    if (f.since) w.push(gte(records.receivedAt, f.since));
    if (f.until) w.push(lt(records.receivedAt, f.until));
    return and(...w)!;
  }

  /** Up to `limit` visible records after `afterSeq`, oldest first (keyset pages: each costs the same however far in). */
  async page(f: ExportFilter, afterSeq: number, limit: number): Promise<ExportRow[]> {
    const rows = await this.db.select(exportColumns).from(records).where(this.where(f, afterSeq)).orderBy(asc(records.seq)).limit(limit);
    return rows as ExportRow[];
  }

  /** How many visible records match (after `afterSeq`): the export's expected length, for progress. */
  async count(f: ExportFilter, afterSeq = 0): Promise<number> {
    const [row] = await this.db
      .select({ n: sql<number>`count(*)::int` })
      .from(records)
      .where(this.where(f, afterSeq));
    return Number(row.n);
  }

  /** Ideas after `afterId` (by id), a page at a time. */
  async ideasPage(afterId: string, limit: number): Promise<IdeaExportRow[]> {
    return this.db
      .select({
        id: ideas.id,
        description: ideas.description,
        paramKey: ideas.paramKey,
        foundingRecordId: ideas.foundingRecordId,
        createdAt: ideas.createdAt,
        attempts: ideas.attempts,
        concepts: ideas.concepts,
      })
      .from(ideas)
      .where(gt(ideas.id, afterId))
      .orderBy(asc(ideas.id))
      .limit(limit);
  }

  /** Per (idea, harness key, class) evidence after the given key, a page at a time. */
  async evidencePage(after: { ideaId: string; harnessId: string; hardwareClass: string }, limit: number): Promise<EvidenceExportRow[]> {
    return this.db
      .select(evidenceReadColumns())
      .from(ideaEvidence)
      .where(
        sql`(${ideaEvidence.ideaId}, ${ideaEvidence.harnessId}, ${ideaEvidence.hardwareClass}) > (${after.ideaId}, ${after.harnessId}, ${after.hardwareClass})`,
      )
      .orderBy(asc(ideaEvidence.ideaId), asc(ideaEvidence.harnessId), asc(ideaEvidence.hardwareClass))
      .limit(limit);
  }
}
