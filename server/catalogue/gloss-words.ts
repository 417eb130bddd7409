// The words glosses compare: content words of a text (no function or direction words), their
// stems (words.ts's, plus British → American spelling and a few derivational suffixes), and phrases
// found in order with a few words between.
import { CATALOGUE } from './catalogue.ts';
import { stem, words } from './words.ts';

const STOP = new Set(
  (
    'a an the and or nor but if then than so as of in on at to for from by with into onto over under about across along ' +
    'through throughout during before after between among within per via each every all both any some such own other another ' +
    "this that these those it its it's they them their we our ours us i my me you your he she his her is are was were be been " +
    'being am have has had having do does did doing done will would should could can may might must shall also just only even ' +
    'still very quite rather really too again further much many lot lots little bit slightly somewhat instead out whether when ' +
    'whenever while where which who whom whose what why how here there now currently new old baseline experiment exp idea ' +
    'attempt tried trying test testing make makes made making let lets get gets got give gives gave giving go goes going went ' +
    'put puts take takes took keep keeps kept same everything else nothing something thing things way ways one two three four ' +
    'five six seven eight nine ten twelve sixteen first second third etc versus around like unlike maybe perhaps please want ' +
    "wants wanted need needs needed see seen ok okay yet already ever never not don't doesn't isn't"
  ).split(/\s+/),
);

/** Direction words (the catalogue's verbs and gloss_verbs): they say which way, not what. */
const DIRECTION_WORDS = new Set<string>();
for (const list of [...Object.values(CATALOGUE.verbs), ...Object.values(CATALOGUE.gloss_verbs)])
  for (const phrase of list) if (!/\s/.test(phrase.trim())) DIRECTION_WORDS.add(phrase.toLowerCase());

const IRREGULAR: Record<string, string> = {
  matrices: 'matrix',
  indices: 'index',
  vertices: 'vertex',
  axes: 'axis',
  neighbours: 'neighbor',
  neighbour: 'neighbor',
  neighbouring: 'neighbor',
};
// British -ise forms become -ize, except words whose "is" belongs to the root (precise, supervise).
const BRITISH = /^(.*?)is(e|es|ed|ing|er|ers|ation|ations)$/;
const BRITISH_ROOTS = new Set([
  'prec',
  'conc',
  'prem',
  'prom',
  'compr',
  'surpr',
  'exerc',
  'expert',
  'advert',
  'merchand',
  'franch',
  'otherw',
  'likew',
  'clockw',
  'superv',
  'telev',
  'improv',
  'enterpr',
  'disgu',
  'chast',
]);
const DERIVED: [RegExp, string][] = [
  [/izations?$/, 'iz'],
  [/izers?$/, 'iz'],
  [/(?<=.{3})ations?$/, 'at'],
  [/(?<=.{3})ional$/, ''],
  [/(?<=.{3})ions?$/, ''],
  [/(?<=.{3})it(?:y|ie)$/, ''],
  [/(?<=.{3})ness$/, ''],
  [/(?<=.{3})ally$/, 'al'],
  [/(?<=.{4})ly$/, ''],
];

const STEMS = new Map<string, string>();

/** The stem glosses compare ("normalisation", "normalized" → normaliz; "matrices" → matrix). */
export function glossStem(word: string): string {
  const cached = STEMS.get(word);
  if (cached !== undefined) return cached;
  const s = stemOnce(word);
  if (STEMS.size < 50_000) STEMS.set(word, s);
  return s;
}

function stemOnce(word: string): string {
  let w = word.toLowerCase();
  w = IRREGULAR[w] ?? w;
  const b = BRITISH.exec(w);
  if (b && b[1].length >= 4 && !BRITISH_ROOTS.has(b[1])) w = `${b[1]}iz${b[2]}`;
  w = stem(w);
  if (/\d/.test(w)) return w;
  for (const [re, by] of DERIVED) if (re.test(w)) return w.replace(re, by);
  return w;
}

export interface GlossToken {
  stem: string;
  text: string;
}

const BIT_NUMBERS: Record<string, string> = {
  one: '1',
  two: '2',
  four: '4',
  six: '6',
  eight: '8',
  sixteen: '16',
  'thirty-two': '32',
  'thirty two': '32',
};
const BITS = /\b(\d+|one|two|four|six|eight|sixteen|thirty[- ]two)\s*-?\s*bits?\b/gi;

/** Every word of a text with its gloss stem; "2-D" reads as "2d", "eight-bit" and "8 bit" as "8bit", as glosses write them. */
export function glossTokens(text: string): GlossToken[] {
  const normal = text.replace(/\b([1-4])\s*-?\s*d\b/gi, '$1d').replace(BITS, (_, n: string) => `${BIT_NUMBERS[n.toLowerCase()] ?? n}bit`);
  return words(normal).map((w) => ({ stem: glossStem(w.text), text: w.text }));
}

/** The content words: no function or direction words; numbers and single letters only where `known`. */
export function contentTokens(tokens: readonly GlossToken[], known: (stem: string) => boolean): GlossToken[] {
  return tokens.filter((t) => {
    if (STOP.has(t.text) || DIRECTION_WORDS.has(t.text)) return false;
    if (/^\d/.test(t.text) || t.text.length === 1) return known(t.stem);
    return true;
  });
}

/** Where `phrase` runs from stems[i] on, each next stem at most `gap` words further: its last index, or -1. */
export function phraseEnd(stems: readonly string[], i: number, phrase: readonly string[], gap: number): number {
  if (stems[i] !== phrase[0]) return -1;
  let at = i;
  for (const s of phrase.slice(1)) {
    let next = -1;
    for (let k = at + 1; k <= at + 1 + gap && k < stems.length; k++)
      if (stems[k] === s) {
        next = k;
        break;
      }
    if (next < 0) return -1;
    at = next;
  }
  return at;
}
