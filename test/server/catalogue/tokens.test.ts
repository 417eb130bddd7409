// tokenize(): prose as numbers, arrows, punctuation and the lexicon's phrases resolved to
// parameters; canonicalParam names code identifiers; phraseKey is how phrases are compared.
import { describe, expect, it } from 'vitest';
import { canonicalParam, phraseKey, tokenize } from '../../../server/catalogue/tokens.ts';

describe('tokens', () => {
  it('resolves phrases and reads numbers and arrows', () => {
    expect(tokenize('muon lr 0.04 -> 0.06')).toEqual([
      { kind: 'param', name: 'MATRIX_LR', ident: false },
      { kind: 'num', value: 0.04, factor: false, raw: '0.04' },
      { kind: 'punct', p: '->' },
      { kind: 'num', value: 0.06, factor: false, raw: '0.06' },
    ]);
    expect(tokenize('')).toEqual([]);
  });

  it('names identifiers by the lexicon, upper-casing unknown ones', () => {
    expect(canonicalParam('n_layer')).toBe('DEPTH');
    expect(canonicalParam('MATRIX_LR')).toBe('MATRIX_LR');
    expect(canonicalParam('foo_bar')).toBe('FOO_BAR');
    expect(phraseKey('Soft-Cap_Logits')).toBe('soft cap logits');
  });
});
