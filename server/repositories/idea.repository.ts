// SQL for ideas and record embeddings: the lookups idea matching needs (by diff key, by
// parameter key, nearest vectors through a per-model HNSW index), and idea assignment.
import { createHash } from 'node:crypto';
import { and, eq, getTableColumns, inArray, isNull, sql } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { ideas, recordEmbeddings, type IdeaRow } from '../db/schema/ideas.ts';
import { records } from '../db/schema/records.ts';
import { queryRows, textArray } from '../db/rows.ts';
import { DERIVED_RECORDSET, DERIVED_SET, derivedJson, type DerivedColumns } from './idea-search.repository.ts';

/** An idea's row as readers use it: everything but its full-text document (a tsvector, large and read only by SQL). */
const { search: _search, ...IDEA_VIEW } = getTableColumns(ideas);
export type IdeaView = Omit<IdeaRow, 'search'>;

export interface NearestRecord {
  recordId: string;
  ideaId: string;
  paramKey: string | null;
  similarity: number;
}

/** The embedding model of a vector column: its id and dimension (a typmod cannot be a parameter). */
export interface VectorSpace {
  model: string;
  dimensions: number;
}

/** The distinctness key of an indexed vector: its values (as float32) and the parameter key. */
export function vectorKey(values: number[], paramKey: string | null): string {
  return createHash('sha256')
    .update(Buffer.from(new Float32Array(values).buffer))
    .update(`|${paramKey ?? ''}`)
    .digest('hex')
    .slice(0, 32);
}

const literal = (s: string) => `'${s.replace(/'/g, "''")}'`;
/** A vector as stored: what is not a finite number is 0. */
const finite = (v: readonly number[]) => v.map((x) => (Number.isFinite(x) ? x : 0));
/** A vector as a SQL literal of the space's type. */
const vectorLiteral = (v: readonly number[], dimensions: number) => `'[${finite(v).join(',')}]'::vector(${dimensions})`;

export class IdeaRepository {
  constructor(private readonly db: Db) {}

  /** One HNSW cosine index per embedding model, partial on that model (idempotent). */
  async ensureVectorIndex(space: VectorSpace): Promise<void> {
    const name = `record_embeddings_hnsw_${createHash('sha1').update(space.model).digest('hex').slice(0, 12)}`;
    await this.db.execute(
      sql.raw(
        `CREATE INDEX IF NOT EXISTS ${name} ON record_embeddings USING hnsw ((embedding::vector(${space.dimensions})) vector_cosine_ops) WHERE model = ${literal(space.model)}`,
      ),
    );
  }

  /** The idea of the earliest assigned record with this diff key. */
  async ideaByDiffKey(diffKey: string, tx: Db = this.db): Promise<string | null> {
    return (await this.ideasByKeys('diff', [diffKey], tx)).get(diffKey) ?? null;
  }

  /** The idea of the earliest assigned record with this parameter key. */
  async ideaByParamKey(paramKey: string, tx: Db = this.db): Promise<string | null> {
    return (await this.ideasByKeys('param', [paramKey], tx)).get(paramKey) ?? null;
  }

  /** The k records nearest to `vector` (cosine), through the model's HNSW index. */
  async nearest(space: VectorSpace, vector: number[], k: number, tx: Db = this.db): Promise<NearestRecord[]> {
    const v = sql.raw(vectorLiteral(vector, space.dimensions));
    const col = sql.raw(`embedding::vector(${space.dimensions})`);
    const rows = await queryRows<{ record_id: string; idea_id: string; param_key: string | null; distance: number }>(
      tx,
      sql`SELECT record_id, idea_id, param_key, ${col} <=> ${v} AS distance
          FROM record_embeddings WHERE model = ${sql.raw(literal(space.model))}
          ORDER BY ${col} <=> ${v} LIMIT ${k}`,
    );
    return rows.map((r) => ({ recordId: r.record_id, ideaId: r.idea_id, paramKey: r.param_key, similarity: 1 - Number(r.distance) }));
  }

  /**
   * The k records nearest to `vector`, grouped by idea (best similarity), with each idea's
   * changes and attempts: the vector source of retrieval in one round trip.
   */
  async nearestIdeas(space: VectorSpace, vector: number[], k: number, tx: Db = this.db) {
    const v = sql.raw(vectorLiteral(vector, space.dimensions));
    const col = sql.raw(`embedding::vector(${space.dimensions})`);
    const rows = await queryRows<{ idea_id: string; distance: number; changes: unknown; attempts: number }>(
      tx,
      sql`SELECT n.idea_id, min(n.distance) AS distance, i.changes, i.attempts FROM (
            SELECT idea_id, ${col} <=> ${v} AS distance FROM record_embeddings WHERE model = ${sql.raw(literal(space.model))}
            ORDER BY ${col} <=> ${v} LIMIT ${k}) n
          JOIN ideas i ON i.id = n.idea_id GROUP BY n.idea_id, i.changes, i.attempts`,
    );
    return rows.map((r) => ({
      ideaId: r.idea_id,
      similarity: 1 - Number(r.distance),
      changes: (typeof r.changes === 'string' ? JSON.parse(r.changes) : r.changes) as {
        concept: string;
        action: string;
        from: string | null;
        to: string | null;
        records: number;
      }[],
      attempts: Number(r.attempts),
    }));
  }

  /** The exact k nearest (a sequential scan): the benchmark's ground truth for HNSW recall. */
  async nearestExact(space: VectorSpace, vector: number[], k: number): Promise<NearestRecord[]> {
    return this.db.transaction(async (tx) => {
      await tx.execute(sql`SET LOCAL enable_indexscan = off`);
      return this.nearest(space, vector, k, tx as unknown as Db);
    });
  }

  async createIdea(idea: { id: string; description: string; paramKey: string | null; foundingRecordId: string }, tx: Db): Promise<void> {
    await tx.insert(ideas).values(idea);
  }

  /**
   * The idea of the earliest assigned record with each of these keys (one round trip for a batch):
   * a walk down (key, seq) per key to its first assigned record, however many records share it.
   * "Assigned" is written as an expression no index holds: right after a burst the statistics may
   * say no record has an idea, and the planner would then scan every assigned record per key
   * through records_idea_idx.
   */
  async ideasByKeys(kind: 'diff' | 'param', keys: readonly string[], tx: Db = this.db): Promise<Map<string, string>> {
    const unique = [...new Set(keys)];
    if (unique.length === 0) return new Map();
    const col = sql.raw(kind === 'diff' ? 'diff_key' : 'param_key');
    const rows = await queryRows<{ key: string; idea_id: string }>(
      tx,
      sql`SELECT k.key, r.idea_id FROM unnest(${textArray(unique)}) AS k(key)
          CROSS JOIN LATERAL (SELECT idea_id FROM records WHERE ${col} = k.key AND coalesce(idea_id, '') <> '' ORDER BY seq LIMIT 1) r`,
    );
    return new Map(rows.map((r) => [r.key, r.idea_id]));
  }

  /** The k nearest records of each vector (cosine, through the HNSW index), in one round trip. */
  async nearestMany(
    space: VectorSpace,
    vectors: readonly number[][],
    k: number,
    tx: Db = this.db,
    efSearch?: number,
  ): Promise<NearestRecord[][]> {
    if (vectors.length === 0) return [];
    // Inside the caller's transaction only (SET LOCAL ends with it).
    if (efSearch !== undefined) await tx.execute(sql.raw(`SET LOCAL hnsw.ef_search = ${Math.max(10, Math.floor(efSearch))}`));
    const values = vectors.map((v, i) => `(${i}, ${vectorLiteral(v, space.dimensions)})`).join(', ');
    const col = `embedding::vector(${space.dimensions})`;
    const rows = await queryRows<{ i: number; record_id: string; idea_id: string; param_key: string | null; distance: number }>(
      tx,
      sql.raw(`SELECT q.i, n.record_id, n.idea_id, n.param_key, n.distance FROM (VALUES ${values}) AS q(i, v)
               CROSS JOIN LATERAL (
                 SELECT record_id, idea_id, param_key, ${col} <=> q.v AS distance FROM record_embeddings
                 WHERE model = ${literal(space.model)} ORDER BY ${col} <=> q.v LIMIT ${Math.floor(k)}) n
               ORDER BY q.i, n.distance`),
    );
    const out: NearestRecord[][] = vectors.map(() => []);
    for (const r of rows)
      out[Number(r.i)].push({ recordId: r.record_id, ideaId: r.idea_id, paramKey: r.param_key, similarity: 1 - Number(r.distance) });
    return out;
  }

  /**
   * For each vector, its highest cosine similarity to the vectors already indexed for one idea and
   * parameter key (null when there are none), exactly, in one round trip: a record that joins an
   * idea by its key needs no nearest-neighbour search, only whether its vector is a twin of one
   * indexed there. Reads that idea's rows through record_embeddings_idea_idx, never the HNSW graph.
   */
  async twinSimilarityMany(
    space: VectorSpace,
    items: readonly { vector: number[]; ideaId: string; paramKey: string | null }[],
    tx: Db = this.db,
  ): Promise<(number | null)[]> {
    if (items.length === 0) return [];
    const values = items
      .map(
        (it, i) =>
          `(${i}, ${vectorLiteral(it.vector, space.dimensions)}, ${literal(it.ideaId)}, ${it.paramKey === null ? 'NULL::text' : literal(it.paramKey)})`,
      )
      .join(', ');
    const rows = await queryRows<{ i: number; similarity: number | null }>(
      tx,
      sql.raw(`SELECT q.i, (SELECT max(1 - (e.embedding::vector(${space.dimensions}) <=> q.v)) FROM record_embeddings e
                 WHERE e.idea_id = q.idea AND e.model = ${literal(space.model)} AND e.param_key IS NOT DISTINCT FROM q.pk) AS similarity
               FROM (VALUES ${values}) AS q(i, v, idea, pk)`),
    );
    const out: (number | null)[] = items.map(() => null);
    for (const r of rows) out[Number(r.i)] = r.similarity === null ? null : Number(r.similarity);
    return out;
  }

  /**
   * A batch's assignments in three statements: the new ideas, the records' idea and keys, and
   * their embeddings (a vector already indexed for its idea with the same parameter key is not
   * indexed again: HNSW graphs lose recall on piles of duplicates, and it adds nothing).
   */
  async assignMany(
    newIdeas: readonly { id: string; description: string; paramKey: string | null; foundingRecordId: string }[],
    rows: readonly { recordId: string; ideaId: string; diffKey: string | null; paramKey: string | null; embedding: number[] | null }[],
    space: VectorSpace,
    tx: Db,
    /** What was derived for each record (by id) and under which version: written in the same statement. */
    derived: { version: string; of: ReadonlyMap<string, DerivedColumns> },
  ): Promise<void> {
    if (newIdeas.length) await tx.insert(ideas).values([...newIdeas]);
    if (rows.length === 0) return;
    const recordset = rows.map((r) => {
      const d = derived.of.get(r.recordId);
      if (!d) throw new Error(`assignMany: nothing derived for record ${r.recordId}`);
      return { id: r.recordId, idea_id: r.ideaId, diff_key: r.diffKey, param_key: r.paramKey, ...derivedJson(d) };
    });
    // One UPDATE for the assignment and the derivation: each rewrites the row and all its indexes.
    await tx.execute(sql`
      UPDATE records SET idea_id = d.idea_id, diff_key = d.diff_key, param_key = d.param_key, ${DERIVED_SET(derived.version)}
      FROM (SELECT * FROM jsonb_to_recordset(${JSON.stringify(recordset)}::jsonb)
            AS x(id text, idea_id text, diff_key text, param_key text, ${DERIVED_RECORDSET})) d
      WHERE records.id = d.id`);
    const seen = new Set<string>();
    const embeddings = rows.flatMap((r) => {
      if (!r.embedding) return [];
      const values = finite(r.embedding);
      const key = vectorKey(values, r.paramKey);
      if (seen.has(`${r.ideaId}|${key}`)) return [];
      seen.add(`${r.ideaId}|${key}`);
      return [{ recordId: r.recordId, model: space.model, ideaId: r.ideaId, paramKey: r.paramKey, embedding: values, vectorKey: key }];
    });
    if (embeddings.length) await tx.insert(recordEmbeddings).values(embeddings).onConflictDoNothing();
  }

  async assign(
    a: { recordId: string; ideaId: string; diffKey: string | null; paramKey: string | null; space: VectorSpace; embedding: number[] },
    tx: Db,
  ): Promise<void> {
    await tx.update(records).set({ ideaId: a.ideaId, diffKey: a.diffKey, paramKey: a.paramKey }).where(eq(records.id, a.recordId));
    // A vector identical to one already indexed for this idea (with the same parameter key) adds
    // nothing to matching, and HNSW graphs lose recall on piles of exact duplicates ("baseline"
    // ×1000): each distinct pair is indexed once, found through a unique key, not a scan.
    const values = finite(a.embedding);
    await tx
      .insert(recordEmbeddings)
      .values({
        recordId: a.recordId,
        model: a.space.model,
        ideaId: a.ideaId,
        paramKey: a.paramKey,
        embedding: values,
        vectorKey: vectorKey(values, a.paramKey),
      })
      .onConflictDoNothing();
  }

  /** Each idea's founding record (its description and payload), for re-deriving identity. */
  async foundingRecords(ideaIds: readonly string[], tx: Db = this.db): Promise<{ ideaId: string; description: string; payload: string }[]> {
    if (ideaIds.length === 0) return [];
    return queryRows<{ ideaId: string; description: string; payload: string }>(
      tx,
      sql`SELECT i.id AS "ideaId", r.description, r.payload FROM ideas i JOIN records r ON r.id = i.founding_record_id
          WHERE i.id IN (SELECT unnest(${sql.raw(`ARRAY[${ideaIds.map(literal).join(',')}]::text[]`)}))`,
    );
  }

  /**
   * Re-derived keys for records that stay in their idea, and their vectors under the current
   * model (a vector already indexed for the idea with the same key is not indexed again).
   */
  async rekey(
    rows: readonly { recordId: string; ideaId: string; diffKey: string | null; paramKey: string | null; embedding: number[] }[],
    space: VectorSpace,
    tx: Db,
  ): Promise<void> {
    if (rows.length === 0) return;
    await tx.execute(sql`
      UPDATE records SET diff_key = d.diff_key, param_key = d.param_key
      FROM (SELECT * FROM jsonb_to_recordset(${JSON.stringify(rows.map((r) => ({ id: r.recordId, diff_key: r.diffKey, param_key: r.paramKey })))}::jsonb)
            AS x(id text, diff_key text, param_key text)) d
      WHERE records.id = d.id`);
    await tx.execute(sql`
      UPDATE record_embeddings SET param_key = d.param_key
      FROM (SELECT * FROM jsonb_to_recordset(${JSON.stringify(rows.map((r) => ({ id: r.recordId, param_key: r.paramKey })))}::jsonb)
            AS x(id text, param_key text)) d
      WHERE record_embeddings.record_id = d.id AND record_embeddings.model = ${space.model}`);
    const values = rows.map((r) => {
      const embedding = finite(r.embedding);
      return {
        recordId: r.recordId,
        model: space.model,
        ideaId: r.ideaId,
        paramKey: r.paramKey,
        embedding,
        vectorKey: vectorKey(embedding, r.paramKey),
      };
    });
    await tx.insert(recordEmbeddings).values(values).onConflictDoNothing();
  }

  /** Takes records out of their idea (to be assigned again): no idea, no vectors. */
  async detach(recordIds: readonly string[], tx: Db): Promise<void> {
    if (recordIds.length === 0) return;
    await tx.delete(recordEmbeddings).where(inArray(recordEmbeddings.recordId, [...recordIds]));
    await tx
      .update(records)
      .set({ ideaId: null })
      .where(inArray(records.id, [...recordIds]));
  }

  async findIdea(id: string): Promise<IdeaView | undefined> {
    const [row] = await this.db.select(IDEA_VIEW).from(ideas).where(eq(ideas.id, id)).limit(1);
    return row;
  }

  async findIdeas(ids: string[]): Promise<IdeaView[]> {
    return ids.length ? this.db.select(IDEA_VIEW).from(ideas).where(inArray(ideas.id, ids)) : [];
  }

  /** Serialises idea assignment across server copies (held until the transaction ends). */
  async lockAssignment(tx: Db): Promise<void> {
    await tx.execute(sql`SELECT pg_advisory_xact_lock(${0x69646561})`);
  }

  /** Of these records, those still without an idea (read under the assignment lock: none is being assigned meanwhile). */
  async unassigned(recordIds: readonly string[], tx: Db): Promise<Set<string>> {
    if (recordIds.length === 0) return new Set();
    const rows = await tx
      .select({ id: records.id })
      .from(records)
      .where(and(inArray(records.id, [...recordIds]), isNull(records.ideaId)));
    return new Set(rows.map((r) => r.id));
  }
}
