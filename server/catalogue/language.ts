// The shared words of the experiment language (language.json), validated with zod: number words,
// arrows, the words that open a setting clause, filler, the order words of a choice, stopwords.
// Each list is written once; catalogue.ts hashes these bytes into CATALOGUE_VERSION.
import { readFileSync } from 'node:fs';
import { z } from 'zod';

const word = z
  .string()
  .min(1)
  .regex(/^[a-z][a-z-]*$/, 'a lower-case word');
const words = z.array(word).min(1);

const languageSchema = z.strictObject({
  /** Number words and their values: prose-values.ts reads every one where a value belongs ("to zero", "from four to two"). */
  numbers: z.record(word, z.number().int().nonnegative()),
  /** The number words the tokenizer reads as numbers (tokens.ts), also counts before a choice (choice-change.ts). */
  token_numbers: words,
  /** The number words that count a scope unit ("two more layers", scope.ts). */
  count_numbers: words,
  /** Arrows between an old and a new value ("0.04 -> 0.06"). */
  arrows: z.array(z.string().regex(/^\S{1,2}$/, 'an arrow')).min(1),
  /** Words that open a clause about the setting rather than the change ("at batch 2^13"), in describe.ts. */
  context: words,
  /** More such words for the mention reader (from-prose.ts reads `context` and these: "depth 6 using GQA"). */
  mention_context: words,
  /** Words skipped between a verb, a name and its values ("halve the batch", "to final 10%"), in describe.ts. */
  filler: words,
  /** Between two values of one choice, words that make the first the new one ("A instead of B"), in describe.ts. */
  new_first: words,
  /** More such words for the mention reader (choice-change.ts reads `new_first` and these). */
  mention_new_first: words,
  /** Between two values of one choice, words that make the first the old one ("A to B"); an arrow does too. */
  old_first: words,
  /** More such words for the token reader (describe.ts reads `old_first` and these: "replaced A by B"). */
  token_old_first: words,
  /** Words that say which way a value goes before "to V" ("up to 0.04", "back down to 0.1"): both readers read past them to the value. */
  particles: words,
  /** Words that leave a value behind ("stop decaying the LR to zero", "never anneal to zero"): the value after them is where it started (prose-values.ts). */
  ceasing: z.array(z.string().regex(/^[a-z][a-z'-]*$/, 'a lower-case word (an apostrophe allowed)')).min(1),
  /** Function words and words about outcomes rather than what was changed: no feature of the local embedder. */
  stopwords: words,
});

export type Language = z.infer<typeof languageSchema>;

/** The subset lists that name number words: each entry must be one of `numbers`. */
const NUMBER_SUBSETS = ['token_numbers', 'count_numbers'] as const;

/** A parsed language file, or an error naming every problem: schema, a word listed twice, an unknown number word. */
export function parseLanguage(raw: unknown): Language {
  const language = languageSchema.parse(raw);
  const problems: string[] = [];
  for (const [name, list] of Object.entries(language)) {
    if (!Array.isArray(list)) continue;
    const seen = new Set<string>();
    for (const w of list) {
      if (seen.has(w)) problems.push(`${name}: "${w}" listed twice`);
      seen.add(w);
    }
  }
  for (const name of NUMBER_SUBSETS)
    for (const w of language[name]) if (!(w in language.numbers)) problems.push(`${name}: "${w}" is not in numbers`);
  const disjoint = (a: keyof Language, b: keyof Language) => {
    for (const w of language[b] as string[]) if ((language[a] as string[]).includes(w)) problems.push(`${b}: "${w}" is already in ${a}`);
  };
  disjoint('context', 'mention_context');
  disjoint('new_first', 'mention_new_first');
  disjoint('old_first', 'token_old_first');
  if (problems.length) throw new Error(`language.json is invalid:\n  ${problems.join('\n  ')}`);
  return language;
}

/** language.json as written: catalogue.ts hashes it with catalogue.json. */
export const LANGUAGE_SOURCE = readFileSync(new URL('./language.json', import.meta.url), 'utf8');

export const LANGUAGE: Language = parseLanguage(JSON.parse(LANGUAGE_SOURCE));

/** A regex alternation of literal strings (`->|=>|→`). */
export const alternation = (xs: readonly string[]) => xs.map((x) => x.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|');
