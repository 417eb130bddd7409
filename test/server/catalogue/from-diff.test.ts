// fromDiff: a diff's assignments as catalogue changes, then the switches and choices its code adds
// or removes (an activation swapped in code is a replaced choice).
import { describe, expect, it } from 'vitest';
import { ChangeSet } from '../../../server/catalogue/change-set.ts';
import { fromDiff } from '../../../server/catalogue/from-diff.ts';

const read = (diff: string) => {
  const set = new ChangeSet();
  fromDiff(diff, set);
  return set.list();
};

describe('fromDiff', () => {
  it('reads assignments, tuple items by their own names', () => {
    const diff = '@@ -1,2 +1,2 @@\n-MATRIX_LR = 0.04\n+MATRIX_LR = 0.06\n-ADAM_BETAS = (0.8, 0.95)\n+ADAM_BETAS = (0.9, 0.95)\n';
    expect(read(diff)).toEqual([
      { concept: 'ADAM_BETA1', action: 'raise', from: '0.8', to: '0.9' },
      { concept: 'MATRIX_LR', action: 'raise', from: '0.04', to: '0.06' },
      { concept: 'ADAM_BETAS', action: 'mention', from: null, to: null },
    ]);
  });

  it('reads a choice swapped in code', () => {
    expect(read('@@ -1 +1 @@\n-x = F.relu(x).square()\n+x = F.silu(x)\n')).toEqual([
      { concept: 'ACTIVATION', action: 'replace', from: 'relu2', to: 'silu' },
    ]);
  });

  it('offers nothing for an empty diff or unrelated code', () => {
    expect(read('')).toEqual([]);
    expect(read('@@ -1 +1 @@\n-print("a")\n+print("b")\n')).toEqual([]);
  });
});
