// The suggestion ranking, pure: proximity orders keeps, baselines and keep-less ideas are left
// out, transfer and the effect on the nearest hardware count (worse beyond noise is left out), and
// over random evidence every number a reason cites is in the evidence it returns.
import { describe, expect, it } from 'vitest';
import { rankSuggestions, type Candidate, type SuggestionCell } from '../../../../server/services/suggestions/rank.ts';
import { proximityOfClass } from '../../../../server/protocol/hardware-family.ts';

const H = 'h'.repeat(64);
const cell = (hardwareClass: string, keeps: number, fails = 0, over: Partial<SuggestionCell> = {}): SuggestionCell => {
  const p = proximityOfClass(hardwareClass);
  return {
    harnessKey: H,
    hardwareClass,
    family: p.family,
    kind: p.kind,
    attempts: keeps + fails,
    keeps,
    discards: fails,
    crashes: 0,
    deltas: keeps + fails,
    contributors: 1,
    medianDelta: keeps + fails ? 0 : null,
    sigma: 0.002,
    ...over,
  };
};
const idea = (ideaId: string, cells: SuggestionCell[]): Candidate => ({ ideaId, description: ideaId, cells });
const caller = { harnessKey: H, hardware: proximityOfClass('RTX 4090 24GB') };

describe('rankSuggestions', () => {
  it('orders one keep by proximity: class, family, kind, elsewhere', () => {
    const r = rankSuggestions(
      [
        idea('far', [cell('Apple M4 Max', 1)]),
        idea('kind', [cell('H100 80GB', 1)]),
        idea('family', [cell('RTX 3090 24GB', 1)]),
        idea('class', [cell('RTX 4090 24GB', 1)]),
      ],
      caller,
    );
    expect(r.map((x) => x.ideaId)).toEqual(['class', 'family', 'kind', 'far']);
    expect(r.map((x) => x.basis)).toEqual(['kept_near', 'kept_near', 'untried_near', 'untried_near']);
  });

  it('leaves out ideas never kept and baselines (nothing measured against a parent)', () => {
    const r = rankSuggestions(
      [
        idea('failed', [cell('RTX 4090 24GB', 0, 3)]),
        idea('baseline', [cell('RTX 4090 24GB', 5, 0, { deltas: 0 })]),
        idea('ok', [cell('RTX 4090 24GB', 1)]),
      ],
      caller,
    );
    expect(r.map((x) => x.ideaId)).toEqual(['ok']);
  });

  it('failures near lower an idea; kept on several families, or better beyond noise, raise it', () => {
    // Failures count through the effect: their deltas move its median (here within noise, above 0).
    const [a, b] = rankSuggestions(
      [idea('mixed', [cell('RTX 4090 24GB', 1, 4, { medianDelta: 0.001 })]), idea('clean', [cell('RTX 4090 24GB', 1)])],
      caller,
    );
    expect([a.ideaId, b.ideaId]).toEqual(['clean', 'mixed']);
    expect(b.basis).toBe('kept_near');
    const wide = rankSuggestions(
      [idea('one', [cell('H100 80GB', 2)]), idea('two', [cell('H100 80GB', 1), cell('Apple M4 Max', 1)])],
      caller,
    );
    expect(wide.find((x) => x.ideaId === 'two')!.transfers).toBe(true);
    const beyond = rankSuggestions(
      [idea('plain', [cell('RTX 3090 24GB', 1)]), idea('better', [cell('RTX 3090 24GB', 1, 0, { deltas: 4, medianDelta: -0.01 })])],
      caller,
    );
    expect(beyond[0].ideaId).toBe('better');
    expect(beyond[0].effect).toMatchObject({ n: 4, median: -0.01, low: -0.012, high: -0.008 });
    expect(beyond[0].reason).toContain('median Δ -0.01 val_bpb over 4 on hardware like yours (better beyond noise: -0.012 to -0.008)');
  });

  it('evidence on another harness counts half', () => {
    const r = rankSuggestions(
      [idea('other', [cell('RTX 4090 24GB', 1, 0, { harnessKey: 'x'.repeat(64) })]), idea('mine', [cell('RTX 4090 24GB', 1)])],
      caller,
    );
    expect(r.map((x) => x.ideaId)).toEqual(['mine', 'other']);
  });

  it('ranks by the effect on the nearest hardware with its interval, not by counts alone', () => {
    // Kept 3 of 3 near within noise, against kept 2 of 2 near, better beyond noise: the effect wins.
    const r = rankSuggestions(
      [
        idea('counts', [cell('RTX 4090 24GB', 3, 0, { medianDelta: 0.001 })]),
        idea('effect', [cell('RTX 4090 24GB', 2, 0, { medianDelta: -0.01 })]),
      ],
      caller,
    );
    expect(r.map((x) => x.ideaId)).toEqual(['effect', 'counts']);
    expect(r[0]).toMatchObject({ effectProximity: 'class', effect: { n: 2, median: -0.01 } });
    expect(r[1].reason).toContain('median Δ +0.001 val_bpb over 3 on RTX 4090 24GB (within noise: -0.001309 to +0.003309)');
    // The nearest hardware decides: better on the caller's class, worse far away.
    const near = rankSuggestions(
      [idea('x', [cell('RTX 4090 24GB', 1, 0, { medianDelta: -0.01 }), cell('Apple M4 Max', 1, 9, { medianDelta: 0.05 })])],
      caller,
    );
    expect(near[0]).toMatchObject({ effectProximity: 'class', effect: { n: 1, median: -0.01 } });
    // Never tried near: the effect comes from farther out, and says so.
    const far = rankSuggestions([idea('y', [cell('Apple M4 Max', 2, 0, { medianDelta: -0.01 })])], caller);
    expect(far[0]).toMatchObject({ effectProximity: 'elsewhere' });
    expect(far[0].reason).toContain('on other hardware (better beyond noise');
  });

  it('leaves out ideas worse beyond noise on the nearest hardware, however often kept', () => {
    // "DEPTH=6 … median Δ +0.01239 (worse beyond noise)": kept by others, yet worse here.
    const worse = cell('RTX 4090 24GB', 3, 1, { medianDelta: 0.01239 });
    expect(rankSuggestions([idea('depth6', [worse])], caller)).toEqual([]);
    // Worse far away, better here: suggested, by the effect here.
    const r = rankSuggestions(
      [idea('mixed', [cell('RTX 3090 24GB', 1, 0, { medianDelta: -0.004 }), cell('H100 80GB', 3, 1, { medianDelta: 0.01239 })])],
      caller,
    );
    expect(r[0]).toMatchObject({ ideaId: 'mixed', effectProximity: 'family' });
    expect(r[0].reason).not.toMatch(/worse beyond noise/);
  });

  it('over random evidence: every number a reason cites is in its evidence, and none is worse beyond noise', () => {
    const classes = ['RTX 4090 24GB', 'RTX 3090 24GB', 'H100 80GB', 'Apple M4 Max', 'MI300X 192GB', 'CPU AMD EPYC 7763'];
    let seed = 7;
    const rand = (n: number) => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % n;
    for (let i = 0; i < 2000; i++) {
      const cells = classes
        .filter(() => rand(2))
        .map((c) => cell(c, rand(4), rand(4), rand(2) ? { medianDelta: (rand(41) - 20) / 1000 } : { deltas: 0, medianDelta: null }));
      const who = rand(3) === 0 ? { harnessKey: H, hardware: null } : caller;
      for (const s of rankSuggestions([idea(`i${i}`, cells)], who)) {
        expect(s.effect === null || s.effect.low <= 0, s.reason).toBe(true);
        const numbers = new Set(JSON.stringify({ tiers: s.tiers, families: s.families, effect: s.effect }).match(/-?\d+(\.\d+)?/g));
        for (const x of s.reason.replace(/\([^)]*\)/g, '').match(/-?\d+(\.\d+)?/g) ?? [])
          expect(numbers.has(x), `${x} in "${s.reason}"`).toBe(true);
      }
    }
  });
});
