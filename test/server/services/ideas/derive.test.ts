// deriveRecord: what the server derives from a stored record (its changes, hardware family and
// kind, harness key, whether it counts as evidence); unreported hardware is its own family.
import { describe, expect, it } from 'vitest';
import { DERIVATION_VERSION, deriveRecord } from '../../../../server/services/ideas/derive.ts';
import { makePayload, HARNESS_ID } from '../../../helpers/records.ts';

const record = (payload: Record<string, unknown>, hardwareClass = 'H100-80GB') => ({
  description: payload.description as string,
  payload: JSON.stringify(payload),
  harnessId: HARNESS_ID,
  hardwareClass,
});

describe('deriveRecord', () => {
  it('reads the changes (its diff first) and the hardware of a record', () => {
    const p = makePayload({ description: 'raise MATRIX_LR' }); // its diff: MATRIX_LR 0.04 → 0.05
    const d = deriveRecord(record(p));
    expect(d.changes).toEqual([{ concept: 'MATRIX_LR', action: 'raise', from: '0.04', to: '0.05' }]);
    expect(d.evidenceExcluded).toBeNull();
    expect(d.hardwareFamily).not.toBe('');
    expect(d.acceleratorKind).toBe('cuda');
    expect(d.harnessKey).toMatch(/\S/);
    expect(DERIVATION_VERSION).toContain('+');
  });

  it('marks unreported hardware as its own family, and throws on a payload that is not JSON', () => {
    const d = deriveRecord(record(makePayload({ description: 'baseline' }), 'unreported'));
    expect(d).toMatchObject({ hardwareFamily: 'unreported', acceleratorKind: 'other' });
    expect(() => deriveRecord({ description: 'x', payload: '{not json', harnessId: HARNESS_ID, hardwareClass: 'H100-80GB' })).toThrow();
  });
});
