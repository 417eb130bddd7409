// What the server derives from a stored record for retrieval and evidence: the changes the
// catalogue reads in it, its hardware family and accelerator kind, and its harness key. Versioned:
// when the catalogue or these rules change, stored records are re-derived in the background.
import { CATALOGUE_VERSION, understand, type Change } from '../../catalogue/understand.ts';
import { hardwareProximity } from '../../protocol/hardware-family.ts';
import { harnessKeyOf } from '../../protocol/harnesses.ts';
import type { RecordPayload } from '../../protocol/record.schema.ts';

/** Bump the suffix when a rule below changes; the catalogue's own version is part of it. */
export const DERIVATION_VERSION = `${CATALOGUE_VERSION}+d1`;

export interface Derived {
  changes: Change[];
  hardwareFamily: string;
  acceleratorKind: string;
  harnessKey: string;
}

/** Hardware nobody reported (public logs read from GitHub): its own family, of no known kind. */
const UNREPORTED = 'unreported';

export function deriveRecord(r: { description: string; payload: string; harnessId: string; hardwareClass: string }): Derived {
  const p = JSON.parse(r.payload) as RecordPayload;
  const { changes } = understand({ description: r.description, diff: p.diff ?? null });
  const hw = r.hardwareClass === UNREPORTED ? { family: UNREPORTED, kind: 'other' } : hardwareProximity(p.hardware);
  return { changes, hardwareFamily: hw.family, acceleratorKind: hw.kind, harnessKey: harnessKeyOf(r.harnessId) };
}
