// Maps stored rows to the API's record view, and derives the server-side columns of a new row.
import { describeHardware } from '../protocol/hardware-class.ts';
import { hardwareProximity } from '../protocol/hardware-family.ts';
import { recordFacts } from '../protocol/record-facts.ts';
import type { OpenedEnvelope } from '../protocol/envelope.ts';
import type { RecordPayload } from '../protocol/record.schema.ts';
import type { RecordView } from '../protocol/api.schema.ts';
import type { NewRecordRow, RecordRow } from '../db/schema/records.ts';
import type { ReplicationView } from './replication.service.ts';
import { sameTrainPyKey } from './trust/replication-key.ts';

/**
 * The row to store for a verified record: the server derives class and delta (recordFacts), never trusts them.
 * `replicates`, the replication group and `flagged` are settled against stored records before the
 * insert (ReplicationService.admit).
 */
export function recordRow(env: OpenedEnvelope<RecordPayload>): NewRecordRow {
  const p = env.payload;
  const hw = describeHardware(p.hardware);
  const proximity = hardwareProximity(p.hardware);
  return {
    ...recordFacts(p),
    id: env.id,
    payload: env.canonical,
    signature: env.signature,
    publicKey: env.publicKey.trim(),
    keyFingerprint: env.key.fingerprint,
    hardwareClass: hw.class,
    hardwareFamily: proximity.family,
    acceleratorKind: proximity.kind,
    memoryGb: hw.memory_gb,
    replicates: p.replicates ?? null,
    replicationKey: sameTrainPyKey(p),
  };
}

/**
 * The API view of a row. `logins` maps key fingerprints to linked GitHub logins; an unsigned
 * record shows the owner of the fork it was read from (its key_fingerprint is `github:OWNER/REPO`).
 */
export function recordView(
  row: RecordRow,
  logins?: ReadonlyMap<string, string>,
  replication?: ReadonlyMap<string, ReplicationView>,
): RecordView {
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
    flag_reason: row.flagReason ?? null,
    evidence_excluded: row.evidenceExcluded ?? null,
    replicates: row.replicates,
    replication: replication?.get(row.id) ?? null,
  };
}
