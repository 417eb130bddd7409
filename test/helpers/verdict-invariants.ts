// Random evidence for the verdict rules and the invariants every verdict must keep: shared by
// the property tests and `npm run bench -- findings` (which counts violations).
import fc from 'fast-check';
import {
  decide,
  VERDICTS,
  WARNING_VERDICTS,
  type Decision,
  type EvidenceCell,
  type MatchedEvidence,
  type VerdictCaller,
} from '../../server/services/ideas/verdict.ts';
import { proximityOfClass } from '../../server/protocol/hardware-family.ts';

function expect(actual: unknown) {
  const fail = (what: string) => {
    throw new Error(`expected ${JSON.stringify(actual)} ${what}`);
  };
  return {
    toBe: (v: unknown) => void (actual === v || fail(`to be ${JSON.stringify(v)}`)),
    toContain: (v: unknown) => void ((actual as unknown[]).includes(v) || fail(`to contain ${JSON.stringify(v)}`)),
    toBeGreaterThan: (v: number) => void ((actual as number) > v || fail(`to be > ${v}`)),
    toBeGreaterThanOrEqual: (v: number) => void ((actual as number) >= v || fail(`to be ≥ ${v}`)),
    toBeLessThanOrEqual: (v: number) => void ((actual as number) <= v || fail(`to be ≤ ${v}`)),
    not: { toBe: (v: unknown) => void (actual !== v || fail(`not to be ${JSON.stringify(v)}`)) },
  };
}

export const CLASSES = [
  'RTX 4090 24GB',
  'RTX 3090 24GB',
  'RTX 5070 12GB',
  'H100 80GB',
  'A100 40GB',
  'Apple M4 Max',
  'Apple M1 Pro',
  'DGX Spark GB10 128GB',
  'CPU AMD EPYC 7763',
];
const HARNESSES = ['h1', 'h2'];

export const cellArb: fc.Arbitrary<EvidenceCell> = fc
  .record({
    harnessKey: fc.constantFrom(...HARNESSES),
    hardwareClass: fc.constantFrom(...CLASSES),
    keeps: fc.nat(4),
    discards: fc.nat(5),
    crashes: fc.nat(2),
    oom: fc.nat(2),
    oomGb: fc.option(fc.constantFrom(12, 24, 40, 80, 128), { nil: null }),
    medianDelta: fc.option(fc.double({ min: -0.05, max: 0.05, noNaN: true }), { nil: null }),
    contributors: fc.integer({ min: 1, max: 4 }),
  })
  .filter((c) => c.keeps + c.discards + c.crashes > 0)
  .map((c) => {
    const p = proximityOfClass(c.hardwareClass);
    const oomCrashes = Math.min(c.oom, c.crashes);
    const deltas = c.keeps + c.discards;
    return {
      harnessKey: c.harnessKey,
      hardwareClass: c.hardwareClass,
      family: p.family,
      kind: p.kind,
      attempts: c.keeps + c.discards + c.crashes,
      keeps: c.keeps,
      discards: c.discards,
      crashes: c.crashes,
      oomCrashes,
      maxOomMemoryGb: oomCrashes > 0 ? c.oomGb : null,
      deltas: c.medianDelta === null ? 0 : deltas,
      medianDelta: deltas > 0 ? c.medianDelta : null,
      contributors: Math.min(c.contributors, c.keeps + c.discards + c.crashes),
    };
  });

export const matchesArb: fc.Arbitrary<MatchedEvidence[]> = fc.array(
  fc.record({
    ideaId: fc.uuid(),
    strength: fc.double({ min: 0.2, max: 1, noNaN: true }),
    exact: fc.boolean(),
    cells: fc.array(cellArb, { minLength: 1, maxLength: 4 }),
  }),
  { maxLength: 4 },
);

export const callerArb: fc.Arbitrary<VerdictCaller> = fc.record({
  harnessKey: fc.option(fc.constantFrom(...HARNESSES, 'h3'), { nil: null }),
  hardware: fc.option(
    fc
      .constantFrom(...CLASSES)
      .chain((cls) =>
        fc.option(fc.constantFrom(12, 24, 40, 80, 128), { nil: null }).map((gb) => ({ ...proximityOfClass(cls), memory_gb: gb })),
      ),
    { nil: null },
  ),
  named: fc.boolean(),
});

/** Every number a reason cites, as written. */
export const numbersIn = (s: string) => [...s.matchAll(/[+-]?\d+(?:\.\d+)?(?:e-?\d+)?/g)].map((m) => Number(m[0]));

/** Throws with a description when `d`, decided over `matches` for `caller`, breaks an invariant. */
export function assertInvariants(matches: MatchedEvidence[], caller: VerdictCaller, d: Decision = decide(matches, caller)): void {
  const { class: here, family, kind, elsewhere } = d.evidence.tiers;
  const near = {
    keeps: here.keeps + family.keeps,
    fails: here.discards + here.crashes + family.discards + family.crashes,
    attempts: here.attempts + family.attempts,
  };
  const far = {
    keeps: kind.keeps + elsewhere.keeps,
    fails: kind.discards + kind.crashes + elsewhere.discards + elsewhere.crashes,
    attempts: kind.attempts + elsewhere.attempts,
  };
  const total = near.attempts + far.attempts;
  expect(VERDICTS).toContain(d.verdict);
  if (d.warning) expect(WARNING_VERDICTS.has(d.verdict)).toBe(true);
  if (d.verdict === 'known_bad' || d.verdict === 'crashes_here') expect(d.warning).toBe(true);
  // Tier counts are the evidence in scope, nothing more and nothing less.
  for (const t of [here, family, kind, elsewhere]) expect(t.attempts).toBe(t.keeps + t.discards + t.crashes);
  if (matches.length === 0) expect(d.verdict).toBe('novel');
  if (d.verdict === 'novel') expect(total).toBe(0);
  if (total > 0) expect(d.verdict).not.toBe('novel');
  // No warning with a keep on the caller's class.
  if (['known_bad', 'crashes_here'].includes(d.verdict)) expect(here.keeps).toBe(0);
  if (d.verdict === 'known_bad') expect(here.discards + here.crashes).toBeGreaterThanOrEqual(2);
  if (d.verdict === 'crashes_here') expect(here.crashes > 0 || d.evidence.oom_at_least_yours_gb !== null).toBe(true);
  if (d.verdict === 'failed_nearby') {
    expect(near.keeps).toBe(0);
    expect(near.fails).toBeGreaterThan(0);
  }
  // No "promising" unless kept on hardware like the caller's.
  if (d.verdict === 'promising') expect(near.keeps).toBeGreaterThan(0);
  if (d.verdict === 'mixed') {
    expect(near.keeps).toBeGreaterThan(0);
    expect(near.fails).toBeGreaterThan(0);
  }
  if (d.verdict === 'inconclusive') {
    expect(near.keeps).toBeGreaterThan(0);
    expect(d.evidence.effect!.low).toBeLessThanOrEqual(0);
    expect(d.evidence.effect!.high).toBeGreaterThanOrEqual(0);
  }
  if (d.verdict === 'kept_elsewhere' || d.verdict === 'failed_elsewhere') expect(near.attempts).toBe(0);
  if (d.verdict === 'kept_elsewhere') expect(far.keeps).toBeGreaterThan(0);
  if (d.verdict === 'failed_elsewhere') {
    expect(far.keeps).toBe(0);
    expect(far.fails).toBeGreaterThan(0);
  }
  // A warning means no keep near, except crashes_here (a crash on this class outweighs keeps next door).
  if (d.verdict === 'failed_nearby' || d.verdict === 'known_bad') expect(here.keeps).toBe(0);
  // The reason cites only numbers found in the evidence (counts, memory, effect, class names).
  const allowed = new Set<number>([
    ...[here, family, kind, elsewhere].flatMap((t) => [t.attempts, t.keeps, t.discards, t.crashes, t.oom_crashes]),
    near.keeps,
    near.fails,
    near.attempts,
    far.keeps,
    far.fails,
    far.attempts,
    here.discards + family.discards,
    here.crashes + family.crashes,
    kind.discards + elsewhere.discards,
    kind.crashes + elsewhere.crashes,
    ...(d.evidence.effect ? [d.evidence.effect.n, d.evidence.effect.median, d.evidence.effect.high - d.evidence.effect.median] : []),
    ...(d.evidence.oom_at_least_yours_gb !== null ? [d.evidence.oom_at_least_yours_gb] : []),
    ...(d.evidence.other_values ? [d.evidence.other_values.keeps, d.evidence.other_values.attempts] : []),
    d.evidence.not_counted,
    d.evidence.failed_by.forks,
    ...[...CLASSES, d.evidence.hardware_family ?? ''].flatMap(numbersIn),
    ...[...here.classes, ...family.classes, ...kind.classes, ...elsewhere.classes].flatMap(numbersIn),
    // "A, B and N more" (class lists are cut at two).
    ...[kind.classes.length + elsewhere.classes.length - 2],
  ]);
  for (const n of numbersIn(d.reason)) {
    const ok = [...allowed].some(
      (a) => Math.abs(a - n) <= Math.max(1e-9, Math.abs(a) * 1e-3) || Math.abs(Math.abs(a) - Math.abs(n)) < 1e-9,
    );
    if (!ok) throw new Error(`reason "${d.reason}" cites ${n}, not in the evidence`);
  }
  if (d.reason.length >= 400) throw new Error(`reason too long: ${d.reason}`);
}

/** Checks `runs` random evidence sets; counts violations and keeps the first one's message. */
export function countViolations(runs: number, seed: number): { runs: number; violations: number; first: string | null } {
  const samples = fc.sample(fc.tuple(matchesArb, callerArb), { numRuns: runs, seed });
  let violations = 0;
  let first: string | null = null;
  for (const [matches, caller] of samples) {
    try {
      assertInvariants(matches, caller);
    } catch (err) {
      violations++;
      first ??= String((err as Error).message);
    }
  }
  return { runs, violations, first };
}
