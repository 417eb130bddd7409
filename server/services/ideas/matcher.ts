// Which idea a record belongs to: the same normalised diff, else the same change key, else the
// nearest embedding close enough whose idea holds no change conflicting with the record's.
import { changesConflict, type Change } from '../../catalogue/relate.ts';
import type { IdeaFeatures } from './features.ts';

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
  /** The distinct changes an idea's records make (empty when none was understood). */
  changesOf(ideaId: string): Promise<readonly Change[]>;
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

/** How many nearest records rule 3 weighs. */
export const MATCH_NEIGHBOURS = 10;

/**
 * The rules, in order; the first that holds decides:
 * 1. `diff`: a record with the same normalised diff (same +/- lines, anywhere in the file);
 * 2. `params`: a record with the same change key (the catalogue reads the same changes, values
 *    and all, in its diff or description);
 * 3. `embedding`: the nearest record whose cosine similarity is at least the threshold, in an
 *    idea none of whose changes conflicts with the record's (changesConflict: other concepts,
 *    the other direction, another target value or starting state, a removal against an
 *    addition; a record the catalogue understood never joins one it did not, nor the reverse).
 *    So beta1 0.8→0.9 never joins beta1 0.9→0.95 however alike the words, and a vague record in
 *    an idea ("raise matrix LR") does not bridge it to a contradicting one;
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
  for (const c of await index.nearest(vector, MATCH_NEIGHBOURS)) {
    if (c.similarity < threshold) break;
    if (!changesConflict(f.changes, await index.changesOf(c.ideaId)))
      return { ideaId: c.ideaId, via: 'embedding', similarity: c.similarity };
  }
  return { ideaId: null, via: null, similarity: null };
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
