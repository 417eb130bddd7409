// Where a text names catalogue concepts: code identifiers (case-sensitive, whitespace-blind),
// aliases (whole stemmed words) and paraphrase patterns (every group within one clause).
// Overlapping readings are settled once: the stronger wins; between two patterns, the narrower concept.
import { broaderChain, CATALOGUE } from './catalogue.ts';
import { phraseStems, words, type Word } from './words.ts';

export type Via = 'identifier' | 'alias' | 'pattern';
export interface Mention {
  concept: string;
  choice: string | null;
  via: Via;
  start: number;
  end: number;
}

interface Target {
  concept: string;
  choice: string | null;
  order: number;
}
interface Candidate extends Mention {
  segments: [number, number][];
  strength: number;
  order: number;
}

// ---------------------------------------------------------------------------------------------
// The indexes, built once from the catalogue.

interface AliasEntry {
  stems: string[];
  target: Target;
}
interface PatternEntry {
  target: Target;
  groups: number;
}
interface AltEntry {
  pattern: number;
  group: number;
  stems: string[];
}
interface IdentifierEntry {
  target: Target;
  regex: RegExp;
}

const aliasIndex = new Map<string, AliasEntry[]>();
const patternList: PatternEntry[] = [];
const altIndex = new Map<string, AltEntry[]>();
/** Identifiers by their longest run of word characters: a text can only hold those whose run it has. */
const identifierIndex = new Map<string, IdentifierEntry[]>();

function indexPhrases(
  target: Target,
  identifiers: readonly string[],
  aliases: readonly string[],
  patterns: readonly (readonly string[])[],
) {
  for (const id of identifiers) {
    const { regex, key } = identifierRegex(id);
    push(identifierIndex, key, { target, regex });
  }
  for (const alias of aliases) {
    const stems = phraseStems(alias);
    if (stems.length) push(aliasIndex, stems[0], { stems, target });
  }
  for (const groups of patterns) {
    const pattern = patternList.push({ target, groups: groups.length }) - 1;
    groups.forEach((group, g) => {
      for (const alt of group.split('|')) {
        const stems = phraseStems(alt);
        if (stems.length) push(altIndex, stems[0], { pattern, group: g, stems });
      }
    });
  }
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V) {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

// ---------------------------------------------------------------------------------------------
// Identifiers: matched on code normalised like diff.ts does (whitespace folded, none beside
// punctuation), so `lm_head.weight = wte.weight` and `lm_head.weight=wte.weight` are one string.
// `*` in an identifier stands for a short run of non-space characters (`relu(*).square()`).

const isWordChar = (c: string | undefined) => c !== undefined && c.length === 1 && isWordCode(c.charCodeAt(0));
/** [A-Za-z0-9_] */
const isWordCode = (k: number) => (k >= 48 && k <= 57) || (k >= 65 && k <= 90) || (k >= 97 && k <= 122) || k === 95;
/** /\s/ for one character, without a regex for ASCII. */
const isSpace = (c: string) => {
  const k = c.charCodeAt(0);
  return k < 128 ? k === 32 || (k >= 9 && k <= 13) : /\s/.test(c);
};

/** Text normalised for identifiers, and for each of its characters the offset in the original. */
export function normaliseCode(text: string): { norm: string; at: number[] } {
  // One pass: runs of whitespace fold to one space, kept only between two word characters.
  let norm = '';
  const at: number[] = [];
  let pending = -1; // offset of a whitespace run not yet written
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (isSpace(c)) {
      if (pending < 0 && norm.length > 0) pending = i;
      continue;
    }
    if (pending >= 0) {
      if (isWordCode(norm.charCodeAt(norm.length - 1)) && isWordCode(c.charCodeAt(0))) {
        norm += ' ';
        at.push(pending);
      }
      pending = -1;
    }
    norm += c;
    at.push(i);
  }
  return { norm, at };
}

function identifierRegex(identifier: string): { regex: RegExp; key: string } {
  const norm = normaliseCode(identifier).norm;
  const pieces = norm.split('*');
  const body = pieces.map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('\\S{0,40}?');
  const before = isWordChar(norm[0]) ? '(?<![A-Za-z0-9_])' : '';
  const after = isWordChar(norm[norm.length - 1]) ? '(?![A-Za-z0-9_])' : '';
  const key = (norm.match(/\w+/g) ?? ['']).reduce((a, b) => (b.length > a.length ? b : a));
  return { regex: new RegExp(before + body + after, 'g'), key };
}

const WORD_RUN = /\w+/g;

function identifierCandidates(text: string): Candidate[] {
  const out: Candidate[] = [];
  const { norm, at } = normaliseCode(text);
  const runs = new Set(norm.match(WORD_RUN));
  for (const run of runs) {
    for (const { target, regex } of identifierIndex.get(run) ?? []) {
      // exec over a shared global regex (matchAll would clone it for every text).
      regex.lastIndex = 0;
      for (let m = regex.exec(norm); m; m = regex.exec(norm)) {
        if (m[0].length === 0) {
          regex.lastIndex++;
          continue;
        }
        const start = at[m.index];
        const end = at[m.index + m[0].length - 1] + 1;
        out.push({ ...target, via: 'identifier', start, end, segments: [[start, end]], strength: m[0].length });
      }
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Aliases and patterns, on stemmed words.

/** Words i.. that spell `stems` (joined: no punctuation between them beyond _ - . / '). */
function spells(ws: readonly Word[], i: number, stems: readonly string[], sameClause: boolean): boolean {
  for (let k = 0; k < stems.length; k++) {
    const w = ws[i + k];
    if (!w || w.stem !== stems[k]) return false;
    if (k > 0 && (!w.joined || (sameClause && w.clause !== ws[i].clause))) return false;
  }
  return true;
}

function aliasCandidates(ws: readonly Word[]): Candidate[] {
  const out: Candidate[] = [];
  for (let i = 0; i < ws.length; i++) {
    const w = ws[i];
    for (const { stems, target } of aliasIndex.get(w.stem) ?? []) {
      if (!spells(ws, i, stems, false)) continue;
      const start = w.start;
      const end = ws[i + stems.length - 1].end;
      out.push({ ...target, via: 'alias', start, end, segments: [[start, end]], strength: end - start });
    }
  }
  return out;
}

/** Most words a pattern's groups may spread over. */
const PATTERN_WINDOW = 12;

interface Occurrence {
  group: number;
  from: number;
  to: number;
  chars: number;
}

function patternCandidates(ws: readonly Word[]): Candidate[] {
  const found = new Map<number, Occurrence[]>();
  for (let i = 0; i < ws.length; i++) {
    const w = ws[i];
    for (const { pattern, group, stems } of altIndex.get(w.stem) ?? []) {
      if (!spells(ws, i, stems, true)) continue;
      const to = i + stems.length - 1;
      push(found, pattern, { group, from: i, to, chars: ws[to].end - w.start });
    }
  }
  const part = contrastParts(ws);
  const out: Candidate[] = [];
  for (const [p, occurrences] of found) {
    const { target, groups } = patternList[p];
    // Most patterns a text touches miss a group: skip them before comparing their occurrences.
    let covered = 0;
    for (const o of occurrences) covered |= 1 << o.group;
    if (covered !== (1 << groups) - 1) continue;
    const byGroup: Occurrence[][] = Array.from({ length: groups }, () => []);
    // Within a group, the longest reading of the same words ("muon optimizer" over "muon").
    for (const o of occurrences)
      if (!occurrences.some((x) => x !== o && x.group === o.group && x.from <= o.from && o.to <= x.to && x.to - x.from > o.to - o.from))
        byGroup[o.group].push(o);
    if (byGroup.some((g) => g.length === 0)) continue;
    for (const clause of new Set(occurrences.map((o) => part[o.from]))) {
      const inClause = byGroup.map((g) => g.filter((o) => part[o.from] === clause));
      if (inClause.some((g) => g.length === 0)) continue;
      const best = bestCombination(inClause);
      if (!best) continue;
      const segments = best.map((o) => [ws[o.from].start, ws[o.to].end] as [number, number]).sort((a, b) => a[0] - b[0]);
      out.push({
        ...target,
        via: 'pattern',
        start: segments[0][0],
        end: Math.max(...segments.map((s) => s[1])),
        segments,
        strength: best.reduce((sum, o) => sum + o.chars, 0),
      });
    }
  }
  return out;
}

/**
 * Each word's clause, split once more after "instead of", "rather than", "in place of": a paraphrase
 * reads one side ("keep weight decay constant | instead of decaying it to zero" is no decay to zero).
 */
function contrastParts(ws: readonly Word[]): string[] {
  let side = 0;
  return ws.map((w, i) => {
    const key = `${w.clause}:${side}`;
    const prev = ws[i - 1]?.text;
    if (
      (w.text === 'of' && (prev === 'instead' || (prev === 'place' && ws[i - 2]?.text === 'in'))) ||
      (w.text === 'than' && prev === 'rather')
    )
      side++;
    return key;
  });
}

/** One occurrence per group, not overlapping, within the window: the tightest, then the longest. */
function bestCombination(groups: Occurrence[][]): Occurrence[] | null {
  let best: Occurrence[] | null = null;
  let bestSpan = Infinity;
  let bestChars = -1;
  const chosen: Occurrence[] = [];
  let budget = 2000;
  const visit = (g: number) => {
    if (budget-- <= 0) return;
    if (g === groups.length) {
      const span = Math.max(...chosen.map((o) => o.to)) - Math.min(...chosen.map((o) => o.from)) + 1;
      const chars = chosen.reduce((s, o) => s + o.chars, 0);
      if (span <= PATTERN_WINDOW && (span < bestSpan || (span === bestSpan && chars > bestChars))) {
        best = [...chosen];
        bestSpan = span;
        bestChars = chars;
      }
      return;
    }
    for (const o of groups[g]) {
      if (chosen.some((c) => o.from <= c.to && c.from <= o.to)) continue;
      chosen.push(o);
      visit(g + 1);
      chosen.pop();
    }
  };
  visit(0);
  return best;
}

// ---------------------------------------------------------------------------------------------
// Settling overlaps.

const VIA_RANK: Record<Via, number> = { identifier: 0, alias: 1, pattern: 2 };
const overlaps = (a: Candidate, b: Candidate) => a.segments.some(([s, e]) => b.segments.some(([t, f]) => s < f && t < e));

/** A reading that lost to an overlapping one: `concept` was read where `by` won; `inside`: wholly within its words. */
export interface Shadow {
  concept: string;
  by: Mention;
  inside: boolean;
}

function settle(candidates: Candidate[], shadows: (Omit<Shadow, 'by'> & { by: Candidate })[] = []): Mention[] {
  candidates.sort(
    (a, b) => b.strength - a.strength || VIA_RANK[a.via] - VIA_RANK[b.via] || a.end - a.start - (b.end - b.start) || a.order - b.order,
  );
  let accepted: Candidate[] = [];
  for (const c of candidates) {
    const hit = accepted.filter((a) => overlaps(a, c));
    for (const h of hit)
      if (h.concept !== c.concept)
        shadows.push({ concept: c.concept, by: h, inside: c.segments.every(([s, e]) => h.segments.some(([t, f]) => t <= s && e <= f)) });
    if (hit.length === 0) accepted.push(c);
    // Between two paraphrase readings with as many parts, the narrower concept wins ("theta of the positional rotation").
    else if (
      c.via === 'pattern' &&
      hit.every(
        (a) =>
          a.via === 'pattern' &&
          a.segments.length <= c.segments.length &&
          a.concept !== c.concept &&
          broaderChain(c.concept).includes(a.concept),
      )
    ) {
      accepted = accepted.filter((a) => !hit.includes(a));
      accepted.push(c);
    }
  }
  return accepted
    .sort((a, b) => a.start - b.start || a.end - b.end)
    .map(({ concept, choice, via, start, end }) => ({ concept, choice, via, start, end }));
}

/** The concepts a text names, in order of appearance, with character offsets. */
export function recognize(text: string): Mention[] {
  return recognizeWithShadows(text).mentions;
}

/** `recognize`, and the readings that lost ("lr" inside "the lr of the 2D hidden matrices"). */
export function recognizeWithShadows(text: string): { mentions: Mention[]; shadows: Shadow[] } {
  const ws = words(text);
  const shadows: (Omit<Shadow, 'by'> & { by: Candidate })[] = [];
  const mentions = settle([...identifierCandidates(text), ...aliasCandidates(ws), ...patternCandidates(ws)], shadows);
  const strip = ({ concept, choice, via, start, end }: Mention): Mention => ({ concept, choice, via, start, end });
  return {
    mentions,
    shadows: shadows
      .filter((s) => mentions.some((m) => m.start === s.by.start && m.concept === s.by.concept))
      .map((s) => ({ concept: s.concept, by: strip(s.by), inside: s.inside })),
  };
}

/** The concepts a line of code names through their identifiers only (diff lines). */
export function recognizeIdentifiers(code: string): Mention[] {
  return settle(identifierCandidates(code));
}

// Indexed last: the helpers above must exist first.
CATALOGUE.concepts.forEach((c, order) => {
  indexPhrases({ concept: c.id, choice: null, order }, c.identifiers, c.aliases, c.patterns);
  for (const [key, choice] of Object.entries(c.choices ?? {}))
    indexPhrases({ concept: c.id, choice: key, order }, choice.identifiers, choice.aliases, choice.patterns);
});
