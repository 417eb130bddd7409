// Ideas: assigns stored records to ideas and keeps their retrieval documents (the job-queue
// handlers), and answers "was this tried, and how did it go?" through the findings engine
// (check, known-bad, idea pages, search).
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { Db } from '../db/client.ts';
import type { RecordRow } from '../db/schema/records.ts';
import type { IdeaRepository, NearestRecord, VectorSpace } from '../repositories/idea.repository.ts';
import type { IdeaSearchRepository, IdeaChange } from '../repositories/idea-search.repository.ts';
import { byRecordsThenChange, DOCUMENT_DESCRIPTIONS } from '../repositories/idea-search.repository.ts';
import type { EvidenceRepository, EvidenceRow } from '../repositories/evidence.repository.ts';
import type { RecordRepository } from '../repositories/record.repository.ts';
import type { CheckRequest } from '../protocol/claim.schema.ts';
import type { CheckResponse, IdeaSummary } from '../protocol/api.schema.ts';
import type { RecordPayload } from '../protocol/record.schema.ts';
import { hardwareProximity, proximityOfClass, type HardwareProximity } from '../protocol/hardware-family.ts';
import { harnessKeyOf } from '../protocol/harnesses.ts';
import { expansionTerms } from '../catalogue/understand.ts';
import type { Change } from '../catalogue/change-set.ts';
import { changesConflict, definite, type Change as StoredChange } from '../catalogue/relate.ts';
import type { JobRepository } from '../repositories/job.repository.ts';
import { JOB_ASSIGN_IDEA } from '../jobs/kinds.ts';
import { NotFoundError } from './errors.ts';
import { ideaFeatures, type IdeaFeatures } from './ideas/features.ts';
import { cosine, matchIdea, MATCH_NEIGHBOURS, type IdeaIndex } from './ideas/matcher.ts';
import type { Embedder } from './ideas/embedder.ts';
import { FindingsEngine, type Finding } from './ideas/engine.ts';
import {
  decide,
  DEFAULTS,
  listedAsKnownBad,
  matchStrength,
  scopeCells,
  NOISE_PRIOR,
  type MatchedEvidence,
  type VerdictCaller,
  type VerdictOptions,
} from './ideas/verdict.ts';
import { valuesOf } from './ideas/retrieval.ts';
import { summarise } from './ideas/outcome.ts';
import { DERIVATION_VERSION, deriveRecord, type Derived } from './ideas/derive.ts';
import { inlineReader, type RecordReader } from './ideas/record-reader.ts';
import { sigmasOf, type NoiseLookup } from './ideas/sigmas.ts';

const EXAMPLES_PER_IDEA = 3;
/** Cosine from which a record's vector is a twin of one already indexed for its idea (all but the same text: not indexed again). */
const TWIN_SIMILARITY = 0.95;
/** hnsw.ef_search for assignment's look-ups (it needs 10 neighbours, not the search's best recall). */
const ASSIGN_EF_SEARCH = 40;
/** Records re-derived per background job (then the job queues the next batch). */
const REDERIVE_BATCH = 500;

export interface IdeasDeps {
  db: Db;
  ideas: IdeaRepository;
  search: IdeaSearchRepository;
  evidence: EvidenceRepository;
  records: RecordRepository;
  /** Where re-derivation queues records whose idea no longer holds them (absent: read-only copies). */
  jobs?: Pick<JobRepository, 'enqueue'>;
  embedder: Embedder;
  /** How assignment reads the records of a batch (default: inline, a few records per turn of the event loop). */
  reader?: RecordReader;
  logger?: Logger;
  verdict?: VerdictOptions;
  /** σ of val_bpb for a (harness key, class, family) from the noise model; NOISE_PRIOR without it. */
  noise?: NoiseLookup;
}

export type { NoiseLookup };

export class IdeasService {
  private readonly space: VectorSpace;
  readonly engine: FindingsEngine;

  constructor(private readonly deps: IdeasDeps) {
    this.space = { model: deps.embedder.model, dimensions: deps.embedder.dimensions };
    this.engine = new FindingsEngine({ ideas: deps.ideas, search: deps.search, embedder: deps.embedder, logger: deps.logger });
  }

  async init(): Promise<void> {
    await this.deps.ideas.ensureVectorIndex(this.space);
  }

  /** True when some assigned record was derived under another catalogue or rules version. */
  needsRederive(): Promise<boolean> {
    return this.deps.search.anyStale(DERIVATION_VERSION);
  }

  /**
   * Job handler: gives each record an idea, a batch at a time: features, derivations and
   * embeddings for the whole batch, the candidate look-ups (ideas by diff key, by parameter key,
   * the nearest records of every vector) in one round trip each, matching in memory in record
   * order (a record may join an idea founded earlier in the same batch), then the writes in a few
   * statements and each touched idea's evidence and documents refreshed once. Embedding
   * failures throw, so the jobs are retried.
   */
  async assign(recordIds: string[], prepared?: PreparedAssignment): Promise<void> {
    const batch = prepared ?? (await this.prepareAssignment(recordIds));
    if (batch.rows.length === 0) return;
    await this.deps.db.transaction(async (txRaw) => {
      const tx = txRaw as unknown as Db;
      await this.deps.ideas.lockAssignment(tx);
      // Prepared before the lock (perhaps while another batch was written): only what is still unassigned.
      const open = await this.deps.ideas.unassigned(
        batch.rows.map((r) => r.id),
        tx,
      );
      const at = batch.rows.flatMap((r, i) => (open.has(r.id) ? [i] : []));
      if (at.length === 0) return;
      const rows = at.map((i) => batch.rows[i]);
      const derived = at.map((i) => batch.derived[i]);
      const features = at.map((i) => batch.features[i]);
      const vectors = at.map((i) => batch.vectors[i]);
      const byDiff = await this.deps.ideas.ideasByKeys(
        'diff',
        features.flatMap((f) => (f.diffKey ? [f.diffKey] : [])),
        tx,
      );
      const byParam = await this.deps.ideas.ideasByKeys(
        'param',
        features.flatMap((f) => (f.paramKey ? [f.paramKey] : [])),
        tx,
      );
      // A record that joins a stored idea by its key (diff first, as matchIdea) needs no
      // nearest-neighbour search: only whether its vector is a twin of one indexed there.
      const keyed = features.map(
        (f) => (f.diffKey ? byDiff.get(f.diffKey) : undefined) ?? (f.paramKey ? byParam.get(f.paramKey) : undefined) ?? null,
      );
      const { near, twinSimilarity } = await this.neighbours(vectors, features, keyed, tx);
      // Each candidate idea's distinct changes, grown as the batch assigns records to it.
      const candidates = [...new Set([...near.flat().map((n) => n.ideaId), ...keyed.flatMap((k) => (k ? [k] : []))])];
      const ideaChanges = new Map<string, StoredChange[]>(
        (await this.deps.search.changesOf(candidates, tx)).map((c) => [c.ideaId, c.changes]),
      );
      // What this batch assigned so far, so later records of the batch can join its ideas.
      const local: { vector: number[]; ideaId: string; paramKey: string | null }[] = [];
      const newIdeas: { id: string; description: string; paramKey: string | null; foundingRecordId: string }[] = [];
      const assigned: { recordId: string; ideaId: string; diffKey: string | null; paramKey: string | null; embedding: number[] | null }[] =
        [];
      for (const [i, row] of rows.entries()) {
        const f = features[i];
        const index: IdeaIndex = {
          byDiffKey: async (k) => byDiff.get(k) ?? null,
          byParamKey: async (k) => byParam.get(k) ?? null,
          nearest: async (v, k) =>
            [...near[i], ...local.map((l) => ({ ideaId: l.ideaId, paramKey: l.paramKey, similarity: cosine(v, l.vector) }))]
              .sort((a, b) => b.similarity - a.similarity)
              .slice(0, k),
          changesOf: async (id) => ideaChanges.get(id) ?? [],
        };
        const match = await matchIdea(f, vectors[i], index);
        let ideaId = match.ideaId;
        if (!ideaId) {
          ideaId = randomUUID();
          newIdeas.push({ id: ideaId, description: row.description, paramKey: f.paramKey, foundingRecordId: row.id });
        }
        ideaChanges.set(ideaId, [...(ideaChanges.get(ideaId) ?? []), ...f.changes]);
        if (f.diffKey && !byDiff.has(f.diffKey)) byDiff.set(f.diffKey, ideaId);
        if (f.paramKey && !byParam.has(f.paramKey)) byParam.set(f.paramKey, ideaId);
        // A vector all but equal to one already indexed for this idea (same parameter key) adds
        // nothing to matching or retrieval: it is not inserted into the HNSW graph (the costly part).
        const twin =
          (twinSimilarity[i] ?? -1) >= TWIN_SIMILARITY ||
          [...near[i], ...local].some(
            (n) =>
              n.ideaId === ideaId &&
              n.paramKey === f.paramKey &&
              ('similarity' in n ? n.similarity : cosine(vectors[i], n.vector)) >= TWIN_SIMILARITY,
          );
        local.push({ vector: vectors[i], ideaId, paramKey: f.paramKey });
        assigned.push({ recordId: row.id, ideaId, diffKey: f.diffKey, paramKey: f.paramKey, embedding: twin ? null : vectors[i] });
      }
      await this.deps.ideas.assignMany(newIdeas, assigned, this.space, tx, {
        version: DERIVATION_VERSION,
        of: new Map(derived.map((d) => [d.id, d])),
      });
      await this.growIdeas(rows, derived, assigned, new Set(newIdeas.map((n) => n.id)), tx);
    });
  }

  /**
   * The stored neighbours of a batch's vectors: the nearest records (HNSW) of those that no stored
   * key places, and for those a key places, their best similarity to the vectors indexed for that
   * idea and parameter key (twinSimilarityMany: exact, through the idea's own rows).
   */
  private async neighbours(vectors: number[][], features: IdeaFeatures[], keyed: (string | null)[], tx: Db) {
    const searched = keyed.flatMap((k, i) => (k ? [] : [i]));
    const placed = keyed.flatMap((k, i) => (k ? [i] : []));
    // One after the other: both run in the assignment's transaction, on its one connection.
    const found = await this.deps.ideas.nearestMany(
      this.space,
      searched.map((i) => vectors[i]),
      MATCH_NEIGHBOURS,
      tx,
      ASSIGN_EF_SEARCH,
    );
    const sims = await this.deps.ideas.twinSimilarityMany(
      this.space,
      placed.map((i) => ({ vector: vectors[i], ideaId: keyed[i]!, paramKey: features[i].paramKey })),
      tx,
    );
    const near: NearestRecord[][] = vectors.map(() => []);
    searched.forEach((i, k) => (near[i] = found[k]));
    const twinSimilarity: (number | null)[] = vectors.map(() => null);
    placed.forEach((i, k) => (twinSimilarity[i] = sims[k]));
    return { near, twinSimilarity };
  }

  /**
   * What assignment can do before it takes its lock: the records still without an idea, in order,
   * their readings, identity features and vectors. The job runner prepares the next batch this way
   * while the current one is written (the reader yields to the event loop, or reads in its own thread).
   */
  async prepareAssignment(recordIds: string[]): Promise<PreparedAssignment> {
    const rows = (await this.deps.records.findByIds(recordIds)).filter((r) => r.ideaId === null).sort((a, b) => a.seq - b.seq);
    const readings = await (this.deps.reader ?? INLINE_READER).read(rows);
    const derived = readings.map((x, i) => ({ id: rows[i].id, ...x.derived }));
    const features = readings.map((x) => x.features);
    const vectors = rows.length
      ? await this.deps.embedder.embed(
          features.map((f) => f.text),
          features.map((f) => f.reading),
        )
      : [];
    return { rows, derived, features, vectors };
  }

  /**
   * Job handler: re-derives a batch of records stored under another derivation (catalogue)
   * version after `afterSeq`, and refreshes their ideas. Returns the last seq done, or null when
   * none was left.
   */
  async rederive(afterSeq: number): Promise<number | null> {
    const stale = await this.deps.search.staleRecords(DERIVATION_VERSION, afterSeq, REDERIVE_BATCH);
    if (stale.length === 0) return null;
    const derived = stale.map((r) => ({ id: r.id, ...deriveRecord(r) }));
    const features = stale.map((r, i) => ideaFeatures({ description: r.description, diff: diffOf(r.payload) }, derived[i].understood));
    // Identity is derived too: a record whose new reading conflicts with its idea's founding record
    // (read the new way as well) leaves the idea and is assigned again; the rest take their new keys.
    const founders = await this.deps.ideas.foundingRecords([...new Set(stale.flatMap((r) => (r.ideaId ? [r.ideaId] : [])))]);
    const founding = new Map(
      founders.map((f) => [f.ideaId, ideaFeatures({ description: f.description, diff: diffOf(f.payload) }).changes] as const),
    );
    const detached = stale.filter(
      (r, i) => r.ideaId && founding.has(r.ideaId) && changesConflict(features[i].changes, founding.get(r.ideaId)!),
    );
    const gone = new Set(detached.map((r) => r.id));
    // Vectors under the current model (a catalogue edit is a new local model): identical ones dedupe on insert.
    const kept = stale.flatMap((r, i) => (r.ideaId && !gone.has(r.id) ? [{ r, f: features[i] }] : []));
    const vectors = kept.length
      ? await this.deps.embedder.embed(
          kept.map((k) => k.f.text),
          kept.map((k) => k.f.reading),
        )
      : [];
    await this.deps.db.transaction(async (txRaw) => {
      const tx = txRaw as unknown as Db;
      await this.deps.search.writeDerived(derived, DERIVATION_VERSION, tx);
      await this.deps.ideas.rekey(
        kept.map((k, i) => ({
          recordId: k.r.id,
          ideaId: k.r.ideaId!,
          diffKey: k.f.diffKey,
          paramKey: k.f.paramKey,
          embedding: vectors[i],
        })),
        this.space,
        tx,
      );
      if (detached.length) {
        await this.deps.ideas.detach(
          detached.map((r) => r.id),
          tx,
        );
        await this.deps.jobs?.enqueue(
          JOB_ASSIGN_IDEA,
          detached.map((r) => r.id),
          tx,
        );
      }
      await this.refreshIdeas([...new Set(stale.flatMap((r) => (r.ideaId ? [r.ideaId] : [])))], tx);
    });
    return stale[stale.length - 1].seq;
  }

  /**
   * After an assignment batch: the batch's visible records added to their ideas' evidence (counts
   * added, medians and contributors merged) and retrieval documents (counts added, new descriptions
   * appended) rather than recomputed over every record of the idea, so a large idea costs no more
   * than a small one.
   */
  private async growIdeas(
    rows: { id: string; description: string; hidden: boolean }[],
    derived: { changes: Change[]; evidenceExcluded: string | null }[],
    assigned: { recordId: string; ideaId: string }[],
    founded: Set<string>,
    tx: Db,
  ): Promise<void> {
    await this.deps.evidence.add(
      assigned.map((a) => a.recordId),
      tx,
    );
    const ideaOf = new Map(assigned.map((a) => [a.recordId, a.ideaId]));
    const added = new Map<string, { ideaId: string; records: number; changes: Map<string, IdeaChange>; descriptions: string[] }>();
    for (const [i, row] of rows.entries()) {
      const ideaId = ideaOf.get(row.id);
      if (!ideaId || row.hidden) continue;
      let a = added.get(ideaId);
      if (!a) added.set(ideaId, (a = { ideaId, records: 0, changes: new Map(), descriptions: [] }));
      // Attempts are the records that count as evidence; excluded ones still bring their words.
      if (derived[i].evidenceExcluded === null) a.records += 1;
      if (!a.descriptions.includes(row.description)) a.descriptions.push(row.description);
      for (const c of derived[i].changes) {
        const key = JSON.stringify([c.concept, c.action, c.from, c.to]);
        const prior = a.changes.get(key);
        if (prior) prior.records += 1;
        else a.changes.set(key, { concept: c.concept, action: c.action, from: c.from, to: c.to, records: 1 });
      }
    }
    // A description an earlier record of the idea already brought is in its document already.
    const known = await this.deps.search.describedBefore(
      [...added.values()].filter((a) => !founded.has(a.ideaId)).map((a) => ({ ideaId: a.ideaId, descriptions: a.descriptions })),
      assigned.map((a) => a.recordId),
      tx,
    );
    await this.deps.search.extendDocuments(
      [...added.values()].map((a) => ({
        ideaId: a.ideaId,
        records: a.records,
        changes: [...a.changes.values()],
        descriptions: a.descriptions.filter((d) => !known.has(`${a.ideaId}\u0000${d}`)),
      })),
      DOCUMENT_DESCRIPTIONS,
      (concepts) => expansionTerms(concepts).join(' '),
      tx,
    );
  }

  /** Recomputes ideas' evidence and retrieval documents from their visible records. */
  async refreshIdeas(ideaIds: string[], tx: Db = this.deps.db): Promise<void> {
    const ids = [...new Set(ideaIds)];
    if (ids.length === 0) return;
    await this.deps.evidence.refresh(ids, tx);
    const src = await this.deps.search.documentSources(ids, DOCUMENT_DESCRIPTIONS, tx);
    const docs = ids.map((id) => {
      const changes: IdeaChange[] = src.changes
        .filter((c) => c.idea_id === id)
        .map(({ concept, action, from, to, records }) => ({ concept, action, from, to, records }));
      changes.sort(byRecordsThenChange);
      const concepts = [...new Set(changes.map((c) => c.concept))];
      const descriptions = src.descriptions.filter((d) => d.idea_id === id).map((d) => d.description);
      return {
        ideaId: id,
        concepts,
        changes,
        text: [...descriptions, expansionTerms(concepts).join(' ')].join('\n'),
        attempts: src.attempts.get(id) ?? 0,
        described: descriptions.length,
      };
    });
    await this.deps.search.writeDocuments(docs, tx);
  }

  /** The engine's matches for a check, with the evidence of every idea they name and the caller. */
  async gather(req: CheckRequest) {
    const hw = req.hardware ? hardwareProximity(req.hardware) : null;
    const found = await this.engine.find({ description: req.description, diff: req.diff ?? null }, { limit: req.limit ?? 5 });
    const valued = definite(found.changes).length > 0;
    // Summaries for what is shown; for evidence that is only counted (every other exact-change idea), its cells alone.
    const shown = [...found.matches, ...found.related].map((m) => m.ideaId);
    const counted = found.evidence.map((m) => m.ideaId).filter((id) => !shown.includes(id));
    const [summaries, cellsOnly, failedByCaller] = await Promise.all([
      this.load(shown),
      this.cellsOf(counted),
      req.key_fingerprint
        ? this.deps.evidence.failedBy(
            req.key_fingerprint,
            found.evidence.map((m) => m.ideaId),
          )
        : undefined,
    ]);
    const caller: VerdictCaller = {
      harnessKey: req.harness_id ? harnessKeyOf(req.harness_id) : null,
      hardware: hw,
      ...(found.baseline ? { baseline: true } : {}),
      ...(valued ? { named: true } : {}),
      ...(failedByCaller?.size ? { failedByCaller } : {}),
    };
    const loaded = new Map(summaries.map((l) => [l.summary.id, l]));
    const cellsOf = (id: string) => loaded.get(id)?.rows ?? cellsOnly.get(id);
    const matches = found.matches.filter((m) => loaded.has(m.ideaId));
    /** The findings behind `evidence`, in its order; an idea that moves the asked knob only another way is shown (related), never counted. */
    const evidenceFound = found.evidence.filter((m) => m.weight !== 0 && cellsOf(m.ideaId)?.length);
    const evidence: MatchedEvidence[] = evidenceFound.map((m) => ({
      ideaId: m.ideaId,
      strength: evidenceStrength(m, valued),
      // undefined: its changes could not be compared with the query's value by value.
      exact: m.weight === null && !m.exact ? undefined : m.exact,
      values: valuesOf(m.why),
      cells: cellsOf(m.ideaId)!,
    }));
    return { found, loaded, caller, hw, matches, evidence, evidenceFound, valued };
  }

  async check(req: CheckRequest): Promise<CheckResponse> {
    const { found, loaded, caller, hw, matches, evidence, valued } = await this.gather(req);
    const options = await this.verdictOptions(caller);
    const view = (m: Finding, same: boolean) => {
      const l = loaded.get(m.ideaId)!;
      const exact = m.weight === null && !m.exact ? undefined : m.exact;
      const mine = decide([{ ideaId: m.ideaId, strength: evidenceStrength(m, valued), exact, cells: l.rows }], caller, options);
      const here = hw
        ? l.rows.filter((r) => r.hardwareClass === hw.class && (mine.evidence.harness !== 'caller' || r.harnessKey === caller.harnessKey))
        : null;
      return {
        ...l.summary,
        same_idea: same,
        exact: m.exact,
        via: m.why.via,
        similarity: m.why.similarity,
        score: round(m.score),
        why: { ...m.why, text: m.why_text },
        verdict: mine.verdict,
        here: here ? summarise(here, undefined, () => options.noise ?? NOISE_PRIOR) : null,
      };
    };
    // "The same idea": the query's own identity, else an idea that makes its exact change; never merely the top match.
    const sameId = found.exactIdeaId ?? matches.find((m) => m.exact)?.ideaId ?? null;
    const decision = decide(evidence, caller, options);
    return {
      verdict: decision.verdict,
      warning: decision.warning,
      reason: decision.reason,
      hardware_class: hw?.class ?? null,
      hardware_family: hw?.family ?? null,
      changes: found.changes.map(({ concept, action, from, to }) => ({ concept, action, from, to })),
      embedding_degraded: found.degraded,
      evidence: decision.evidence,
      matches: matches.map((m) => view(m, m.ideaId === sameId)),
      related: found.related.filter((m) => loaded.has(m.ideaId)).map((m) => view(m, false)),
    };
  }

  /**
   * Ideas the caller should not try, most-tried first: those whose verdict for this harness and
   * class is crashes_here or known_bad, or failed_nearby that warns, with at least two failures near. Without
   * a class, ideas never kept anywhere in scope and failed at least twice.
   */
  async knownBad(scope: {
    harnessId?: string;
    hardwareClass?: string;
    limit: number;
  }): Promise<{ harness_id: string | null; hardware_class: string | null; ideas: IdeaSummary[] }> {
    const harnessKey = scope.harnessId ? harnessKeyOf(scope.harnessId) : null;
    const hw = scope.hardwareClass ? proximityOfClass(scope.hardwareClass) : null;
    const candidates = await this.deps.evidence.failingIdeas(
      { harnessKey: harnessKey ?? undefined, hardwareClass: hw?.class, hardwareFamily: hw?.family },
      Math.max(scope.limit * 4, 200),
    );
    const loaded = await this.load(candidates);
    const options = await this.verdictOptions({ harnessKey, hardware: hw });
    const bad = loaded.filter((l) => {
      const d = decide([{ ideaId: l.summary.id, strength: 1, exact: true, cells: l.rows }], { harnessKey, hardware: hw }, options);
      // Never an idea kept in the list's scope (its harness; its class and family, or any class
      // without one), but for a crash here: what fits in more memory next door still crashes on this class.
      const keptInScope = scopeCells(l.rows, harnessKey).cells.some(
        (c) => c.keeps > 0 && (!hw || c.hardwareClass === hw.class || c.family === hw.family),
      );
      return listedAsKnownBad(d, hw !== null) && (!keptInScope || d.verdict === 'crashes_here');
    });
    return {
      harness_id: scope.harnessId ?? null,
      hardware_class: scope.hardwareClass ?? null,
      ideas: bad.slice(0, scope.limit).map((l) => l.summary),
    };
  }

  /** One idea's summary and evidence (its records are paged by `GET /v1/records?idea=`). */
  async get(id: string): Promise<IdeaSummary> {
    const [loaded] = await this.load([id]);
    if (!loaded) throw new NotFoundError(`idea ${id.slice(0, 80)}`);
    return loaded.summary;
  }

  /** Ideas matching a query through the findings engine; without a query, the most-tried ideas. */
  async search(q: string | undefined, limit: number) {
    if (!q)
      return {
        ideas: (await this.load(await this.deps.evidence.topIdeas(limit))).map((l) => ({
          ...l.summary,
          similarity: null,
          score: null,
          why: null,
        })),
      };
    const found = await this.engine.find({ description: q, diff: null }, { limit, related: 0 });
    const loaded = new Map((await this.load(found.matches.map((m) => m.ideaId))).map((l) => [l.summary.id, l]));
    return {
      ideas: found.matches
        .filter((m) => loaded.has(m.ideaId))
        .map((m) => ({
          ...loaded.get(m.ideaId)!.summary,
          similarity: m.why.similarity,
          score: round(m.score),
          why: { ...m.why, text: m.why_text },
        })),
    };
  }

  /** The evidence cells of ideas that are counted but not shown (no summary, examples or σ needed). */
  private async cellsOf(ids: string[]): Promise<Map<string, EvidenceRow[]>> {
    const out = new Map<string, EvidenceRow[]>();
    if (ids.length === 0) return out;
    for (const r of (await this.deps.evidence.byIdeas([...new Set(ids)])).rows) {
      const cells = out.get(r.ideaId) ?? [];
      cells.push(r);
      out.set(r.ideaId, cells);
    }
    return out;
  }

  /** Idea summaries in the order of `ids`, with the evidence rows (per harness and class) behind them. */
  private async load(ids: string[]): Promise<{ summary: IdeaSummary; rows: EvidenceRow[] }[]> {
    const unique = [...new Set(ids)];
    const [ideas, evidence, examples] = await Promise.all([
      this.deps.ideas.findIdeas(unique),
      this.deps.evidence.byIdeas(unique),
      this.deps.evidence.examples(unique, EXAMPLES_PER_IDEA),
    ]);
    const byId = new Map(ideas.map((i) => [i.id, i]));
    const sigma = await sigmasOf(evidence.rows, this.deps.noise);
    return unique.flatMap((id) => {
      const idea = byId.get(id);
      const rows = evidence.rows.filter((e) => e.ideaId === id);
      // An idea whose every record is hidden (revoked keys) is not shown.
      if (!idea || rows.length === 0) return [];
      const summary: IdeaSummary = {
        id,
        description: idea.description,
        param_key: idea.paramKey,
        examples: examples.get(id) ?? [],
        overall: summarise(rows, evidence.contributors.get(id), sigma),
        by_class: rows.map((r) => ({ harness_id: r.harnessKey, hardware_class: r.hardwareClass, ...summarise([r], undefined, sigma) })),
      };
      return [{ summary, rows }];
    });
  }

  /** The verdict's options, with σ for the caller's harness and class from the noise model. */
  private async verdictOptions(caller: VerdictCaller): Promise<VerdictOptions> {
    if (!this.deps.noise) return this.deps.verdict ?? {};
    const noise = await this.deps.noise({
      harnessKey: caller.harnessKey ?? null,
      hardwareClass: caller.hardware?.class ?? null,
      family: caller.hardware?.family ?? null,
    });
    return { ...this.deps.verdict, noise: Number(noise.toPrecision(4)) };
  }
}

const INLINE_READER = inlineReader();

const diffOf = (payload: string) => (JSON.parse(payload) as RecordPayload).diff ?? null;

/** A batch ready to be assigned (IdeasService.prepareAssignment). */
export interface PreparedAssignment {
  rows: RecordRow[];
  derived: ({ id: string } & Derived)[];
  features: IdeaFeatures[];
  vectors: number[][];
}

const round = (x: number) => Math.round(x * 1000) / 1000;

/**
 * A match's weight in the verdict: its value-aware evidence weight when its changes could be
 * compared with the query's; else its retrieval strength, capped below the warning weight when
 * the query named a definite change the idea does not make (words or meaning alone never stop a run).
 */
const LOOSE_CAP = DEFAULTS.looseWeight;
const evidenceStrength = (m: Finding, valued: boolean) =>
  m.weight !== null ? Math.max(0.05, m.weight) : valued ? Math.min(LOOSE_CAP, matchStrength(m)) : matchStrength(m);

export type { HardwareProximity };
