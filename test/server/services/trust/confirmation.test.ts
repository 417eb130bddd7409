// Confirmation of a result by its replications: another key within 2·√2·σ confirms, the same
// key's other runs confirm "as such", a run outside the noise does not, a first row never is.
import { describe, expect, it } from 'vitest';
import { confirmBand, confirmationOf, type GroupMember } from '../../../../server/services/trust/confirmation.ts';

const t0 = new Date(1_700_000_000_000);
const rec = { id: 'r', keyFingerprint: 'alice', valBpb: 0.95, parentValBpb: 0.96, createdAt: t0 };
const m = (id: string, key: string, valBpb: number, extra: Partial<GroupMember> = {}): GroupMember => ({
  id,
  keyFingerprint: key,
  valBpb,
  createdAt: new Date(t0.getTime() + 1000 * id.length),
  flagged: false,
  ...extra,
});
const sigma = 0.002;

describe('confirmation', () => {
  it('another key within the noise band confirms; outside it does not', () => {
    const band = confirmBand(sigma);
    expect(band).toBeCloseTo(2 * Math.SQRT2 * 0.002, 12);
    expect(confirmationOf(rec, [m('r', 'alice', 0.95), m('b', 'bob', 0.95 + band * 0.9)], sigma)).toMatchObject({
      confirmed: true,
      confirmed_by: 'other_key',
      replications: 1,
    });
    expect(confirmationOf(rec, [m('b', 'bob', 0.95 + band * 1.1)], sigma)).toMatchObject({
      confirmed: false,
      confirmed_by: null,
      replications: 1,
    });
    // The median of several: one agreeing run among disagreeing ones does not confirm.
    expect(confirmationOf(rec, [m('b', 'bob', 0.951), m('cc', 'carol', 0.97), m('ddd', 'dave', 0.975)], sigma).confirmed).toBe(false);
  });

  it('the same key on another run confirms as such; a copy of the record itself is no replication', () => {
    expect(confirmationOf(rec, [m('again', 'alice', 0.951)], sigma)).toMatchObject({ confirmed: true, confirmed_by: 'same_key' });
    expect(
      confirmationOf(rec, [{ id: 'copy', keyFingerprint: 'alice', valBpb: 0.95, createdAt: t0, flagged: false }], sigma),
    ).toMatchObject({ confirmed: false, replications: 0 });
    // Another key wins over the same key when both agree.
    expect(confirmationOf(rec, [m('again', 'alice', 0.951), m('b', 'bob', 0.9495)], sigma).confirmed_by).toBe('other_key');
  });

  it('never confirms a record without a parent; flagged runs do not count; the interval is mean ± 2σ/√n', () => {
    expect(confirmationOf({ ...rec, parentValBpb: null }, [m('b', 'bob', 0.95)], sigma)).toMatchObject({
      confirmed: false,
      replications: 1,
    });
    expect(confirmationOf(rec, [m('b', 'bob', 0.95, { flagged: true })], sigma)).toMatchObject({ confirmed: false, replications: 0 });
    const c = confirmationOf(rec, [m('b', 'bob', 0.952), m('cc', 'carol', 0.954)], sigma);
    expect(c.mean).toBeCloseTo(0.952, 9);
    expect(c.high - c.mean).toBeCloseTo((2 * sigma) / Math.sqrt(3), 6);
    expect(c.noise).toBe(sigma);
    const alone = confirmationOf(rec, [], sigma);
    expect(alone).toMatchObject({ confirmed: false, replications: 0, mean: 0.95 });
    expect(alone.low).toBeCloseTo(0.95 - 2 * sigma, 9);
  });
});
