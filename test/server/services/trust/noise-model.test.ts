// The noise model: pooled within-group σ converges to the spread the replications were drawn
// with; a class with few replications leans on its family, a family with few on the prior.
import { describe, expect, it } from 'vitest';
import { normal } from '../../../helpers/replications.ts';
import {
  estimateNoise,
  NOISE_PRIOR,
  NOISE_PSEUDO_REPLICATIONS,
  sigmaOf,
  type Measurement,
} from '../../../../server/services/trust/noise-model.ts';

let seq = 0;
function groups(opts: { cls: string; family: string; sigma: number; groups: number; runs: number; seed: number }): Measurement[] {
  const z = normal(opts.seed);
  const out: Measurement[] = [];
  for (let g = 0; g < opts.groups; g++) {
    const truth = 0.95 + 0.05 * (g % 7); // groups differ in their true val_bpb; only the spread within counts
    for (let r = 0; r < opts.runs; r++) {
      out.push({
        id: `m${seq++}`,
        hardwareClass: opts.cls,
        family: opts.family,
        group: `${opts.cls}-g${g}`,
        keyFingerprint: `k${r}`,
        valBpb: truth + opts.sigma * z(),
        createdAt: new Date(1_700_000_000_000 + seq),
        flagged: false,
      });
    }
  }
  return out;
}

describe('noise model', () => {
  it('converges to the spread the replications were drawn with, closer as replications grow', () => {
    const errors: number[] = [];
    for (const n of [5, 50, 400]) {
      const table = estimateNoise(groups({ cls: 'H100 80GB', family: 'dc', sigma: 0.004, groups: n, runs: 3, seed: n }));
      const c = table.classes.get('H100 80GB')!;
      expect(c.replications).toBe(2 * n);
      expect(c.groups).toBe(n);
      expect(c.records).toBe(3 * n);
      errors.push(Math.abs(c.sigma - 0.004) / 0.004);
    }
    expect(errors[2]).toBeLessThan(0.06);
    expect(errors[2]).toBeLessThan(errors[0]);
    const big = estimateNoise(groups({ cls: 'H100 80GB', family: 'dc', sigma: 0.0007, groups: 400, runs: 2, seed: 7 })).classes.get(
      'H100 80GB',
    )!;
    expect(big.source).toBe('class');
    expect(Math.abs(big.sigma - 0.0007) / 0.0007).toBeLessThan(0.1);
    expect(Math.abs(big.sample_sigma! - 0.0007) / 0.0007).toBeLessThan(0.1);
  });

  it('leans on the family, then the prior, while a class has fewer than k replications', () => {
    const ms = [
      ...groups({ cls: 'H100 80GB', family: 'dc', sigma: 0.005, groups: 200, runs: 2, seed: 1 }),
      ...groups({ cls: 'A100 80GB', family: 'dc', sigma: 0.02, groups: 1, runs: 2, seed: 2 }), // one replication, wildly spread
      ...groups({ cls: 'Apple M4 Max', family: 'apple', sigma: 0.01, groups: 1, runs: 2, seed: 3 }),
    ];
    const table = estimateNoise(ms);
    const family = table.families.get('dc')!;
    const a100 = table.classes.get('A100 80GB')!;
    expect(a100.replications).toBe(1);
    expect(a100.source).toBe('family');
    // (SS + k·σ²_family) / (df + k): one replication moves it only a little off the family's.
    const ss = a100.sample_sigma! ** 2;
    expect(a100.sigma).toBeCloseTo(Math.sqrt((ss + NOISE_PSEUDO_REPLICATIONS * family.sigma ** 2) / (1 + NOISE_PSEUDO_REPLICATIONS)), 12);
    expect(Math.abs(family.sigma - 0.005) / 0.005).toBeLessThan(0.25);
    // A family with one replication: mostly the prior.
    const m4 = table.classes.get('Apple M4 Max')!;
    expect(m4.source).toBe('prior');
    expect(table.families.get('apple')!.source).toBe('prior');
    // A class with no replications at all takes its family's estimate; an unknown family the prior.
    expect(sigmaOf(table, 'H200 141GB', 'dc').sigma).toBe(family.sigma);
    expect(sigmaOf(table, 'H200 141GB', 'dc').replications).toBe(0);
    expect(sigmaOf(table, 'Some GPU', 'nowhere')).toMatchObject({ sigma: NOISE_PRIOR, source: 'prior' });
    expect(sigmaOf(estimateNoise([]), 'H100 80GB', 'dc').sigma).toBe(NOISE_PRIOR);
  });

  it('ignores flagged results, singletons and the same result stored twice', () => {
    const at = new Date(1_700_000_000_000);
    const m = (id: string, group: string, key: string, v: number, extra: Partial<Measurement> = {}): Measurement => ({
      id,
      hardwareClass: 'c',
      family: 'f',
      group,
      keyFingerprint: key,
      valBpb: v,
      createdAt: at,
      flagged: false,
      ...extra,
    });
    const table = estimateNoise([
      m('a', 'g1', 'k1', 1.0),
      m('b', 'g1', 'k1', 1.0), // the same row imported twice (same key, value and time): one measurement
      m('c', 'g2', 'k1', 0.9),
      m('d', 'g2', 'k2', 0.5, { flagged: true }),
      m('e', 'g3', 'k1', 0.8),
    ]);
    expect(table.classes.size).toBe(0);
    const two = estimateNoise([m('a', 'g', 'k1', 1.0), m('b', 'g', 'k2', 1.002)]).classes.get('c')!;
    expect(two).toMatchObject({ replications: 1, groups: 1, records: 2 });
    expect(two.sample_sigma).toBeCloseTo(Math.SQRT2 * 0.001, 9);
  });
});
