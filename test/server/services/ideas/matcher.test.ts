// matchIdea: the same diff, else the same change key, else the nearest close-enough embedding in an
// idea with no conflicting change; otherwise a new idea. cosine refuses vectors of other lengths.
import { describe, expect, it } from 'vitest';
import { cosine, matchIdea, SIMILARITY_THRESHOLD, type IdeaIndex } from '../../../../server/services/ideas/matcher.ts';
import type { IdeaFeatures } from '../../../../server/services/ideas/features.ts';

const RAISE = { concept: 'MATRIX_LR', action: 'raise' as const, from: null, to: null };
const LOWER = { ...RAISE, action: 'lower' as const };
const features = (o: Partial<IdeaFeatures>) => ({ diffKey: null, paramKey: null, changes: [RAISE], text: '', ...o }) as IdeaFeatures;

const index = (o: Partial<IdeaIndex> = {}): IdeaIndex => ({
  byDiffKey: async () => null,
  byParamKey: async () => null,
  nearest: async () => [],
  changesOf: async () => [],
  ...o,
});

describe('matchIdea', () => {
  it('takes the rules in order: diff, change key, embedding', async () => {
    const all = index({
      byDiffKey: async () => 'd',
      byParamKey: async () => 'p',
      nearest: async () => [{ ideaId: 'e', similarity: 0.99, paramKey: null }],
      changesOf: async () => [RAISE],
    });
    expect(await matchIdea(features({ diffKey: 'x', paramKey: 'y' }), [1], all)).toEqual({ ideaId: 'd', via: 'diff', similarity: null });
    expect(await matchIdea(features({ paramKey: 'y' }), [1], all)).toEqual({ ideaId: 'p', via: 'params', similarity: null });
    expect(await matchIdea(features({}), [1], all)).toEqual({ ideaId: 'e', via: 'embedding', similarity: 0.99 });
  });

  it('skips conflicting ideas and stops below the threshold', async () => {
    const near = index({
      nearest: async () => [
        { ideaId: 'opposite', similarity: 0.95, paramKey: null },
        { ideaId: 'same', similarity: 0.9, paramKey: null },
      ],
      changesOf: async (id) => (id === 'opposite' ? [LOWER] : [RAISE]),
    });
    expect((await matchIdea(features({}), [1], near)).ideaId).toBe('same');
    const far = index({ nearest: async () => [{ ideaId: 'x', similarity: SIMILARITY_THRESHOLD - 0.01, paramKey: null }] });
    expect(await matchIdea(features({}), [1], far)).toEqual({ ideaId: null, via: null, similarity: null });
  });
});

describe('cosine', () => {
  it('measures the angle, 0 for a zero vector, and refuses other lengths', () => {
    expect(cosine([1, 0], [1, 0])).toBe(1);
    expect(cosine([1, 0], [0, 1])).toBe(0);
    expect(cosine([1, 0], [-1, 0])).toBe(-1);
    expect(cosine([0, 0], [1, 0])).toBe(0);
    expect(() => cosine([1], [1, 0])).toThrow(RangeError);
  });
});
