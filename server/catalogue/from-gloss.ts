// The fallback reading of a description's change part: when no identifier, alias or pattern named a
// concept, the gloss matches (gloss.ts, at most two) become changes, their direction from an explicit
// value pair, the concept's own words, "scaled by N", the gloss verbs or the catalogue's verbs.
import { formatValue, parseProseNumber } from './values.ts';
import { CATALOGUE, CONCEPTS, resolveByValue } from './catalogue.ts';
import type { Action, ChangeSet } from './change-set.ts';
import { glossDirection, matchGlosses, type GlossMatch } from './gloss.ts';
import { glossTokens } from './gloss-words.ts';

type Kind = 'raise' | 'lower' | 'halve' | 'double' | 'enable' | 'disable' | 'replace';
interface Hit {
  kind: Kind;
  from: number;
  to: number;
}

const PHRASES: { kind: Kind; stems: string[] }[] = [];
for (const [kind, list] of [...Object.entries(CATALOGUE.gloss_verbs), ...Object.entries(CATALOGUE.verbs)] as [Kind, string[]][])
  for (const p of list) PHRASES.push({ kind, stems: glossTokens(p).map((t) => t.stem) });
// Longer phrases first: "no more" is a removal, not "more".
PHRASES.sort((a, b) => b.stems.length - a.stems.length);

/** Direction words in the clause, each word read once (by its longest phrase); a bare "up" or "down" is a particle ("ramp up"). */
function directionHits(stems: string[]): Hit[] {
  const taken = new Set<number>();
  const hits: Hit[] = [];
  for (const { kind, stems: p } of PHRASES) {
    if (p.length === 1 && (p[0] === 'up' || p[0] === 'down')) continue;
    for (let i = 0; i < stems.length; i++) {
      if (p.some((s, k) => stems[i + k] !== s || taken.has(i + k))) continue;
      for (let k = 0; k < p.length; k++) taken.add(i + k);
      hits.push({ kind, from: i, to: i + p.length - 1 });
    }
  }
  return hits.sort((a, b) => a.from - b.from);
}

const NUM = String.raw`(?:\d[\d_]*(?:\.\d+)?|\.\d+)(?:e[-+]?\d+)?(?:[km](?![a-z]))?(?:x(?![a-z0-9]))?%?`;
const FROM_TO = new RegExp(String.raw`(?:\bfrom\s+)?(${NUM})\s*(?:->|→|=>|\bto\b)\s*(${NUM})(?![\w.])`, 'i');
const INSTEAD = new RegExp(String.raw`(${NUM})\s+(?:[a-z-]+\s+){0,3}?(?:instead\s+of|rather\s+than|not)\s+(${NUM})(?![\w.])`, 'i');
const SCALED_BY = new RegExp(
  String.raw`\b(?:scale[ds]?|scaling|multipl(?:y|ied|ies)|divide[ds]?)\b.{0,60}?\bby\s+(?:a\s+factor\s+of\s+)?(${NUM})(?![\w.])`,
  'i',
);

/** "scale … by 1.5" raises, "by 0.5" or "divide … by 2" lowers. */
function scaledBy(clause: string): 'raise' | 'lower' | null {
  const m = SCALED_BY.exec(clause);
  const n = m ? parseProseNumber(m[1])?.value : undefined;
  if (n === undefined || n === 1 || n <= 0) return null;
  return /\bdivide/i.test(m![0]) === n > 1 ? 'lower' : 'raise';
}

/** An explicit old → new value pair in the clause ("from 8 to 6", "10 blocks instead of 8"). */
function valuePair(clause: string): { from: string; to: string } | null {
  const m = FROM_TO.exec(clause);
  if (m) return pair(m[1], m[2]);
  const n = INSTEAD.exec(clause);
  return n ? pair(n[2], n[1]) : null;
}

function pair(a: string, b: string): { from: string; to: string } | null {
  const [x, y] = [parseProseNumber(a), parseProseNumber(b)];
  if (!x || !y || x.value === y.value) return null;
  return { from: formatValue(x.value), to: formatValue(y.value) };
}

const ANY_NUMBER = new RegExp(String.raw`(?<![\w.])${NUM}(?![\w.])`, 'i');

/** The first number written in the clause, canonical ("5%" → 0.05), or null. */
function firstNumber(clause: string): string | null {
  const m = ANY_NUMBER.exec(clause);
  const n = m ? parseProseNumber(m[0]) : null;
  return n ? formatValue(n.value) : null;
}

/** The action for one gloss match. */
function actionOf(
  clause: string,
  tokens: readonly { text: string }[],
  hits: Hit[],
  m: GlossMatch,
): { action: Action; from: string | null; to: string | null } {
  const c = CONCEPTS.get(m.concept)!;
  if (m.choice !== null) return { action: hits.some((h) => h.kind === 'replace') ? 'replace' : 'set', from: null, to: m.choice };
  if (c.kind === 'param' && !c.choices) {
    const values = valuePair(clause);
    if (values) return { action: Number(values.to) > Number(values.from) ? 'raise' : 'lower', ...values };
  }
  const own = glossDirection(clause, m.concept);
  if (own) return { action: own, from: null, to: null };
  const scaled = c.kind === 'param' && !c.choices ? scaledBy(clause) : null;
  if (scaled) return { action: scaled, from: null, to: null };
  // The verbs: the nearest in the three words before the first matched word; else, for a param, the
  // first that says which way (a stray "decoupled" is no removal), then the first of any kind.
  const first = tokens.findIndex((t) => m.words.includes(t.text));
  const near = hits.filter((h) => h.to < first && h.to >= first - 3).at(-1);
  const way = c.kind === 'param' ? hits.find((h) => ['raise', 'lower', 'halve', 'double'].includes(h.kind)) : undefined;
  const kind = (near ?? way ?? hits[0])?.kind;
  if (c.kind === 'switch') return { action: kind === 'disable' ? 'disable' : 'enable', from: null, to: null };
  const action: Action =
    kind === 'raise' || kind === 'double'
      ? 'raise'
      : kind === 'lower' || kind === 'halve'
        ? 'lower'
        : kind === 'disable'
          ? 'disable'
          : kind === 'replace' && c.choices
            ? 'replace'
            : kind === 'enable' && !c.choices
              ? 'enable'
              : 'mention';
  return { action, from: null, to: null };
}

/** Offers the gloss readings of `clause`; true when there was at least one. */
export function fromGloss(clause: string, set: ChangeSet, mentioned: string[]): boolean {
  const matches = matchGlosses(clause);
  if (matches.length === 0) return false;
  const tokens = glossTokens(clause);
  const hits = directionHits(tokens.map((t) => t.stem));
  for (const m of matches) {
    const c = CONCEPTS.get(m.concept)!;
    const change = actionOf(clause, tokens, hits, m);
    // An alias hub (WARMUP) is read by the value written: "over 300 updates" is steps, "5%" a fraction.
    const written = change.to ?? change.from ?? firstNumber(clause);
    const concept = c.resolve_by_value ? resolveByValue(c, written === null ? NaN : Number(written)) : m.concept;
    set.offer({ concept, ...change });
    mentioned.push(concept);
  }
  return true;
}
