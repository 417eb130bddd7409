// The suggestion ranking, pure: proximity orders keeps, baselines and keep-less ideas are left
// out, transfer and effects beyond noise count, and over random evidence every number a reason
// cites is in the evidence it returns.
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
    ...over,
  };
};
const idea = (ideaId: string, cells: SuggestionCell[], effect: Candidate['effect'] = null): Candidate => ({
  ideaId,
  description: ideaId,
  cells,
  effect,
});
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
    const [a, b] = rankSuggestions([idea('mixed', [cell('RTX 4090 24GB', 1, 4)]), idea('clean', [cell('RTX 4090 24GB', 1)])], caller);
    expect([a.ideaId, b.ideaId]).toEqual(['clean', 'mixed']);
    expect(b.basis).toBe('kept_near');
    const wide = rankSuggestions(
      [idea('one', [cell('H100 80GB', 2)]), idea('two', [cell('H100 80GB', 1), cell('Apple M4 Max', 1)])],
      caller,
    );
    expect(wide.find((x) => x.ideaId === 'two')!.transfers).toBe(true);
    const effect = { n: 4, median: -0.01, noise: 0.002, low: -0.012, high: -0.008, within_noise: false };
    const beyond = rankSuggestions([idea('plain', [cell('RTX 3090 24GB', 1)]), idea('better', [cell('RTX 3090 24GB', 1)], effect)], caller);
    expect(beyond[0].ideaId).toBe('better');
    expect(beyond[0].reason).toContain('median Δ -0.01 val_bpb over 4 (better beyond noise)');
  });

  it('evidence on another harness counts half', () => {
    const r = rankSuggestions(
      [idea('other', [cell('RTX 4090 24GB', 1, 0, { harnessKey: 'x'.repeat(64) })]), idea('mine', [cell('RTX 4090 24GB', 1)])],
      caller,
    );
    expect(r.map((x) => x.ideaId)).toEqual(['mine', 'other']);
  });

  it('over random evidence: every number a reason cites is in its evidence', () => {
    const classes = ['RTX 4090 24GB', 'RTX 3090 24GB', 'H100 80GB', 'Apple M4 Max', 'MI300X 192GB', 'CPU AMD EPYC 7763'];
    let seed = 7;
    const rand = (n: number) => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % n;
    for (let i = 0; i < 2000; i++) {
      const cells = classes.filter(() => rand(2)).map((c) => cell(c, rand(4), rand(4)));
      const median = (rand(41) - 20) / 1000;
      const effect = rand(2)
        ? { n: 1 + rand(5), median, noise: 0.002, low: median - 0.002, high: median + 0.002, within_noise: Math.abs(median) <= 0.002 }
        : null;
      const who = rand(3) === 0 ? { harnessKey: H, hardware: null } : caller;
      for (const s of rankSuggestions([idea(`i${i}`, cells, effect)], who)) {
        const numbers = new Set(JSON.stringify({ tiers: s.tiers, families: s.families, effect: s.effect }).match(/-?\d+(\.\d+)?/g));
        for (const x of s.reason.replace(/\([^)]*\)/g, '').match(/-?\d+(\.\d+)?/g) ?? [])
          expect(numbers.has(x), `${x} in "${s.reason}"`).toBe(true);
      }
    }
  });
});
