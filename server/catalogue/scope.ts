// Words that qualify another change rather than change a knob of their own: a count of layers
// saying where a change applies ("add XSA to the last 4 layers", "9/12 layers use sliding
// windows"), the whole a share is taken from ("more of the budget to warmup"), and the settings
// written in parentheses after a name ("embedding weight decay (wte=0.001 lm_head=0.01)").
import { CONCEPTS } from './catalogue.ts';
import { LANGUAGE } from './language.ts';
import type { Mention } from './recognize.ts';
import { phraseStems, type Word } from './words.ts';

/** Words before a count that make it a place ("the last 4 layers", "all 9 layers", "on 3 layers"). */
const SCOPE_WORDS = new Set([
  'last',
  'first',
  'top',
  'bottom',
  'final',
  'early',
  'earliest',
  'late',
  'later',
  'middle',
  'all',
  'every',
  'each',
  'alternate',
  'other',
  'remaining',
  'odd',
  'even',
  'only',
  'lowest',
  'highest',
  'deepest',
  'shallowest',
  'upper',
  'lower',
  'initial',
  'outer',
  'inner',
]);
const SCOPE_PREPOSITIONS = new Set(['to', 'on', 'in', 'into', 'at', 'across', 'for', 'over', 'within', 'throughout']);
const ARTICLES = new Set(['the', 'a', 'its', 'their', 'our']);
const SPENT = new Set(['spent', 'spend', 'used', 'devoted', 'given', 'put', 'going']);
const MORE = new Set(['more', 'extra', 'additional', 'further', 'other']);
const NUMBER_WORDS: ReadonlySet<string> = new Set(LANGUAGE.count_numbers);
const isCount = (w: Word | undefined) => w !== undefined && (/^\d+$/.test(w.text) || NUMBER_WORDS.has(w.text));

/**
 * True when the counted words of a scope unit starting at ws[first] ("4 layers", "two more layers") say where another
 * change applies: a share of them ("9/12 layers", "3 of 8 layers"), or a place ("the last 4", "on 3")
 * after a name of another concept in the clause.
 */
export function scopedCount(text: string, ws: readonly Word[], first: number, concept: string, mentions: readonly Mention[]): boolean {
  if (!CONCEPTS.get(concept)?.scope_unit) return false;
  let n = first - 1;
  if (MORE.has(ws[first]?.text)) n = first - 1;
  else if (MORE.has(ws[n]?.text)) n--;
  // The count written right before the counted words ("4 layers", "two more layers"), nothing between.
  if (!isCount(ws[n]) || !ws.slice(n + 1, first + 1).every((w, k) => /^[\s-]*$/.test(text.slice(ws[n + k].end, w.start)))) return false;
  const clause = ws[n].clause;
  const prior = ws[n - 1]?.clause === clause ? ws[n - 1] : undefined;
  // A share of the layers: "9/12 layers", "3 of 8 layers", "3 of the 8 layers".
  if (prior && isCount(prior) && /^\s*\/\s*$/.test(text.slice(prior.end, ws[n].start))) return true;
  if (
    prior &&
    (prior.text === 'of' || ARTICLES.has(prior.text)) &&
    ws.slice(Math.max(0, n - 3), n - 1).some((w) => w.clause === clause && isCount(w))
  )
    return true;
  const lead = prior && ARTICLES.has(prior.text) && ws[n - 2]?.clause === clause ? ws[n - 2] : prior;
  const place = (prior !== undefined && SCOPE_WORDS.has(prior.text)) || (lead !== undefined && SCOPE_PREPOSITIONS.has(lead.text));
  const other = mentions.some(
    (m) => m.concept !== concept && m.end <= ws[n].start && ws.find((w) => w.start >= m.start)?.clause === clause,
  );
  return place && other;
}

/** True when ws[i] is the whole a share is taken from: "more of [the budget] to warmup", "less of [the run] in the cooldown". */
export function partitiveWhole(ws: readonly Word[], i: number): boolean {
  const of = ARTICLES.has(ws[i - 1]?.text) ? i - 2 : i - 1;
  if (ws[of]?.text !== 'of' || ws[of].clause !== ws[i].clause) return false;
  const next = ws.slice(i + 1, i + 4).find((w) => w.clause === ws[i].clause && !SPENT.has(w.text)); // "of the budget [spent] in"
  return next !== undefined && ['to', 'for', 'in', 'on', 'into', 'at'].includes(next.text);
}

/** Word indices where any of `phrases` is spelled. */
function phrasesAt(ws: readonly Word[], phrases: readonly string[]): number[] {
  const out: number[] = [];
  for (const phrase of phrases) {
    const stems = phraseStems(phrase);
    for (let i = 0; i + stems.length <= ws.length; i++)
      if (stems.every((s, k) => ws[i + k].stem === s && (k === 0 || ws[i + k].joined))) out.push(i);
  }
  return out;
}

/** Where a concept's own name ends inside a mention of it read through a pattern ("weight decay| to zero"), or -1. */
export function nameEndWithin(ws: readonly Word[], concept: string, m: Mention): number {
  const c = CONCEPTS.get(concept);
  const at = phrasesAt(ws, [...(c?.aliases ?? []), ...(c?.weak_aliases ?? [])]).filter(
    (i) => ws[i].start >= m.start && ws[i].start < m.end,
  );
  return at.length ? Math.max(...at.map((i) => longestEnd(ws, i, c!))) : -1;
}

/** The end offset of the longest alias of `c` spelled from word i. */
function longestEnd(ws: readonly Word[], i: number, c: { aliases: readonly string[]; weak_aliases: readonly string[] }): number {
  let end = -1;
  for (const a of [...c.aliases, ...c.weak_aliases]) {
    const stems = phraseStems(a);
    if (stems.every((s, k) => ws[i + k]?.stem === s && (k === 0 || ws[i + k].joined))) end = Math.max(end, ws[i + stems.length - 1].end);
  }
  return end;
}

/** Word indices where a concept's weak aliases ("layers", "budget") are written. */
export const weakAliasAt = (ws: readonly Word[], concept: string) => phrasesAt(ws, CONCEPTS.get(concept)?.weak_aliases ?? []);

/** Word indices where a choice's aliases, weak ones too, are written ("linear" of the linear warm-down). */
export function choiceWordsAt(ws: readonly Word[], concept: string, choice: string): number[] {
  const ch = CONCEPTS.get(concept)?.choices?.[choice];
  return ch ? phrasesAt(ws, [...ch.aliases, ...ch.weak_aliases]) : [];
}

/**
 * The parenthesised settings right after a mention ("EMA (decay=0.995)", "… decay 0.01 (wte=0.001)"):
 * where the parenthesis runs and what it holds, or null when it holds no `name=value`.
 */
export function settingsAfter(
  text: string,
  m: Mention,
  mentions: readonly Mention[],
): { start: number; end: number; inside: string } | null {
  const open = text.indexOf('(', m.end);
  if (open < 0 || !/^[\s\w.=:%-]{0,20}$/.test(text.slice(m.end, open))) return null;
  if (mentions.some((x) => x.start >= m.end && x.start < open)) return null;
  const close = text.indexOf(')', open);
  const end = close < 0 ? text.length : close;
  const inside = text.slice(open + 1, end);
  return /(?:^|[\s,;])[a-z_][\w.]*\s*[=:]\s*\S/i.test(inside) ? { start: open, end, inside } : null;
}
