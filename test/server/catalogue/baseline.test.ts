// Baselines are not changes (baseline.ts, through understand()): a change part that opens with or
// ends in a baseline marker changes nothing but still names its setting; a change that only names
// the baseline, or follows it, is read; a baseline run's diff still counts.
import { describe, expect, it } from 'vitest';
import { isBaselineHead } from '../../../server/catalogue/baseline.ts';
import { isBaselineDescription, understand } from '../../../server/catalogue/understand.ts';
import { changesOf, touched } from '../../helpers/readings.ts';

describe('baselines', () => {
  const BASELINES = [
    'baseline',
    'Baseline run',
    'baseline (no changes)',
    'Baseline: depth 8, SwiGLU',
    'baseline with depth 10',
    'rerun of the baseline',
    're-run baseline',
    'reran the baseline',
    'new baseline with FP8 and depth 10',
    'new baseline: depth 10 SwiGLU',
    '2x budget baseline',
    'apr20 baseline (this hardware)',
    'smoke test: 50 steps',
    'smoke-test',
    'sanity check run',
    'baseline re-run on H100',
    'exp0: baseline',
  ];
  it.each(BASELINES)('%s changes nothing', (d) => {
    expect(isBaselineDescription(d)).toBe(true);
    expect(understand({ description: d, diff: null }).changes).toEqual([]);
  });

  it('still lists what a baseline names, for lexical search', () => {
    expect(understand({ description: 'new baseline with FP8 and depth 10', diff: null }).concepts).toEqual(
      expect.arrayContaining(['FP8', 'DEPTH']),
    );
  });

  it('reads a change that only names the baseline, or follows it', () => {
    const changes: [string, string[]][] = [
      ['baseline LR 0.04 -> 0.05', ['LR raise 0.04>0.05']],
      ['baseline, depth 8 -> 10', ['DEPTH raise 8>10']],
      ['baseline + FP8', ['FP8 enable']],
      ['compare SwiGLU against the baseline', ['ACTIVATION set >swiglu']],
      ['depth 10 vs baseline depth 8', ['DEPTH set >10']],
      ['5 layers too slow (500+ tokens/sec vs 2000+ for baseline)', ['DEPTH set >5']],
    ];
    for (const [d, expected] of changes) {
      expect(isBaselineDescription(d), d).toBe(false);
      expect(changesOf(d), d).toEqual(expected);
    }
    for (const d of ['revert to baseline LR', 'same as baseline but with 10 layers', 'Add a one-line smoke-test comment to train.py.'])
      expect(isBaselineDescription(d), d).toBe(false);
    expect(touched('revert to baseline LR')).toEqual(['LR']);
  });

  it("keeps what a baseline run's diff changes", () => {
    const diff = ['--- a/train.py', '+++ b/train.py', '@@ -1,2 +1,2 @@', ' # lr', '-MATRIX_LR = 0.04', '+MATRIX_LR = 0.05', ''].join('\n');
    expect(understand({ description: 'baseline', diff }).changes).toEqual([
      { concept: 'MATRIX_LR', action: 'raise', from: '0.04', to: '0.05' },
    ]);
  });
});

describe('isBaselineHead', () => {
  it('takes a change part opening with or ending in a marker, and nothing else', () => {
    for (const head of ['baseline', 'Baseline run', '1.5x budget baseline', 'smoke test']) expect(isBaselineHead(head), head).toBe(true);
    for (const head of ['raise LR', '', 'revert to baseline LR']) expect(isBaselineHead(head), head).toBe(false);
  });
});
