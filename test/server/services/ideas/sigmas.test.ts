// sigmasOf: σ of val_bpb per evidence row, one noise-model look-up per (harness, class) pair, and
// the prior without a noise model or for a row it was not asked about.
import { describe, expect, it } from 'vitest';
import { sigmasOf } from '../../../../server/services/ideas/sigmas.ts';
import { NOISE_PRIOR } from '../../../../server/services/ideas/verdict.ts';
import type { EvidenceRow } from '../../../../server/repositories/evidence.repository.ts';

const row = (harnessKey: string, hardwareClass: string, family = 'hopper') =>
  ({ ideaId: 'i', harnessKey, hardwareClass, family, kind: 'cuda' }) as EvidenceRow;

describe('sigmasOf', () => {
  it('looks each (harness, class) up once and answers per row', async () => {
    const asked: unknown[] = [];
    const rows = [row('h1', 'H100-80GB'), row('h1', 'H100-80GB'), row('h2', 'A100-80GB', '')];
    const sigma = await sigmasOf(rows, async (scope) => {
      asked.push(scope);
      return scope.harnessKey === 'h1' ? 0.002 : 0.005;
    });
    expect(asked).toEqual([
      { harnessKey: 'h1', hardwareClass: 'H100-80GB', family: 'hopper' },
      { harnessKey: 'h2', hardwareClass: 'A100-80GB', family: null },
    ]);
    expect(rows.map(sigma)).toEqual([0.002, 0.002, 0.005]);
    expect(sigma(row('h3', 'L4'))).toBe(NOISE_PRIOR);
  });

  it('answers the prior without a noise model', async () => {
    const sigma = await sigmasOf([row('h1', 'H100-80GB')]);
    expect(sigma(row('h1', 'H100-80GB'))).toBe(NOISE_PRIOR);
  });
});
