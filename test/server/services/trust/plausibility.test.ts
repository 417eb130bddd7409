// The plausibility rules, pure: a keep is judged against the other forks of its class (confirmed
// or not), its own fork's history and its own evidence; each flag says which rule and its numbers.
import { describe, expect, it } from 'vitest';
import {
  implausibility,
  plausibilityMargin,
  robust,
  type ClassPeers,
  type PlausibilityCase,
} from '../../../../server/services/trust/plausibility.ts';
import { PLAUSIBILITY } from '../../../../server/protocol/limits.ts';

const keep = (o: Partial<PlausibilityCase>): PlausibilityCase => ({
  valBpb: 1,
  parentValBpb: null,
  hasDiff: true,
  hasMetrics: true,
  trainingSeconds: 300,
  totalTokensM: null,
  numSteps: null,
  timeBudgetS: 300,
  ownBest: null,
  keyHasHistory: true,
  confirmedBest: null,
  sigma: 0.002,
  peers: null,
  ...o,
});
const peers = (best: number, o: Partial<ClassPeers> = {}): ClassPeers => ({
  results: 20,
  forks: 3,
  best,
  median: best + 0.05,
  spread: 0.03,
  medianTokensM: null,
  medianSteps: null,
  ...o,
});

describe('plausibility', () => {
  it('the margin is the larger of the class noise times 10 and 1% of the reference', () => {
    expect(PLAUSIBILITY).toMatchObject({ noiseMultiple: 10, minRelativeStep: 0.01, maxStepShare: 0.4 });
    expect(plausibilityMargin(0.96, 0.002)).toBeCloseTo(0.02, 12);
    expect(plausibilityMargin(0.96, 0.0001)).toBeCloseTo(0.0096, 12);
  });

  it('leaves real early gains alone: the MLX seed log (−29% in one step), M1 Pro and DGX Spark', () => {
    expect(implausibility(keep({ valBpb: 1.807902, parentValBpb: 2.533728 }))).toBeNull();
    expect(implausibility(keep({ valBpb: 1.63, parentValBpb: 1.95 }))).toBeNull();
    expect(implausibility(keep({ valBpb: 1.096, parentValBpb: 1.366 }))).toBeNull();
    // A class with nothing else in it, and no parent: nothing to judge it by.
    expect(implausibility(keep({ valBpb: 0.5 }))).toBeNull();
  });

  it('flags a step larger than any real fork made (0.99 → 0.50), whether or not the class has anything confirmed', () => {
    expect(implausibility(keep({ valBpb: 0.5, parentValBpb: 0.99 }))).toMatch(/step \(49%\) from 0\.99/);
    // Without a parent, its fork's own best is the reference.
    expect(implausibility(keep({ valBpb: 0.5, ownBest: 0.99 }))).toMatch(/49%/);
  });

  it("flags a result far beyond the class only when its own fork's history does not lead there", () => {
    // A first row far beyond every other fork, confirmed or not.
    expect(implausibility(keep({ valBpb: 0.85, peers: peers(0.981) }))).toMatch(/beats the class's best 0\.981 .* no earlier result/);
    // A leap from its own 0.99 far beyond a confirmed 0.981.
    const leap = keep({ valBpb: 0.85, parentValBpb: 0.99, ownBest: 0.99, confirmedBest: 0.981, peers: peers(0.981) });
    expect(implausibility(leap)).toMatch(/best confirmed 0\.981 .* own fork's best 0\.99/);
    // The same walk from its own baseline past other forks' unconfirmed results is an early gain (DGX Spark 1.366 → 1.096).
    expect(implausibility(keep({ valBpb: 1.096, parentValBpb: 1.366, ownBest: 1.366, peers: peers(1.366, { spread: 0 }) }))).toBeNull();
    // Within the margin of the class's best: fine.
    expect(implausibility(keep({ valBpb: 0.965, parentValBpb: 0.99, peers: peers(0.981) }))).toBeNull();
    // Steady progress of its own beyond the class: each step within the margin.
    expect(implausibility(keep({ valBpb: 0.93, parentValBpb: 0.94, ownBest: 0.94, peers: peers(0.981) }))).toBeNull();
    // A noisier class allows more.
    expect(implausibility(keep({ valBpb: 0.93, peers: peers(0.981), sigma: 0.006 }))).toBeNull();
    expect(implausibility(keep({ valBpb: 0.92, peers: peers(0.981), sigma: 0.006 }))).not.toBeNull();
  });

  it('flags a keep that would lead with nothing behind it: no parent, diff nor metrics, from a key never seen', () => {
    const bare = keep({
      valBpb: 1.09,
      hasDiff: false,
      hasMetrics: false,
      trainingSeconds: null,
      keyHasHistory: false,
      peers: peers(1.096),
    });
    expect(implausibility(bare)).toMatch(/no history, with neither parent, diff nor run metrics/);
    // The same number behind the class's best, or from a key with a history, is fine.
    expect(implausibility({ ...bare, valBpb: 1.2 })).toBeNull();
    expect(implausibility({ ...bare, keyHasHistory: true })).toBeNull();
  });

  it("flags a run unlike the class's (a smoke run, tokens far from the norm) when it would lead", () => {
    expect(implausibility(keep({ valBpb: 1.3, trainingSeconds: 15 }))).toMatch(/trained 15 s of the harness's 300 s budget/);
    const odd = keep({ valBpb: 0.975, totalTokensM: 5000, peers: peers(0.981, { medianTokensM: 500 }) });
    expect(implausibility(odd)).toMatch(/5000 M tokens where its results train on 500 M/);
    expect(implausibility({ ...odd, totalTokensM: 600 })).toBeNull();
  });

  it('robust statistics: median and 1.4826 × MAD', () => {
    expect(robust([1, 2, 3, 4, 100])).toEqual({ median: 3, spread: 1.4826 });
  });
});
