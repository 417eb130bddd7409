// SQL of idea retrieval beside the vectors: ideas by the concepts their records change (a GIN
// index on ideas.concepts), full-text search over idea documents (ideas.search), the
// recomputation of those documents from records, and the background re-derivation of records.
import { createHash } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { queryRows, textArray } from '../db/rows.ts';

export interface IdeaChange {
  concept: string;
  action: string;
  from: string | null;
  to: string | null;
  records: number;
}

/** The order of an idea's changes: most records first, then by the change itself (a total order, so grown and recomputed documents agree). */
export function byRecordsThenChange(a: IdeaChange, b: IdeaChange): number {
  const key = (c: IdeaChange) => JSON.stringify([c.concept, c.action, c.from, c.to]);
  return b.records - a.records || (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0);
}

export interface ConceptCandidate {
  ideaId: string;
  changes: IdeaChange[];
  attempts: number;
}
export interface LexicalCandidate {
  ideaId: string;
  score: number;
  lexemes: string[];
  changes: IdeaChange[];
  attempts: number;
}

/** Per idea: up to this many distinct descriptions go into its full-text document. */
export const DOCUMENT_DESCRIPTIONS = 24;

export interface RecordToDerive {
  id: string;
  seq: number;
  ideaId: string | null;
  description: string;
  payload: string;
  harnessId: string;
  hardwareClass: string;
}

/** What the catalogue derives for a record, stored in its row (and re-derived when the catalogue changes). */
export interface DerivedColumns {
  changes: unknown[];
  hardwareFamily: string | null;
  acceleratorKind: string | null;
  harnessKey: string;
  evidenceExcluded: string | null;
}

/** The derived columns as one jsonb_to_recordset row's fields (read back by DERIVED_RECORDSET). */
export const derivedJson = (r: DerivedColumns) => ({
  changes: r.changes,
  family: r.hardwareFamily,
  kind: r.acceleratorKind,
  harness_key: r.harnessKey,
  excluded: r.evidenceExcluded,
});

/** The column list of jsonb_to_recordset for derivedJson's fields. */
export const DERIVED_RECORDSET = sql.raw('changes jsonb, family text, kind text, harness_key text, excluded text');

/** `SET` assignments writing derived columns from the recordset aliased `d`, under `version`. */
export const DERIVED_SET = (version: string) =>
  sql`changes = d.changes, hardware_family = coalesce(d.family, records.hardware_family),
      accelerator_kind = coalesce(d.kind, records.accelerator_kind), harness_key = d.harness_key,
      evidence_excluded = d.excluded, derived_version = ${version}`;

export class IdeaSearchRepository {
  constructor(private readonly db: Db) {}

  /** Ideas whose records change any of these concepts, most-tried first. */
  async byConcepts(concepts: readonly string[], limit: number, tx: Db = this.db): Promise<ConceptCandidate[]> {
    if (concepts.length === 0) return [];
    const rows = await queryRows<{ id: string; changes: IdeaChange[] | string; attempts: number }>(
      tx,
      sql`SELECT id, changes, attempts FROM ideas WHERE concepts && ${textArray(concepts)} AND attempts > 0
          ORDER BY attempts DESC, id LIMIT ${limit}`,
    );
    return rows.map((r) => ({
      ideaId: r.id,
      changes: typeof r.changes === 'string' ? JSON.parse(r.changes) : r.changes,
      attempts: Number(r.attempts),
    }));
  }

  /**
   * Full-text search in one round trip: the text's lexemes (english stemming, as documents store
   * them), each weighted by its inverse document frequency over idea documents (lexemes in more
   * than half the documents dropped), and the ideas holding the largest weighted share of them,
   * with the lexemes they hold, their changes and attempts.
   */
  async lexical(text: string, limit: number, tx: Db = this.db): Promise<LexicalCandidate[]> {
    const rows = await queryRows<{ id: string; score: number; held: string[] | string; changes: IdeaChange[] | string; attempts: number }>(
      tx,
      sql`WITH l AS (SELECT DISTINCT unnest(tsvector_to_array(to_tsvector('english', ${text.slice(0, 4000)}))) AS lexeme LIMIT 48),
          n AS (SELECT greatest(count(*), 1)::float8 AS total FROM ideas WHERE attempts > 0),
          d AS MATERIALIZED (SELECT l.lexeme, to_tsquery('simple', quote_literal(l.lexeme)) AS q,
                       (SELECT count(*) FROM ideas WHERE search @@ to_tsquery('simple', quote_literal(l.lexeme)))::float8 AS df FROM l),
          w AS (SELECT d.lexeme, d.q, d.df, ln(1 + (n.total - d.df + 0.5) / (d.df + 0.5)) AS weight, n.total FROM d, n),
          m AS (SELECT x.id, sum(w.weight) AS weight, array_agg(w.lexeme ORDER BY w.weight DESC) AS held
                FROM w CROSS JOIN LATERAL (SELECT id FROM ideas WHERE search @@ w.q AND attempts > 0) x
                WHERE w.df > 0 AND w.df <= greatest(1, w.total / 2)
                GROUP BY x.id ORDER BY 2 DESC, x.id LIMIT ${limit})
          SELECT i.id, m.weight / (SELECT greatest(sum(weight), 1e-9) FROM w) AS score, m.held, i.changes, i.attempts
          FROM m JOIN ideas i ON i.id = m.id ORDER BY 2 DESC, i.attempts DESC, i.id`,
    );
    return rows.map((r) => ({
      ideaId: r.id,
      score: Number(r.score),
      lexemes: Array.isArray(r.held)
        ? r.held
        : r.held
            .replace(/^\{|\}$/g, '')
            .split(',')
            .filter(Boolean)
            .map((x) => x.replace(/^"|"$/g, '')),
      changes: typeof r.changes === 'string' ? JSON.parse(r.changes) : r.changes,
      attempts: Number(r.attempts),
    }));
  }

  /** The changes and attempts of these ideas (candidates found by words or vectors). */
  async changesOf(ideaIds: readonly string[], tx: Db = this.db): Promise<ConceptCandidate[]> {
    if (ideaIds.length === 0) return [];
    const rows = await queryRows<{ id: string; changes: IdeaChange[] | string; attempts: number }>(
      tx,
      sql`SELECT id, changes, attempts FROM ideas WHERE id IN (SELECT unnest(${textArray(ideaIds)}))`,
    );
    return rows.map((r) => ({
      ideaId: r.id,
      changes: typeof r.changes === 'string' ? JSON.parse(r.changes) : r.changes,
      attempts: Number(r.attempts),
    }));
  }

  /** Each idea's distinct descriptions (earliest first, at most `perIdea`), its records' changes, counted, and its attempts (records that count as evidence). */
  async documentSources(ideaIds: readonly string[], perIdea: number, tx: Db = this.db) {
    const descriptions = await queryRows<{ idea_id: string; description: string }>(
      tx,
      sql`SELECT i.id AS idea_id, d.description FROM unnest(${textArray(ideaIds)}) AS i(id)
          CROSS JOIN LATERAL (
            SELECT description FROM (
              SELECT description, min(seq) AS first FROM records WHERE idea_id = i.id AND NOT hidden GROUP BY description
            ) x ORDER BY first LIMIT ${perIdea}
          ) d`,
    );
    const changes = await queryRows<{
      idea_id: string;
      concept: string;
      action: string;
      from: string | null;
      to: string | null;
      records: number;
    }>(
      tx,
      sql`SELECT r.idea_id, c->>'concept' AS concept, c->>'action' AS action, c->>'from' AS "from", c->>'to' AS "to", count(*)::int AS records
          FROM records r CROSS JOIN LATERAL jsonb_array_elements(coalesce(r.changes, '[]'::jsonb)) c
          WHERE r.idea_id IN (SELECT unnest(${textArray(ideaIds)})) AND NOT r.hidden
          GROUP BY 1, 2, 3, 4, 5`,
    );
    const attempts = await queryRows<{ idea_id: string; n: number }>(
      tx,
      sql`SELECT idea_id, count(*)::int AS n FROM records WHERE idea_id IN (SELECT unnest(${textArray(ideaIds)})) AND NOT hidden
          AND evidence_excluded IS NULL GROUP BY idea_id`,
    );
    return {
      descriptions,
      changes: changes.map((c) => ({ ...c, records: Number(c.records) })),
      attempts: new Map(attempts.map((a) => [a.idea_id, Number(a.n)])),
    };
  }

  /** Writes ideas' retrieval documents (`text` goes through to_tsvector('english')). */
  async writeDocuments(
    docs: readonly { ideaId: string; concepts: string[]; changes: IdeaChange[]; text: string; attempts: number; described: number }[],
    tx: Db = this.db,
  ): Promise<void> {
    if (docs.length === 0) return;
    await tx.execute(sql`
      UPDATE ideas SET concepts = d.concepts, changes = d.changes, search = to_tsvector('english', d.text), attempts = d.attempts, described = d.described
      FROM (SELECT * FROM jsonb_to_recordset(${JSON.stringify(docs.map((d) => ({ id: d.ideaId, concepts: d.concepts, changes: d.changes, text: d.text, attempts: d.attempts, described: d.described })))}::jsonb)
            AS x(id text, concepts text[], changes jsonb, text text, attempts int, described int)) d
      WHERE ideas.id = d.id`);
  }

  /** Of these (idea, description) pairs, those some visible record of the idea other than `excluding` already has, as `idea\u0000description`. */
  async describedBefore(
    pairs: readonly { ideaId: string; descriptions: string[] }[],
    excluding: readonly string[],
    tx: Db = this.db,
  ): Promise<Set<string>> {
    const flat = pairs.flatMap((p) => p.descriptions.map((d) => ({ idea: p.ideaId, description: d })));
    if (flat.length === 0) return new Set();
    // One probe of records_idea_description_idx per pair, found or not (an idea with 10,000 records
    // costs no more than one with 10); the hash is the only condition an index can serve, so no
    // stale statistics can send the planner through all of an idea's records instead.
    const hashes = [...new Set(flat.map((p) => createHash('md5').update(`${p.idea}\n${p.description}`).digest('hex')))];
    // The first record of each pair is enough: a popular description repeated by hundreds of records is read once.
    const found = await queryRows<{ idea_id: string; description: string }>(
      tx,
      sql`SELECT r.idea_id, r.description FROM unnest(${textArray(hashes)}) AS h(hash)
          CROSS JOIN LATERAL (
            SELECT idea_id, description FROM records
            WHERE md5(idea_id || chr(10) || description) = h.hash AND NOT hidden AND id <> ALL(${textArray(excluding)}) LIMIT 1) r`,
    );
    const wanted = new Set(flat.map((p) => `${p.idea}\u0000${p.description}`));
    const rows = found.filter((r) => wanted.has(`${r.idea_id}\u0000${r.description}`));
    return new Set(rows.map((r) => `${r.idea_id}\u0000${r.description}`));
  }

  /**
   * Grows ideas' documents by a batch of new records: attempts and change counts added to the
   * stored ones, concepts united, and new descriptions appended while a document holds fewer than
   * `cap` (it keeps the earliest, as the full recomputation does). Reads and writes each idea once.
   */
  async extendDocuments(
    added: readonly { ideaId: string; records: number; changes: IdeaChange[]; descriptions: string[] }[],
    cap: number,
    expansion: (concepts: string[]) => string,
    tx: Db = this.db,
  ): Promise<void> {
    if (added.length === 0) return;
    const current = await queryRows<{ id: string; changes: IdeaChange[] | string; attempts: number; described: number }>(
      tx,
      sql`SELECT id, changes, attempts, described FROM ideas WHERE id IN (SELECT unnest(${textArray(added.map((a) => a.ideaId))})) FOR UPDATE`,
    );
    const byId = new Map(current.map((c) => [c.id, c]));
    const docs = added.flatMap((a) => {
      const c = byId.get(a.ideaId);
      if (!c) return [];
      const merged = new Map<string, IdeaChange>();
      const before = typeof c.changes === 'string' ? (JSON.parse(c.changes) as IdeaChange[]) : c.changes;
      const known = new Set(before.map((x) => x.concept));
      for (const x of [...before, ...a.changes]) {
        const key = JSON.stringify([x.concept, x.action, x.from, x.to]);
        const prior = merged.get(key);
        if (prior) prior.records += x.records;
        else merged.set(key, { ...x });
      }
      const changes = [...merged.values()].sort(byRecordsThenChange);
      const concepts = [...new Set(changes.map((x) => x.concept))];
      const room = Math.max(0, cap - Number(c.described));
      const fresh = a.descriptions.slice(0, room);
      const newConcepts = concepts.filter((x) => !known.has(x));
      return [
        {
          id: a.ideaId,
          changes,
          concepts,
          attempts: Number(c.attempts) + a.records,
          described: Number(c.described) + fresh.length,
          text: [...fresh, newConcepts.length ? expansion(newConcepts) : ''].join('\n'),
        },
      ];
    });
    if (docs.length === 0) return;
    // New descriptions and the words of concepts the idea did not have yet are appended.
    await tx.execute(sql`
      UPDATE ideas SET concepts = d.concepts, changes = d.changes, attempts = d.attempts, described = d.described,
                       search = coalesce(ideas.search, ''::tsvector) || to_tsvector('english', d.text)
      FROM (SELECT * FROM jsonb_to_recordset(${JSON.stringify(docs)}::jsonb)
            AS x(id text, changes jsonb, concepts text[], attempts int, described int, text text)) d
      WHERE ideas.id = d.id`);
  }

  /** Stores what was derived for records (changes, hardware family and kind, harness key, evidence exclusion) and the derivation's version. */
  async writeDerived(rows: readonly ({ id: string } & DerivedColumns)[], version: string, tx: Db = this.db): Promise<void> {
    if (rows.length === 0) return;
    await tx.execute(sql`
      UPDATE records SET ${DERIVED_SET(version)}
      FROM (SELECT * FROM jsonb_to_recordset(${JSON.stringify(rows.map((r) => ({ id: r.id, ...derivedJson(r) })))}::jsonb)
            AS x(id text, ${DERIVED_RECORDSET})) d
      WHERE records.id = d.id`);
  }

  /** Assigned records derived under another version, in insertion order after `afterSeq`. */
  async staleRecords(version: string, afterSeq: number, limit: number, tx: Db = this.db): Promise<RecordToDerive[]> {
    const rows = await queryRows<{
      id: string;
      seq: number;
      idea_id: string | null;
      description: string;
      payload: string;
      harness_id: string;
      hardware_class: string;
    }>(
      tx,
      sql`SELECT id, seq, idea_id, description, payload, harness_id, hardware_class FROM records
          WHERE seq > ${afterSeq} AND idea_id IS NOT NULL AND derived_version IS DISTINCT FROM ${version}
          ORDER BY seq LIMIT ${limit}`,
    );
    return rows.map((r) => ({
      id: r.id,
      seq: Number(r.seq),
      ideaId: r.idea_id,
      description: r.description,
      payload: r.payload,
      harnessId: r.harness_id,
      hardwareClass: r.hardware_class,
    }));
  }

  async anyStale(version: string, tx: Db = this.db): Promise<boolean> {
    const rows = await queryRows<{ one: number }>(
      tx,
      sql`SELECT 1 AS one FROM records WHERE idea_id IS NOT NULL AND derived_version IS DISTINCT FROM ${version} LIMIT 1`,
    );
    return rows.length > 0;
  }
}
