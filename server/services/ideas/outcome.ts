// An idea's outcome summed over evidence rows (attempts, keeps, discards, crashes, contributors,
// delta val_bpb distribution): what idea pages, check matches and known-bad lists show.
import type { EvidenceRow } from '../../repositories/evidence.repository.ts';
import type { EffectView } from '../../protocol/trust.schema.ts';
import { NOISE_PRIOR } from './verdict.ts';

export interface Outcome {
  attempts: number;
  keeps: number;
  discards: number;
  crashes: number;
  oom_crashes: number;
  /** Records shown but not counted (marked invalid, baselines, no parent to compare with). */
  excluded: number;
  contributors: number;
  delta_val_bpb: { median: number | null; min: number | null; max: number | null };
  /** The median delta ± 2σ/√n, σ the noise model's for each row's harness and class (pooled over rows). */
  effect: EffectView | null;
}

/** Sums evidence rows (one per harness × class); the median is the attempt-weighted median of medians. */
export function summarise(
  rows: EvidenceRow[],
  distinctContributors?: number,
  sigmaOf: (row: EvidenceRow) => number = () => NOISE_PRIOR,
): Outcome {
  const sum = (f: (r: EvidenceRow) => number) => rows.reduce((a, r) => a + f(r), 0);
  const deltas = rows.filter((r) => r.medianDelta !== null);
  const mins = deltas.map((r) => r.minDelta as number);
  const maxs = deltas.map((r) => r.maxDelta as number);
  const median = weightedMedian(deltas.map((r) => ({ value: r.medianDelta as number, weight: Math.min(r.attempts, 1000) })));
  return {
    attempts: sum((r) => r.attempts),
    keeps: sum((r) => r.keeps),
    discards: sum((r) => r.discards),
    crashes: sum((r) => r.crashes),
    oom_crashes: sum((r) => r.oomCrashes),
    excluded: sum((r) => r.excluded ?? 0),
    // Keys repeat across rows: the caller passes the distinct count when it has it; else the
    // largest per-row count (exact for one row, a lower bound otherwise).
    contributors: distinctContributors ?? (rows.length ? Math.max(...rows.map((r) => r.contributors)) : 0),
    delta_val_bpb: {
      median,
      min: mins.length ? Math.min(...mins) : null,
      max: maxs.length ? Math.max(...maxs) : null,
    },
    effect:
      median === null
        ? null
        : effectOf(
            median,
            deltas.map((r) => ({ n: r.deltas, sigma: sigmaOf(r) })),
          ),
  };
}

/**
 * The lower median of values each repeated `weight` times (each row's median delta counted once
 * per attempt), without expanding them: sorted, then walked to the middle weight.
 */
export function weightedMedian(parts: { value: number; weight: number }[]): number | null {
  const sorted = parts.filter((p) => p.weight > 0).sort((a, b) => a.value - b.value);
  const total = sorted.reduce((a, p) => a + p.weight, 0);
  if (total === 0) return null;
  const middle = Math.floor((total - 1) / 2);
  let seen = 0;
  for (const p of sorted) {
    seen += p.weight;
    if (seen > middle) return p.value;
  }
  return sorted[sorted.length - 1].value;
}

/** median ± 2σ/√n over n deltas; σ² pooled over rows by their number of deltas. */
export function effectOf(median: number, parts: { n: number; sigma: number }[]): EffectView | null {
  const n = parts.reduce((a, p) => a + p.n, 0);
  if (n === 0) return null;
  const sigma = Math.sqrt(parts.reduce((a, p) => a + p.n * p.sigma ** 2, 0) / n);
  const half = (2 * sigma) / Math.sqrt(n);
  const r = (x: number) => Number(x.toPrecision(4));
  const low = r(median - half);
  const high = r(median + half);
  return { n, median: r(median), noise: r(sigma), low, high, within_noise: low <= 0 && high >= 0 };
}
