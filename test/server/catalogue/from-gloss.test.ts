// fromGloss: the fallback reading of a change part no name recognised: the gloss matches become
// changes (and mentions); nothing is offered when no gloss matches.
import { describe, expect, it } from 'vitest';
import { ChangeSet } from '../../../server/catalogue/change-set.ts';
import { fromGloss } from '../../../server/catalogue/from-gloss.ts';

describe('fromGloss', () => {
  it('offers the concept a gloss describes, with its direction', () => {
    const set = new ChangeSet();
    const mentioned: string[] = [];
    expect(fromGloss('one matrix serves as both the input lookup and the vocabulary classifier', set, mentioned)).toBe(true);
    expect(set.list()).toEqual([{ concept: 'TIED_EMBEDDINGS', action: 'enable', from: null, to: null }]);
    expect(mentioned).toEqual(['TIED_EMBEDDINGS']);
  });

  it('offers nothing when no gloss matches', () => {
    for (const text of ['went for a walk in the park', '']) {
      const set = new ChangeSet();
      const mentioned: string[] = [];
      expect(fromGloss(text, set, mentioned), text).toBe(false);
      expect(set.list()).toEqual([]);
      expect(mentioned).toEqual([]);
    }
  });
});
