// prose-values.ts: the values prose writes after a mention ("from A to B", "A → B"), inside a
// paraphrase ("to 3 experts"), the value a new one replaces and the one it leaves.
import { describe, expect, it } from 'vitest';
import { canonical, leftValue, replacedValue, valuesAfter, valuesWithin } from '../../../server/catalogue/prose-values.ts';

describe('prose values', () => {
  it('reads the values after a mention', () => {
    expect(valuesAfter('lr from 0.04 to 0.06', 2)).toEqual({ from: '0.04', to: '0.06' });
    expect(valuesAfter('lr 0.04 → 0.06', 2)).toEqual({ from: '0.04', to: '0.06' });
    expect(valuesAfter('lr', 2)).toBeNull();
    expect(valuesWithin('route each token to 3 experts', 0, 29)).toEqual({ from: null, to: '3' });
  });

  it('reads the value replaced or left', () => {
    expect(replacedValue('16 layers instead of 12', '16')).toBe('12');
    expect(leftValue('stop decaying to zero')).toBe('0');
    expect(canonical('0.040')).toBe('0.04');
    expect(canonical('abc')).toBeNull();
  });
});
