// makeChange: canonical from / to values and a direction from the numbers, else from the verb;
// nothing when nothing changes or nothing is known.
import { describe, expect, it } from 'vitest';
import { makeChange } from '../../../server/catalogue/param-change.ts';

describe('makeChange', () => {
  it('takes the direction from the numbers, else from the hint', () => {
    expect(makeChange('LR', 0.04, 0.06, null)).toEqual({ name: 'LR', from: '0.04', to: '0.06', direction: 'up' });
    expect(makeChange('LR', 0.06, 0.04, 'up')).toMatchObject({ direction: 'down' });
    expect(makeChange('LR', null, null, 'up')).toEqual({ name: 'LR', from: null, to: null, direction: 'up' });
    expect(makeChange('ACTIVATION', 'ReLU', 'SwiGLU', null)).toEqual({ name: 'ACTIVATION', from: 'relu', to: 'swiglu', direction: 'set' });
  });

  it('is null when the value does not change or nothing is known', () => {
    expect(makeChange('LR', 0.04, 0.04, null)).toBeNull();
    expect(makeChange('LR', 0.04, 0.04, 'up')).toBeNull();
    expect(makeChange('LR', null, null, null)).toBeNull();
    expect(makeChange('LR', 0.04, null, null)).toBeNull();
  });
});
