// Values prose writes for a mentioned parameter: after it ("from 0.04 to 0.06", "0.04 → 0.06",
// "to zero", "= 3"), inside a paraphrase's words ("route each token to 3 experts"), and the value a
// new one replaces ("16 layers instead of 12", "a head dim of 128 rather than 64") or leaves ("stop decaying to zero").
import { alternation, LANGUAGE } from './language.ts';
import { formatValue, NUMBER as NUM, parseProseNumber } from './values.ts';

export interface Values {
  from: string | null;
  to: string | null;
}

const END = String.raw`(?![\w.])`;
const ARROW = String.raw`(?:${alternation(LANGUAGE.arrows)}|\bto\b)`;
const FROM_TO = new RegExp(String.raw`(?:^|[\s(=:,])(?:from\s+)?(${NUM})\s*${ARROW}\s*(${NUM})${END}`, 'i');
const FROM_LOOSE = new RegExp(String.raw`\bfrom\s+(${NUM})${END}.{0,30}?\bto\s+(?:[a-z]+\s+){0,2}(${NUM})${END}`, 'i');
const TO_LOOSE = new RegExp(String.raw`^\s*(?:[a-z][\w'-]*\s+){0,4}?to\s+(?:[a-z]+\s+){0,2}(${NUM})${END}`, 'i');
const ASSIGN = new RegExp(
  String.raw`^\s*(?:(?!(?:from|on|at|with|for|after|while|in|than|help|helps)\b)[a-z][\w'-]*\s+){0,3}?(?:(?:=|:|of|at|for)\s*)?(${NUM})${END}`,
  'i',
);

const NUMBER_WORDS: Readonly<Record<string, string>> = Object.fromEntries(Object.entries(LANGUAGE.numbers).map(([w, n]) => [w, String(n)]));
const SPELLED = new RegExp(
  String.raw`(\bto|\bfrom|\bof|\binstead of|\brather than|=|:|->|→)(\s*)(?:(the|a)\s+)?(${Object.keys(NUMBER_WORDS).join('|')})\b`,
  'gi',
);

/** Number words where a value belongs, as digits: "weight decay to zero", "from four to two", "instead of zero". */
export const spellNumbers = (text: string) =>
  text.replace(
    SPELLED,
    (_, lead: string, gap: string, article: string | undefined, word: string) =>
      `${lead}${gap}${article ? `${article} ` : ''}${NUMBER_WORDS[word.toLowerCase()]}`,
  );

/** A number as written, canonical ("2^16" → 65536, "5%" → 0.05), or null. */
export function canonical(raw: string): string | null {
  const n = parseProseNumber(raw);
  return n ? formatValue(n.value) : null;
}

/** Right after a name, where a spelled number is its value ("weight decay to zero", "dropout down to zero", "from four to two"). */
const VALUE_NEXT = new RegExp(String.raw`^\s*(?:(?:${alternation(LANGUAGE.particles)}|all the way)\s+)?(?:to|from|=|:|of)\s`, 'i');

/** Values written after a mention, in its clause: "from 0.04 to 0.06", "0.04 → 0.06", "to 0.05", "to zero", "= 3". */
export function valuesAfter(text: string, end: number): Values | null {
  const raw = text
    .slice(end)
    .split(/[;()—–]|[,:]\s|\.\s/)[0]
    .slice(0, 80);
  // Spelled only right after the name: "annealing the rate to zero" is where the rate goes, no value.
  const tail = VALUE_NEXT.test(raw) ? spellNumbers(raw) : raw;
  for (const re of [FROM_TO, FROM_LOOSE]) {
    const m = re.exec(tail);
    const [from, to] = m ? [canonical(m[1]), canonical(m[2])] : [null, null];
    if (from !== null && to !== null && from !== to) return { from, to };
  }
  for (const re of [TO_LOOSE, ASSIGN]) {
    const m = re.exec(tail);
    const to = m ? canonical(m[1]) : null;
    if (to !== null) return { from: null, to };
  }
  return null;
}

// Inside a paraphrase's words: "to N" ("route each token to 3 experts"), N right before its last
// word ("each token gets 2 experts", "top-2 routing"), or a percentage; never a number a word goes
// on from ("2-D", "1-sqrt"), nor "to zero", which paraphrases use for a direction, not a value.
const WITHIN_TO = new RegExp(String.raw`\bto\s+(?:the\s+|a\s+)?(${NUM})(?![\w.-])`, 'i');
const BEFORE_LAST = new RegExp(String.raw`(?<![\w.])(${NUM})\s+[\p{L}-]+$`, 'iu');
// A share among them ("end at 10 % of peak"): a percentage is a value wherever it stands.
const SHARE = /(?<![\w.])(\d+(?:\.\d+)?\s*(?:%|percent\b))/i;

/** A value written among a paraphrase's own words (between `start` and `end`). */
export function valuesWithin(text: string, start: number, end: number): Values | null {
  const span = spellNumbers(text.slice(start, end).replace(/\bzero\b/gi, 'nil'));
  const m = WITHIN_TO.exec(span) ?? BEFORE_LAST.exec(span) ?? SHARE.exec(span);
  const to = m ? canonical(m[1]) : null;
  return to === null ? null : { from: null, to };
}

const CEASED = new RegExp(
  String.raw`(?<![\w'])(?:${alternation(LANGUAGE.ceasing)})\s+(?:[a-z][\w'-]*\s+){0,6}?to\s+(?:the\s+)?(${NUM})${END}`,
  'i',
);

/** The value a change leaves behind ("stop decaying the LR to zero" → 0): where it went before, so its starting value. */
export function leftValue(text: string): string | null {
  const m = CEASED.exec(spellNumbers(text));
  return m ? canonical(m[1]) : null;
}

const REPLACED = new RegExp(
  String.raw`(?<![\w.])(${NUM})${END}\s*(?:[a-z][\w'-]*,?\s+){0,3}?,?\s*(?:instead\s+of|rather\s+than|in\s+place\s+of|not)\s+(?:the\s+)?(?:(?:default|current|usual|baseline|original|old|previous)\s+)?(?:of\s+)?(${NUM})${END}`,
  'gi',
);

/** The value that `to` replaces in "A instead of B" / "A rather than B" / "A, not B" ("16 layers instead of 12" → 12). */
export function replacedValue(text: string, to: string): string | null {
  for (const m of spellNumbers(text).matchAll(REPLACED)) {
    const [a, b] = [canonical(m[1]), canonical(m[2])];
    if (a === to && b !== null && b !== a) return b;
  }
  return null;
}
