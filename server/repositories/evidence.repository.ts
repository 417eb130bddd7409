// Aggregate SQL over records grouped by idea: the evidence behind verdicts, known-bad lists
// and idea pages (attempts, outcomes, contributors, delta val_bpb distribution).
import { and, desc, eq, inArray, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { records, type RecordRow } from '../db/schema/records.ts';

export interface EvidenceRow {
  ideaId: string;
  harnessId: string;
  hardwareClass: string;
  attempts: number;
  keeps: number;
  discards: number;
  crashes: number;
  /** Crashes whose description reports running out of memory, and the largest memory it happened on. */
  oomCrashes: number;
  maxOomMemoryGb: number | null;
  contributors: number;
  medianDelta: number | null;
  minDelta: number | null;
  maxDelta: number | null;
}

export const OOM_PATTERN = '(\\moom\\M|out of memory|outofmemory|cuda error: out of memory|memory exhausted)';

const aggregates = {
  attempts: sql<number>`count(*)::int`,
  keeps: sql<number>`count(*) filter (where ${records.status} = 'keep')::int`,
  discards: sql<number>`count(*) filter (where ${records.status} = 'discard')::int`,
  crashes: sql<number>`count(*) filter (where ${records.status} = 'crash')::int`,
  oomCrashes: sql<number>`count(*) filter (where ${records.status} = 'crash' and ${records.description} ~* ${OOM_PATTERN})::int`,
  maxOomMemoryGb: sql<number | null>`max(${records.memoryGb}) filter (where ${records.status} = 'crash' and ${records.description} ~* ${OOM_PATTERN})`,
  contributors: sql<number>`count(distinct ${records.keyFingerprint})::int`,
  medianDelta: sql<number | null>`percentile_cont(0.5) within group (order by ${records.deltaValBpb})`,
  minDelta: sql<number | null>`min(${records.deltaValBpb})`,
  maxDelta: sql<number | null>`max(${records.deltaValBpb})`,
};

function numbers<T extends Record<string, unknown>>(row: T): T {
  const out: Record<string, unknown> = { ...row };
  for (const [k, v] of Object.entries(out)) if (typeof v === 'string' && k !== 'ideaId' && k !== 'harnessId' && k !== 'hardwareClass') out[k] = Number(v);
  return out as T;
}

export class EvidenceRepository {
  constructor(private readonly db: Db) {}

  /** Evidence per (idea, harness, hardware class) for the given ideas. */
  async byIdeas(ideaIds: string[]): Promise<EvidenceRow[]> {
    if (ideaIds.length === 0) return [];
    const rows = await this.db
      .select({ ideaId: sql<string>`${records.ideaId}`, harnessId: records.harnessId, hardwareClass: records.hardwareClass, ...aggregates })
      .from(records)
      .where(and(inArray(records.ideaId, ideaIds), eq(records.hidden, false)))
      .groupBy(records.ideaId, records.harnessId, records.hardwareClass);
    return rows.map(numbers);
  }

  /** Ideas tried at least `minFailures` times in scope, never kept there; most-tried first. */
  async knownBadIdeas(scope: { harnessId?: string; hardwareClass?: string }, minFailures: number, limit: number): Promise<string[]> {
    const where: SQL[] = [sql`${records.ideaId} is not null`, eq(records.hidden, false)];
    if (scope.harnessId) where.push(eq(records.harnessId, scope.harnessId));
    if (scope.hardwareClass) where.push(eq(records.hardwareClass, scope.hardwareClass));
    const rows = await this.db
      .select({ ideaId: sql<string>`${records.ideaId}` })
      .from(records)
      .where(and(...where))
      .groupBy(records.ideaId)
      .having(sql`count(*) filter (where ${records.status} = 'keep') = 0 and count(*) filter (where ${records.status} <> 'keep') >= ${minFailures}`)
      .orderBy(desc(sql`count(*)`), records.ideaId)
      .limit(limit);
    return rows.map((r) => r.ideaId);
  }

  /** The most-tried ideas overall (the idea list without a query). */
  async topIdeas(limit: number): Promise<string[]> {
    const rows = await this.db
      .select({ ideaId: sql<string>`${records.ideaId}` })
      .from(records)
      .where(and(sql`${records.ideaId} is not null`, eq(records.hidden, false)))
      .groupBy(records.ideaId)
      .orderBy(desc(sql`count(*)`), records.ideaId)
      .limit(limit);
    return rows.map((r) => r.ideaId);
  }

  async recordsOfIdea(ideaId: string, limit: number): Promise<RecordRow[]> {
    return this.db.select().from(records).where(and(eq(records.ideaId, ideaId), eq(records.hidden, false))).orderBy(desc(records.createdAt)).limit(limit);
  }

  async examples(ideaIds: string[], perIdea: number): Promise<Map<string, string[]>> {
    const out = new Map<string, string[]>();
    if (!ideaIds.length) return out;
    const rows = await this.db
      .selectDistinct({ ideaId: sql<string>`${records.ideaId}`, description: records.description })
      .from(records)
      .where(and(inArray(records.ideaId, ideaIds), eq(records.hidden, false)))
      .limit(ideaIds.length * perIdea * 4);
    for (const r of rows) {
      const list = out.get(r.ideaId) ?? [];
      if (list.length < perIdea) list.push(r.description);
      out.set(r.ideaId, list);
    }
    return out;
  }
}
