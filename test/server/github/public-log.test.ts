// Public-log rows → unsigned record rows (pure): ids stable per repository and line (identical
// lines stay two records), parents from the last keep, rows the record schema refuses skipped
// with a reason, long descriptions shortened, the harness read from prepare.py.
import { describe, expect, it } from 'vitest';
import { harnessOf, publicLogRecords } from '../../../server/github/public-log.ts';

const SRC = {
  nameWithOwner: 'lab/autoresearch',
  url: 'https://github.com/lab/autoresearch',
  branch: 'master',
  oid: 'ab'.repeat(20),
  committedAt: new Date('2026-03-10T08:00:00Z'),
};
const HEAD = 'commit\tval_bpb\tmemory_gb\tstatus\tdescription';

describe('public log rows', () => {
  it('keeps identical lines apart, with ids that do not depend on the commit', () => {
    const text = [HEAD, 'a1b2c3d\t0.998\t44\tkeep\tbaseline', 'b2c3d4e\t0\t0\tcrash\tOOM', 'b2c3d4e\t0\t0\tcrash\tOOM'].join('\n');
    const a = publicLogRecords(SRC, text, 'TIME_BUDGET = 300\n');
    const b = publicLogRecords({ ...SRC, oid: 'cd'.repeat(20) }, `${text}\nc3d4e5f\t0.997\t44\tkeep\tmore`, 'TIME_BUDGET = 300\n');
    expect(a.rows).toHaveLength(3);
    expect(new Set(a.rows.map((r) => r.id)).size).toBe(3);
    expect(b.rows.slice(0, 3).map((r) => r.id)).toEqual(a.rows.map((r) => r.id));
    expect(b.rows[3].parentValBpb).toBe(0.998);
    expect(a.rows[1]).toMatchObject({
      status: 'crash',
      valBpb: null,
      parentValBpb: 0.998,
      deltaValBpb: null,
      signed: false,
      signature: null,
      keyFingerprint: 'github:lab/autoresearch',
    });
  });

  it('skips rows the record schema refuses, with the reason, and shortens long descriptions', () => {
    const text = [HEAD, `a1b2c3d\t0.998\t44\tkeep\t${'x'.repeat(2500)}`, 'b2c3d4e\t0.99\t44\tkeep\tnul \u0000 inside'].join('\n');
    const out = publicLogRecords(SRC, text, '');
    expect(out.rows).toHaveLength(1);
    expect(out.rows[0].description).toHaveLength(2000);
    expect(out.skipped).toEqual([{ line: 3, reason: expect.stringMatching(/description: must not contain NUL/) }]);
  });

  it('reads the harness from prepare.py', () => {
    expect(harnessOf('TIME_BUDGET = 600  # seconds\n')).toMatchObject({ name: 'autoresearch', time_budget_s: 600 });
    expect(harnessOf('no budget here').time_budget_s).toBe(300);
    expect(harnessOf('a').id).toBe('ca978112ca1bbdcafac231b39a23dc4da786eff8147c4e72b9807785afee48bb');
  });
});
