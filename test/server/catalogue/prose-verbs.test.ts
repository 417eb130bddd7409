// prose-verbs.ts: the direction prose gives a mention: a verb before it, its own words ("deeper"),
// a particle after it ("removed", "off"); none for a word that is no verb.
import { describe, expect, it } from 'vitest';
import { VERB_OF, verbNear } from '../../../server/catalogue/prose-verbs.ts';
import { recognize } from '../../../server/catalogue/recognize.ts';
import { words } from '../../../server/catalogue/words.ts';

const verbOf = (text: string, kind: 'param' | 'switch') => {
  const ms = recognize(text);
  return verbNear(text, words(text), ms[0], kind, ms);
};

describe('verbNear', () => {
  it('reads verbs before, words of the concept, and particles after', () => {
    expect(verbOf('remove value embeddings', 'switch')).toBe('disable');
    expect(verbOf('VE removed', 'switch')).toBe('disable');
    expect(verbOf('switch the softcap off', 'switch')).toBe('disable');
    expect(verbOf('raise the matrix lr', 'param')).toBe('raise');
    expect(verbOf('deeper network', 'param')).toBe('raise');
  });

  it('finds no verb where there is none', () => {
    expect(verbOf('the matrix lr', 'param')).toBeNull();
    expect(VERB_OF.get('remove')).toBe('disable');
    expect(VERB_OF.get('increase')).toBe('raise');
    expect(VERB_OF.get('banana')).toBeUndefined();
  });
});
