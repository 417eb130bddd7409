// Which idea a record belongs to: the same normalised diff, else the same parameter changes,
// else the nearest embedding close enough and not contradicted by its parameter changes.
import { paramKeysConflict, type IdeaFeatures } from './features.ts';

export interface Candidate {
  ideaId: string;
  similarity: number /* cosine */;
  paramKey: string | null;
}

export interface IdeaIndex {
  /** Idea id of a record with that normalised diff. */
  byDiffKey(diffKey: string): Promise<string | null>;
  byParamKey(paramKey: string): Promise<string | null>;
  /** Nearest records' ideas, best first. */
  nearest(vector: number[], k: number): Promise<Candidate[]>;
}

export interface IdeaMatch {
  ideaId: string | null;
  via: 'diff' | 'params' | 'embedding' | null;
  similarity: number | null;
}

/**
 * Cosine similarity from which two records are one idea (rule 3). Tuned on the labelled set
 * (test/fixtures/ideas-labelled.tsv, `npm run bench -- ideas-quality` prints the sweep) for the
 * local embedder; another embedder may need its own.
 */
export const SIMILARITY_THRESHOLD = 0.7;

/** How many nearest records rule 3 weighs: candidates, and witnesses against their ideas. */
export const MATCH_NEIGHBOURS = 10;

/**
 * The rules, in order; the first that holds decides:
 * 1. `diff`: a record with the same normalised diff (same +/- lines, anywhere in the file);
 * 2. `params`: a record with the same parameter key (its diff, or without one its description,
 *    changes the same parameters the same way);
 * 3. `embedding`: the nearest record whose cosine similarity is at least the threshold
 *    (SIMILARITY_THRESHOLD unless an evaluation sweeps it), skipping every idea that one of the
 *    MATCH_NEIGHBOURS nearest records contradicts: both parameter keys set and not compatible (see
 *    paramKeysConflict). So beta1 0.8→0.9 never joins beta1 0.9→0.95 however alike the words,
 *    and a vague record in an idea ("raise matrix LR") does not bridge it to a contradicting one;
 * otherwise the record starts a new idea (ideaId null).
 */
export async function matchIdea(
  f: IdeaFeatures,
  vector: number[],
  index: IdeaIndex,
  { threshold = SIMILARITY_THRESHOLD }: { threshold?: number } = {},
): Promise<IdeaMatch> {
  if (f.diffKey) {
    const ideaId = await index.byDiffKey(f.diffKey);
    if (ideaId) return { ideaId, via: 'diff', similarity: null };
  }
  if (f.paramKey) {
    const ideaId = await index.byParamKey(f.paramKey);
    if (ideaId) return { ideaId, via: 'params', similarity: null };
  }
  const candidates = await index.nearest(vector, MATCH_NEIGHBOURS);
  const contradicted = new Set(
    candidates.filter((c) => f.paramKey && c.paramKey && paramKeysConflict(f.paramKey, c.paramKey)).map((c) => c.ideaId),
  );
  const best = candidates.find((c) => c.similarity >= threshold && !contradicted.has(c.ideaId));
  return best ? { ideaId: best.ideaId, via: 'embedding', similarity: best.similarity } : { ideaId: null, via: null, similarity: null };
}

/** Cosine similarity of two vectors of one length (0 when either is all zeros). */
export function cosine(a: readonly number[], b: readonly number[]): number {
  if (a.length !== b.length) throw new RangeError(`cosine: vectors of ${a.length} and ${b.length} dimensions`);
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i] * b[i];
    na += a[i] * a[i];
    nb += b[i] * b[i];
  }
  return na === 0 || nb === 0 ? 0 : dot / Math.sqrt(na * nb);
}
