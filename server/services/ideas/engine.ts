// The findings engine: from a description (and optional diff) to the ideas that tried the same
// change, fused from three sources (catalogue changes, full-text words, embeddings), and the
// verdict over their evidence. check, search, known-bad, claims and everything that prints a
// finding go through here.
import type { Logger } from 'pino';
import type { IdeaRepository, VectorSpace } from '../../repositories/idea.repository.ts';
import type { IdeaSearchRepository } from '../../repositories/idea-search.repository.ts';
import { understand, expansionTerms, conceptInfo, narrowerConcepts, type Understanding } from '../../catalogue/understand.ts';
import { ideaFeatures } from './features.ts';
import { EmbedderError, type Embedder } from './embedder.ts';
import { weighEvidence } from '../../catalogue/relate.ts';
import { scoreCandidates, whyText, type Change, type RetrievalCandidate, type RetrievalOptions, type Scored } from './retrieval.ts';

/** Nearest records read per query (the vector source). */
const NEIGHBOURS = 30;
/** Ideas read from the concept index and from full-text search per query. */
const CONCEPT_CANDIDATES = 300;
const LEXICAL_CANDIDATES = 40;

export interface FindQuery {
  description: string;
  diff: string | null;
}

export interface Finding extends Scored {
  /** One line: the shared changes, or the words, or the meaning. */
  why_text: string;
  /** The idea makes the query's exact change (same diff or change key, or the same concept, action, from and to). */
  exact: boolean;
  /** How strongly its changes speak for the query's (relate.ts weighEvidence); null when values could not be compared. */
  weight: number | null;
}

export interface FindResult {
  /** Ideas that tried the same change, best first (at most `limit`). */
  matches: Finding[];
  /** Ideas that moved the same concept another way (the other direction, another value). */
  related: Finding[];
  /**
   * The evidence a verdict weighs: every idea that makes the exact change (however many, shown or
   * not), then the shown matches that make it from another state or to another value, or looser.
   */
  evidence: Finding[];
  /** What the query changes, as the catalogue reads it. */
  changes: Change[];
  /** The query is a baseline run (the catalogue's reading): it changes nothing. */
  baseline: boolean;
  /** The idea the query itself would be assigned to by exact identity (same diff or parameter key). */
  exactIdeaId: string | null;
  /** The embedding service failed: words and changes only. */
  degraded: boolean;
}

export interface EngineDeps {
  ideas: IdeaRepository;
  search: IdeaSearchRepository;
  embedder: Embedder;
  logger?: Logger;
}

export class FindingsEngine {
  readonly space: VectorSpace;

  private readonly options: Partial<RetrievalOptions>;

  constructor(
    private readonly deps: EngineDeps,
    options: Partial<RetrievalOptions> = {},
  ) {
    this.space = { model: deps.embedder.model, dimensions: deps.embedder.dimensions };
    const cal = deps.embedder.calibration;
    this.options = { ...(cal ? { similarityFloor: cal.floor, similarityFull: cal.full } : {}), ...options };
  }

  async find(q: FindQuery, { limit = 5, related = 3 }: { limit?: number; related?: number } = {}): Promise<FindResult> {
    const u = understand(q); // read once: identity features, retrieval and evidence use this reading
    const f = ideaFeatures(q, u);
    const { vector, degraded } = await this.embedQuery(f.text, f.reading);
    const concepts = [
      ...new Set(u.concepts.flatMap((c) => [c, ...narrowerConcepts(c), ...(conceptInfo(c)?.broader ? [conceptInfo(c)!.broader!] : [])])),
    ];
    const words = `${q.description}\n${expansionTerms(u.concepts).join(' ')}`;
    const [byDiff, byParams, near, byConcept, lexical] = await Promise.all([
      f.diffKey ? this.deps.ideas.ideaByDiffKey(f.diffKey) : null,
      f.paramKey ? this.deps.ideas.ideaByParamKey(f.paramKey) : null,
      degraded ? [] : this.deps.ideas.nearestIdeas(this.space, vector, NEIGHBOURS),
      this.deps.search.byConcepts(concepts, CONCEPT_CANDIDATES),
      this.deps.search.lexical(words, LEXICAL_CANDIDATES),
    ]);

    const candidates = new Map<string, RetrievalCandidate>();
    const get = (id: string, changes?: RetrievalCandidate['changes'], attempts?: number) => {
      let c = candidates.get(id);
      if (!c) candidates.set(id, (c = { ideaId: id, changes: [], attempts: 0, exact: null, words: null, similarity: null }));
      if (changes && attempts !== undefined) Object.assign(c, { changes, attempts });
      return c;
    };
    for (const c of byConcept) get(c.ideaId, c.changes, c.attempts);
    for (const l of lexical) get(l.ideaId, l.changes, l.attempts).words = { score: l.score, held: l.lexemes };
    for (const n of near) {
      const c = get(n.ideaId, n.changes, n.attempts);
      c.similarity = Math.max(c.similarity ?? -1, n.similarity);
    }
    const exact = [...new Set([byDiff, byParams].filter((x): x is string => !!x))].filter((id) => !candidates.has(id));
    for (const c of await this.deps.search.changesOf(exact)) get(c.ideaId, c.changes, c.attempts);
    if (byDiff) get(byDiff).exact = 'diff';
    if (byParams && byParams !== byDiff) get(byParams).exact = 'params';
    // An idea with no visible record (its keys revoked) is never shown.
    for (const [id, c] of candidates) if (c.attempts === 0) candidates.delete(id);

    const scored = scoreCandidates({ changes: u.changes }, [...candidates.values()], broaderOf, this.options);
    const weights = new Map(
      [...candidates.values()].map((c) => [c.ideaId, c.exact ? { exact: true, weight: 1 } : weighEvidence(u.changes, c.changes)] as const),
    );
    const withText = (s: Scored): Finding => ({
      ...s,
      why_text: whyText(s.why, conceptName),
      exact: weights.get(s.ideaId)?.exact ?? false,
      weight: weights.get(s.ideaId)?.weight ?? null,
    });
    const matches = scored
      .filter((s) => s.kind === 'match')
      .slice(0, limit)
      .map(withText);
    const shown = new Set(matches.map((m) => m.ideaId));
    const exactElsewhere = [...candidates.values()]
      .filter((c) => !shown.has(c.ideaId) && weights.get(c.ideaId)?.exact)
      .map((c) =>
        withText({
          ideaId: c.ideaId,
          kind: 'match',
          score: 0.9,
          why: {
            via: 'changes',
            changes: u.changes.map((x) => ({ ...x, relation: 'same' as const })),
            words: [],
            similarity: c.similarity,
          },
        }),
      );
    return {
      matches,
      related: scored
        .filter((s) => s.kind === 'related')
        .slice(0, related)
        .map(withText),
      evidence: [...matches, ...exactElsewhere],
      changes: u.changes,
      baseline: u.baseline,
      exactIdeaId: byDiff ?? byParams ?? null,
      degraded,
    };
  }

  /** A check should still answer when the embedding API is down: changes and words only, flagged. */
  private async embedQuery(text: string, reading: Understanding | null): Promise<{ vector: number[]; degraded: boolean }> {
    try {
      const [vector] = await this.deps.embedder.embed([text], [reading]);
      return { vector, degraded: false };
    } catch (err) {
      if (!(err instanceof EmbedderError)) throw err;
      this.deps.logger?.warn({ err: err.message }, 'embedding failed; check answers from changes and words only');
      return { vector: new Array(this.space.dimensions).fill(0), degraded: true };
    }
  }
}

export const broaderOf = (concept: string) => conceptInfo(concept)?.broader ?? null;
export const conceptName = (concept: string) => conceptInfo(concept)?.name ?? concept.toLowerCase().replace(/_/g, ' ');
