// Maps stored rows to the API's record view, and derives the server-side columns of a new row.
import { describeHardware } from '../protocol/hardware-class.ts';
import { hardwareProximity } from '../protocol/hardware-family.ts';
import { harnessKeyOf } from '../protocol/harnesses.ts';
import type { OpenedEnvelope } from '../protocol/envelope.ts';
import type { RecordPayload } from '../protocol/record.schema.ts';
import type { RecordView } from '../protocol/api.schema.ts';
import type { NewRecordRow, RecordRow } from '../db/schema/records.ts';
import type { ReplicationView } from './replication.service.ts';
import { sameTrainPyKey } from './trust/replication-key.ts';

/**
 * The row to store for a verified record: the server derives class and delta, never trusts them.
 * `replicates`, the replication group and `flagged` are settled against stored records before the
 * insert (ReplicationService.admit).
 */
export function recordRow(env: OpenedEnvelope<RecordPayload>): NewRecordRow {
  const p = env.payload;
  const parentBpb = p.parent?.val_bpb ?? null;
  const bpb = p.metrics.val_bpb;
  const hw = describeHardware(p.hardware);
  const proximity = hardwareProximity(p.hardware);
  const delta = bpb !== null && parentBpb !== null ? round(bpb - parentBpb) : null;
  return {
    id: env.id,
    payload: env.canonical,
    signature: env.signature,
    publicKey: env.publicKey.trim(),
    keyFingerprint: env.key.fingerprint,
    harnessId: p.harness.id,
    harnessName: p.harness.name,
    hardwareClass: hw.class,
    hardwareFamily: proximity.family,
    acceleratorKind: proximity.kind,
    harnessKey: harnessKeyOf(p.harness.id),
    memoryGb: hw.memory_gb,
    status: p.status,
    description: p.description,
    valBpb: bpb,
    parentValBpb: parentBpb,
    deltaValBpb: delta,
    flagged: false,
    replicates: p.replicates ?? null,
    replicationKey: sameTrainPyKey(p),
    forkId: p.fork.id,
    createdAt: new Date(p.created_at),
  };
}

/** Removes float noise from differences of values reported with ~6 decimals. */
function round(x: number): number {
  return Math.round(x * 1e9) / 1e9;
}

/**
 * The API view of a row. `logins` maps key fingerprints to linked GitHub logins; an unsigned
 * record shows the owner of the fork it was read from (its key_fingerprint is `github:OWNER/REPO`).
 */
export function recordView(row: RecordRow, logins?: ReadonlyMap<string, string>, replication?: ReadonlyMap<string, ReplicationView>): RecordView {
  return {
    id: row.id,
    payload: JSON.parse(row.payload) as RecordPayload,
    signature: row.signature,
    public_key: row.publicKey,
    key_fingerprint: row.signed ? row.keyFingerprint : null,
    signed: row.signed,
    provenance: row.provenance,
    github_login: row.signed ? (logins?.get(row.keyFingerprint) ?? null) : (/^github:([^/]+)\//.exec(row.keyFingerprint)?.[1] ?? null),
    hardware_class: row.hardwareClass,
    harness_id: row.harnessId,
    delta_val_bpb: row.deltaValBpb,
    received_at: row.receivedAt.toISOString(),
    idea_id: row.ideaId,
    flagged: row.flagged,
    replicates: row.replicates,
    replication: replication?.get(row.id) ?? null,
  };
}
