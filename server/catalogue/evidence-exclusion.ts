// Rows that are shown but not counted as evidence: runs their log marks invalid ("TAINTED",
// NaN at some step), baselines (nothing changed) and keeps or discards with no parent to compare
// with. The words are data (evidence-exclusion.json), read through the catalogue's stemmer.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { isBaselineDescription } from './understand.ts';
import { phraseStems, words, type Word } from './words.ts';

export type EvidenceExclusion = 'invalid' | 'baseline' | 'no_parent';

const phrase = z.string().regex(/^[a-z0-9][a-z0-9 '-]*$/, 'lower-case words');
const phrases = z.array(phrase).min(1);

const exclusionSchema = z.strictObject({
  version: z.number().int().positive(),
  invalid: z.strictObject({
    /** Phrases that mark a run invalid wherever they stand ("TAINTED", "invalid run"). */
    anywhere: phrases,
    /** Words that mark it only as a label: first or last word of a clause or aside, or written in capitals ("INVALID", "(void: …)"). */
    labels: phrases,
  }),
  /** A loss that went NaN or infinite: a keep's or discard's val_bpb is then no measurement; a crash's is its outcome. */
  diverged: z.strictObject({
    markers: phrases,
    /** Words up to four before a marker, in its clause, that make it the subject of the change ("avoid NaN with eps"). */
    not_after: phrases,
    /** Words right after a marker that do the same ("NaN-safe softmax", "nan_to_num"). */
    not_before: phrases,
  }),
});

export type ExclusionWords = z.infer<typeof exclusionSchema>;

/** The word lists, or an error naming every problem (schema, a phrase listed twice, a phrase with no words). */
export function parseExclusionWords(raw: unknown): ExclusionWords {
  const data = exclusionSchema.parse(raw);
  const problems: string[] = [];
  const lists = { 'invalid.anywhere': data.invalid.anywhere, 'invalid.labels': data.invalid.labels, ...prefixed(data.diverged) };
  for (const [name, list] of Object.entries(lists)) {
    const seen = new Set<string>();
    for (const p of list) {
      const key = phraseStems(p).join(' ');
      if (!key) problems.push(`${name}: "${p}" has no words`);
      else if (seen.has(key)) problems.push(`${name}: "${p}" listed twice (as stems)`);
      seen.add(key);
    }
  }
  for (const p of data.invalid.labels) if (phraseStems(p).length !== 1) problems.push(`invalid.labels: "${p}" must be one word`);
  if (problems.length) throw new Error(`evidence-exclusion.json is invalid:\n  ${problems.join('\n  ')}`);
  return data;
}

function prefixed(d: ExclusionWords['diverged']): Record<string, string[]> {
  return { 'diverged.markers': d.markers, 'diverged.not_after': d.not_after, 'diverged.not_before': d.not_before };
}

const SOURCE = readFileSync(new URL('./evidence-exclusion.json', import.meta.url), 'utf8');
export const EXCLUSION_WORDS: ExclusionWords = parseExclusionWords(JSON.parse(SOURCE));
/** Changes whenever the word lists do; part of the derivation version of stored records. */
export const EXCLUSION_VERSION = `${EXCLUSION_WORDS.version}-${createHash('sha256').update(SOURCE).digest('hex').slice(0, 8)}`;

const stemsOf = (list: readonly string[]) => list.map(phraseStems);
const INVALID_ANYWHERE = stemsOf(EXCLUSION_WORDS.invalid.anywhere);
const INVALID_LABELS = new Set(EXCLUSION_WORDS.invalid.labels.map((l) => phraseStems(l)[0]));
const DIVERGED = stemsOf(EXCLUSION_WORDS.diverged.markers);
const NOT_AFTER = new Set(stemsOf(EXCLUSION_WORDS.diverged.not_after).map((s) => s.join(' ')));
const NOT_BEFORE = new Set(stemsOf(EXCLUSION_WORDS.diverged.not_before).map((s) => s.join(' ')));
/** How far back a negating word may stand from a marker ("avoid the occasional NaN"). */
const NEGATION_WINDOW = 4;

/** The end index of `stems` spelled from word i within one clause, or -1. */
function phraseAt(ws: readonly Word[], i: number, stems: readonly string[]): number {
  const ok = stems.every((s, k) => ws[i + k]?.stem === s && ws[i + k].clause === ws[i].clause);
  return ok ? i + stems.length - 1 : -1;
}

const capitals = (text: string, w: Word) => {
  const s = text.slice(w.start, w.end);
  return s.length >= 3 && s === s.toUpperCase() && s !== s.toLowerCase();
};

/** True when the description marks the run invalid ("TAINTED: weight tying not reverted", "INVALID", "broken run"). */
export function marksInvalid(description: string): boolean {
  const ws = words(description);
  return ws.some((w, i) => {
    if (INVALID_ANYWHERE.some((stems) => phraseAt(ws, i, stems) >= 0)) return true;
    if (!INVALID_LABELS.has(w.stem)) return false;
    const first = i === 0 || ws[i - 1].clause !== w.clause;
    const last = i === ws.length - 1 || ws[i + 1].clause !== w.clause;
    return first || last || capitals(description, w);
  });
}

/** True when the description reports the loss going NaN or infinite, not a change about it ("NaN at step 117", not "avoid NaN with eps"). */
export function reportsDivergence(description: string): boolean {
  const ws = words(description);
  return ws.some((w, i) =>
    DIVERGED.some((stems) => {
      const end = phraseAt(ws, i, stems);
      if (end < 0) return false;
      for (let k = i - 1; k >= Math.max(0, i - NEGATION_WINDOW) && ws[k].clause === w.clause; k--)
        if (NOT_AFTER.has(ws[k].stem)) return false;
      const next = ws[end + 1];
      return !(next && (next.clause === w.clause || next.joined) && NOT_BEFORE.has(next.stem));
    }),
  );
}

export interface ExclusionInput {
  description: string;
  status: string;
  parentValBpb: number | null;
  valBpb: number | null;
  diff: string | null;
}

/**
 * Why a record does not count as evidence, or null when it does. In order: the log marks it
 * invalid (a crash's NaN is its outcome, so that counts); a baseline with no diff (it changed
 * nothing); a keep or discard without a parent val_bpb (nothing to compare it with).
 */
export function excludedFromEvidence(r: ExclusionInput): EvidenceExclusion | null {
  const crash = r.status === 'crash';
  if (marksInvalid(r.description) || (!crash && reportsDivergence(r.description))) return 'invalid';
  if ((r.diff === null || r.diff.trim() === '') && isBaselineDescription(r.description)) return 'baseline';
  if (!crash && (r.parentValBpb === null || r.valBpb === null)) return 'no_parent';
  return null;
}
