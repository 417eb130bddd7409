// The default embedder: deterministic feature hashing, no network. Words, numbers, lexicon
// concepts, parameter changes and diff tokens, weighted and signed-hashed into a unit vector.
import { CATALOGUE_VERSION, understand, type Understanding } from '../../catalogue/understand.ts';
import type { Embedder } from './embedder.ts';
import { splitDescription } from '../../catalogue/describe.ts';
import { LANGUAGE } from '../../catalogue/language.ts';
import type { DiffLine } from '../../catalogue/diff.ts';
import { RESOLVE_BY_VALUE } from '../../catalogue/lexicon.ts';
import { tokenize, type Token } from '../../catalogue/tokens.ts';
import { formatValue } from '../../catalogue/values.ts';

/**
 * The feature rules' version, with the catalogue's: the vectors depend on both (the changes a text
 * makes are the catalogue's reading), so a catalogue edit is a new model whose vectors the
 * background re-derivation computes, and vectors of different readings never meet.
 */
export const LOCAL_EMBEDDER_VERSION = `local-hash-v2+${CATALOGUE_VERSION}`;

export function localEmbedder(dimensions = 256): Embedder {
  if (!Number.isInteger(dimensions) || dimensions < 8)
    throw new Error(`localEmbedder: dimensions must be an integer ≥ 8, got ${dimensions}`);
  return {
    model: `${LOCAL_EMBEDDER_VERSION}-${dimensions}`,
    dimensions,
    embed: async (texts, readings) => texts.map((t, i) => embedText(t, dimensions, readings?.[i] ?? null)),
  };
}

// How much each kind of feature counts. The change a description names (its head) outweighs
// its rationale; parameter changes and lexicon concepts outweigh plain words.
const WEIGHT = { concept: 1.5, word: 1, part: 0.5, verb: 0.8, number: 0.6, bigram: 0.25, aside: 0.3, rationale: 0.3, diff: 0.4 };
const CHANGE_WEIGHT = { name: 1.5, direction: 1, to: 1.5, from: 0.75 };

/**
 * The vector of one text: its first line is a description, `+`/`-` lines are changed code.
 * `reading` is the catalogue's reading of the text when the caller has it (it is not read again).
 */
export function embedText(text: string, dimensions: number, reading: Understanding | null = null): number[] {
  const bag = new Map<string, number>();
  const add = (key: string, w: number) => bag.set(key, (bag.get(key) ?? 0) + w);
  const [description = '', ...more] = text.split('\n');
  const diff: DiffLine[] = more.filter((l) => l[0] === '+' || l[0] === '-').map((l) => ({ sign: l[0] as '+' | '-', text: l.slice(1) }));
  const prose = [description, ...more.filter((l) => l[0] !== '+' && l[0] !== '-')].join(' ');
  const { head, rest } = splitDescription(prose);
  addTokens(tokenize(head), 1, true, add);
  addTokens(tokenize(rest), WEIGHT.rationale, false, add);
  for (const line of diff) addTokens(tokenize(line.text), WEIGHT.diff, false, (k, w) => (add(line.sign + k, w), add(k, w / 2)));
  // What the text changes, as the catalogue reads it (the one reader of experiment prose and diffs).
  const { changes } = reading ?? understand({ description: prose, diff: diff.length ? diff.map((l) => l.sign + l.text).join('\n') : null });
  for (const c of changes) {
    if (c.action === 'mention') continue;
    add(`c:${c.concept}`, CHANGE_WEIGHT.name);
    add(`c:${c.concept}:${DIRECTION[c.action] ?? c.action}`, CHANGE_WEIGHT.direction);
    if (c.to !== null) add(`c:${c.concept}>${c.to}`, CHANGE_WEIGHT.to);
    if (c.from !== null) add(`c:${c.concept}<${c.from}`, CHANGE_WEIGHT.from);
  }
  if (bag.size === 0) add('(empty)', 1);
  return hashVector(bag, dimensions);
}

function addTokens(tokens: Token[], scale: number, bigrams: boolean, add: (key: string, w: number) => void) {
  let prev: string | null = null;
  let depth = 0; // inside parentheses: an aside, weighted like rationale
  for (const t of tokens) {
    if (t.kind === 'punct') {
      depth = Math.max(0, depth + (t.p === '(' ? 1 : t.p === ')' ? -1 : 0));
      prev = null;
      continue;
    }
    const f = feature(t);
    if (!f) continue;
    const s = depth > 0 ? scale * WEIGHT.aside : scale;
    add(f.key, f.w * s);
    for (const part of identifierParts(t)) add(part, WEIGHT.part * s);
    if (bigrams && prev) add(`${prev}+${f.key}`, WEIGHT.bigram * s);
    prev = f.key;
  }
}

/** A change's direction feature: a value set or a choice made counts as one kind, like a switch turned on. */
const DIRECTION: Readonly<Record<string, string>> = {
  raise: 'up',
  lower: 'down',
  disable: 'off',
  enable: 'on',
  set: 'set',
  replace: 'set',
};

const VERB_KEYS: Readonly<Record<string, string>> = { up: 'up', double: 'up', down: 'down', halve: 'down', off: 'off', on: 'on' };

function feature(t: Token): { key: string; w: number } | null {
  switch (t.kind) {
    case 'param': // a generic alias ("warmup") under the name it usually means (WARMUP_RATIO)
      return { key: `p:${RESOLVE_BY_VALUE[t.name]?.(NaN) ?? t.name}`, w: WEIGHT.concept };
    case 'choice':
      return { key: `ch:${t.slot}=${t.value}`, w: WEIGHT.concept };
    case 'feature':
      return { key: `f:${t.id}`, w: WEIGHT.concept };
    case 'verb':
      return { key: `v:${VERB_KEYS[t.verb]}`, w: WEIGHT.verb };
    case 'num':
      return { key: `n:${formatValue(t.value)}`, w: WEIGHT.number };
    case 'word':
      return STOPWORDS.has(t.word) || t.word.length < 2 ? null : { key: stem(t.word), w: WEIGHT.word };
    default:
      return null;
  }
}

/** The words inside an identifier: `lm_head` → lm, head; `BigramHashEmbedding` → bigram, hash, embedding. */
function identifierParts(t: Token): string[] {
  const raw = t.kind === 'word' ? t.raw : t.kind === 'param' && t.ident ? t.name : '';
  if (!/[a-z][A-Z]|_/.test(raw)) return [];
  return raw
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .split('_')
    .filter((w) => w.length > 1 && !STOPWORDS.has(w))
    .map(stem);
}

/** A light suffix stripper, so "layers"/"layer" and "tied"/"tie" share a feature. */
function stem(w: string): string {
  if (w.length > 5 && w.endsWith('ing')) return w.slice(0, -3);
  if (w.length > 4 && w.endsWith('ed')) return w.slice(0, -2);
  if (w.length > 3 && w.endsWith('s') && !w.endsWith('ss')) return w.slice(0, -1);
  return w;
}

// Function words, and words about outcomes rather than about what was changed (language.json).
const STOPWORDS: ReadonlySet<string> = new Set(LANGUAGE.stopwords);

/** FNV-1a of a string. */
function fnv1a(key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
  return h;
}

/** The murmur3 finaliser: a well-mixed 32-bit value from `h` and a seed. */
function mix(h: number, seed: number): number {
  h = Math.imul(h ^ seed, 0x9e3779b1);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

// Each feature lands in this many signed slots: two short texts then need several collisions,
// not one, to look alike by accident.
const SLOTS_PER_FEATURE = 4;

/** Sublinear weights (1 + ln w past 1) hashed into `dimensions` signed slots, L2-normalised. */
function hashVector(bag: Map<string, number>, dimensions: number): number[] {
  const v = new Array<number>(dimensions).fill(0);
  for (const [key, w] of bag) {
    const weight = (w > 1 ? 1 + Math.log(w) : w) / Math.sqrt(SLOTS_PER_FEATURE);
    const h = fnv1a(key);
    for (let seed = 0; seed < SLOTS_PER_FEATURE; seed++) {
      const m = mix(h, seed);
      v[(m >>> 1) % dimensions] += m & 1 ? weight : -weight;
    }
  }
  let sq = 0;
  for (const x of v) sq += x * x;
  if (sq === 0) v[0] = sq = 1; // every feature cancelled out: still a unit vector
  const norm = Math.sqrt(sq);
  return v.map((x) => x / norm);
}
