// describe.ts: a description's change part split from its rationale, and what that part says was
// changed (values and arrows, verbs, removals).
import { describe, expect, it } from 'vitest';
import { describeChanges, splitDescription } from '../../../server/catalogue/describe.ts';

describe('describe', () => {
  it('splits the change part from what follows', () => {
    expect(splitDescription('raise LR: it helped; more text')).toEqual({ head: 'raise LR', rest: ': it helped; more text' });
    expect(splitDescription('')).toEqual({ head: '', rest: '' });
  });

  it('reads values, verbs and removals', () => {
    expect(describeChanges('MATRIX_LR 0.04 -> 0.06').changes).toEqual([{ name: 'MATRIX_LR', from: '0.04', to: '0.06', direction: 'up' }]);
    expect(describeChanges('remove value embeddings')).toMatchObject({ removed: ['VALUE_EMBEDS'] });
    expect(describeChanges('halve the batch size').changes).toEqual([
      { name: 'TOTAL_BATCH_SIZE', from: null, to: null, direction: 'down' },
    ]);
  });

  it('reads nothing in prose that names no knob', () => {
    expect(describeChanges('tried something new today')).toEqual({ changes: [], switchedOn: [], removed: [] });
    expect(describeChanges('')).toEqual({ changes: [], switchedOn: [], removed: [] });
    // A range or a list of layers says which layers, not how many (the RTX 5070 fork's "2 VE groups").
    expect(describeChanges('layers 0-5 share VE1, layers 6-11 share VE2').changes).toEqual([]);
    expect(describeChanges('odd layers 1,3,5,7 are MLP-only').changes).toEqual([]);
    expect(describeChanges('12 layers').changes).toEqual([{ name: 'DEPTH', from: null, to: '12', direction: 'set' }]);
  });
});
