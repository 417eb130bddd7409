// Retrieval scoring, pure: fuses what a query changes (catalogue concepts and actions), the words
// it shares with an idea's document (IDF-weighted) and its embedding's nearness into one ranking,
// and sorts candidates into matches (the same change), related ideas (the same concept moved
// another way) and the rest. Every match says why it matched.
import { relate, type Relation } from '../../catalogue/relate.ts';
import type { Change } from '../../catalogue/relate.ts';
import { showValue } from '../../protocol/value-display.ts';

export type { Action } from '../../catalogue/change-set.ts';
export type { Change, Relation } from '../../catalogue/relate.ts';
export { relate } from '../../catalogue/relate.ts';
export interface CountedChange extends Change {
  records: number;
}

export interface RetrievalCandidate {
  ideaId: string;
  /** The idea's distinct changes, with how many of its records make each. */
  changes: CountedChange[];
  attempts: number;
  /** An exact identity with the query: the same normalised diff, or the same parameter key. */
  exact: 'diff' | 'params' | null;
  /** The IDF-weighted share of the query's words its document holds, and those words (null: none). */
  words: { score: number; held: string[] } | null;
  /** Cosine similarity of its nearest record to the query (null when not among the nearest). */
  similarity: number | null;
}

export interface QueryTerms {
  changes: Change[];
}

export interface WhyChange {
  concept: string;
  action: string;
  from: string | null;
  to: string | null;
  relation: Relation;
}

export interface Why {
  via: 'diff' | 'params' | 'changes' | 'words' | 'meaning';
  changes: WhyChange[];
  words: string[];
  similarity: number | null;
}

export interface Scored {
  ideaId: string;
  kind: 'match' | 'related';
  score: number;
  why: Why;
}

export interface RetrievalOptions {
  /** Cosine similarity from which an embedding alone counts, and where it counts fully. */
  similarityFloor: number;
  similarityFull: number;
  /** A words-and-meaning score (0–1) from which an idea matches when no change is shared. */
  looseThreshold: number;
  /** Matches scoring more than this below the best match are dropped (precision over padding). */
  margin: number;
}

export const RETRIEVAL_DEFAULTS: RetrievalOptions = { similarityFloor: 0.55, similarityFull: 0.9, looseThreshold: 0.5, margin: 0.12 };

const RELATION_SCORE: Record<Relation, number> = {
  same: 1,
  compatible: 0.85,
  unknown_direction: 0.45,
  broader: 0.4,
  other_value: 0,
  opposite: 0,
  none: 0,
};

/** An embedding similarity on a 0–1 scale: 0 below the floor, 1 from `full`. */
function meaningScore(similarity: number | null, o: RetrievalOptions): number {
  if (similarity === null || similarity <= o.similarityFloor) return 0;
  return Math.min(1, (similarity - o.similarityFloor) / (o.similarityFull - o.similarityFloor));
}

/**
 * Scores every candidate against the query. A query that names changes matches ideas making a
 * compatible change (the same concept and action, or a broader/narrower concept), ranked by
 * how much of both sides they share, then by words and meaning; an idea that only moves the same
 * concept another way is related. Ideas whose changes were not understood, and queries that name
 * none, match on words and meaning alone, above a threshold.
 */
export function scoreCandidates(
  q: QueryTerms,
  candidates: readonly RetrievalCandidate[],
  broader: (concept: string) => string | null,
  options: Partial<RetrievalOptions> = {},
): Scored[] {
  const o = { ...RETRIEVAL_DEFAULTS, ...options };
  // A concept the query names only as the setting of a narrower one ("d_state in the Mamba
  // blocks": SSM beside SSM_STATE_DIM) is context, not a second change to match.
  const ancestors = new Set(q.changes.flatMap((c) => chain(c.concept, broader)));
  const changes = q.changes.filter((c) => !ancestors.has(c.concept));
  q = { ...q, changes };
  const out = candidates.map((c) => scoreCandidate(q, c, broader, o)).filter((s): s is Scored => s !== null);
  // A broader or narrower concept only stands in when nothing makes the change itself.
  const direct = out.some((s) => s.kind === 'match' && (s.why.via !== 'changes' || s.why.changes.some((c) => c.relation !== 'broader')));
  if (direct)
    for (const s of out)
      if (s.kind === 'match' && s.why.via === 'changes' && s.why.changes.every((c) => c.relation === 'broader')) s.kind = 'related';
  out.sort((a, b) => b.score - a.score || (a.ideaId < b.ideaId ? -1 : 1));
  const best = out.find((s) => s.kind === 'match')?.score ?? 0;
  return out.filter((s) => s.kind !== 'match' || s.score >= best - o.margin);
}

/** One candidate scored: an exact identity, shared changes, an opposed change, words and meaning, or null (no match). */
function scoreCandidate(
  q: QueryTerms,
  c: RetrievalCandidate,
  broader: (concept: string) => string | null,
  o: RetrievalOptions,
): Scored | null {
  const words = { score: c.words?.score ?? 0, words: c.words?.held ?? [] };
  const meaning = meaningScore(c.similarity, o);
  // Either signal alone can carry a match; both together more so (a probabilistic OR).
  const loose = 1 - (1 - words.score) * (1 - meaning);
  if (c.exact)
    return {
      ideaId: c.ideaId,
      kind: 'match',
      score: 1 + 0.01 * loose,
      why: { via: c.exact, changes: [], words: words.words, similarity: c.similarity },
    };
  const { shared, opposed, sum } = shareChanges(q, c, broader);
  const matched = shared.filter((s) => RELATION_SCORE[s.relation] > 0);
  if (q.changes.length && matched.length) {
    // How much of the idea is about what the query asks (an idea doing three other things too ranks lower).
    const mass = c.changes.reduce((a, r) => a + r.records, 0);
    const onTopic = c.changes
      .filter((r) => q.changes.some((qc) => RELATION_SCORE[relate(qc, r, broader)] > 0))
      .reduce((a, r) => a + r.records, 0);
    const ideaShare = mass ? onTopic / mass : 1;
    const changeScore = (sum / q.changes.length) * (0.6 + 0.4 * ideaShare);
    return {
      ideaId: c.ideaId,
      kind: 'match',
      score: 0.5 + 0.4 * changeScore + 0.1 * loose,
      why: { via: 'changes', changes: matched, words: words.words, similarity: c.similarity },
    };
  }
  if (q.changes.length && opposed)
    return {
      ideaId: c.ideaId,
      kind: 'related',
      score: 0.3 + 0.2 * loose,
      why: { via: 'changes', changes: shared, words: words.words, similarity: c.similarity },
    };
  if (loose >= o.looseThreshold && (q.changes.length === 0 || c.changes.length === 0))
    // Words and meaning alone: when the query names no change, or the idea's changes were not understood.
    return {
      ideaId: c.ideaId,
      kind: 'match',
      score: 0.45 * loose,
      why: { via: meaning >= words.score ? 'meaning' : 'words', changes: [], words: words.words, similarity: c.similarity },
    };
  return null;
}

/**
 * Each query change against the candidate's: the candidate change relating best to it (an opposed
 * one only when nothing relates better), whether any change is opposed, and the summed scores.
 */
function shareChanges(
  q: QueryTerms,
  c: RetrievalCandidate,
  broader: (concept: string) => string | null,
): { shared: WhyChange[]; opposed: boolean; sum: number } {
  const shared: WhyChange[] = [];
  let opposed = false;
  let sum = 0;
  for (const qc of q.changes) {
    let best: { rel: Relation; s: number; r: CountedChange } | null = null;
    for (const r of c.changes) {
      const rel = relate(qc, r, broader);
      if (rel === 'opposite' || rel === 'other_value') {
        opposed = true;
        if (!best) best = { rel, s: 0, r };
        continue;
      }
      const share = c.attempts > 0 ? Math.min(1, r.records / c.attempts) : 1;
      const s = RELATION_SCORE[rel] * (0.5 + 0.5 * share);
      if (s > 0 && (!best || s > best.s)) best = { rel, s, r };
    }
    if (best) shared.push({ concept: best.r.concept, action: best.r.action, from: best.r.from, to: best.r.to, relation: best.rel });
    sum += best?.s ?? 0;
  }
  return { shared, opposed, sum };
}

/** Every concept above `concept` in the catalogue, nearest first. */
function chain(concept: string, broader: (concept: string) => string | null): string[] {
  const out: string[] = [];
  for (let b = broader(concept); b && !out.includes(b); b = broader(b)) out.push(b);
  return out;
}

/** One line saying why an idea matched: the shared changes, or the words, or the meaning. */
export function whyText(why: Why, name: (concept: string) => string): string {
  if (why.via === 'diff') return 'the same diff';
  if (why.via === 'params') return 'the same parameter changes';
  if (why.via === 'changes') {
    const parts = why.changes.map((c) => `${relationWord(c.relation)} ${describeChange(c, name)}`);
    return [...new Set(parts)].join('; ');
  }
  if (why.via === 'words')
    return `shares the words ${why.words
      .slice(0, 6)
      .map((w) => `"${w}"`)
      .join(', ')}`;
  return `close in meaning (similarity ${why.similarity?.toFixed(2)})`;
}

function relationWord(r: Relation): string {
  return r === 'same'
    ? 'same change:'
    : r === 'compatible'
      ? 'same kind of change:'
      : r === 'unknown_direction'
        ? 'same knob, direction unknown:'
        : r === 'broader'
          ? 'related concept:'
          : r === 'opposite'
            ? 'the other way:'
            : r === 'other_value'
              ? 'another value:'
              : '';
}

/** A change's values as people write them: "2^19 → 2^18", "to 0.1"; '' without a target. */
function shownValues(c: Pick<Change, 'from' | 'to'>): string {
  if (c.to === null) return '';
  return c.from !== null ? `${showValue(c.from)} → ${showValue(c.to)}` : `to ${showValue(c.to)}`;
}

/** "raise matrix learning rate 0.04 → 0.06". */
export function describeChange(c: Pick<Change, 'concept' | 'action' | 'from' | 'to'>, name: (concept: string) => string): string {
  const values = shownValues(c);
  return `${c.action === 'mention' ? 'change' : c.action} ${name(c.concept)}${values ? ` ${values}` : ''}`;
}

/** The values of the changes an idea shares with a query, as people write them ("2^19 → 2^18"; "DEPTH to 8, MATRIX_LR 0.04 → 0.06"), or null. */
export function valuesOf(why: Pick<Why, 'changes'>): string | null {
  const valued = why.changes.filter((c) => c.to !== null || c.from !== null);
  if (valued.length === 0) return null;
  const one = (c: WhyChange) => shownValues(c) || `from ${showValue(c.from!)}`;
  return valued.length === 1 ? one(valued[0]) : valued.map((c) => `${c.concept} ${one(c)}`).join(', ');
}
