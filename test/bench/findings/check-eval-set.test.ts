// The findings eval-set checker: its word rule, its refusals of bad sets, and the shipped set itself
// against the real logs (skipped with a message when ../shared/corpus is absent, except in CI).
import { describe, expect, it } from 'vitest';
import {
  checkEvalSet,
  contentWords,
  loadCorpusDescriptions,
  loadNovelQueries,
  loadParaphrases,
  sharesContentWord,
  stem,
} from '../../../bench/findings/check-eval-set.ts';
import { CORPUS_RESULTS, sharedPresent } from '../../helpers/shared.ts';

const corpus = new Map([
  ['a.tsv:2', 'increase matrix LR from 0.04 to 0.06'],
  ['a.tsv:3', 'weight tying (share wte and lm_head weights)'],
]);
const good = (over: Record<string, unknown> = {}) => ({
  id: 'q1',
  query: 'tie the input and output tables',
  relevant: ['a.tsv:3'],
  note: 'weight tying',
  ...over,
});
const novel = Array.from({ length: 10 }, (_, i) => ({ id: `n${i}`, query: `an untried idea number ${i}`, note: 'none' }));

describe('the content-word rule', () => {
  it('stems with the first suffix that leaves three letters', () => {
    expect(['tying', 'tied', 'batches', 'layers', 'slowly', 'higher', 'use', 'gas'].map(stem)).toEqual([
      'tying',
      'tied',
      'batch',
      'layer',
      'slow',
      'high',
      'use',
      'gas',
    ]);
  });
  it('drops stopwords, keeps numbers and identifiers', () => {
    expect([...contentWords('Raise the MATRIX_LR to 0.06 for more steps')].sort()).toEqual(['0.06', 'lr', 'matrix', 'raise', 'step']);
  });
  it('says whether a query shares a word with any description', () => {
    expect(sharesContentWord('bump the matrix learning rate', ['increase matrix LR'])).toBe(true);
    expect(sharesContentWord('reuse the input lookup as the classifier', ['weight tying (share wte and lm_head weights)'])).toBe(false);
    expect(sharesContentWord('anything', [])).toBe(false);
  });
});

describe('checkEvalSet', () => {
  const set = (items: unknown[]) => checkEvalSet(items, novel, corpus);
  it('accepts a well-formed set apart from its size', () => {
    expect(set([good()]).problems).toEqual(['paraphrases.json has 1 queries, fewer than 170']);
  });
  it('refuses duplicate ids, unknown rows, empty relevance and copied descriptions', () => {
    const problems = set([
      good(),
      good({ query: 'another wording' }),
      good({ id: 'q2', query: 'a third wording', relevant: ['a.tsv:9'] }),
      good({ id: 'q3', query: 'a fourth wording', relevant: [] }),
      good({ id: 'q4', query: 'Matrix LR from 0.04' }),
      good({ id: 'q5', query: 'weights tying: share lm_head and wte' }),
    ]).problems.join('\n');
    expect(problems).toContain('q1: duplicate id');
    expect(problems).toContain('q2: a.tsv:9 is not a data row of the corpus');
    expect(problems).toContain('q3: no relevant rows');
    expect(problems).toContain('q4: the query occurs verbatim in a log description');
    expect(problems).toContain('q5: the query has exactly the content words of a log description');
  });
  it('counts hard queries and refuses a set where fewer than a third are hard', () => {
    const items = Array.from({ length: 170 }, (_, i) =>
      good({ id: `q${i}`, query: `${i < 50 ? 'tie the input and output tables' : 'share wte again'} ${i}` }),
    );
    const r = set(items);
    expect(r.hard).toBe(50);
    expect(r.problems).toContain('only 50 of 170 queries share no content word with their relevant rows (a third is 57)');
  });
  it('refuses input that is not a list', () => {
    expect(checkEvalSet({}, novel, corpus).problems).toEqual(['paraphrases.json is not an array']);
    expect(checkEvalSet([good()], null, null).problems).toContain('novel-queries.json is not an array');
  });
});

const real = sharedPresent(CORPUS_RESULTS, 'the eval-set corpus checks') ? loadCorpusDescriptions() : null;
describe.skipIf(!real)('the shipped eval set over the real logs', () => {
  it('passes every check, with at least a third hard', () => {
    const r = checkEvalSet(loadParaphrases(), loadNovelQueries(), real);
    expect(r.problems).toEqual([]);
    expect(r.total).toBeGreaterThanOrEqual(170);
    expect(r.hard * 3).toBeGreaterThanOrEqual(r.total);
    expect(r.novel).toBe(10);
  });
});
