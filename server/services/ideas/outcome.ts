// An idea's outcome summed over evidence rows (attempts, keeps, discards, crashes, contributors,
// delta val_bpb distribution): what idea pages, check matches and known-bad lists show.
import type { EvidenceRow } from '../../repositories/evidence.repository.ts';

export interface Outcome {
  attempts: number;
  keeps: number;
  discards: number;
  crashes: number;
  oom_crashes: number;
  contributors: number;
  delta_val_bpb: { median: number | null; min: number | null; max: number | null };
}

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
