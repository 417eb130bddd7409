// Tokens of experiment prose: numbers, arrows, punctuation, and words with the lexicon's
// phrases (longest first) resolved to parameters, choices, features and direction verbs.
import { alternation, LANGUAGE } from './language.ts';
import { CHOICES, FEATURES, NOT_PARAMS, PARAMS, VERBS } from './lexicon.ts';
import { NUMBER, parseProseNumber } from './values.ts';

export type Verb = keyof typeof VERBS;
export type Token =
  /** A parameter: a lexicon name, or an identifier (`x0_init`, `D_STATE`) used as one. */
  | { kind: 'param'; name: string; ident: boolean }
  | { kind: 'choice'; slot: string; value: string }
  | { kind: 'feature'; id: string }
  | { kind: 'verb'; verb: Verb; word: string }
  | { kind: 'num'; value: number; factor: boolean; raw: string }
  /** Any other word, lower-cased; `raw` keeps its case (SSSL). */
  | { kind: 'word'; word: string; raw: string }
  /** `->` (any arrow), `=`, `:`, `(`, `)`, `,`, `;`, `+`, `/`, `|` (a clause break: — or ". "). */
  | { kind: 'punct'; p: string };

type Entry = Token & { kind: 'param' | 'choice' | 'feature' | 'verb' };

/** A phrase as matched: lower-case words separated by single spaces (`_`, `-` are spaces). */
export const phraseKey = (s: string) =>
  s
    .toLowerCase()
    .replace(/\^2/g, '²')
    .replace(/[_\-\s]+/g, ' ')
    .trim();

const PHRASES = new Map<string, Entry>();
function addPhrase(phrase: string, entry: Entry) {
  const key = phraseKey(phrase);
  const prior = PHRASES.get(key);
  if (prior && JSON.stringify(prior) !== JSON.stringify(entry)) throw new Error(`lexicon: "${phrase}" is listed twice`);
  PHRASES.set(key, entry);
}
for (const [name, aliases] of Object.entries(PARAMS))
  for (const a of [name, ...aliases]) addPhrase(a, { kind: 'param', name, ident: false });
for (const [slot, values] of Object.entries(CHOICES))
  for (const [value, aliases] of Object.entries(values)) for (const a of aliases) addPhrase(a, { kind: 'choice', slot, value });
for (const [id, aliases] of Object.entries(FEATURES)) for (const a of aliases) addPhrase(a, { kind: 'feature', id });
for (const [verb, words] of Object.entries(VERBS)) for (const w of words) addPhrase(w, { kind: 'verb', verb: verb as Verb, word: w });
const MAX_PHRASE_WORDS = Math.max(...[...PHRASES.keys()].map((k) => k.split(' ').length));

const TOKEN = new RegExp(
  String.raw`(${alternation(LANGUAGE.arrows)})|(${NUMBER})|([a-z_][a-z0-9_]*(?:\^2|²)?)|(—|–|\.\s|[=:(),;+/|\[\]])`,
  'gi',
);

/** Number words read as numbers ("two layers"). */
const NUMBER_WORDS: ReadonlyMap<string, number> = new Map(LANGUAGE.token_numbers.map((w) => [w, LANGUAGE.numbers[w]]));

/** The tokens of one line of prose or code. */
export function tokenize(text: string): Token[] {
  const raw: Token[] = [];
  // Hyphenated words are separate words ("soft-cap", "z-loss"); a hyphen before a digit is not.
  const s = text.replace(/(?<=[a-z])-(?=[a-z])/gi, ' ');
  for (const m of s.matchAll(TOKEN)) {
    const [, arrow, num, word, punct] = m;
    if (arrow) raw.push({ kind: 'punct', p: '->' });
    else if (num) {
      const n = parseProseNumber(num);
      raw.push(n ? { kind: 'num', ...n, raw: num } : { kind: 'word', word: num.toLowerCase(), raw: num });
    } else if (word && NUMBER_WORDS.has(word.toLowerCase()))
      raw.push({ kind: 'num', value: NUMBER_WORDS.get(word.toLowerCase())!, factor: false, raw: word });
    else if (word) raw.push({ kind: 'word', word: word.toLowerCase().replace(/\^2$/, '²'), raw: word });
    else raw.push({ kind: 'punct', p: /^[—–.]/.test(punct) ? '|' : punct === '[' ? '(' : punct === ']' ? ')' : punct });
  }
  return resolvePhrases(raw);
}

function resolvePhrases(raw: Token[]): Token[] {
  const out: Token[] = [];
  for (let i = 0; i < raw.length;) {
    const t = raw[i];
    if (t.kind !== 'word') {
      out.push(t);
      i++;
      continue;
    }
    let n = 0;
    while (n < MAX_PHRASE_WORDS && raw[i + n]?.kind === 'word') n++;
    for (; n > 0; n--) {
      const entry = PHRASES.get(
        phraseKey(
          raw
            .slice(i, i + n)
            .map((w) => (w as { word: string }).word)
            .join(' '),
        ),
      );
      if (entry) {
        out.push(entry);
        break;
      }
    }
    if (n > 0) i += n;
    else {
      out.push(t.word.includes('_') && !NOT_PARAMS.has(t.word) ? { kind: 'param', name: t.word.toUpperCase(), ident: true } : t);
      i++;
    }
  }
  return out;
}

/** The lexicon's parameter name for an identifier from code (`n_layer` → DEPTH, `MATRIX_LR` → MATRIX_LR). */
export function canonicalParam(identifier: string): string {
  const entry = PHRASES.get(phraseKey(identifier));
  return entry?.kind === 'param' ? entry.name : identifier.toUpperCase();
}
