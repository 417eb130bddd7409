// The shared words of the experiment language as data (mime-db style): every list non-empty,
// lower-case and without duplicates, subsets inside what they subset, known entries present, and
// the file's bytes part of CATALOGUE_VERSION.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CATALOGUE, CATALOGUE_VERSION } from '../../../server/catalogue/catalogue.ts';
import { LANGUAGE, LANGUAGE_SOURCE, parseLanguage } from '../../../server/catalogue/language.ts';

const LISTS = Object.entries(LANGUAGE).filter((e): e is [string, string[]] => Array.isArray(e[1]));

describe('language.json', () => {
  it('holds every list the readers need, each non-empty', () => {
    expect(LISTS.map(([name]) => name).sort()).toEqual(
      [
        'arrows',
        'ceasing',
        'context',
        'count_numbers',
        'filler',
        'mention_context',
        'mention_new_first',
        'new_first',
        'old_first',
        'particles',
        'stopwords',
        'token_numbers',
        'token_old_first',
      ].sort(),
    );
    for (const [name, list] of LISTS) expect(list.length, name).toBeGreaterThan(0);
    expect(Object.keys(LANGUAGE.numbers).length).toBeGreaterThan(0);
  });

  it('lists lower-case words, each once (arrows are symbols)', () => {
    for (const [name, list] of LISTS) {
      expect(new Set(list).size, `${name} has a duplicate`).toBe(list.length);
      // Arrows are symbols; "don't" leaves a value behind as "stop" does.
      if (name !== 'arrows') for (const w of list) expect(w, name).toMatch(name === 'ceasing' ? /^[a-z][a-z'-]*$/ : /^[a-z][a-z-]*$/);
    }
    for (const w of Object.keys(LANGUAGE.numbers)) expect(w).toMatch(/^[a-z][a-z-]*$/);
  });

  it('names only known number words in its number subsets, with their values', () => {
    for (const w of [...LANGUAGE.token_numbers, ...LANGUAGE.count_numbers]) expect(LANGUAGE.numbers).toHaveProperty([w]);
    expect(LANGUAGE.numbers).toMatchObject({
      zero: 0,
      one: 1,
      two: 2,
      four: 4,
      twelve: 12,
      sixteen: 16,
      'thirty-two': 32,
      'sixty-four': 64,
    });
    expect(LANGUAGE.token_numbers).toEqual(expect.arrayContaining(['one', 'two', 'eight', 'sixteen']));
    expect(LANGUAGE.count_numbers).toEqual(expect.arrayContaining(['one', 'seven', 'nine', 'eleven', 'twelve']));
  });

  it('keeps known entries', () => {
    expect(LANGUAGE.arrows).toEqual(expect.arrayContaining(['->', '=>', '→']));
    expect(LANGUAGE.context).toEqual(expect.arrayContaining(['at', 'with', 'while', 'keeping']));
    expect(LANGUAGE.mention_context).toContain('using');
    expect(LANGUAGE.filler).toEqual(expect.arrayContaining(['the', 'slightly', 'further']));
    expect(LANGUAGE.new_first).toEqual(expect.arrayContaining(['instead', 'rather', 'vs']));
    expect(LANGUAGE.old_first).toEqual(expect.arrayContaining(['to', 'into']));
    expect(LANGUAGE.stopwords).toEqual(expect.arrayContaining(['the', 'baseline', 'val', 'bpb', 'worse', 'better']));
    expect(LANGUAGE.ceasing).toEqual(expect.arrayContaining(['stop', 'never', "don't"]));
  });

  it('keeps a reader-only addition out of the list it extends', () => {
    for (const [base, extra] of [
      ['context', 'mention_context'],
      ['new_first', 'mention_new_first'],
      ['old_first', 'token_old_first'],
    ] as const)
      for (const w of LANGUAGE[extra]) expect(LANGUAGE[base], `${extra}: ${w}`).not.toContain(w);
  });

  it('never lists a catalogue direction verb as filler or context', () => {
    const verbs = new Set(Object.values(CATALOGUE.verbs).flat());
    for (const w of [...LANGUAGE.filler, ...LANGUAGE.context]) expect(verbs.has(w), w).toBe(false);
  });

  it('rejects a malformed file, naming the problem', () => {
    const raw = JSON.parse(LANGUAGE_SOURCE);
    expect(() => parseLanguage({ ...raw, filler: ['the', 'the'] })).toThrow(/filler: "the" listed twice/);
    expect(() => parseLanguage({ ...raw, count_numbers: ['thirteen'] })).toThrow(/count_numbers: "thirteen" is not in numbers/);
    expect(() => parseLanguage({ ...raw, context: ['At'] })).toThrow();
    expect(() => parseLanguage({ ...raw, mention_context: ['at'] })).toThrow(/already in context/);
    expect(() => parseLanguage({ ...raw, filler: [] })).toThrow();
    expect(() => parseLanguage({ ...raw, ceasing: ['no longer'] })).toThrow(/apostrophe allowed/);
  });

  it('is part of the catalogue version: an edit re-derives stored records', () => {
    const catalogue = readFileSync(new URL('../../../server/catalogue/catalogue.json', import.meta.url), 'utf8');
    const hash = (language: string) => createHash('sha256').update(catalogue).update(language).digest('hex').slice(0, 12);
    expect(CATALOGUE_VERSION).toBe(`${CATALOGUE.version}-${hash(LANGUAGE_SOURCE)}`);
    expect(hash(LANGUAGE_SOURCE.replace('"slightly"', '"lightly"'))).not.toBe(hash(LANGUAGE_SOURCE));
  });
});
