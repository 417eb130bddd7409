// recognize(): where a text names catalogue concepts, by code identifier, alias or pattern, each
// reading once; identifiers in code are read case-sensitively, whitespace-blind.
import { describe, expect, it } from 'vitest';
import { normaliseCode, recognize, recognizeIdentifiers, recognizeWithShadows } from '../../../server/catalogue/recognize.ts';

describe('recognize', () => {
  it('names concepts by identifier and alias, with their offsets', () => {
    expect(recognize('use SwiGLU and raise the matrix lr')).toEqual([
      { concept: 'ACTIVATION', choice: 'swiglu', via: 'identifier', start: 4, end: 10 },
      { concept: 'MATRIX_LR', choice: null, via: 'alias', start: 25, end: 34 },
    ]);
    expect(recognize('set weight decay to zero')).toEqual([{ concept: 'WEIGHT_DECAY', choice: null, via: 'pattern', start: 4, end: 24 }]);
    expect(recognize('')).toEqual([]);
    expect(recognize('went for a walk in the park')).toEqual([]);
  });

  it('reads code identifiers, whitespace-blind', () => {
    expect(recognizeIdentifiers('x = F.silu(x)')).toEqual([
      { concept: 'ACTIVATION', choice: 'silu', via: 'identifier', start: 4, end: 11 },
    ]);
    expect(normaliseCode('Matrix LR = 3').norm).toBe('Matrix LR=3');
    expect(recognizeWithShadows('use SwiGLU').mentions).toEqual(recognize('use SwiGLU'));
  });
});
