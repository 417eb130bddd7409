// scope.ts: words that qualify another change rather than change a knob: a count of layers saying
// where ("the last 4 layers"), the whole a share is taken from ("of the budget to"), and the
// parenthesised settings after a mention ("EMA (decay=0.995)").
import { describe, expect, it } from 'vitest';
import { nameEndWithin, partitiveWhole, scopedCount, settingsAfter, weakAliasAt } from '../../../server/catalogue/scope.ts';
import { recognize } from '../../../server/catalogue/recognize.ts';
import { words } from '../../../server/catalogue/words.ts';

describe('scope', () => {
  it('reads a count of layers after another change as where it applies', () => {
    const text = 'add XSA to the last 4 layers';
    const ws = words(text);
    const at = weakAliasAt(ws, 'DEPTH');
    expect(at).toEqual([6]);
    expect(scopedCount(text, ws, 6, 'DEPTH', recognize(text))).toBe(true);
    const plain = 'depth 4 layers';
    expect(scopedCount(plain, words(plain), 2, 'DEPTH', recognize(plain))).toBe(false);
  });

  it('reads the whole a share is taken from', () => {
    const ws = words('more of the budget to warmup');
    expect(ws.map((_, i) => partitiveWhole(ws, i))).toEqual([false, false, false, true, false, false]);
  });

  it('reads name=value settings in the parenthesis after a mention, and nothing else', () => {
    const text = 'EMA (decay=0.995)';
    expect(settingsAfter(text, recognize(text)[0], recognize(text))).toEqual({ start: 4, end: 16, inside: 'decay=0.995' });
    const plain = 'EMA (great)';
    expect(settingsAfter(plain, recognize(plain)[0], recognize(plain))).toBeNull();
    const wd = 'set weight decay to zero';
    expect(nameEndWithin(words(wd), 'WEIGHT_DECAY', recognize(wd)[0])).toBe(16);
  });
});
