// Ideas: assigns stored records to ideas (the job-queue handler), and answers "was this tried,
// and how did it go?" (check, known-bad, idea pages, semantic search).
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { Db } from '../db/client.ts';
import type { RecordRow } from '../db/schema/records.ts';
import type { IdeaRepository, VectorSpace } from '../repositories/idea.repository.ts';
import type { EvidenceRepository, EvidenceRow } from '../repositories/evidence.repository.ts';
import type { RecordRepository } from '../repositories/record.repository.ts';
import type { CheckRequest } from '../protocol/claim.schema.ts';
import type { CheckResponse, IdeaSummary } from '../protocol/api.schema.ts';
import type { RecordPayload } from '../protocol/record.schema.ts';
import { describeHardware } from '../protocol/hardware-class.ts';
import { notFound } from '../errors.ts';
import { ideaFeatures, type IdeaFeatures } from './ideas/features.ts';
import { matchIdea, type IdeaIndex } from './ideas/matcher.ts';
import { EmbedderError, type Embedder } from './ideas/embedder.ts';
import { inScope, KNOWN_BAD_MIN_FAILURES, summarise, verdictFor, type Caller, type Verdict } from './verdict.ts';
import { PLAUSIBILITY } from '../protocol/limits.ts';

/** Other ideas shown beside the match must be at least this similar. */
const RELATED_MIN_SIMILARITY = 0.5;
const EXAMPLES_PER_IDEA = 3;
/** Nearest records a check reads: the matcher's candidates and the related ideas beside them. */
const RELATED_NEIGHBOURS = 20;

export interface IdeasDeps {
  db: Db;
  ideas: IdeaRepository;
  evidence: EvidenceRepository;
  records: RecordRepository;
  embedder: Embedder;
  logger?: Logger;
}

export class IdeasService {
  private readonly space: VectorSpace;

  constructor(private readonly deps: IdeasDeps) {
    this.space = { model: deps.embedder.model, dimensions: deps.embedder.dimensions };
  }

  async init(): Promise<void> {
    await this.deps.ideas.ensureVectorIndex(this.space);
  }

  /** Job handler: gives each record an idea. Embedding failures throw, so the jobs are retried. */
  async assign(recordIds: string[]): Promise<void> {
    const rows = (await this.deps.records.findByIds(recordIds)).filter((r) => r.ideaId === null).sort((a, b) => a.seq - b.seq);
    if (rows.length === 0) return;
    const features = rows.map(featuresOf);
    const vectors = await this.deps.embedder.embed(features.map((f) => f.text));
    await this.deps.db.transaction(async (txRaw) => {
      const tx = txRaw as unknown as Db;
      await this.deps.ideas.lockAssignment(tx);
      const index = this.index(tx);
      const touched = new Set<string>();
      // Replication checks only matter where a flagged record is (rare): skip the rest.
      const flaggedIdeas = await this.deps.ideas.ideasWithFlagged(tx);
      for (const [i, row] of rows.entries()) {
        const f = features[i];
        const match = await matchIdea(f, vectors[i], index);
        let ideaId = match.ideaId;
        if (!ideaId) {
          ideaId = randomUUID();
          await this.deps.ideas.createIdea({ id: ideaId, description: row.description, paramKey: f.paramKey, foundingRecordId: row.id }, tx);
        }
        await this.deps.ideas.assign({ recordId: row.id, ideaId, diffKey: f.diffKey, paramKey: f.paramKey, space: this.space, embedding: vectors[i] }, tx);
        // A replication by another key makes an implausible result plausible (PLAUSIBILITY).
        if (row.flagged) flaggedIdeas.add(ideaId);
        if (flaggedIdeas.has(ideaId)) await this.deps.ideas.confirmReplications(row.id, PLAUSIBILITY.noiseBand, tx);
        touched.add(ideaId);
      }
      await this.deps.evidence.refresh([...touched], tx);
    });
  }

  async check(req: CheckRequest): Promise<CheckResponse> {
    const limit = req.limit ?? 5;
    const f = ideaFeatures({ description: req.description, diff: req.diff ?? null });
    const hw = req.hardware ? describeHardware(req.hardware) : null;
    const caller: Caller = { harnessId: req.harness_id, hardwareClass: hw?.class, memoryGb: hw?.memory_gb };
    const { vector, degraded } = await this.embedQuery(f.text);
    // One nearest-neighbour query serves both the matcher (its top 10) and the related ideas.
    const near = degraded ? [] : await this.deps.ideas.nearest(this.space, vector, RELATED_NEIGHBOURS);
    const index: IdeaIndex = { ...this.index(this.deps.db, degraded), nearest: async (_v, k) => near.slice(0, k) };
    const match = await matchIdea(f, vector, index);
    const related = new Map<string, number>();
    for (const c of near) if (c.similarity >= RELATED_MIN_SIMILARITY && !related.has(c.ideaId)) related.set(c.ideaId, c.similarity);
    const ids = [...new Set([...(match.ideaId ? [match.ideaId] : []), ...related.keys()])].slice(0, limit);
    const loaded = await this.load(ids);
    const matches = loaded.map(({ summary: s, rows }) => {
      const scope = inScope(rows, caller);
      const same = s.id === match.ideaId;
      return {
        ...s,
        same_idea: same,
        via: same ? match.via : null,
        similarity: same ? match.similarity : (related.get(s.id) ?? null),
        verdict: verdictFor(rows, caller),
        here: caller.hardwareClass ? summarise(scope.filter((r) => r.hardwareClass === caller.hardwareClass)) : null,
      };
    });
    const best = matches.find((m) => m.same_idea);
    const verdict: Verdict = best ? best.verdict : 'novel';
    return { verdict, reason: reason(verdict, best, caller), hardware_class: caller.hardwareClass ?? null, embedding_degraded: degraded, matches };
  }

  async knownBad(scope: { harnessId?: string; hardwareClass?: string; limit: number }): Promise<{ harness_id: string | null; hardware_class: string | null; ideas: IdeaSummary[] }> {
    const ids = await this.deps.evidence.knownBadIdeas(scope, KNOWN_BAD_MIN_FAILURES, scope.limit);
    return { harness_id: scope.harnessId ?? null, hardware_class: scope.hardwareClass ?? null, ideas: await this.summaries(ids) };
  }

  /** One idea's summary and evidence (its records are paged by `GET /v1/records?idea=`). */
  async get(id: string): Promise<IdeaSummary> {
    const [summary] = await this.summaries([id]);
    if (!summary) throw notFound(`idea ${id.slice(0, 80)}`);
    return summary;
  }

  /** Semantic search over ideas (nearest records, grouped); without a query, the most-tried ideas. */
  async search(q: string | undefined, limit: number) {
    if (!q) return { ideas: (await this.summaries(await this.deps.evidence.topIdeas(limit))).map((s) => ({ ...s, similarity: null })) };
    const f = ideaFeatures({ description: q, diff: null });
    const [vector] = await this.deps.embedder.embed([f.text]);
    const near = await this.deps.ideas.nearest(this.space, vector, Math.max(limit * 5, 50));
    const best = new Map<string, number>();
    for (const n of near) if (!best.has(n.ideaId)) best.set(n.ideaId, n.similarity);
    const ids = [...best.keys()].slice(0, limit);
    return { ideas: (await this.summaries(ids)).map((s) => ({ ...s, similarity: best.get(s.id) ?? null })) };
  }

  private async summaries(ids: string[]): Promise<IdeaSummary[]> {
    return (await this.load(ids)).map((l) => l.summary);
  }

  /** Idea summaries in the order of `ids`, with the evidence rows (per harness and class) behind them. */
  private async load(ids: string[]): Promise<{ summary: IdeaSummary; rows: EvidenceRow[] }[]> {
    const [ideas, evidence, examples] = await Promise.all([
      this.deps.ideas.findIdeas(ids),
      this.deps.evidence.byIdeas(ids),
      this.deps.evidence.examples(ids, EXAMPLES_PER_IDEA),
    ]);
    const byId = new Map(ideas.map((i) => [i.id, i]));
    return ids.flatMap((id) => {
      const idea = byId.get(id);
      const rows = evidence.rows.filter((e) => e.ideaId === id);
      // An idea whose every record is hidden (revoked keys) is not shown.
      if (!idea || rows.length === 0) return [];
      const summary: IdeaSummary = {
        id,
        description: idea.description,
        param_key: idea.paramKey,
        examples: examples.get(id) ?? [],
        overall: summarise(rows, evidence.contributors.get(id)),
        by_class: rows.map((r) => ({ harness_id: r.harnessId, hardware_class: r.hardwareClass, ...summarise([r]) })),
      };
      return [{ summary, rows }];
    });
  }

  private index(tx: Db, noVectors = false): IdeaIndex {
    return {
      byDiffKey: (k) => this.deps.ideas.ideaByDiffKey(k, tx),
      byParamKey: (k) => this.deps.ideas.ideaByParamKey(k, tx),
      nearest: async (v, k) => (noVectors ? [] : this.deps.ideas.nearest(this.space, v, k, tx)),
    };
  }

  /** A check should still answer when the embedding API is down: exact matches only, flagged. */
  private async embedQuery(text: string): Promise<{ vector: number[]; degraded: boolean }> {
    try {
      const [vector] = await this.deps.embedder.embed([text]);
      return { vector, degraded: false };
    } catch (err) {
      if (!(err instanceof EmbedderError)) throw err;
      this.deps.logger?.warn({ err: err.message }, 'embedding failed; check answers from exact matches only');
      return { vector: new Array(this.space.dimensions).fill(0), degraded: true };
    }
  }
}

function featuresOf(row: RecordRow): IdeaFeatures {
  const payload = JSON.parse(row.payload) as RecordPayload;
  return ideaFeatures({ description: row.description, diff: payload.diff });
}

function reason(verdict: Verdict, best: { overall: { attempts: number; keeps: number }; here: { attempts: number; keeps: number; discards: number; crashes: number } | null } | undefined, caller: Caller): string {
  if (!best) return 'Nothing similar has been tried.';
  const cls = caller.hardwareClass ?? 'any hardware';
  const here = best.here;
  switch (verdict) {
    case 'crashes_here':
      return `It crashed on ${cls} or ran out of memory on hardware with at least as much memory${here ? ` (${here.crashes} crash(es) here)` : ''}.`;
    case 'known_bad':
      return `Tried ${here?.attempts ?? best.overall.attempts} time(s) on ${cls} and never kept there.`;
    case 'promising':
      return `Kept ${best.overall.keeps} time(s) out of ${best.overall.attempts} attempt(s).`;
    default:
      return `Tried ${best.overall.attempts} time(s) with mixed results; not kept yet.`;
  }
}
