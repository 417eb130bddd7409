// diff.ts: the changed lines of a unified diff, normalised (comments, spacing and context dropped),
// and the `NAME = value` assignments it changes, tuples item by item; code is not a pure change.
import { describe, expect, it } from 'vitest';
import { changedLines, diffChanges, normaliseDiff } from '../../../server/catalogue/diff.ts';

const DIFF = [
  '--- a/train.py',
  '+++ b/train.py',
  '@@ -1,4 +1,4 @@',
  ' # context',
  '-MATRIX_LR = 0.04  # the lr',
  '+MATRIX_LR = 0.06',
  '-ADAM_BETAS = (0.8, 0.95)',
  '+ADAM_BETAS = (0.9, 0.95)',
  '',
].join('\n');

describe('diff', () => {
  it('keeps the changed lines alone, normalised', () => {
    expect(changedLines(DIFF)).toEqual([
      { sign: '-', text: 'MATRIX_LR=0.04' },
      { sign: '+', text: 'MATRIX_LR=0.06' },
      { sign: '-', text: 'ADAM_BETAS=(0.8,0.95)' },
      { sign: '+', text: 'ADAM_BETAS=(0.9,0.95)' },
    ]);
    expect(normaliseDiff(DIFF)).toBe('-MATRIX_LR=0.04\n+MATRIX_LR=0.06\n-ADAM_BETAS=(0.8,0.95)\n+ADAM_BETAS=(0.9,0.95)');
  });

  it('is null for a diff that changes nothing', () => {
    expect(normaliseDiff('--- a/train.py\n+++ b/train.py\n@@ -1 +1 @@\n # only context\n')).toBeNull();
    expect(normaliseDiff('')).toBeNull();
    expect(normaliseDiff('not a diff at all')).toBeNull();
  });

  it('pairs assignments by name, tuples item by item, and calls only those pure', () => {
    expect(diffChanges(changedLines(DIFF))).toEqual({
      changes: [
        { name: 'ADAM_BETA1', from: '0.8', to: '0.9', direction: 'up' },
        { name: 'MATRIX_LR', from: '0.04', to: '0.06', direction: 'up' },
      ],
      pure: true,
    });
    expect(diffChanges(changedLines('@@ -1 +1 @@\n-x = foo(1)\n+x = foo(2)\n'))).toEqual({ changes: [], pure: false });
  });
});
