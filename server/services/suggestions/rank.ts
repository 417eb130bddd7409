// Ranking what to try next, pure: each candidate idea's keeps and failures weighed by how close
// their hardware is to the caller's (class, family, kind, elsewhere), a bonus for ideas kept on
// several families (they transfer) and for an effect beyond noise; the reason cites those counts.
import { PROXIMITY, proximityOf, type HardwareProximity, type Proximity } from '../../protocol/hardware-family.ts';
import type { EffectView } from '../../protocol/trust.schema.ts';
import type { EvidenceCell } from '../ideas/verdict.ts';

/** One evidence cell (an idea's visible records on one harness key and hardware class), as the verdict reads it, plus its contributors. */
export type SuggestionCell = Pick<
  EvidenceCell,
  'harnessKey' | 'hardwareClass' | 'family' | 'kind' | 'attempts' | 'keeps' | 'discards' | 'crashes' | 'deltas'
> & {
  /** Distinct keys among the cell's records. */
  contributors: number;
};

export interface Candidate {
  ideaId: string;
  description: string;
  cells: SuggestionCell[];
  /** The median delta with its noise interval (null without deltas). */
  effect: EffectView | null;
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
  /** Multiplies the score when the effect's interval lies below 0 (it improves beyond noise). */
  beyondNoise: number;
  /** Count a cell's keeps at most once per contributor (one fork keeping an idea ten times is one voice). */
  perContributor: boolean;
}

/**
 * Tuned on the benchmark's tuning orders only (seeds 100–104; reported figures are seeds 1–5):
 * gentler proximity weights than first chosen (0.6 / 0.3 / 0.15), failures counting half.
 */
export const RANK_DEFAULTS: RankOptions = {
  weights: { class: 1, family: 0.8, kind: 0.5, elsewhere: 0.35 },
  otherHarness: 0.5,
  failure: 0.5,
  transfer: 0.25,
  beyondNoise: 1.25,
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
  effect: EffectView | null;
  reason: string;
}

const emptyTier = (): TierCounts => ({ attempts: 0, keeps: 0, discards: 0, crashes: 0, classes: [] });

/**
 * Ranks candidates for the caller, best first. Left out: ideas without a keep, and ideas none of
 * whose records was measured against a parent (baselines: a first row changes nothing).
 */
export function rankSuggestions(
  candidates: Candidate[],
  caller: { harnessKey: string | null; hardware: Pick<HardwareProximity, 'class' | 'family' | 'kind'> | null },
  options: RankOptions = RANK_DEFAULTS,
): Ranked[] {
  const out: Ranked[] = [];
  for (const c of candidates) {
    if (!c.cells.some((cell) => cell.deltas > 0)) continue;
    const tiers = Object.fromEntries(PROXIMITY.map((p) => [p, emptyTier()])) as Record<Proximity, TierCounts>;
    const families = new Map<string, FamilyCounts>();
    let keeps = 0;
    let fails = 0;
    for (const cell of c.cells) {
      const tier: Proximity = caller.hardware
        ? proximityOf(caller.hardware, { class: cell.hardwareClass, family: cell.family, kind: cell.kind })
        : 'class';
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
    if (keeps <= 0) continue;
    const keptFamilies = [...families.values()].filter((f) => f.keeps > 0).length;
    // Expected keeps near, discounted by the smoothed keep rate (Beta(1, 1) prior).
    const rate = (keeps + 1) / (keeps + options.failure * fails + 2);
    const beyond = c.effect !== null && c.effect.high < 0;
    const score = rate * Math.log1p(keeps) * (1 + options.transfer * Math.max(0, keptFamilies - 1)) * (beyond ? options.beyondNoise : 1);
    const near = tiers.class.keeps + tiers.family.keeps;
    const triedNear = tiers.class.attempts + tiers.family.attempts;
    const basis: Basis = near > 0 ? 'kept_near' : triedNear === 0 ? 'untried_near' : 'kept_elsewhere';
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
      effect: c.effect,
      reason: '',
    };
    ranked.reason = reasonOf(ranked, caller.hardware);
    out.push(ranked);
  }
  return out.sort((a, b) => b.score - a.score || (a.ideaId < b.ideaId ? -1 : 1));
}

const signed = (x: number) => (x > 0 ? `+${x}` : `${x}`);

/** One line citing the counts the score used (every number is in `tiers`, `families` or `effect`). */
export function reasonOf(
  r: Pick<Ranked, 'basis' | 'tiers' | 'families' | 'effect'>,
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
  if (r.effect)
    parts.push(
      `median Δ ${signed(r.effect.median)} val_bpb over ${r.effect.n} (${r.effect.high < 0 ? 'better beyond noise' : r.effect.within_noise ? 'within noise' : 'worse beyond noise'})`,
    );
  return `${parts.join('; ')}.`;
}

function list(xs: string[]): string {
  return xs.length <= 2 ? xs.join(', ') : `${xs.slice(0, 2).join(', ')} and ${xs.length - 2} more`;
}
