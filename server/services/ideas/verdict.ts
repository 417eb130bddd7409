// The `check` verdict, pure: decided over the evidence of every matched idea, weighted by how
// well each matched and grouped by how close its hardware is to the caller's (same class, same
// family, same accelerator kind, elsewhere). Its reason is written from the counts it returns.
import { PROXIMITY, proximityOf, type HardwareProximity, type Proximity } from '../../protocol/hardware-family.ts';
import type { EvidenceRow } from '../../repositories/evidence.repository.ts';

export const VERDICTS = [
  'novel',
  'crashes_here',
  'known_bad',
  'failed_nearby',
  'inconclusive',
  'mixed',
  'promising',
  'kept_elsewhere',
  'failed_elsewhere',
] as const;
export type Verdict = (typeof VERDICTS)[number];

/**
 * Verdicts that can tell an agent not to spend the run (failed or crashed on hardware like its
 * own): crashes_here and known_bad always warn, failed_nearby when its evidence matched strongly
 * (and, from other hardware of the family, two forks failed it or the caller did).
 */
export const WARNING_VERDICTS: ReadonlySet<Verdict> = new Set(['crashes_here', 'known_bad', 'failed_nearby']);

/** What the verdict reads of an evidence row (an idea's visible records on one harness and hardware class). */
export type EvidenceCell = Pick<
  EvidenceRow,
  | 'harnessKey'
  | 'hardwareClass'
  | 'family'
  | 'kind'
  | 'attempts'
  | 'keeps'
  | 'discards'
  | 'crashes'
  | 'oomCrashes'
  | 'maxOomMemoryGb'
  | 'deltas'
  | 'medianDelta'
  | 'contributors'
> &
  Partial<Pick<EvidenceRow, 'excluded'>>;

export interface MatchedEvidence {
  ideaId: string;
  /** How well the idea matched the query, in (0, 1]. */
  strength: number;
  /**
   * The idea makes the query's exact change (same diff, or the same concept, action, from and
   * to): such evidence decides first. Absent or false: the same direction from another state or to
   * another value, or a looser match.
   */
  exact?: boolean;
  /** The values of the idea's change, as people write them ("2^19 → 2^18"): how other values are told apart in the reason. */
  values?: string | null;
  cells: EvidenceCell[];
}

/** Attempts near the caller of one other value or starting state of the change. */
export interface OtherValue extends Counts {
  /** "2^19 → 2^18", "to 0.1"; "" when the idea's values are unknown. */
  values: string;
}

export interface VerdictCaller {
  harnessKey?: string | null;
  hardware?: Pick<HardwareProximity, 'class' | 'family' | 'kind' | 'memory_gb'> | null;
  /** The caller asks about a baseline run (no diff; the catalogue reads its words as a baseline): it changes nothing, so nothing is judged. */
  baseline?: boolean;
  /** The caller's words or diff name a definite change (a knob moved, switched or set): loose matches are then only related ideas. */
  named?: boolean;
  /** Ideas in which the caller's own signing key has a counted failure: its own lineage, which warns without a second fork. */
  failedByCaller?: ReadonlySet<string>;
}

export interface Counts {
  attempts: number;
  keeps: number;
  discards: number;
  crashes: number;
  oom_crashes: number;
}

export interface TierEvidence extends Counts {
  /** The hardware classes this tier's records ran on. */
  classes: string[];
}

export interface Effect {
  /** Records with a delta on hardware like the caller's. */
  n: number;
  /** Their attempt-weighted median delta val_bpb (negative: better). */
  median: number;
  /** The run-to-run spread (σ) used, and the interval median ± 2σ/√n. */
  noise: number;
  low: number;
  high: number;
}

export interface VerdictEvidence {
  /** `caller`: evidence on the caller's harness; `other`: none there, so all harnesses; `any`: no harness given. */
  harness: 'caller' | 'other' | 'any';
  /** The caller's class and family, or null when no hardware was given (every class is "here"). */
  hardware_class: string | null;
  hardware_family: string | null;
  tiers: Record<Proximity, TierEvidence>;
  /** The largest memory (GB) of a device of the caller's kind, with at least the caller's memory, where it ran out of memory; null when none. */
  oom_at_least_yours_gb: number | null;
  effect: Effect | null;
  /**
   * `exact`: the caller's exact change was tried near (its class or family), so only that evidence
   * decided, and `other_values` counts (near) what moved the same knob from another state or to
   * another value, shown apart. `all`: no exact evidence near; every match decided, weighted.
   * `related`: the caller named a change, and no match moves a knob it names: only related ideas
   * (words, meaning, a related concept) decided, each at a loose match's weight.
   * `baseline`: the caller asked about a baseline run, which changes nothing: nothing is counted.
   */
  decided_by: 'exact' | 'others' | 'related' | 'all' | 'baseline';
  other_values: (Counts & { changes: OtherValue[] }) | null;
  /** With decided_by `others`: the near evidence per value of the change each idea made (which values decided). */
  near_values: OtherValue[] | null;
  /** Records of the deciding evidence that are shown but not counted (the log marks them invalid, baselines, no comparable parent). */
  not_counted: number;
  /**
   * Who is behind the strong failures (matches of weight ≥ warnWeight, on any hardware), counted
   * when one of them is near the caller (else 0): signing keys (forks), distinct per idea and class
   * and summed; whether the caller's own key is one of them; whether one is on the caller's own
   * class. A failure on other hardware of the family warns only when two forks failed it or the
   * caller did: one other fork's discard there is its state and its device as much as the change.
   */
  failed_by: { forks: number; yours: boolean; here: boolean };
}

export interface Decision {
  verdict: Verdict;
  warning: boolean;
  reason: string;
  evidence: VerdictEvidence;
}

export interface VerdictOptions {
  /** Run-to-run spread σ of val_bpb on the caller's hardware (a prior until replications say more). */
  noise?: number;
  /** Failures (weighted by match strength) on the caller's class that make an idea known-bad. */
  knownBadWeight?: number;
  /**
   * Match strength from which a failure near makes `failed_nearby` warn (one strong match that
   * failed near, not many loose ones); below it the verdict stands but `warning` is false (the
   * evidence matched too loosely to stop a run).
   */
  warnWeight?: number;
  /** The weight of a loose match (words or meaning alone, or another change): at or below it, no crashes_here or known_bad. */
  looseWeight?: number;
}

/** σ of val_bpb between reruns of one train.py, when nothing better is known (seed spread of 5-minute runs). */
export const NOISE_PRIOR = 0.002;
/** Forks (signing keys) whose strong failures make failed_nearby warn from other hardware of the caller's family. */
export const WARN_MIN_FORKS = 2;
/** Failures on the caller's class, never kept there, that make an idea known-bad. */
export const KNOWN_BAD_MIN_FAILURES = 2;
export const DEFAULTS: Required<VerdictOptions> = { noise: NOISE_PRIOR, knownBadWeight: 1.5, warnWeight: 0.8, looseWeight: 0.5 };

/** A match's weight in the verdict: exact and shared-change matches count fully, looser ones less. */
export function matchStrength(m: { score: number }): number {
  return Math.max(0.2, Math.min(1, m.score));
}

/**
 * Whether an idea's own decision puts it on the known-bad list: crashes_here and known_bad always;
 * failed_nearby (only said with caller hardware) once it warns and failed near repeatedly: a list
 * read as "never works" needs more than one failure.
 */
export function listedAsKnownBad(d: Decision, withHardware: boolean): boolean {
  if (d.verdict === 'known_bad' || d.verdict === 'crashes_here') return true;
  const t = d.evidence.tiers;
  return (
    withHardware &&
    d.verdict === 'failed_nearby' &&
    d.warning &&
    t.class.discards + t.class.crashes + t.family.discards + t.family.crashes >= KNOWN_BAD_MIN_FAILURES
  );
}

const empty = (): TierEvidence => ({ attempts: 0, keeps: 0, discards: 0, crashes: 0, oom_crashes: 0, classes: [] });

function add(t: TierEvidence, c: EvidenceCell) {
  t.attempts += c.attempts;
  t.keeps += c.keeps;
  t.discards += c.discards;
  t.crashes += c.crashes;
  t.oom_crashes += c.oomCrashes;
  if (!t.classes.includes(c.hardwareClass)) t.classes.push(c.hardwareClass);
}

/** The cells that speak for the caller: its harness when any evidence is there, else all. */
export function scopeCells<T extends { harnessKey: string }>(
  cells: T[],
  harnessKey?: string | null,
): { cells: T[]; harness: VerdictEvidence['harness'] } {
  if (!harnessKey) return { cells, harness: 'any' };
  const same = cells.filter((c) => c.harnessKey === harnessKey);
  return same.length ? { cells: same, harness: 'caller' } : { cells, harness: 'other' };
}

/**
 * Rules, first that holds wins (README "Verdicts"); "near" is the caller's class and family:
 * 1. novel: no matched evidence;
 * 2. crashes_here: never kept on the caller's class, and it crashed there, or ran out of memory
 *    on a device of the caller's kind with at least the caller's memory;
 * 3. inconclusive: kept near, but the effect near is within noise (median ± 2σ/√n covers 0);
 * 4. known_bad: never kept on the caller's class, ≥ 2 failures there (weighted ≥ knownBadWeight);
 * 5. failed_nearby: never kept near, and failed near (fewer failures, or weaker matches, than known_bad);
 * 6. promising: kept near, keeps outweigh failures near (weighted by match strength);
 * 7. mixed: kept near, failures as heavy;
 * 8. kept_elsewhere: nothing near, kept on other hardware; 9. failed_elsewhere: nothing near,
 *    only failures elsewhere.
 * Without caller hardware every class counts as the caller's.
 */
export function decide(matches: readonly MatchedEvidence[], caller: VerdictCaller, options: VerdictOptions = {}): Decision {
  const opts = { ...DEFAULTS, ...options };
  const hw = caller.hardware ?? null;
  const all = (caller.baseline ? [] : matches).flatMap((m) =>
    m.cells.map((c) => ({
      ...c,
      ideaId: m.ideaId,
      strength: m.strength,
      exact: m.exact === true,
      comparable: m.exact !== undefined,
      values: m.values ?? '',
    })),
  );
  const scoped = scopeCells(all, caller.harnessKey);
  const { harness } = scoped;
  // The exact change tried near the caller decides alone; other values of it are shown apart.
  const near = (c: { hardwareClass: string; family: string; kind: string }) =>
    !hw || ['class', 'family'].includes(proximityOf(hw, { class: c.hardwareClass, family: c.family, kind: c.kind }));
  const exactNear = scoped.cells.some((c) => c.exact && near(c) && c.attempts > 0);
  const cells = exactNear ? scoped.cells.filter((c) => c.exact) : scoped.cells;
  const others = exactNear ? scoped.cells.filter((c) => !c.exact && near(c)) : [];
  const otherValues = others.length
    ? { ...sum(others.map((c) => ({ ...c, oom_crashes: c.oomCrashes }))), changes: byValues(others) }
    : null;
  const tiers = Object.fromEntries(PROXIMITY.map((p) => [p, empty()])) as Record<Proximity, TierEvidence>;
  const weight = {
    keepsClass: 0,
    failsClass: 0,
    keepsNear: 0,
    failsNear: 0,
    strongestFailNear: 0,
    strongestFailClass: 0,
    strongCrashesClass: 0,
  };
  const failedBy = { forks: 0, yours: false, here: false };
  let oom: number | null = null;
  const nearDeltas: { median: number; n: number }[] = [];
  for (const c of cells) {
    const tier: Proximity = hw ? proximityOf(hw, { class: c.hardwareClass, family: c.family, kind: c.kind }) : 'class';
    add(tiers[tier], c);
    const fails = c.discards + c.crashes;
    // Only evidence that is more than a loose match (words or meaning alone, capped at 0.5) can make
    // crashes_here or known_bad, which always warn.
    const strong = c.strength > opts.looseWeight;
    if (tier === 'class') {
      weight.keepsClass += c.keeps * c.strength;
      weight.failsClass += fails * c.strength;
      if (fails > 0) weight.strongestFailClass = Math.max(weight.strongestFailClass, c.strength);
      if (strong) weight.strongCrashesClass += c.crashes;
    }
    if (tier === 'class' || tier === 'family') {
      weight.keepsNear += c.keeps * c.strength;
      weight.failsNear += fails * c.strength;
      if (fails > 0) weight.strongestFailNear = Math.max(weight.strongestFailNear, c.strength);
      if (c.medianDelta !== null && c.deltas > 0) nearDeltas.push({ median: c.medianDelta, n: c.deltas });
    }
    if (c.discards + c.crashes > 0 && c.strength >= opts.warnWeight) {
      failedBy.forks += c.contributors;
      if (caller.failedByCaller?.has(c.ideaId)) failedBy.yours = true;
      if (tier === 'class') failedBy.here = true;
    }
    if (strong && hw?.memory_gb != null && c.kind === hw.kind && c.maxOomMemoryGb !== null && c.maxOomMemoryGb >= hw.memory_gb)
      oom = Math.max(oom ?? 0, c.maxOomMemoryGb);
  }
  // Forks are counted behind a strong failure near only: elsewhere alone never warns.
  if (weight.strongestFailNear < opts.warnWeight) Object.assign(failedBy, { forks: 0, here: false });
  const effect = effectOf(nearDeltas, opts.noise);
  // Near evidence that was compared value by value and is not the exact change: the reason says so.
  const decidedBy: VerdictEvidence['decided_by'] = caller.baseline
    ? 'baseline'
    : exactNear
      ? 'exact'
      : cells.some((c) => near(c) && c.attempts > 0) && cells.every((c) => !near(c) || c.comparable)
        ? 'others'
        : caller.named && cells.length > 0 && cells.every((c) => !c.comparable)
          ? 'related'
          : 'all';
  const evidence: VerdictEvidence = {
    harness,
    hardware_class: hw?.class ?? null,
    hardware_family: hw?.family ?? null,
    tiers,
    oom_at_least_yours_gb: oom,
    effect,
    decided_by: decidedBy,
    other_values: otherValues,
    near_values: decidedBy === 'others' ? byValues(cells.filter(near)) : null,
    not_counted: cells.reduce((a, c) => a + (c.excluded ?? 0), 0),
    failed_by: failedBy,
  };
  const verdict = rule(evidence, weight, opts);
  const warning =
    verdict === 'failed_nearby' ? weight.strongestFailNear >= opts.warnWeight && enoughToWarn(evidence) : WARNING_VERDICTS.has(verdict);
  return { verdict, warning, reason: reasonFor(verdict, evidence), evidence };
}

/**
 * Whether strong failures near are enough to warn: one on the caller's own class (its hardware; it
 * may be its own run), the caller's own, or two forks' (one other fork on other hardware of the
 * family is replicated by nobody).
 */
export function enoughToWarn(e: VerdictEvidence): boolean {
  const by = e.failed_by;
  return by.here || by.yours || by.forks >= WARN_MIN_FORKS;
}

function rule(
  e: VerdictEvidence,
  w: {
    keepsClass: number;
    failsClass: number;
    keepsNear: number;
    failsNear: number;
    strongestFailNear: number;
    strongestFailClass: number;
    strongCrashesClass: number;
  },
  opts: Required<VerdictOptions>,
): Verdict {
  const { class: here, family, kind, elsewhere } = e.tiers;
  const total = here.attempts + family.attempts + kind.attempts + elsewhere.attempts;
  if (total === 0) return 'novel';
  const nearKeeps = here.keeps + family.keeps;
  const nearFails = here.discards + here.crashes + family.discards + family.crashes;
  if (here.keeps === 0 && (w.strongCrashesClass > 0 || e.oom_at_least_yours_gb !== null)) return 'crashes_here';
  if (nearKeeps > 0 && e.effect && e.effect.low <= 0 && e.effect.high >= 0) return 'inconclusive';
  if (
    here.keeps === 0 &&
    here.discards + here.crashes >= KNOWN_BAD_MIN_FAILURES &&
    w.failsClass >= opts.knownBadWeight &&
    w.strongestFailClass > opts.looseWeight
  )
    return 'known_bad';
  if (nearKeeps === 0 && nearFails > 0) return 'failed_nearby';
  if (nearKeeps > 0) return w.keepsNear > w.failsNear ? 'promising' : 'mixed';
  return kind.keeps + elsewhere.keeps > 0 ? 'kept_elsewhere' : 'failed_elsewhere';
}

/** Other values' cells summed per value, most attempts first. */
function byValues(cells: readonly (EvidenceCell & { values: string })[]): OtherValue[] {
  const groups = new Map<string, Counts[]>();
  for (const c of cells) groups.set(c.values, [...(groups.get(c.values) ?? []), { ...c, oom_crashes: c.oomCrashes }]);
  return [...groups]
    .map(([values, counts]) => ({ values, ...sum(counts) }))
    .filter((v) => v.attempts > 0)
    .sort((a, b) => b.attempts - a.attempts || a.values.localeCompare(b.values));
}

/** Other values shown in the reason, at most this many of each outcome. */
const VALUES_SHOWN = 3;

/** "kept: 2^19 → 2^18, 2^18 → 2^17; failed: 2^13 → 2^12": which values went which way ('' when none is known). */
function valuesNote(changes: readonly OtherValue[]): string {
  const named = changes.filter((v) => v.values !== '');
  if (named.length === 0) return '';
  const list = (vs: OtherValue[]) =>
    vs.length <= VALUES_SHOWN
      ? vs.map((v) => v.values).join(', ')
      : `${vs
          .slice(0, VALUES_SHOWN)
          .map((v) => v.values)
          .join(', ')} and ${vs.length - VALUES_SHOWN} more`;
  const kept = named.filter((v) => v.keeps > 0 && v.keeps === v.attempts);
  const failed = named.filter((v) => v.keeps === 0);
  const mixed = named.filter((v) => v.keeps > 0 && v.keeps < v.attempts);
  const parts = [
    kept.length ? `kept: ${list(kept)}` : '',
    mixed.length ? `both: ${list(mixed)}` : '',
    failed.length ? `failed: ${list(failed)}` : '',
  ].filter(Boolean);
  return parts.join('; ');
}

/** Attempt-weighted median of the cells' medians, with the interval median ± 2σ/√n. */
function effectOf(deltas: { median: number; n: number }[], noise: number): Effect | null {
  const n = deltas.reduce((a, d) => a + d.n, 0);
  if (n === 0) return null;
  const sorted = [...deltas].sort((a, b) => a.median - b.median);
  let seen = 0;
  let median = sorted[sorted.length - 1].median;
  for (const d of sorted) {
    seen += d.n;
    if (seen * 2 >= n) {
      median = d.median;
      break;
    }
  }
  const half = (2 * noise) / Math.sqrt(n);
  return { n, median: round(median), noise, low: round(median - half), high: round(median + half) };
}

const round = (x: number) => Number(x.toPrecision(4));
const times = (n: number, what: string) => `${n} ${what}${n === 1 ? '' : 's'}`;
const signed = (x: number) => (x > 0 ? `+${x}` : `${x}`);

function failures(t: Counts): string {
  const parts = [t.discards ? `${t.discards} discarded` : '', t.crashes ? `${t.crashes} crashed` : ''].filter(Boolean);
  return parts.join(', ');
}

/** "RTX 4090 24GB" or "RTX 4090 24GB, RTX 3090 24GB and 2 more". */
function classList(classes: string[]): string {
  return classes.length <= 2 ? classes.join(', ') : `${classes.slice(0, 2).join(', ')} and ${classes.length - 2} more`;
}

/** One line citing the counts the verdict used (every number in it is in `evidence`). */
export function reasonFor(verdict: Verdict, e: VerdictEvidence): string {
  if (e.decided_by === 'baseline')
    return 'A baseline changes nothing, so there is nothing to judge: run it to measure where your fork starts.';
  const { class: here, family, kind, elsewhere } = e.tiers;
  const cls = e.hardware_class ?? 'any hardware';
  const near: Counts = sum([here, family]);
  const far: Counts = sum([kind, elsewhere]);
  const nearWhere =
    e.hardware_class === null ? 'anywhere' : family.attempts ? `on hardware like yours (${e.hardware_family})` : `on ${cls}`;
  const farNote = far.attempts
    ? `; on other hardware (${classList([...kind.classes, ...elsewhere.classes])}) kept ${far.keeps} of ${far.attempts}`
    : '';
  const harness = e.harness === 'other' ? ' (on other harnesses: val_bpb not comparable)' : '';
  const effect = e.effect ? `, median Δ ${signed(e.effect.median)} val_bpb over ${e.effect.n}` : '';
  const line = reasonLine(verdict, e, { here, family, kind, elsewhere, cls, near, far, nearWhere, farNote, harness, effect });
  const uncounted = e.not_counted ? ` (${e.not_counted} more shown but not counted: invalid, baseline or no parent)` : '';
  if (e.decided_by === 'others' && verdict !== 'novel') {
    const values = valuesNote(e.near_values ?? []);
    const tried = values ? `; tried ${nearWhere}, ${values}` : '';
    return `Not your exact change (other values, another starting state, or more changes at once): ${line.charAt(0).toLowerCase()}${line.slice(1, -1)}${tried}${uncounted}.`;
  }
  if (e.decided_by === 'related' && verdict !== 'novel')
    return `Not your change, related ideas only (words, meaning or a related concept): ${line.charAt(0).toLowerCase()}${line.slice(1, -1)}${uncounted}.`;
  if (e.decided_by !== 'exact' || verdict === 'novel') return e.not_counted ? `${line.slice(0, -1)}${uncounted}.` : line;
  const o = e.other_values;
  const values = o ? valuesNote(o.changes) : '';
  const apart = o ? `; other values of this change ${nearWhere}: kept ${o.keeps} of ${o.attempts}${values ? ` (${values})` : ''}` : '';
  return `Your exact change: ${line.charAt(0).toLowerCase()}${line.slice(1, -1)}${apart}${uncounted}.`;
}

function reasonLine(
  verdict: Verdict,
  e: VerdictEvidence,
  x: {
    here: TierEvidence;
    family: TierEvidence;
    kind: TierEvidence;
    elsewhere: TierEvidence;
    cls: string;
    near: Counts;
    far: Counts;
    nearWhere: string;
    farNote: string;
    harness: string;
    effect: string;
  },
): string {
  const { here, kind, elsewhere, cls, near, far, nearWhere, farNote, harness, effect } = x;
  switch (verdict) {
    case 'novel':
      return 'Nothing similar has been tried.';
    case 'crashes_here':
      return here.crashes > 0
        ? `Crashed ${times(here.crashes, 'time')} on ${cls} and never kept there (${times(here.attempts, 'attempt')})${farNote}${harness}.`
        : `Ran out of memory on a ${e.oom_at_least_yours_gb}GB device, at least your memory; never kept on ${cls} (${times(here.attempts, 'attempt')})${farNote}${harness}.`;
    case 'known_bad':
      return `Never kept on ${cls}: ${times(here.attempts, 'attempt')}, ${failures(here)}${farNote}${harness}.`;
    case 'failed_nearby': {
      const by = e.failed_by;
      const who = by.yours
        ? '; yours among them'
        : by.forks >= WARN_MIN_FORKS
          ? `; failed by ${by.forks} forks in all`
          : by.forks === 1 && !by.here
            ? '; one fork’s result on other hardware, replicated by nobody: not a warning'
            : '';
      return `Never kept ${nearWhere}: ${times(near.attempts, 'attempt')}, ${failures(near)}${farNote}${harness}${who}.`;
    }
    case 'inconclusive':
      return `Kept ${near.keeps} of ${near.attempts} ${nearWhere}${effect}: within noise (±${round(e.effect!.high - e.effect!.median)})${harness}.`;
    case 'promising':
      return `Kept ${near.keeps} of ${near.attempts} ${nearWhere}${effect}${farNote}${harness}.`;
    case 'mixed':
      return `Mixed ${nearWhere}: kept ${near.keeps}, failed ${near.discards + near.crashes} of ${near.attempts}${farNote}${harness}.`;
    case 'kept_elsewhere':
      return `Not tried on hardware like yours; kept ${far.keeps} of ${far.attempts} on other hardware (${classList([...kind.classes, ...elsewhere.classes])})${harness}.`;
    case 'failed_elsewhere':
      return `Not tried on hardware like yours; failed all ${far.attempts} on other hardware (${classList([...kind.classes, ...elsewhere.classes])}): ${failures(far)}${harness}.`;
  }
}

function sum(ts: Counts[]): Counts {
  return ts.reduce(
    (a, t) => ({
      attempts: a.attempts + t.attempts,
      keeps: a.keeps + t.keeps,
      discards: a.discards + t.discards,
      crashes: a.crashes + t.crashes,
      oom_crashes: a.oom_crashes + t.oom_crashes,
    }),
    { attempts: 0, keeps: 0, discards: 0, crashes: 0, oom_crashes: 0 },
  );
}
