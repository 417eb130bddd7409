// The noise model, pure: the run-to-run spread σ of val_bpb per hardware class of one harness,
// from replications (records that measured the same train.py), pooled within groups and shrunk
// toward the family's estimate, then toward a prior, while a class has few replications.
import { NOISE_PRIOR } from '../ideas/verdict.ts';

/**
 * Weight of the fallback, in replications: a class's σ² is (SS + k·σ²_family) / (df + k), with SS
 * the pooled within-group sum of squares and df its degrees of freedom (a group of n runs gives
 * n − 1 replications); a family's is (SS + k·prior²) / (df + k). From k replications on, a class's
 * own data outweighs the fallback.
 */
export const NOISE_PSEUDO_REPLICATIONS = 4;

export { NOISE_PRIOR };

/** One measurement of a train.py: a record with a val_bpb in a replication group. */
export interface Measurement {
  id: string;
  hardwareClass: string;
  family: string;
  /** The replication group (records.replication_key): the same train.py. */
  group: string;
  keyFingerprint: string;
  valBpb: number;
  createdAt: Date;
  /** Implausible results do not count toward the noise. */
  flagged: boolean;
}

export type NoiseSource = 'class' | 'family' | 'prior';

export interface NoiseEstimate {
  /** σ of val_bpb between runs of one train.py, after shrinkage. */
  sigma: number;
  /** Where most of its weight comes from: the class's own replications, its family's, or the prior. */
  source: NoiseSource;
  /** Replications it rests on: Σ (n − 1) over groups of n measurements. */
  replications: number;
  groups: number;
  records: number;
  /** The pooled within-group σ of this scope alone, before shrinkage (null without replications). */
  sample_sigma: number | null;
}

interface Pool {
  ss: number;
  df: number;
  groups: number;
  records: number;
}

export interface NoiseTable {
  prior: number;
  pseudoReplications: number;
  classes: Map<string, NoiseEstimate & { family: string }>;
  families: Map<string, NoiseEstimate>;
}

/** The same result stored twice (one results.tsv imported as two forks) is one measurement. */
export function dedupe<T extends { keyFingerprint: string; valBpb: number; createdAt: Date }>(ms: readonly T[]): T[] {
  const seen = new Set<string>();
  return ms.filter((m) => {
    const k = `${m.keyFingerprint}|${m.valBpb}|${m.createdAt.getTime()}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

const emptyPool = (): Pool => ({ ss: 0, df: 0, groups: 0, records: 0 });

/** Pooled within-group spread per class and per family, shrunk as NOISE_PSEUDO_REPLICATIONS says. */
export function estimateNoise(measurements: readonly Measurement[], prior = NOISE_PRIOR, k = NOISE_PSEUDO_REPLICATIONS): NoiseTable {
  const groups = new Map<string, Measurement[]>();
  for (const m of measurements) {
    if (m.flagged || !Number.isFinite(m.valBpb)) continue;
    const key = `${m.hardwareClass}\u0000${m.group}`;
    const list = groups.get(key) ?? [];
    list.push(m);
    groups.set(key, list);
  }
  const byClass = new Map<string, Pool & { family: string }>();
  const byFamily = new Map<string, Pool>();
  for (const list of groups.values()) {
    const ms = dedupe(list);
    if (ms.length < 2) continue;
    const mean = ms.reduce((a, m) => a + m.valBpb, 0) / ms.length;
    const ss = ms.reduce((a, m) => a + (m.valBpb - mean) ** 2, 0);
    const { hardwareClass, family } = ms[0];
    const c = byClass.get(hardwareClass) ?? { ...emptyPool(), family };
    const f = byFamily.get(family) ?? emptyPool();
    for (const p of [c, f]) {
      p.ss += ss;
      p.df += ms.length - 1;
      p.groups += 1;
      p.records += ms.length;
    }
    byClass.set(hardwareClass, c);
    byFamily.set(family, f);
  }
  const families = new Map<string, NoiseEstimate>();
  for (const [family, p] of byFamily) families.set(family, shrink(p, prior * prior, k, p.df >= k ? 'family' : 'prior'));
  const classes = new Map<string, NoiseEstimate & { family: string }>();
  for (const [cls, p] of byClass) {
    const fam = families.get(p.family)!;
    const source: NoiseSource = p.df >= k ? 'class' : fam.source;
    classes.set(cls, { ...shrink(p, fam.sigma ** 2, k, source), family: p.family });
  }
  return { prior, pseudoReplications: k, classes, families };
}

function shrink(p: Pool, fallbackVariance: number, k: number, source: NoiseSource): NoiseEstimate {
  return {
    sigma: Math.sqrt((p.ss + k * fallbackVariance) / (p.df + k)),
    source,
    replications: p.df,
    groups: p.groups,
    records: p.records,
    sample_sigma: p.df > 0 ? Math.sqrt(p.ss / p.df) : null,
  };
}

/** σ for a class: its own estimate, else its family's, else the prior. */
export function sigmaOf(table: NoiseTable, hardwareClass: string | null | undefined, family: string | null | undefined): NoiseEstimate {
  const c = hardwareClass ? table.classes.get(hardwareClass) : undefined;
  if (c) return c;
  const f = family ? table.families.get(family) : undefined;
  if (f) return { ...f, replications: 0, groups: 0, records: 0, sample_sigma: null, source: f.source === 'family' ? 'family' : 'prior' };
  return { sigma: table.prior, source: 'prior', replications: 0, groups: 0, records: 0, sample_sigma: null };
}
