// Confirmation of a result by its replications: another key within 2·√2·σ confirms, the same
// key's other runs confirm "as such", a run outside the noise does not, a first row never is.
import { describe, expect, it } from 'vitest';
import { confirmBand, confirmationOf, countable, PreparedGroup, type GroupMember } from '../../../../server/services/trust/confirmation.ts';

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

  it('a group prepared once answers every member as the group read afresh does (random groups, copies and flags included)', () => {
    let seed = 7;
    const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    // The rule written plainly: every other countable member, split by key, medians sorted afresh.
    const plain = (r: typeof rec, members: GroupMember[]) => {
      const at = r.createdAt.getTime();
      const others = countable(members).filter(
        (x) => x.id !== r.id && !(x.keyFingerprint === r.keyFingerprint && x.valBpb === r.valBpb && x.createdAt.getTime() === at),
      );
      const med = (xs: number[]) => {
        const s2 = [...xs].sort((a, b) => a - b);
        const k = s2.length >> 1;
        return s2.length % 2 ? s2[k] : (s2[k - 1] + s2[k]) / 2;
      };
      const ok = (xs: GroupMember[]) => xs.length > 0 && Math.abs(med(xs.map((x) => x.valBpb)) - r.valBpb) <= confirmBand(sigma) + 1e-12;
      const by = ok(others.filter((x) => x.keyFingerprint !== r.keyFingerprint))
        ? 'other_key'
        : ok(others.filter((x) => x.keyFingerprint === r.keyFingerprint))
          ? 'same_key'
          : null;
      const values = [r.valBpb, ...others.map((x) => x.valBpb)];
      return { by, replications: others.length, mean: values.reduce((a, v) => a + v, 0) / values.length };
    };
    for (let g = 0; g < 300; g++) {
      const members: GroupMember[] = [];
      const n = 1 + Math.floor(rand() * 12);
      for (let i = 0; i < n; i++) {
        const key = ['alice', 'bob', 'carol', 'dave'][Math.floor(rand() * 4)];
        const valBpb = 0.95 + Math.round((rand() - 0.5) * 20) * 0.001;
        members.push({
          id: `m${i}`,
          keyFingerprint: key,
          valBpb,
          createdAt: new Date(t0.getTime() + (rand() < 0.2 ? 0 : i * 1000)),
          flagged: rand() < 0.1,
        });
      }
      const prepared = new PreparedGroup(countable(members));
      const askers = [
        ...members.map((x) => ({ ...x, parentValBpb: 0.96 })),
        { ...rec, valBpb: 0.95 + Math.round((rand() - 0.5) * 20) * 0.001 },
      ];
      for (const r of askers) {
        const want = plain(r, members);
        for (const got of [confirmationOf(r, prepared, sigma), confirmationOf(r, members, sigma)]) {
          expect(got.confirmed_by).toBe(want.by);
          expect(got.replications).toBe(want.replications);
          expect(got.mean).toBeCloseTo(want.mean, 5);
        }
      }
    }
  });
});
