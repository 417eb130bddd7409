// σ of val_bpb for evidence rows: one noise-model look-up per distinct (harness, class) pair,
// NOISE_PRIOR without a noise model. Shared by check's summaries and by suggestions.
import type { EvidenceRow } from '../../repositories/evidence.repository.ts';
import { NOISE_PRIOR } from './verdict.ts';

/** σ of val_bpb for a (harness key, class, family) from the noise model. */
export type NoiseLookup = (scope: { harnessKey: string | null; hardwareClass: string | null; family: string | null }) => Promise<number>;

export async function sigmasOf(rows: EvidenceRow[], lookup?: NoiseLookup): Promise<(r: EvidenceRow) => number> {
  if (!lookup) return () => NOISE_PRIOR;
  const key = (r: EvidenceRow) => `${r.harnessKey}\u0000${r.hardwareClass}`;
  const pairs = new Map(rows.map((r) => [key(r), r]));
  const values = new Map(
    await Promise.all(
      [...pairs].map(
        async ([k, r]) =>
          [k, await lookup({ harnessKey: r.harnessKey, hardwareClass: r.hardwareClass, family: r.family || null })] as const,
      ),
    ),
  );
  return (r) => values.get(key(r)) ?? NOISE_PRIOR;
}
