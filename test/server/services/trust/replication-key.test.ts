// The replication group key: the parent train.py's SHA-256 and the idea engine's diff key, so
// records that ran the same train.py share it whatever the diff's layout.
import { describe, expect, it } from 'vitest';
import { recordGroupKey, sameTrainPyKey } from '../../../../server/services/trust/replication-key.ts';
import { ideaFeatures } from '../../../../server/services/ideas/features.ts';

const DIFF = '--- a/train.py\n+++ b/train.py\n@@ -10,1 +10,1 @@\n-MATRIX_LR = 0.04\n+MATRIX_LR = 0.05\n';
const SHA = 'b'.repeat(64);

describe('replication key', () => {
  it('is the parent SHA-256 and the diff key (the same hash idea assignment stores)', () => {
    const key = sameTrainPyKey({ parent: { train_py_sha256: SHA, commit: null, val_bpb: null }, diff: DIFF });
    expect(key).toBe(`s:${SHA}:${ideaFeatures({ description: 'x', diff: DIFF }).diffKey}`);
    // Moved lines, other whitespace, a comment: the same train.py.
    const moved = '--- a/train.py\n+++ b/train.py\n@@ -90,1 +90,1 @@\n-MATRIX_LR=0.04   # old\n+MATRIX_LR  =  0.05\n';
    expect(sameTrainPyKey({ parent: { train_py_sha256: SHA, commit: null, val_bpb: 1 }, diff: moved })).toBe(key);
    expect(sameTrainPyKey({ parent: { train_py_sha256: 'c'.repeat(64), commit: null, val_bpb: 1 }, diff: DIFF })).not.toBe(key);
  });

  it('is null when the payload cannot say what ran', () => {
    expect(sameTrainPyKey({ parent: null, diff: DIFF })).toBeNull();
    expect(sameTrainPyKey({ parent: { train_py_sha256: null, commit: 'abc1234', val_bpb: 1 }, diff: DIFF })).toBeNull();
    expect(sameTrainPyKey({ parent: { train_py_sha256: SHA, commit: null, val_bpb: 1 }, diff: null })).toBeNull();
    expect(
      sameTrainPyKey({
        parent: { train_py_sha256: SHA, commit: null, val_bpb: 1 },
        diff: '--- a/train.py\n+++ b/train.py\n@@ -1 +1 @@\n-# a\n+# b\n',
      }),
    ).toBeNull();
    expect(recordGroupKey('abc')).toBe('r:abc');
  });
});
