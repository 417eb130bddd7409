// Plausibility of a kept result, pure (PLAUSIBILITY in protocol/limits.ts): judged against the whole
// class on its harness (every fork, confirmed or not), its own fork's history, and its own evidence.
// Returns the reason a keep is implausible, or null.
import { PLAUSIBILITY } from '../../protocol/limits.ts';

/** What a new keep is judged by. */
export interface PlausibilityCase {
  valBpb: number;
  /** The parent's val_bpb the record claims (null: a first row). */
  parentValBpb: number | null;
  hasDiff: boolean;
  /** Any run metric beyond val_bpb (steps, tokens, training time, memory, MFU). */
  hasMetrics: boolean;
  trainingSeconds: number | null;
  totalTokensM: number | null;
  numSteps: number | null;
  timeBudgetS: number;
  /** The fork's own best earlier val_bpb on this harness and class (null: none). */
  ownBest: number | null;
  /** Whether the signing key published anything before (any harness, any class). */
  keyHasHistory: boolean;
  /** The class's best confirmed val_bpb (null: nothing confirmed yet). */
  confirmedBest: number | null;
  /** σ of val_bpb between runs on this class (the noise model). */
  sigma: number;
  /** The class on this harness key, other forks than the record's own (null: nothing there yet). */
  peers: ClassPeers | null;
}

/** Robust statistics of a class's results on one harness key, from other forks. */
export interface ClassPeers {
  /** Results (any status with a val_bpb, unflagged) and the forks they come from. */
  results: number;
  forks: number;
  /** The best unflagged keep of another fork (null: none kept). */
  best: number | null;
  median: number;
  /** 1.4826 × the median absolute deviation: a robust σ of the class's spread. */
  spread: number;
  /** Medians of the metrics among the class's results that report them (null: too few). */
  medianTokensM: number | null;
  medianSteps: number | null;
}

/** The margin a step must exceed to be a leap: PLAUSIBILITY's noise multiple, or a share of the value. */
export function plausibilityMargin(reference: number, sigma: number): number {
  return Math.max(PLAUSIBILITY.noiseMultiple * sigma, PLAUSIBILITY.minRelativeStep * reference);
}

const f = (x: number) => Number(x.toPrecision(4)).toString();

/** Why a keep is implausible (the first rule it breaks, with its numbers), or null when it is plausible. */
export function implausibility(c: PlausibilityCase): string | null {
  const P = PLAUSIBILITY;
  // 1. Its run says it was not a real run of the harness.
  if (c.trainingSeconds !== null && c.trainingSeconds < P.minBudgetShare * c.timeBudgetS)
    return `trained ${f(c.trainingSeconds)} s of the harness's ${f(c.timeBudgetS)} s budget: not comparable with full runs`;
  // 2. One step from its own parent (or its fork's best) larger than any real fork's early gain.
  const from = c.parentValBpb ?? c.ownBest;
  if (from !== null && from - c.valBpb > Math.max(P.maxStepShare * from, plausibilityMargin(from, c.sigma)))
    return `a ${f(from - c.valBpb)} step (${Math.round((100 * (from - c.valBpb)) / from)}%) from ${f(from)} in one experiment: real forks' largest early gains are under ${Math.round(100 * P.maxStepShare)}%`;
  // 3. Far beyond the class's best confirmed result, its own fork's history not leading there. The
  //    class's spread widens the margin: forks of a young class start from different places.
  if (c.confirmedBest !== null) {
    const m = Math.max(plausibilityMargin(c.confirmedBest, c.sigma), c.peers?.spread ?? 0);
    if (c.valBpb < c.confirmedBest - m && (c.ownBest === null || c.valBpb < c.ownBest - m))
      return `${f(c.valBpb)} beats the class's best confirmed ${f(c.confirmedBest)} by more than ${f(m)}${c.ownBest === null ? ', with no earlier result of its own fork' : `, and its own fork's best ${f(c.ownBest)} too`}`;
  }
  const peers = c.peers;
  if (!peers || peers.best === null) return null;
  // 4. A first row far beyond every other fork of the class (confirmed or not), by the same margin.
  const margin = Math.max(plausibilityMargin(peers.best, c.sigma), peers.spread);
  if (c.ownBest === null && c.valBpb < peers.best - margin)
    return `${f(c.valBpb)} beats the class's best ${f(peers.best)} (${peers.results} results from ${peers.forks} other forks, median ${f(peers.median)}) by more than ${f(margin)}, with no earlier result of its own fork`;
  if (c.valBpb >= peers.best) return null;
  // 5. It would lead the class, but nothing backs it: no parent, no diff, no run metrics, a key never seen before.
  if (c.parentValBpb === null && !c.hasDiff && !c.hasMetrics && !c.keyHasHistory)
    return `${f(c.valBpb)} would lead the class (best ${f(peers.best)}) from a key with no history, with neither parent, diff nor run metrics`;
  // 6. It would lead the class with a run unlike the class's (tokens or steps far from its norms).
  const odd = (x: number | null, norm: number | null) =>
    x !== null && norm !== null && norm > 0 && (x > P.metricRatio * norm || x < norm / P.metricRatio);
  if (odd(c.totalTokensM, peers.medianTokensM))
    return `${f(c.valBpb)} would lead the class on ${f(c.totalTokensM!)} M tokens where its results train on ${f(peers.medianTokensM!)} M`;
  if (odd(c.numSteps, peers.medianSteps))
    return `${f(c.valBpb)} would lead the class after ${c.numSteps} steps where its results take ${f(peers.medianSteps!)}`;
  return null;
}

/** Median and 1.4826 × MAD of values (for ClassPeers). */
export function robust(xs: readonly number[]): { median: number; spread: number } {
  const med = (v: number[]) => {
    const s = [...v].sort((a, b) => a - b);
    const m = s.length >> 1;
    return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
  };
  if (xs.length === 0) return { median: NaN, spread: NaN };
  const m = med([...xs]);
  return { median: m, spread: 1.4826 * med(xs.map((x) => Math.abs(x - m))) };
}
