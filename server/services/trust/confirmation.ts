// Whether a result is confirmed, pure: replicated within the noise by another key (or by the same
// key on another run, said as such), with the number of replications and the interval of the
// group's mean. A record without a parent val_bpb (a first row) is never confirmed.
import { dedupe } from './noise-model.ts';

/** Two runs of one train.py differ by σ√2 (σ each): a replication is within noise inside CONFIRM_Z of that. */
export const CONFIRM_Z = 2;

export const confirmBand = (sigma: number) => CONFIRM_Z * Math.SQRT2 * sigma;

export interface GroupMember {
  id: string;
  keyFingerprint: string;
  valBpb: number;
  createdAt: Date;
  flagged: boolean;
}

export type ConfirmedBy = 'other_key' | 'same_key';

export interface Confirmation {
  confirmed: boolean;
  confirmed_by: ConfirmedBy | null;
  /** Other measurements of the same train.py on this harness and class (crashes and flagged ones not counted). */
  replications: number;
  /** Mean val_bpb of the record and its replications, and mean ± 2σ/√n. */
  mean: number;
  low: number;
  high: number;
  /** The class's σ used. */
  noise: number;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

const round = (x: number) => Number(x.toPrecision(6));

/** The members that can count as replications: not flagged, with a finite val_bpb, each stored result once. */
export function countable<T extends GroupMember>(members: readonly T[]): T[] {
  return dedupe(members.filter((m) => !m.flagged && Number.isFinite(m.valBpb)));
}

/**
 * Confirmed when the median of another key's replications lies within CONFIRM_Z·√2·σ of the
 * record's val_bpb (`other_key`); else when the median of the same key's other runs does
 * (`same_key`). `members` is the record's replication group on its harness and class (the record
 * itself may be among them).
 */
export function confirmationOf(
  record: { id: string; keyFingerprint: string; valBpb: number; parentValBpb: number | null; createdAt: Date },
  members: readonly GroupMember[],
  sigma: number,
  /** Measurements in the group when `members` is a sample of it (the count then comes from here). */
  groupSize = 0,
  /** `members` is already `countable(group)`: a group asked about many records prepares it once. */
  prepared = false,
): Confirmation {
  // A copy of the record itself (the same row imported twice) is not a replication.
  const at = record.createdAt.getTime();
  const copy = (m: GroupMember) => m.keyFingerprint === record.keyFingerprint && m.valBpb === record.valBpb && m.createdAt.getTime() === at;
  const others = (prepared ? members : countable(members)).filter((m) => m.id !== record.id && !copy(m));
  const band = confirmBand(sigma);
  const within = (xs: GroupMember[]) => xs.length > 0 && Math.abs(median(xs.map((m) => m.valBpb)) - record.valBpb) <= band + 1e-12;
  let by: ConfirmedBy | null = null;
  if (record.parentValBpb !== null) {
    if (within(others.filter((m) => m.keyFingerprint !== record.keyFingerprint))) by = 'other_key';
    else if (within(others.filter((m) => m.keyFingerprint === record.keyFingerprint))) by = 'same_key';
  }
  const values = [record.valBpb, ...others.map((m) => m.valBpb)];
  const mean = values.reduce((a, v) => a + v, 0) / values.length;
  const half = (2 * sigma) / Math.sqrt(values.length);
  const replications = groupSize > members.length ? Math.max(others.length, groupSize - 1) : others.length;
  return {
    confirmed: by !== null,
    confirmed_by: by,
    replications,
    mean: round(mean),
    low: round(mean - half),
    high: round(mean + half),
    noise: round(sigma),
  };
}
