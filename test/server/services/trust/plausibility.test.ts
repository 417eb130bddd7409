// The plausibility rule: implausible only beyond the class's best confirmed result and beyond the
// fork's own best earlier result, each by max(10σ, 1% of that best); no confirmed best, no flag.
import { describe, expect, it } from 'vitest';
import { implausible, plausibilityMargin } from '../../../../server/services/trust/plausibility.ts';
import { PLAUSIBILITY } from '../../../../server/protocol/limits.ts';

describe('plausibility', () => {
  it('judges nothing on a class without a confirmed result (a new fork on new hardware)', () => {
    // MLX: 2.5337 → 1.8079 against its own first rows, nothing confirmed on the class.
    expect(implausible(1.807902, null, 2.533728, 0.002)).toBe(false);
    expect(implausible(0.5, null, null, 0.002)).toBe(false);
  });

  it('the margin is the larger of the class noise times 10 and 1% of the confirmed best', () => {
    expect(PLAUSIBILITY).toEqual({ noiseMultiple: 10, minRelativeStep: 0.01 });
    expect(plausibilityMargin(0.96, 0.002)).toBeCloseTo(0.02, 12);
    expect(plausibilityMargin(0.96, 0.0001)).toBeCloseTo(0.0096, 12);
    expect(plausibilityMargin(2.0, 0.002)).toBeCloseTo(0.02, 12);
  });

  it("flags a result far beyond the confirmed best only when the fork's own history does not lead there", () => {
    // 0.85 against a confirmed 0.981 (margin 0.02): a first row, or a leap from the fork's 0.99.
    expect(implausible(0.85, 0.981, null, 0.002)).toBe(true);
    expect(implausible(0.85, 0.981, 0.99, 0.002)).toBe(true);
    // Within the margin of the confirmed best: fine, however far from its own baseline.
    expect(implausible(0.965, 0.981, 1.6, 0.002)).toBe(false);
    // Steady progress of its own beyond the frontier: each step within the margin.
    expect(implausible(0.93, 0.981, 0.94, 0.002)).toBe(false);
    // A noisier class allows more.
    expect(implausible(0.93, 0.981, null, 0.006)).toBe(false);
    expect(implausible(0.92, 0.981, null, 0.006)).toBe(true);
  });
});
