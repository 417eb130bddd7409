// A records-table row for a synthetic experiment, inserted straight into the table by the
// benches that seed large stores (check, web): the stored columns the services read.
import type { records } from '../server/db/schema/records.ts';
import { describeHardware } from '../server/protocol/hardware-class.ts';
import type { SyntheticExperiment } from './synthetic.ts';

/** The key fingerprint of the seeded rows' n-th signer (97 of them), in the form a check request accepts. */
export const seedKey = (n: number) => `SHA256:${`bench${n % 97}`.padEnd(43, 'A')}`;

export function seedRow(
  e: SyntheticExperiment,
  at: { id: string; payload: string; key: number; harnessId: string; forkId: string; createdAt: Date },
): typeof records.$inferInsert {
  const hw = describeHardware(e.hardware);
  return {
    id: at.id,
    payload: at.payload,
    signature: 'bench',
    publicKey: 'bench',
    keyFingerprint: seedKey(at.key),
    harnessId: at.harnessId,
    harnessName: 'bench',
    hardwareClass: hw.class,
    memoryGb: hw.memory_gb,
    status: e.status,
    description: e.description,
    valBpb: e.valBpb,
    parentValBpb: 1.0,
    deltaValBpb: e.valBpb === null ? null : e.valBpb - 1.0,
    forkId: at.forkId,
    createdAt: at.createdAt,
  };
}
