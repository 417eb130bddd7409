// The words of prose as the catalogue matches them: tokens with their character offsets, the
// clause and parenthesis depth each sits in, and a small stemmer shared by aliases and patterns.

export interface Word {
  /** Lower-case text (`ReLU^2` → `relu²`). */
  text: string;
  /** `stem(text)`: what aliases and patterns compare. */
  stem: string;
  start: number;
  end: number;
  /** Index of the clause (split at , ; : ( ) — + "vs" "then" …): patterns match within one. */
  clause: number;
  /** Parenthesis depth: > 0 is an aside. */
  depth: number;
  /** True when only `_ - . / '` or spaces separate it from the word before (aliases may span it). */
  joined: boolean;
}

// Numbers with decimals or exponents stay whole ("0.04", "1e-4", "2d", "16k"); words are letters
// and digits, `_` splits identifiers into their words, a trailing ^2 or ² is kept ("relu²").
const WORD = /\d+(?:\.\d+)?(?:e[-+]?\d+)?\p{L}*|[\p{L}\p{N}]+(?:\^2|²)?/gu;
const CLAUSE_BREAK = /[;:!?()[\]{},—–+|]|\.(?:\s|$)|\s-\s/;
const CLAUSE_WORDS = new Set(['vs', 'versus', 'then', 'but', 'while', 'whereas', 'plus']);
const JOINING_GAP = /^[\s_\-./']*$/;

/** The words of a text, in order. */
export function words(text: string): Word[] {
  const out: Word[] = [];
  let clause = 0;
  let depth = 0;
  let last = 0;
  for (const m of text.matchAll(WORD)) {
    const start = m.index;
    const gap = text.slice(last, start);
    for (const c of gap) {
      if (c === '(' || c === '[') depth++;
      else if ((c === ')' || c === ']') && depth > 0) depth--;
    }
    if (out.length && CLAUSE_BREAK.test(gap)) clause++;
    const lower = m[0].toLowerCase().replace(/\^2$/, '²');
    if (CLAUSE_WORDS.has(lower)) {
      clause++;
      last = start + m[0].length;
      continue;
    }
    out.push({
      text: lower,
      stem: stem(lower),
      start,
      end: start + m[0].length,
      clause,
      depth,
      joined: out.length > 0 && JOINING_GAP.test(gap),
    });
    last = start + m[0].length;
  }
  return out;
}

/** The stems of a phrase as written in the catalogue ("value embeddings" → valu, embed). */
export const phraseStems = (phrase: string): string[] => words(phrase).map((w) => w.stem);

const DOUBLED = /([b-df-hj-km-np-rtv-z])\1$/; // a doubled consonant other than l and s

/**
 * A light suffix stripper: plural -s/-es/-ies, -ing, -ed, a final -e. Only consistency matters
 * (both sides of every comparison go through it), so "matrices" → "matric", "embedding" → "embed".
 */
export function stem(word: string): string {
  let w = word.toLowerCase();
  if (w.length <= 3 || /\d/.test(w)) return w;
  if (w.endsWith('ies') && w.length > 4) w = `${w.slice(0, -3)}y`;
  else if (w.endsWith('sses')) w = w.slice(0, -2);
  else if (w.endsWith('s') && !/(?:ss|us|is|as)$/.test(w)) w = w.slice(0, -1);
  if (w.length > 5 && w.endsWith('ing')) w = undouble(w.slice(0, -3));
  else if (w.length > 4 && w.endsWith('ed')) w = undouble(w.slice(0, -2));
  if (w.length > 4 && w.endsWith('e')) w = w.slice(0, -1);
  return w;
}

const undouble = (w: string) => (DOUBLED.test(w) ? w.slice(0, -1) : w);
