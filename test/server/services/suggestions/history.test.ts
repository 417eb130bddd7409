// The fork's own failures against a candidate, pure: the same change or the same direction to a
// nearby value (at or past the failed value, or at least NEAR_STEP of the way there) repeats a
// failure; the opposite, another concept, a part of a failed combination or a stray reading does not.
import { describe, expect, it } from 'vitest';
import {
  mainChanges,
  NEAR_STEP,
  repeatedFailure,
  repeatsFailure,
  type ForkFailure,
} from '../../../../server/services/suggestions/history.ts';
import type { Change } from '../../../../server/services/ideas/retrieval.ts';

const ch = (concept: string, action: Change['action'], from: string | null, to: string | null): Change => ({ concept, action, from, to });
const W = (from: string | null, to: string | null, action: Change['action'] = 'set') => ch('WARMDOWN_RATIO', action, from, to);
const failed = (...changes: Change[]): ForkFailure => ({ status: 'discard', description: 'x', changes });

describe('repeatsFailure', () => {
  const lowered = W('0.4', '0.3', 'lower');

  it('repro 6: the fork discarded warmdown_ratio 0.4->0.3; 0.4->0.1 lowers it past that', () => {
    expect(repeatsFailure(W('0.4', '0.1', 'lower'), lowered)).toBe(true);
    // Said without the starting value, or from another fork's state: applied to this fork's state.
    expect(repeatsFailure(W(null, '0.1', 'lower'), lowered)).toBe(true);
    expect(repeatsFailure(W('0.2', '0.1', 'lower'), lowered)).toBe(true);
    // To zero (a removal) is past it too (a linear axis where a value is not positive).
    expect(repeatsFailure(W('0.4', '0', 'lower'), lowered)).toBe(true);
    expect(repeatsFailure(ch('WARMDOWN_RATIO', 'disable', null, null), lowered)).toBe(true);
  });

  it('the same change repeats it; the opposite direction and other concepts do not', () => {
    expect(repeatsFailure(W('0.4', '0.3', 'lower'), lowered)).toBe(true);
    expect(repeatsFailure(W('0.4', '0.6', 'raise'), lowered)).toBe(false);
    expect(repeatsFailure(W(null, '0.6', 'raise'), lowered)).toBe(false);
    expect(repeatsFailure(ch('WARMUP_RATIO', 'lower', '0.4', '0.1'), lowered)).toBe(false);
  });

  it(`between the fork's state and the failed value: nearby from ${NEAR_STEP} of the way (log scale)`, () => {
    expect(repeatsFailure(W('0.4', '0.34', 'lower'), lowered)).toBe(true); // 57 % of the way on a log scale
    expect(repeatsFailure(W('0.4', '0.38', 'lower'), lowered)).toBe(false); // 18 %
    const lr = ch('MATRIX_LR', 'raise', '0.04', '0.08');
    expect(repeatsFailure(ch('MATRIX_LR', 'raise', '0.04', '0.06'), lr)).toBe(true);
    expect(repeatsFailure(ch('MATRIX_LR', 'raise', '0.04', '0.045'), lr)).toBe(false);
    expect(repeatsFailure(ch('MATRIX_LR', 'raise', '0.04', '0.5'), lr)).toBe(true);
  });

  it('the same way without values is the same attempt; switches and words by relation', () => {
    expect(repeatsFailure(ch('MATRIX_LR', 'raise', null, null), ch('MATRIX_LR', 'raise', null, '0.08'))).toBe(true);
    expect(repeatsFailure(ch('QK_NORM', 'enable', null, null), ch('QK_NORM', 'enable', null, null))).toBe(true);
    expect(repeatsFailure(ch('QK_NORM', 'disable', null, null), ch('QK_NORM', 'enable', null, null))).toBe(false);
    expect(repeatsFailure(ch('ACTIVATION', 'replace', 'relu2', 'gelu'), ch('ACTIVATION', 'replace', 'relu2', 'gelu'))).toBe(true);
    expect(repeatsFailure(ch('ACTIVATION', 'replace', 'relu2', 'silu'), ch('ACTIVATION', 'replace', 'relu2', 'gelu'))).toBe(false);
    // A bare mention is no change.
    expect(repeatsFailure(ch('DEPTH', 'mention', null, null), ch('DEPTH', 'mention', null, null))).toBe(false);
  });
});

describe('repeatedFailure', () => {
  const combo = failed(W('0.4', '0.3', 'lower'), ch('MATRIX_LR', 'raise', '0.04', '0.06'));

  it('a combination repeats only a combination of the same changes', () => {
    expect(repeatedFailure([W('0.4', '0.1', 'lower')], [combo])).toBeNull();
    expect(repeatedFailure([W('0.4', '0.1', 'lower'), ch('MATRIX_LR', 'raise', '0.04', '0.08')], [combo])).toBe(combo);
    expect(repeatedFailure([W('0.4', '0.1', 'lower'), ch('DEPTH', 'raise', '8', '10')], [failed(W('0.4', '0.3', 'lower'))])).toBeNull();
  });

  it('the first failure repeated; nothing without changes', () => {
    const one = failed(W('0.4', '0.3', 'lower'));
    expect(repeatedFailure([W('0.4', '0.1', 'lower')], [failed(W('0.4', '0.6', 'raise')), one])).toBe(one);
    expect(repeatedFailure([], [one])).toBeNull();
    expect(repeatedFailure([W('0.4', '0.1', 'lower')], [failed()])).toBeNull();
  });
});

describe('mainChanges', () => {
  it("reads an idea's change from most of its records, dropping stray readings", () => {
    const changes = [
      { ...W('0.4', '0.1', 'lower'), records: 4 },
      { ...W('0.4', '0.6', 'raise'), records: 1 },
      { ...ch('MATRIX_LR', 'raise', '0.04', '0.06'), records: 1 },
      { ...ch('DEPTH', 'raise', '8', '10'), records: 3 },
    ];
    expect(mainChanges(changes)).toEqual([W('0.4', '0.1', 'lower'), ch('DEPTH', 'raise', '8', '10')]);
    expect(mainChanges([])).toEqual([]);
  });
});
