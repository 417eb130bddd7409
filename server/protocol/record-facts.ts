// What the server derives from a record's payload rather than trusting it (delta val_bpb above
// all), for signed records and for those read from public logs alike. Pure.
import { harnessKeyFor } from './harnesses.ts';
import type { RecordPayload } from './record.schema.ts';

export interface RecordFacts {
  harnessId: string;
  harnessName: string;
  harnessKey: string;
  status: RecordPayload['status'];
  description: string;
  valBpb: number | null;
  parentValBpb: number | null;
  /** val_bpb minus the parent's, without float noise; null when either is missing. */
  deltaValBpb: number | null;
  /** Always false here: ReplicationService.admit flags implausible signed keeps; unsigned rows never rank. */
  flagged: false;
  flagReason: null;
  forkId: string;
  createdAt: Date;
}

export function recordFacts(p: RecordPayload): RecordFacts {
  const bpb = p.metrics.val_bpb;
  const parentBpb = p.parent?.val_bpb ?? null;
  return {
    harnessId: p.harness.id,
    harnessName: p.harness.name,
    harnessKey: harnessKeyFor(p.harness),
    status: p.status,
    description: p.description,
    valBpb: bpb,
    parentValBpb: parentBpb,
    deltaValBpb: bpb !== null && parentBpb !== null ? round(bpb - parentBpb) : null,
    flagged: false,
    flagReason: null,
    forkId: p.fork.id,
    createdAt: new Date(p.created_at),
  };
}

/** Removes float noise from differences of values reported with ~6 decimals. */
function round(x: number): number {
  return Math.round(x * 1e9) / 1e9;
}
