// Plausibility of a kept result, pure (PLAUSIBILITY in protocol/limits.ts): implausible when it
// beats its class's best confirmed result, and its own fork's best earlier result, each by more
// than a margin set by the class's noise (and a small share of that best).
import { PLAUSIBILITY } from '../../protocol/limits.ts';

export function plausibilityMargin(confirmedBest: number, sigma: number): number {
  return Math.max(PLAUSIBILITY.noiseMultiple * sigma, PLAUSIBILITY.minRelativeStep * confirmedBest);
}

/**
 * `confirmedBest`: the class's best confirmed val_bpb (null: none, and nothing is implausible);
 * `ownBest`: the fork's own best earlier val_bpb on this harness and class (null: its first row).
 */
export function implausible(valBpb: number, confirmedBest: number | null, ownBest: number | null, sigma: number): boolean {
  if (confirmedBest === null) return false;
  const margin = plausibilityMargin(confirmedBest, sigma);
  return valBpb < confirmedBest - margin && (ownBest === null || valBpb < ownBest - margin);
}
