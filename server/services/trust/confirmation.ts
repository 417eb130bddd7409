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

function medianOfSorted(s: readonly number[]): number {
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

const median = (xs: number[]) => medianOfSorted([...xs].sort((a, b) => a - b));

const round = (x: number) => Number(x.toPrecision(6));

/** The members that can count as replications: not flagged, with a finite val_bpb, each stored result once. */
export function countable<T extends GroupMember>(members: readonly T[]): T[] {
  return dedupe(members.filter((m) => !m.flagged && Number.isFinite(m.valBpb)));
}

/** A record asked about: its id, key, result, parent result and time. */
export interface ConfirmationRecord {
  id: string;
  keyFingerprint: string;
  valBpb: number;
  parentValBpb: number | null;
  createdAt: Date;
}

/**
 * A replication group prepared once for many questions (every member of a popular group asks):
 * its countable members by key, their sum, and per key the median of every other key's
 * measurements, which does not depend on the record asking (only its own key's runs do).
 */
export class PreparedGroup {
  private readonly byKey = new Map<string, GroupMember[]>();
  private readonly sorted: number[];
  /** The sum of every member's val_bpb. */
  readonly sum: number;
  private readonly otherKeyMedian = new Map<string, number | null>();

  constructor(
    /** The group's countable members (`countable(group)`). */
    readonly members: readonly GroupMember[],
    /** Measurements in the group when `members` is a sample of it (else 0). */
    readonly sampledSize = 0,
  ) {
    for (const m of members) {
      const list = this.byKey.get(m.keyFingerprint);
      if (list) list.push(m);
      else this.byKey.set(m.keyFingerprint, [m]);
    }
    this.sorted = members.map((m) => m.valBpb).sort((a, b) => a - b);
    this.sum = members.reduce((a, m) => a + m.valBpb, 0);
  }

  /** The key's own members (none when it has none). */
  ofKey(key: string): readonly GroupMember[] {
    return this.byKey.get(key) ?? [];
  }

  /** The median val_bpb of the members of every key but `key` (null when there are none), computed once per key. */
  medianOfOtherKeys(key: string): number | null {
    if (this.otherKeyMedian.has(key)) return this.otherKeyMedian.get(key)!;
    const own = this.ofKey(key)
      .map((m) => m.valBpb)
      .sort((a, b) => a - b);
    // The sorted group without the key's own values (a multiset difference of two sorted lists).
    const rest: number[] = [];
    let j = 0;
    for (const v of this.sorted) {
      if (j < own.length && own[j] === v) j++;
      else rest.push(v);
    }
    const m = rest.length ? medianOfSorted(rest) : null;
    this.otherKeyMedian.set(key, m);
    return m;
  }
}

/**
 * Confirmed when the median of another key's replications lies within CONFIRM_Z·√2·σ of the
 * record's val_bpb (`other_key`); else when the median of the same key's other runs does
 * (`same_key`). `members` is the record's replication group on its harness and class (the record
 * itself may be among them), or that group prepared once (`PreparedGroup`) when many records ask.
 */
export function confirmationOf(
  record: ConfirmationRecord,
  members: readonly GroupMember[] | PreparedGroup,
  sigma: number,
  /** Measurements in the group when `members` is a sample of it (the count then comes from here). */
  groupSize = 0,
): Confirmation {
  const group = members instanceof PreparedGroup ? members : new PreparedGroup(countable(members), 0);
  const size = members instanceof PreparedGroup ? members.sampledSize : groupSize;
  // A copy of the record itself (the same row imported twice) is not a replication; nor is the record.
  const at = record.createdAt.getTime();
  const sameKey = group.ofKey(record.keyFingerprint);
  const excluded = sameKey.filter((m) => m.id === record.id || (m.valBpb === record.valBpb && m.createdAt.getTime() === at));
  const ownRuns = sameKey.filter((m) => !excluded.includes(m));
  const band = confirmBand(sigma);
  const within = (median: number | null) => median !== null && Math.abs(median - record.valBpb) <= band + 1e-12;
  let by: ConfirmedBy | null = null;
  if (record.parentValBpb !== null) {
    if (within(group.medianOfOtherKeys(record.keyFingerprint))) by = 'other_key';
    else if (ownRuns.length && within(median(ownRuns.map((m) => m.valBpb)))) by = 'same_key';
  }
  const others = group.members.length - excluded.length;
  const mean = (record.valBpb + group.sum - excluded.reduce((a, m) => a + m.valBpb, 0)) / (1 + others);
  const half = (2 * sigma) / Math.sqrt(1 + others);
  const replications = size > group.members.length ? Math.max(others, size - 1) : others;
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
