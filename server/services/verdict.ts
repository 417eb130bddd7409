// The `check` verdict rules, pure: from an idea's evidence and the caller's harness, hardware
// class and memory, decide novel / crashes_here / known_bad / promising / mixed.
import type { EvidenceRow } from '../repositories/evidence.repository.ts';

export const VERDICTS = ['novel', 'crashes_here', 'known_bad', 'promising', 'mixed'] as const;
export type Verdict = (typeof VERDICTS)[number];

export interface Outcome {
  attempts: number;
  keeps: number;
  discards: number;
  crashes: number;
  oom_crashes: number;
  contributors: number;
  delta_val_bpb: { median: number | null; min: number | null; max: number | null };
}

export interface Caller {
  harnessId?: string;
  hardwareClass?: string;
  memoryGb?: number | null;
}

/** Failures on the caller's class, with no keep there, that make an idea known-bad. */
export const KNOWN_BAD_MIN_FAILURES = 2;

/** Sums evidence rows (one per harness × class); the median is the attempt-weighted median of medians. */
export function summarise(rows: EvidenceRow[], distinctContributors?: number): Outcome {
  const sum = (f: (r: EvidenceRow) => number) => rows.reduce((a, r) => a + f(r), 0);
  const deltas = rows.filter((r) => r.medianDelta !== null);
  const weighted = deltas.flatMap((r) => Array(Math.min(r.attempts, 1000)).fill(r.medianDelta as number)).sort((a, b) => a - b);
  const mins = deltas.map((r) => r.minDelta as number);
  const maxs = deltas.map((r) => r.maxDelta as number);
  return {
    attempts: sum((r) => r.attempts),
    keeps: sum((r) => r.keeps),
    discards: sum((r) => r.discards),
    crashes: sum((r) => r.crashes),
    oom_crashes: sum((r) => r.oomCrashes),
    // Keys repeat across rows: the caller passes the distinct count when it has it; else the
    // largest per-row count (exact for one row, a lower bound otherwise).
    contributors: distinctContributors ?? (rows.length ? Math.max(...rows.map((r) => r.contributors)) : 0),
    delta_val_bpb: {
      median: weighted.length ? weighted[Math.floor((weighted.length - 1) / 2)] : null,
      min: mins.length ? Math.min(...mins) : null,
      max: maxs.length ? Math.max(...maxs) : null,
    },
  };
}

/** The evidence rows that speak for the caller: its harness when it has any there, else all. */
export function inScope(rows: EvidenceRow[], caller: Caller): EvidenceRow[] {
  const sameHarness = caller.harnessId ? rows.filter((r) => r.harnessId === caller.harnessId) : [];
  return sameHarness.length ? sameHarness : rows;
}

/**
 * Rules, first match wins (documented in the README):
 * 1. crashes_here: no keep on the caller's class, and it crashed there, or it ran out of memory
 *    on a device with at least the caller's memory (what OOMs with more memory OOMs with less);
 * 2. known_bad: no keep on the caller's class and ≥ 2 discards or crashes there;
 * 3. promising: kept on some class;
 * 4. mixed: tried, but none of the above.
 * Without a caller class, "the caller's class" is every class.
 */
export function verdictFor(rows: EvidenceRow[], caller: Caller): Verdict {
  const scope = inScope(rows, caller);
  const here = summarise(caller.hardwareClass ? scope.filter((r) => r.hardwareClass === caller.hardwareClass) : scope);
  const all = summarise(scope);
  const oomAtLeastMine =
    caller.memoryGb != null && scope.some((r) => r.maxOomMemoryGb !== null && r.maxOomMemoryGb >= (caller.memoryGb as number));
  if (here.keeps === 0 && (here.crashes > 0 || oomAtLeastMine)) return 'crashes_here';
  if (here.keeps === 0 && here.discards + here.crashes >= KNOWN_BAD_MIN_FAILURES) return 'known_bad';
  if (all.keeps > 0) return 'promising';
  return 'mixed';
}
