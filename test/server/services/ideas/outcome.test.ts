// summarise: an idea's outcome over its evidence rows (counts summed, the attempt-weighted median of
// the rows' medians, contributors, the effect ± noise); effectOf: the interval, none without deltas.
import { describe, expect, it } from 'vitest';
import { effectOf, summarise } from '../../../../server/services/ideas/outcome.ts';
import type { EvidenceRow } from '../../../../server/repositories/evidence.repository.ts';

const row = (o: Partial<EvidenceRow>): EvidenceRow => ({
  ideaId: 'i',
  harnessKey: 'h',
  hardwareClass: 'H100-80GB',
  family: 'hopper',
  kind: 'cuda',
  attempts: 1,
  keeps: 0,
  discards: 0,
  crashes: 0,
  oomCrashes: 0,
  maxOomMemoryGb: null,
  contributors: 1,
  deltas: 0,
  medianDelta: null,
  minDelta: null,
  maxDelta: null,
  excluded: 0,
  ...o,
});

describe('summarise', () => {
  it('sums counts and takes the attempt-weighted median of the rows', () => {
    const rows = [
      row({ attempts: 3, keeps: 1, discards: 2, deltas: 3, medianDelta: -0.01, minDelta: -0.02, maxDelta: 0.01, contributors: 2 }),
      row({
        hardwareClass: 'A100-80GB',
        attempts: 1,
        crashes: 1,
        oomCrashes: 1,
        excluded: 2,
        deltas: 1,
        medianDelta: 0.05,
        minDelta: 0.05,
        maxDelta: 0.05,
      }),
    ];
    const o = summarise(rows, 3);
    expect(o).toMatchObject({ attempts: 4, keeps: 1, discards: 2, crashes: 1, oom_crashes: 1, excluded: 2, contributors: 3 });
    expect(o.delta_val_bpb).toEqual({ median: -0.01, min: -0.02, max: 0.05 });
    expect(o.effect).not.toBeNull();
    expect(summarise(rows).contributors).toBe(2);
  });

  it('has no median and no effect without deltas, and zeros for no rows', () => {
    expect(summarise([row({ attempts: 2, crashes: 2 })])).toMatchObject({
      delta_val_bpb: { median: null, min: null, max: null },
      effect: null,
    });
    expect(summarise([])).toMatchObject({ attempts: 0, contributors: 0, effect: null });
  });
});

describe('effectOf', () => {
  it('puts an interval around the median that narrows with more deltas', () => {
    const one = effectOf(-0.01, [{ n: 1, sigma: 0.004 }])!;
    const many = effectOf(-0.01, [{ n: 16, sigma: 0.004 }])!;
    expect(one.median).toBe(-0.01);
    expect(one.low).toBeLessThan(-0.01);
    expect(one.high).toBeGreaterThan(-0.01);
    expect(many.high - many.low).toBeLessThan(one.high - one.low);
    expect(effectOf(-0.01, [])).toBeNull();
  });
});
