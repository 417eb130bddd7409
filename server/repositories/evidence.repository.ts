// The evidence behind verdicts, known-bad lists and idea pages (attempts, outcomes,
// contributors, delta val_bpb distribution): kept in idea_evidence, recomputed from records.
import { and, desc, eq, getTableColumns, inArray, ne, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { records } from '../db/schema/records.ts';
import { ideaEvidence } from '../db/schema/ideas.ts';
import { queryRows, textArray } from '../db/rows.ts';
import { proximityOfClass } from '../protocol/hardware-family.ts';

/**
 * One evidence row: an idea's visible records on one harness key and hardware class. The verdict,
 * outcomes and suggestions read it as it is (verdict.ts's EvidenceCell is a subset of it).
 */
export interface EvidenceRow {
  ideaId: string;
  /** The harness key (equivalent upstream prepare.py versions share one). */
  harnessKey: string;
  hardwareClass: string;
  /** The class's hardware family and accelerator kind (from the class when the row predates them). */
  family: string;
  kind: string;
  attempts: number;
  keeps: number;
  discards: number;
  crashes: number;
  /** Crashes whose description reports running out of memory, and the largest memory (GB) it happened on. */
  oomCrashes: number;
  maxOomMemoryGb: number | null;
  contributors: number;
  /** Records with a delta against their parent; the median and range of those deltas. */
  deltas: number;
  medianDelta: number | null;
  minDelta: number | null;
  maxDelta: number | null;
  /** Visible records shown but not counted above: marked invalid, baselines, keeps and discards with no parent val_bpb. */
  excluded: number;
}

/** harness_id and hardware_class of an idea's all-records row in idea_evidence. */
const TOTAL = '';

export const OOM_PATTERN = '(\\moom\\M|out of memory|outofmemory|cuda error: out of memory|memory exhausted)';

const EVIDENCE_COLUMNS = sql.raw(
  'idea_id, harness_id, hardware_class, hardware_family, accelerator_kind, attempts, keeps, discards, crashes, oom_crashes, ' +
    'max_oom_memory_gb, contributors, deltas, median_delta, min_delta, max_delta, excluded, delta_values, contributor_keys',
);

/**
 * The evidence rows (EVIDENCE_COLUMNS, in order) of the visible records `where` selects: one per
 * (idea, harness key, class) and each idea's all-records row. Rows marked invalid, baselines and
 * rows without a parent (records.evidence_excluded) are shown but not counted: every count is
 * over counted rows; `excluded` counts the others.
 */
function evidenceOf(where: SQL): SQL {
  const counted = sql.raw('evidence_excluded IS NULL');
  const oom = sql`${counted} AND status = 'crash' AND description ~* ${OOM_PATTERN}`;
  return sql`
    SELECT idea_id, coalesce(coalesce(harness_key, harness_id), ''), coalesce(hardware_class, ''),
           coalesce(max(hardware_family), ''), coalesce(max(accelerator_kind), ''), (count(*) FILTER (WHERE ${counted}))::int,
           (count(*) FILTER (WHERE ${counted} AND status = 'keep'))::int, (count(*) FILTER (WHERE ${counted} AND status = 'discard'))::int,
           (count(*) FILTER (WHERE ${counted} AND status = 'crash'))::int, (count(*) FILTER (WHERE ${oom}))::int,
           max(memory_gb) FILTER (WHERE ${oom}),
           (count(DISTINCT key_fingerprint) FILTER (WHERE ${counted}))::int, (count(delta_val_bpb) FILTER (WHERE ${counted}))::int,
           percentile_cont(0.5) WITHIN GROUP (ORDER BY delta_val_bpb) FILTER (WHERE ${counted}),
           min(delta_val_bpb) FILTER (WHERE ${counted}), max(delta_val_bpb) FILTER (WHERE ${counted}),
           (count(*) FILTER (WHERE NOT (${counted})))::int,
           array_agg(delta_val_bpb) FILTER (WHERE ${counted} AND delta_val_bpb IS NOT NULL),
           array_agg(DISTINCT key_fingerprint) FILTER (WHERE ${counted} AND key_fingerprint IS NOT NULL)
    FROM records WHERE ${where} AND NOT hidden
    GROUP BY GROUPING SETS ((idea_id, coalesce(harness_key, harness_id), hardware_class), (idea_id))`;
}

/** idea_evidence's columns as readers see them: all but what `add` merges from (the kept deltas and contributor keys). */
export function evidenceReadColumns() {
  const { deltaValues, contributorKeys, ...read } = getTableColumns(ideaEvidence);
  return read;
}

const TEXT_FIELDS = new Set(['ideaId', 'harnessKey', 'hardwareClass', 'family', 'kind']);

function numbers<T extends Record<string, unknown>>(row: T): T {
  const out: Record<string, unknown> = { ...row };
  for (const [k, v] of Object.entries(out)) if (typeof v === 'string' && !TEXT_FIELDS.has(k)) out[k] = Number(v);
  return out as T;
}

/** A row written before family and kind were stored gets them from its class. */
function withProximity(r: EvidenceRow): EvidenceRow {
  if (r.family && r.kind) return r;
  const p = proximityOfClass(r.hardwareClass);
  return { ...r, family: r.family || p.family, kind: r.kind || p.kind };
}

export class EvidenceRepository {
  constructor(private readonly db: Db) {}

  /**
   * Recomputes the evidence rows of these ideas from their visible records (inside the
   * caller's transaction: revocation, re-derivation). Cost grows with the ideas' sizes, off the
   * request path; readers then touch a few rows.
   */
  async refresh(ideaIds: string[], tx: Db = this.db): Promise<void> {
    const ids = [...new Set(ideaIds)];
    if (ids.length === 0) return;
    await tx.delete(ideaEvidence).where(inArray(ideaEvidence.ideaId, ids));
    await tx.execute(
      sql`INSERT INTO idea_evidence (${EVIDENCE_COLUMNS}) ${evidenceOf(sql`idea_id IN (SELECT unnest(${textArray(ids)}))`)}`,
    );
  }

  /**
   * Adds these newly assigned records to their ideas' evidence (assignment, inside its
   * transaction): counts add up, the median and the distinct contributors are recomputed from
   * each touched cell's kept deltas and keys. Cost grows with the batch, not with the ideas.
   */
  async add(recordIds: string[], tx: Db = this.db): Promise<void> {
    if (recordIds.length === 0) return;
    const merged = (col: string) => sql.raw(`e.${col} || excluded.${col}`);
    await tx.execute(sql`
      INSERT INTO idea_evidence AS e (${EVIDENCE_COLUMNS})
      ${evidenceOf(sql`id IN (SELECT unnest(${textArray(recordIds)})) AND idea_id IS NOT NULL`)}
      ON CONFLICT (idea_id, harness_id, hardware_class) DO UPDATE SET
        hardware_family = greatest(e.hardware_family, excluded.hardware_family),
        accelerator_kind = greatest(e.accelerator_kind, excluded.accelerator_kind),
        attempts = e.attempts + excluded.attempts, keeps = e.keeps + excluded.keeps,
        discards = e.discards + excluded.discards, crashes = e.crashes + excluded.crashes,
        oom_crashes = e.oom_crashes + excluded.oom_crashes,
        max_oom_memory_gb = greatest(e.max_oom_memory_gb, excluded.max_oom_memory_gb),
        contributor_keys = (SELECT array_agg(DISTINCT k) FROM unnest(${merged('contributor_keys')}) k),
        contributors = (SELECT count(DISTINCT k)::int FROM unnest(${merged('contributor_keys')}) k),
        deltas = e.deltas + excluded.deltas,
        delta_values = ${merged('delta_values')},
        median_delta = (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY d) FROM unnest(${merged('delta_values')}) d),
        min_delta = least(e.min_delta, excluded.min_delta), max_delta = greatest(e.max_delta, excluded.max_delta),
        excluded = e.excluded + excluded.excluded`);
  }

  /** Ideas with evidence from this key's records (to refresh when the key is revoked or restored). */
  async ideasOfKey(keyFingerprint: string, tx: Db = this.db): Promise<string[]> {
    const rows = await tx
      .selectDistinct({ ideaId: sql<string>`${records.ideaId}` })
      .from(records)
      .where(and(eq(records.keyFingerprint, keyFingerprint), sql`${records.ideaId} is not null`));
    return rows.map((r) => r.ideaId);
  }

  /**
   * Evidence per (idea, harness, hardware class) for the given ideas, and each idea's distinct
   * contributors over all its records (keys repeat across classes, so rows cannot be summed).
   */
  async byIdeas(ideaIds: string[]): Promise<{ rows: EvidenceRow[]; contributors: Map<string, number> }> {
    if (ideaIds.length === 0) return { rows: [], contributors: new Map() };
    const { harnessId, hardwareFamily, acceleratorKind, ...same } = evidenceReadColumns();
    const all = (
      await this.db
        .select({ ...same, harnessKey: harnessId, family: hardwareFamily, kind: acceleratorKind })
        .from(ideaEvidence)
        .where(inArray(ideaEvidence.ideaId, ideaIds))
    ).map(numbers);
    return {
      rows: all.filter((r) => r.hardwareClass !== TOTAL).map(withProximity),
      contributors: new Map(all.filter((r) => r.hardwareClass === TOTAL).map((r) => [r.ideaId, r.contributors])),
    };
  }

  /**
   * Ideas with failures and no keep on this class or family (harness key when given): the
   * candidates of a known-bad list, most-tried first. Without class and family, ideas never
   * kept in scope.
   */
  async failingIdeas(scope: { harnessKey?: string; hardwareClass?: string; hardwareFamily?: string }, limit: number): Promise<string[]> {
    const where: SQL[] = [ne(ideaEvidence.hardwareClass, TOTAL)];
    if (scope.harnessKey) where.push(eq(ideaEvidence.harnessId, scope.harnessKey));
    if (scope.hardwareClass || scope.hardwareFamily) {
      where.push(
        sql`(${ideaEvidence.hardwareClass} = ${scope.hardwareClass ?? ''} OR ${ideaEvidence.hardwareFamily} = ${scope.hardwareFamily ?? ''})`,
      );
    }
    const rows = await this.db
      .select({ ideaId: ideaEvidence.ideaId })
      .from(ideaEvidence)
      .where(and(...where))
      .groupBy(ideaEvidence.ideaId)
      .having(sql`sum(${ideaEvidence.keeps}) = 0 and sum(${ideaEvidence.discards} + ${ideaEvidence.crashes}) >= 1`)
      .orderBy(desc(sql`sum(${ideaEvidence.attempts})`), ideaEvidence.ideaId)
      .limit(limit);
    return rows.map((r) => r.ideaId);
  }

  /** Which of these ideas hold a counted failure (discard or crash) signed by this key: a caller's own lineage. */
  async failedBy(keyFingerprint: string, ideaIds: string[]): Promise<Set<string>> {
    if (!ideaIds.length) return new Set();
    const rows = await queryRows<{ idea_id: string }>(
      this.db,
      sql`SELECT DISTINCT idea_id FROM records
          WHERE key_fingerprint = ${keyFingerprint} AND idea_id = ANY(${textArray(ideaIds)})
            AND status <> 'keep' AND evidence_excluded IS NULL AND NOT hidden`,
    );
    return new Set(rows.map((r) => r.idea_id));
  }

  /** The most-tried ideas overall (the idea list without a query). */
  async topIdeas(limit: number): Promise<string[]> {
    const rows = await this.db
      .select({ ideaId: ideaEvidence.ideaId })
      .from(ideaEvidence)
      .where(eq(ideaEvidence.hardwareClass, TOTAL))
      .groupBy(ideaEvidence.ideaId)
      // An idea nothing counts for (baseline runs, rows the log marks invalid) has its page, never a rank.
      .having(sql`sum(${ideaEvidence.attempts}) > 0`)
      .orderBy(desc(sql`sum(${ideaEvidence.attempts})`), ideaEvidence.ideaId)
      .limit(limit);
    return rows.map((r) => r.ideaId);
  }

  /** Up to `perIdea` distinct descriptions of each idea's earliest visible records. */
  async examples(ideaIds: string[], perIdea: number): Promise<Map<string, string[]>> {
    const out = new Map<string, string[]>();
    if (!ideaIds.length) return out;
    // A bounded look at each idea's first records through (idea_id, seq), however big the idea.
    const rows = await queryRows<{ idea_id: string; description: string }>(
      this.db,
      sql`SELECT i.id AS idea_id, r.description
          FROM unnest(${sql`ARRAY[${sql.join(
            ideaIds.map((id) => sql`${id}`),
            sql`, `,
          )}]::text[]`}) AS i(id)
          CROSS JOIN LATERAL (
            SELECT description FROM records WHERE idea_id = i.id AND NOT hidden ORDER BY seq LIMIT ${perIdea * 4}
          ) r`,
    );
    for (const r of rows) {
      const list = out.get(r.idea_id) ?? [];
      if (list.length < perIdea && !list.includes(r.description)) list.push(r.description);
      out.set(r.idea_id, list);
    }
    return out;
  }
}
