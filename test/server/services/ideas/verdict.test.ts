// The verdict rules as properties over random evidence: a verdict never contradicts the evidence
// it returns, its reason cites only counts it returns, and the named regressions hold.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { decide, listedAsKnownBad, matchStrength, type EvidenceCell } from '../../../../server/services/ideas/verdict.ts';
import { assertInvariants, callerArb, countViolations, matchesArb } from '../../../helpers/verdict-invariants.ts';
import { hardwareProximity, proximityOfClass } from '../../../../server/protocol/hardware-family.ts';

describe('verdict invariants over 10,000 random evidence sets', () => {
  it('never contradicts the evidence it returns', () => {
    fc.assert(
      fc.property(matchesArb, callerArb, (matches, caller) => {
        assertInvariants(matches, caller);
      }),
      { numRuns: 10_000, seed: 20261201 },
    );
  });

  it('the violation counter the benchmark uses finds none either', () => {
    expect(countViolations(500, 3)).toEqual({ runs: 500, violations: 0, first: null });
  });

  it('the invariant checker catches a contradicting verdict', () => {
    const matches = [{ ideaId: 'x', strength: 1, cells: [] as EvidenceCell[] }];
    const caller = { harnessKey: null, hardware: null };
    const d = decide(matches, caller);
    expect(() => assertInvariants(matches, caller, { ...d, verdict: 'promising' })).toThrow();
  });

  it('adding a keep of the exact change on the caller’s class never makes it a warning', () => {
    fc.assert(
      fc.property(
        matchesArb,
        callerArb.filter((c) => c.hardware != null),
        (matches, caller) => {
          const hw = caller.hardware!;
          const keep: EvidenceCell = {
            harnessKey: caller.harnessKey ?? 'h1',
            hardwareClass: hw.class,
            family: hw.family,
            kind: hw.kind,
            attempts: 3,
            keeps: 3,
            discards: 0,
            crashes: 0,
            oomCrashes: 0,
            maxOomMemoryGb: null,
            deltas: 3,
            medianDelta: -0.02,
            contributors: 1,
          };
          const d = decide([...matches, { ideaId: 'kept-here', strength: 1, exact: true, cells: [keep] }], caller);
          expect(['known_bad', 'failed_nearby']).not.toContain(d.verdict);
        },
      ),
      { numRuns: 2000, seed: 7 },
    );
  });
});

const cell = (cls: string, o: Partial<EvidenceCell>): EvidenceCell => {
  const p = proximityOfClass(cls);
  const keeps = o.keeps ?? 0;
  const discards = o.discards ?? 0;
  const crashes = o.crashes ?? 0;
  return {
    harnessKey: 'h1',
    hardwareClass: cls,
    family: p.family,
    kind: p.kind,
    attempts: keeps + discards + crashes,
    keeps,
    discards,
    crashes,
    oomCrashes: 0,
    maxOomMemoryGb: null,
    deltas: keeps + discards,
    medianDelta: o.medianDelta ?? 0.01,
    // Each attempt by its own fork unless the test says otherwise.
    contributors: keeps + discards + crashes,
    ...o,
  };
};
const spark = { harnessKey: 'h1', hardware: hardwareProximity({ accelerator: 'cuda', device_name: 'NVIDIA GB10', memory_mb: 122880 }) };
const rtx4090 = {
  harnessKey: 'h1',
  hardware: hardwareProximity({ accelerator: 'cuda', device_name: 'NVIDIA GeForce RTX 4090', memory_mb: 24564 }),
};

describe('verdict regressions (issue 11)', () => {
  it('a discard on the caller’s own class is never novel', () => {
    const d = decide([{ ideaId: 'swiglu', strength: 0.9, cells: [cell('DGX Spark GB10 128GB', { discards: 1 })] }], spark);
    expect(d.verdict).toBe('failed_nearby');
    expect(d.warning).toBe(true);
    expect(d.reason).toMatch(/Never kept on DGX Spark GB10 128GB: 1 attempt, 1 discarded/);
  });

  it('one other fork’s discard on other hardware of the family does not warn; on the caller’s class, its own, or two forks’ it does', () => {
    const amd = 'AMD Ryzen AI Max+ 395 128GB'; // the Spark's family (large unified memory), another device
    const one = decide([{ ideaId: 'swiglu', strength: 0.9, cells: [cell(amd, { discards: 2, contributors: 1 })] }], spark);
    expect(one.verdict).toBe('failed_nearby');
    expect(one.warning).toBe(false);
    expect(one.evidence.failed_by).toEqual({ forks: 1, yours: false, here: false });
    expect(one.reason).toMatch(/2 discarded; one fork’s result on other hardware, replicated by nobody: not a warning/);

    // On the caller's own class: its hardware, and perhaps its own run.
    const here = decide([{ ideaId: 'swiglu', strength: 0.9, cells: [cell('DGX Spark GB10 128GB', { discards: 1 })] }], spark);
    expect(here.warning).toBe(true);
    expect(here.evidence.failed_by).toEqual({ forks: 1, yours: false, here: true });

    // The caller's own discard (its key signed it), wherever it ran.
    const own = decide([{ ideaId: 'swiglu', strength: 0.9, cells: [cell(amd, { discards: 1 })] }], {
      ...spark,
      failedByCaller: new Set(['swiglu']),
    });
    expect(own.warning).toBe(true);
    expect(own.reason).toMatch(/1 discarded; yours among them/);

    // Two forks on other hardware of the family.
    const two = decide([{ ideaId: 'swiglu', strength: 0.9, cells: [cell(amd, { discards: 2, contributors: 2 })] }], spark);
    expect(two.verdict).toBe('failed_nearby');
    expect(two.evidence.failed_by).toEqual({ forks: 2, yours: false, here: false });
    expect(two.warning).toBe(true);
    expect(two.reason).toMatch(/2 discarded; failed by 2 forks in all/);

    // A loose match's failures never count toward the forks (nor warn).
    const loose = decide([{ ideaId: 'swiglu', strength: 0.5, cells: [cell('DGX Spark GB10 128GB', { discards: 1 })] }], spark);
    expect(loose.evidence.failed_by).toEqual({ forks: 0, yours: false, here: false });
    expect(loose.warning).toBe(false);
  });

  it('GELU discarded 2 of 2 times on the class is known_bad, not mixed', () => {
    const d = decide([{ ideaId: 'gelu', strength: 1, cells: [cell('RTX 4090 24GB', { discards: 2 })] }], rtx4090);
    expect(d.verdict).toBe('known_bad');
    expect(d.reason).toContain('2 attempts, 2 discarded');
  });

  it('one MLX keep does not make an idea discarded on Spark promising', () => {
    const d = decide(
      [
        {
          ideaId: 'x',
          strength: 1,
          cells: [cell('DGX Spark GB10 128GB', { discards: 1 }), cell('Apple M4 Max', { keeps: 1, medianDelta: -0.02 })],
        },
      ],
      spark,
    );
    expect(d.verdict).toBe('failed_nearby');
    expect(d.reason).toContain('on other hardware (Apple M4 Max) kept 1 of 1');
  });

  it('tells failed on hardware like yours from failed only on very different hardware', () => {
    const near = decide([{ ideaId: 'x', strength: 1, cells: [cell('RTX 3090 24GB', { discards: 3 })] }], rtx4090);
    const far = decide([{ ideaId: 'x', strength: 1, cells: [cell('Apple M1 Pro', { discards: 3 })] }], rtx4090);
    expect(near.verdict).toBe('failed_nearby');
    expect(near.reason).toContain('NVIDIA consumer 20–24GB');
    expect(far.verdict).toBe('failed_elsewhere');
    expect(far.warning).toBe(false);
  });

  it('an MLP-width change that crashed on 24 GB cards crashes here', () => {
    const d = decide(
      [{ ideaId: 'x', strength: 0.8, cells: [cell('RTX 4090 24GB', { crashes: 2, oomCrashes: 2, maxOomMemoryGb: 24 })] }],
      rtx4090,
    );
    expect(d.verdict).toBe('crashes_here');
  });

  it('an out-of-memory crash on a bigger card of the same kind crashes here', () => {
    const d = decide(
      [{ ideaId: 'x', strength: 1, cells: [cell('A100 40GB', { crashes: 1, oomCrashes: 1, maxOomMemoryGb: 40 })] }],
      rtx4090,
    );
    expect(d.verdict).toBe('crashes_here');
    expect(d.reason).toContain('40GB');
  });

  it('a keep within noise is inconclusive; a clear keep is promising; a keep on a different family is kept_elsewhere', () => {
    expect(
      decide([{ ideaId: 'x', strength: 1, cells: [cell('RTX 4090 24GB', { keeps: 1, medianDelta: -0.0005 })] }], rtx4090).verdict,
    ).toBe('inconclusive');
    expect(decide([{ ideaId: 'x', strength: 1, cells: [cell('RTX 4090 24GB', { keeps: 2, medianDelta: -0.02 })] }], rtx4090).verdict).toBe(
      'promising',
    );
    expect(decide([{ ideaId: 'x', strength: 1, cells: [cell('H100 80GB', { keeps: 2, medianDelta: -0.02 })] }], rtx4090).verdict).toBe(
      'kept_elsewhere',
    );
  });

  it('evidence on the caller’s harness speaks first; other harnesses only when it has none', () => {
    const mine = cell('RTX 4090 24GB', { discards: 2 });
    const other = { ...cell('RTX 4090 24GB', { keeps: 3, medianDelta: -0.03 }), harnessKey: 'h2' };
    expect(decide([{ ideaId: 'x', strength: 1, cells: [mine, other] }], rtx4090).verdict).toBe('known_bad');
    const d = decide([{ ideaId: 'x', strength: 1, cells: [other] }], rtx4090);
    expect(d.evidence.harness).toBe('other');
    expect(d.reason).toContain('other harnesses');
  });
});

describe('the known-bad list and match weights', () => {
  const one = (c: EvidenceCell) => decide([{ ideaId: 'x', strength: 1, cells: [c] }], rtx4090);

  it('lists known_bad and crashes_here; failed_nearby only once it failed near at least twice', () => {
    expect(listedAsKnownBad(one(cell('RTX 4090 24GB', { discards: 2 })), true)).toBe(true);
    const once = one(cell('RTX 3090 24GB', { discards: 1 }));
    const twice = one(cell('RTX 3090 24GB', { discards: 3 }));
    expect([once.verdict, twice.verdict]).toEqual(['failed_nearby', 'failed_nearby']);
    expect(listedAsKnownBad(once, true)).toBe(false);
    expect(listedAsKnownBad(twice, true)).toBe(true);
    expect(listedAsKnownBad(twice, false)).toBe(false);
    expect(listedAsKnownBad(one(cell('Apple M1 Pro', { discards: 3 })), true)).toBe(false);
  });

  it('weighs a match by its score, clamped to [0.2, 1]', () => {
    expect([matchStrength({ score: 0.05 }), matchStrength({ score: 0.6 }), matchStrength({ score: 3 })]).toEqual([0.2, 0.6, 1]);
  });
});

describe('the exact change decides first', () => {
  const spark = { ...proximityOfClass('DGX Spark GB10 128GB'), memory_gb: 128 };
  it('halving from the caller’s own state, discarded on its class, outweighs halvings kept from other states', () => {
    // Repro: kept 2^19→2^18, 2^18→2^17 … on the Spark; 2^14→2^13 (the caller's state) discarded there.
    const d = decide(
      [
        { ideaId: 'from-2^19', strength: 0.1, exact: false, cells: [cell('DGX Spark GB10 128GB', { keeps: 2, medianDelta: -0.01 })] },
        { ideaId: 'from-2^18', strength: 0.1, exact: false, cells: [cell('DGX Spark GB10 128GB', { keeps: 2, medianDelta: -0.01 })] },
        { ideaId: 'from-2^14', strength: 1, exact: true, cells: [cell('DGX Spark GB10 128GB', { discards: 1, medianDelta: 0.004 })] },
      ],
      // The caller's own fork discarded it (its key signed the discard).
      { harnessKey: 'h1', hardware: spark, failedByCaller: new Set(['from-2^14']) },
    );
    expect(d.verdict).toBe('failed_nearby');
    expect(d.warning).toBe(true);
    expect(d.evidence.decided_by).toBe('exact');
    expect(d.evidence.other_values).toMatchObject({ attempts: 4, keeps: 4 });
    expect(d.reason).toMatch(/^Your exact change: never kept on DGX Spark/);
    expect(d.reason).toMatch(/other values of this change on DGX Spark GB10 128GB: kept 4 of 4/);
    assertInvariants([], { harnessKey: 'h1', hardware: spark }, decide([], { harnessKey: 'h1', hardware: spark }));
  });

  it('without the exact change near, other values decide, too weakly to warn', () => {
    const d = decide(
      [
        { ideaId: 'from-2^19', strength: 0.1, exact: false, cells: [cell('DGX Spark GB10 128GB', { discards: 2 })] },
        { ideaId: 'exact-far', strength: 1, exact: true, cells: [cell('H100 80GB', { keeps: 2, medianDelta: -0.01 })] },
      ],
      { harnessKey: 'h1', hardware: spark },
    );
    expect(d.evidence.decided_by).toBe('others');
    expect(d.verdict).toBe('failed_nearby');
    expect(d.warning).toBe(false);
    expect(d.reason).toMatch(
      /^Not your exact change \(other values, another starting state, or more changes at once\): never kept on DGX Spark/,
    );
  });

  it('a named change that no match makes is decided by related ideas only, and the reason says so', () => {
    // "increase weight decay back to 0.2" against "constant WD (remove decay)": a related concept, matched loosely.
    const loose = [{ ideaId: 'wd-schedule', strength: 0.45, cells: [cell('DGX Spark GB10 128GB', { discards: 1 })] }];
    const d = decide(loose, { harnessKey: 'h1', hardware: spark, named: true });
    expect(d.evidence.decided_by).toBe('related');
    expect(d.verdict).toBe('failed_nearby');
    expect(d.warning).toBe(false);
    expect(d.reason).toMatch(/^Not your change, related ideas only \(words, meaning or a related concept\): never kept on DGX Spark/);
    // A question that names no change ("does the weight decay schedule matter?") is answered by them as before.
    const words = decide(loose, { harnessKey: 'h1', hardware: spark });
    expect(words.evidence.decided_by).toBe('all');
    expect(words.reason).toMatch(/^Never kept on DGX Spark/);
    // One comparable match among them: no longer related only.
    const mixed = decide([...loose, { ideaId: 'far', strength: 0.3, exact: false, cells: [cell('H100 80GB', { keeps: 1 })] }], {
      harnessKey: 'h1',
      hardware: spark,
      named: true,
    });
    expect(mixed.evidence.decided_by).toBe('all');
  });

  it('loose matches that crashed on the class never make crashes_here or known_bad (words alone never stop a run)', () => {
    const d = decide(
      [
        { ideaId: 'loose-1', strength: 0.5, cells: [cell('DGX Spark GB10 128GB', { crashes: 1 })] },
        { ideaId: 'loose-2', strength: 0.5, cells: [cell('DGX Spark GB10 128GB', { discards: 3 })] },
      ],
      { harnessKey: 'h1', hardware: spark },
    );
    expect(d.verdict).toBe('failed_nearby');
    expect(d.warning).toBe(false);
  });
});
