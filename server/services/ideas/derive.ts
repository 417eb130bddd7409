// What the server derives from a stored record for retrieval and evidence: the changes the
// catalogue reads in it, its hardware family and accelerator kind, and its harness key. Versioned:
// when the catalogue or these rules change, stored records are re-derived in the background.
import { CATALOGUE_VERSION, understand, type Change, type Understanding } from '../../catalogue/understand.ts';
import { EXCLUSION_VERSION, excludedFromEvidence, type EvidenceExclusion } from '../../catalogue/evidence-exclusion.ts';
import { hardwareProximity } from '../../protocol/hardware-family.ts';
import { harnessKeyFor } from '../../protocol/harnesses.ts';
import type { RecordPayload } from '../../protocol/record.schema.ts';

/** Bump the suffix when a rule below changes; the catalogue's own version is part of it. */
export const DERIVATION_VERSION = `${CATALOGUE_VERSION}+${EXCLUSION_VERSION}+d2`;

export interface Derived {
  changes: Change[];
  /** The catalogue's whole reading (changes and concepts named), for the record's identity features. */
  understood: Understanding;
  hardwareFamily: string;
  acceleratorKind: string;
  harnessKey: string;
  /** Why it is shown but not counted as evidence (invalid, baseline, no parent); null when it counts. */
  evidenceExcluded: EvidenceExclusion | null;
}

/** Hardware nobody reported (public logs read from GitHub): its own family, of no known kind. */
const UNREPORTED = 'unreported';

export function deriveRecord(r: { description: string; payload: string; harnessId: string; hardwareClass: string }): Derived {
  const p = JSON.parse(r.payload) as RecordPayload;
  const understood = understand({ description: r.description, diff: p.diff ?? null });
  const { changes } = understood;
  const hw = r.hardwareClass === UNREPORTED ? { family: UNREPORTED, kind: 'other' } : hardwareProximity(p.hardware);
  const evidenceExcluded = excludedFromEvidence({
    description: r.description,
    status: p.status,
    parentValBpb: p.parent?.val_bpb ?? null,
    valBpb: p.metrics.val_bpb,
    diff: p.diff ?? null,
  });
  return {
    changes,
    understood,
    hardwareFamily: hw.family,
    acceleratorKind: hw.kind,
    harnessKey: harnessKeyFor(p.harness),
    evidenceExcluded,
  };
}
