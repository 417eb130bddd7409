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
    expect(diffChanges(changedLines(DIFF))).toMatchObject({
      changes: [
        { name: 'ADAM_BETA1', from: '0.8', to: '0.9', direction: 'up' },
        { name: 'MATRIX_LR', from: '0.04', to: '0.06', direction: 'up' },
      ],
      pure: true,
    });
    expect(diffChanges(changedLines('@@ -1 +1 @@\n-x = foo(1)\n+x = foo(2)\n'))).toMatchObject({ changes: [], pure: false });
  });

  it('reads a literal keyword value moved on an edited line, qualified by what the line names', () => {
    const group = (beta2: string, wd = '0.2') =>
      `    param_groups.append(dict(kind='muon', params=group_params, lr=matrix_lr, momentum=0.95, beta2=${beta2}, weight_decay=${wd}))`;
    const muon = diffChanges(changedLines(`@@ -1 +1 @@\n-${group('0.95')}\n+${group('0.9')}\n`));
    expect(muon.changes).toEqual([{ name: 'MUON_BETA2', from: '0.95', to: '0.9', direction: 'down' }]);
    expect(muon.pure).toBe(true);
    // Outside a Muon group the keyword is the catalogue's plain name; a tuple moves item by item.
    const adam = (b: string) => `    dict(kind='adamw', params=p, lr=unembedding_lr, betas=${b}, eps=1e-10, weight_decay=0.0),`;
    expect(diffChanges(changedLines(`@@ -1 +1 @@\n-${adam('(0.8, 0.95)')}\n+${adam('(0.9, 0.95)')}\n`)).changes).toEqual([
      { name: 'ADAM_BETA1', from: '0.8', to: '0.9', direction: 'up' },
    ]);
    // A line whose code changed as well is no pure parameter change; an unpaired line gives no value.
    const both = diffChanges(changedLines(`@@ -1 +1,2 @@\n-${group('0.95')}\n+${group('0.9')}\n+    x = foo(1)\n`));
    expect(both.changes.map((c) => c.name)).toEqual(['MUON_BETA2']);
    expect(both.pure).toBe(false);
    expect(diffChanges(changedLines(`@@ -1 +1 @@\n+${group('0.9')}\n`)).changes).toEqual([]);
    // A keyword that is no catalogue parameter, or a value that is no literal, is no change.
    expect(diffChanges(changedLines('@@ -1 +1 @@\n-y = nn.Linear(d, d, foo=1)\n+y = nn.Linear(d, d, foo=2)\n')).changes).toEqual([]);
    expect(diffChanges(changedLines(`@@ -1 +1 @@\n-${group('0.95')}\n+${group('b2')}\n`)).changes).toEqual([]);
  });
});
