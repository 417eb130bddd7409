// The words glosses compare: glossStem folds spelling and derivation; glossTokens and contentTokens
// keep content words; phraseEnd finds a phrase in order with a few words between.
import { describe, expect, it } from 'vitest';
import { contentTokens, glossStem, glossTokens, phraseEnd } from '../../../server/catalogue/gloss-words.ts';

describe('glossStem', () => {
  it('folds spelling and derivation, and keeps distinct words apart', () => {
    expect(new Set(['normalisation', 'normalization', 'normalized', 'normalising', 'normalizer'].map(glossStem)).size).toBe(1);
    expect(glossStem('matrices')).toBe(glossStem('matrix'));
    expect(glossStem('orthogonalised')).toBe(glossStem('orthogonalized'));
    expect(glossStem('rotation')).toBe(glossStem('rotate'));
    expect(glossStem('globally')).toBe(glossStem('global'));
    expect(glossStem('tokenizer')).not.toBe(glossStem('tokens'));
    expect(glossStem('precise')).not.toBe(glossStem('precize'));
    expect(glossStem('supervised')).toBe('supervis');
  });
});

describe('glossTokens, contentTokens and phraseEnd', () => {
  it('stems the words of a text and keeps its content words', () => {
    expect(glossTokens('The normalised gradients')).toEqual([
      { stem: 'the', text: 'the' },
      { stem: 'normaliz', text: 'normalised' },
      { stem: 'gradient', text: 'gradients' },
    ]);
    expect(contentTokens(glossTokens('the normalised gradients'), () => false).map((t) => t.text)).toEqual(['normalised', 'gradients']);
    expect(glossTokens('')).toEqual([]);
  });

  it('finds a phrase in order with at most `gap` words between, else -1', () => {
    expect(phraseEnd(['a', 'b', 'x', 'c'], 0, ['a', 'c'], 2)).toBe(3);
    expect(phraseEnd(['a', 'b', 'x', 'y', 'c'], 0, ['a', 'c'], 1)).toBe(-1);
  });
});
