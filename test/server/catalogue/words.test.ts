// words(): the words of prose with offsets, clause and parenthesis depth, and the stemmer shared by
// aliases and patterns.
import { describe, expect, it } from 'vitest';
import { phraseStems, stem, words } from '../../../server/catalogue/words.ts';

describe('words', () => {
  it('keeps offsets, counts clauses and parenthesis depth, and drops clause words', () => {
    const ws = words('Raise LR (a bit); then depth');
    expect(ws.map((w) => w.text)).toEqual(['raise', 'lr', 'a', 'bit', 'depth']);
    expect(ws.map((w) => [w.start, w.end])).toEqual([
      [0, 5],
      [6, 8],
      [10, 11],
      [12, 15],
      [23, 28],
    ]);
    expect(ws.map((w) => w.depth)).toEqual([0, 0, 1, 1, 0]);
    expect(ws.map((w) => w.clause)).toEqual([0, 0, 1, 1, 3]);
    expect(words('')).toEqual([]);
    expect(words('  ;;; ')).toEqual([]);
  });

  it('stems words and phrases alike', () => {
    expect(stem('embeddings')).toBe('embed');
    expect(phraseStems('value embeddings')).toEqual(['valu', 'embed']);
    expect(words('Value Embeddings').map((w) => w.stem)).toEqual(phraseStems('value embeddings'));
  });
});
