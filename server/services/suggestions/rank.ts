// Ranking what to try next, pure: each candidate idea's keeps and failures weighed by how close
// their hardware is to the caller's (class, family, kind, elsewhere), a bonus for ideas kept on
// several families, and its effect on the nearest hardware with deltas, with its noise interval:
// better beyond noise ranks up, worse beyond noise is never suggested; the reason cites those numbers.
import { PROXIMITY, proximityOf, type HardwareProximity, type Proximity } from '../../protocol/hardware-family.ts';
import type { EffectView } from '../../protocol/trust.schema.ts';
import type { EvidenceCell } from '../ideas/verdict.ts';
import { effectOf } from '../ideas/outcome.ts';

/** One evidence cell (an idea's visible records on one harness key and hardware class), as the verdict reads it, plus its contributors. */
export type SuggestionCell = Pick<
  EvidenceCell,
  'harnessKey' | 'hardwareClass' | 'family' | 'kind' | 'attempts' | 'keeps' | 'discards' | 'crashes' | 'deltas'
> & {
  /** Distinct keys among the cell's records. */
  contributors: number;
  /** The median of the cell's deltas (null without any), and σ of val_bpb on its harness and class (the noise model's). */
  medianDelta: number | null;
  sigma: number;
};

export interface Candidate {
  ideaId: string;
  description: string;
  cells: SuggestionCell[];
}

export interface RankOptions {
  /** How much a keep or failure counts by proximity to the caller's hardware. */
  weights: Record<Proximity, number>;
  /** How much evidence on another harness counts (val_bpb does not compare, keep / discard still says something). */
  otherHarness: number;
  /** Failures count this much against keeps in the smoothed keep rate. */
  failure: number;
  /** Added to the score per family beyond the first with a keep (an effect that transfers). */
  transfer: number;
  /**
   * How much the effect moves the score: × (1 + effect × w × z), z = −median / (2σ/√n) clamped to
   * [−1, 2] (1: better beyond noise), w the proximity weight of the hardware the effect is from.
   */
  effect: number;
  /** Count a cell's keeps at most once per contributor (one fork keeping an idea ten times is one voice). */
  perContributor: boolean;
}

/**
 * Tuned on the benchmark's tuning orders only (seeds 100–104; reported figures are seeds 1–5):
 * gentler proximity weights than first chosen (0.6 / 0.3 / 0.15); failures judged through the
 * effect (their deltas move its median) rather than counted again in the keep rate (failure 0 with
 * effect 0.25: mean recall@10 0.125, against 0.118 for failure 0.5 with effect 0.125, same replay).
 */
export const RANK_DEFAULTS: RankOptions = {
  weights: { class: 1, family: 0.8, kind: 0.5, elsewhere: 0.35 },
  otherHarness: 0.5,
  failure: 0,
  transfer: 0.25,
  effect: 0.25,
  perContributor: false,
};

export type Basis = 'kept_near' | 'untried_near' | 'kept_elsewhere';

export interface TierCounts {
  attempts: number;
  keeps: number;
  discards: number;
  crashes: number;
  classes: string[];
}

export interface FamilyCounts {
  hardware_family: string;
  proximity: Proximity;
  attempts: number;
  keeps: number;
  discards: number;
  crashes: number;
}

export interface Ranked {
  ideaId: string;
  description: string;
  score: number;
  /**
   * kept_near: kept on the caller's class or family; untried_near: kept elsewhere and never tried
   * on the caller's family; kept_elsewhere: kept elsewhere, tried near without a keep.
   */
  basis: Basis;
  /** Kept on two or more hardware families. */
  transfers: boolean;
  tiers: Record<Proximity, TierCounts>;
  families: FamilyCounts[];
  /** The median delta ± 2σ/√n on the nearest hardware with deltas, on the caller's harness when tried there (null without deltas). */
  effect: EffectView | null;
  /** The farthest proximity the effect's cells reach (class: your class only; elsewhere: all hardware). */
  effectProximity: Proximity | null;
  reason: string;
}

/**
 * The effect on the hardware nearest the caller's: the deltas of its class, else its class and
 * family, and so on outwards; on the caller's harness key when tried there, else on every harness.
 */
export function nearestEffect(
  cells: { cell: SuggestionCell; tier: Proximity }[],
  harnessKey: string | null,
): { effect: EffectView; proximity: Proximity } | null {
  const measured = cells.filter((c) => c.cell.deltas > 0 && c.cell.medianDelta !== null);
  const mine = measured.filter((c) => c.cell.harnessKey === harnessKey);
  const pool = mine.length ? mine : measured;
  for (const [i, p] of PROXIMITY.entries()) {
    const within = pool.filter((c) => PROXIMITY.indexOf(c.tier) <= i);
    if (within.length === 0) continue;
    // The delta-weighted median of the cells' medians.
    const sorted = within.map((c) => c.cell).sort((a, b) => a.medianDelta! - b.medianDelta!);
    const total = sorted.reduce((a, c) => a + c.deltas, 0);
    let seen = 0;
    const median = sorted.find((c) => (seen += c.deltas) * 2 >= total)!.medianDelta!;
    const effect = effectOf(
      median,
      sorted.map((c) => ({ n: c.deltas, sigma: c.sigma })),
    );
    return effect ? { effect, proximity: p } : null;
  }
  return null;
}

/** Worse beyond noise: the whole interval above 0 (val_bpb rose). */
export const worseBeyondNoise = (e: EffectView | null) => e !== null && e.low > 0;

const emptyTier = (): TierCounts => ({ attempts: 0, keeps: 0, discards: 0, crashes: 0, classes: [] });

/**
 * Ranks candidates for the caller, best first. Left out: ideas without a keep, ideas none of
 * whose records was measured against a parent (baselines: a first row changes nothing), and, for a
 * caller with hardware, ideas whose effect on the nearest hardware with deltas is worse beyond noise
 * (a keep is not a gain).
 */
export function rankSuggestions(candidates: Candidate[], caller: Caller, options: RankOptions = RANK_DEFAULTS): Ranked[] {
  const out = candidates.map((c) => rankCandidate(c, caller, options)).filter((r): r is Ranked => r !== null);
  return out.sort((a, b) => b.score - a.score || (a.ideaId < b.ideaId ? -1 : 1));
}

type Caller = { harnessKey: string | null; hardware: Pick<HardwareProximity, 'class' | 'family' | 'kind'> | null };
type Placed = { cell: SuggestionCell; tier: Proximity };

/** One candidate ranked for the caller, or null when it is left out (see rankSuggestions). */
function rankCandidate(c: Candidate, caller: Caller, options: RankOptions): Ranked | null {
  if (!c.cells.some((cell) => cell.deltas > 0)) return null;
  const placed: Placed[] = c.cells.map((cell) => ({
    cell,
    tier: (caller.hardware
      ? proximityOf(caller.hardware, { class: cell.hardwareClass, family: cell.family, kind: cell.kind })
      : 'class') as Proximity,
  }));
  const near = nearestEffect(placed, caller.harnessKey);
  // Only with the caller's hardware is there "hardware like yours" to be worse on; without it (the
  // transfer grid) an idea kept on one family and worse on another is exactly what to show.
  if (caller.hardware && near && worseBeyondNoise(near.effect)) return null;
  const { tiers, families, keeps, fails } = countPlaced(placed, caller, options);
  if (keeps <= 0) return null;
  const keptFamilies = [...families.values()].filter((f) => f.keeps > 0).length;
  // Expected keeps near, discounted by the smoothed keep rate (Beta(1, 1) prior).
  const rate = (keeps + 1) / (keeps + options.failure * fails + 2);
  const effect = near?.effect ?? null;
  const z = effect ? Math.max(-1, Math.min(2, -effect.median / Math.max(1e-9, (effect.high - effect.low) / 2))) : 0;
  const byEffect = near ? 1 + options.effect * options.weights[near.proximity] * z : 1;
  const score = rate * Math.log1p(keeps) * (1 + options.transfer * Math.max(0, keptFamilies - 1)) * byEffect;
  const keptNear = tiers.class.keeps + tiers.family.keeps;
  const triedNear = tiers.class.attempts + tiers.family.attempts;
  const basis: Basis = keptNear > 0 ? 'kept_near' : triedNear === 0 ? 'untried_near' : 'kept_elsewhere';
  const ranked: Ranked = {
    ideaId: c.ideaId,
    description: c.description,
    score: Number(score.toPrecision(4)),
    basis,
    transfers: keptFamilies >= 2,
    tiers,
    families: [...families.values()].sort(
      (a, b) =>
        PROXIMITY.indexOf(a.proximity) - PROXIMITY.indexOf(b.proximity) ||
        b.keeps - a.keeps ||
        (a.hardware_family < b.hardware_family ? -1 : 1),
    ),
    effect,
    effectProximity: near?.proximity ?? null,
    reason: '',
  };
  ranked.reason = reasonOf(ranked, caller.hardware);
  return ranked;
}

/** The cells' counts by proximity tier and by hardware family, and the weighted keeps and failures the score uses. */
function countPlaced(placed: Placed[], caller: Caller, options: RankOptions) {
  const tiers = Object.fromEntries(PROXIMITY.map((p) => [p, emptyTier()])) as Record<Proximity, TierCounts>;
  const families = new Map<string, FamilyCounts>();
  let keeps = 0;
  let fails = 0;
  for (const { cell, tier } of placed) {
    const t = tiers[tier];
    t.attempts += cell.attempts;
    t.keeps += cell.keeps;
    t.discards += cell.discards;
    t.crashes += cell.crashes;
    if (!t.classes.includes(cell.hardwareClass)) t.classes.push(cell.hardwareClass);
    const f = families.get(cell.family) ?? {
      hardware_family: cell.family,
      proximity: tier === 'class' ? 'family' : tier,
      attempts: 0,
      keeps: 0,
      discards: 0,
      crashes: 0,
    };
    if (tier === 'class') f.proximity = 'class';
    f.attempts += cell.attempts;
    f.keeps += cell.keeps;
    f.discards += cell.discards;
    f.crashes += cell.crashes;
    families.set(cell.family, f);
    const w = options.weights[tier] * (caller.harnessKey && cell.harnessKey !== caller.harnessKey ? options.otherHarness : 1);
    const k = options.perContributor ? Math.min(cell.keeps, cell.contributors) : cell.keeps;
    const f2 = options.perContributor ? Math.min(cell.discards + cell.crashes, cell.contributors) : cell.discards + cell.crashes;
    keeps += w * k;
    fails += w * f2;
  }
  return { tiers, families, keeps, fails };
}

const signed = (x: number) => (x > 0 ? `+${x}` : `${x}`);

/** One line citing the counts the score used (every number is in `tiers`, `families` or `effect`). */
export function reasonOf(
  r: Pick<Ranked, 'basis' | 'tiers' | 'families' | 'effect' | 'effectProximity'>,
  hw: Pick<HardwareProximity, 'class' | 'family'> | null,
): string {
  const { class: here, family, kind, elsewhere } = r.tiers;
  const near = { keeps: here.keeps + family.keeps, attempts: here.attempts + family.attempts };
  const far = { keeps: kind.keeps + elsewhere.keeps, attempts: kind.attempts + elsewhere.attempts };
  const kept = r.families.filter((f) => f.keeps > 0);
  const where = hw === null ? 'anywhere' : here.attempts && !family.attempts ? `on ${hw.class}` : `on hardware like yours (${hw.family})`;
  const parts: string[] = [];
  if (r.basis === 'kept_near') parts.push(`Kept ${near.keeps} of ${near.attempts} ${where}`);
  else if (r.basis === 'untried_near') parts.push(`Never tried on hardware like yours${hw ? ` (${hw.family})` : ''}`);
  else parts.push(`Not kept ${where} (${near.attempts} tried)`);
  if (far.attempts) {
    const farFamilies = kept.filter((f) => f.proximity === 'kind' || f.proximity === 'elsewhere').map((f) => f.hardware_family);
    parts.push(`kept ${far.keeps} of ${far.attempts} on other hardware${farFamilies.length ? ` (${list(farFamilies)})` : ''}`);
  }
  if (kept.length >= 2) parts.push(`kept on ${kept.length} hardware families`);
  if (r.effect) {
    const on =
      hw === null
        ? ''
        : r.effectProximity === 'class'
          ? ` on ${hw.class}`
          : r.effectProximity === 'family'
            ? ' on hardware like yours'
            : ' on other hardware';
    parts.push(
      `median Δ ${signed(r.effect.median)} val_bpb over ${r.effect.n}${on} (${r.effect.high < 0 ? `better beyond noise: ${signed(r.effect.low)} to ${signed(r.effect.high)}` : r.effect.within_noise ? `within noise: ${signed(r.effect.low)} to ${signed(r.effect.high)}` : 'worse beyond noise'})`,
    );
  }
  return `${parts.join('; ')}.`;
}

function list(xs: string[]): string {
  return xs.length <= 2 ? xs.join(', ') : `${xs.slice(0, 2).join(', ')} and ${xs.length - 2} more`;
}
