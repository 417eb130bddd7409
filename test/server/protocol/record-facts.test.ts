// What the server derives from a payload itself (signed and public-log records alike): delta
// val_bpb without float noise, null when either side is missing; never a flag on arrival.
import { describe, expect, it } from 'vitest';
import { recordFacts } from '../../../server/protocol/record-facts.ts';
import { harnessKeyOf } from '../../../server/protocol/harnesses.ts';
import { makePayload } from '../../helpers/records.ts';

describe('recordFacts', () => {
  it('derives delta from val_bpb and the parent, rounded past float noise', () => {
    const p = makePayload({ metrics: { val_bpb: 0.9971 }, parent: { val_bpb: 0.9979 } });
    const f = recordFacts(p);
    expect(f.deltaValBpb).toBe(-0.0008);
    expect(f).toMatchObject({
      valBpb: 0.9971,
      parentValBpb: 0.9979,
      flagged: false,
      status: p.status,
      forkId: p.fork.id,
      harnessId: p.harness.id,
    });
    expect(f.harnessKey).toBe(harnessKeyOf(p.harness.id));
    expect(f.createdAt.toISOString()).toBe(p.created_at);
  });

  it('has no delta for a crash or a record without a parent value', () => {
    expect(recordFacts(makePayload({ status: 'crash', metrics: { val_bpb: null } })).deltaValBpb).toBeNull();
    const orphan = { ...makePayload(), parent: null };
    expect(recordFacts(orphan)).toMatchObject({ parentValBpb: null, deltaValBpb: null });
  });
});
