// The columns of the Parquet snapshots, in order, with where each value comes from: `payload.*`
// as signed, `derived.*` as the server computed it. docs/dataset.md describes every one.
import type { ExportRow, EvidenceExportRow, IdeaExportRow } from '../../repositories/export.repository.ts';
import type { ExportDerived } from '../../protocol/dataset.schema.ts';
import type { RecordPayload } from '../../protocol/record.schema.ts';
import type { ColumnSpec } from './parquet-table.ts';

type Exported = { row: ExportRow; derived: ExportDerived };
// The payload is parsed once per row and kept beside it (a WeakMap frees it with the page).
const parsed = new WeakMap<ExportRow, RecordPayload>();
const p = (e: Exported): RecordPayload => {
  let v = parsed.get(e.row);
  if (!v) parsed.set(e.row, (v = JSON.parse(e.row.payload) as RecordPayload));
  return v;
};
const date = (s: string | null | undefined) => (s ? new Date(s) : null);
const int = (x: number | null | undefined) => (x === null || x === undefined ? null : Math.round(x));

export const RECORD_COLUMNS: ColumnSpec<Exported>[] = [
  { name: 'id', type: 'STRING', value: (e) => e.row.id },
  { name: 'seq', type: 'INT64', value: (e) => BigInt(e.row.seq) },
  { name: 'signed', type: 'BOOLEAN', value: (e) => e.row.signed },
  { name: 'provenance', type: 'STRING', value: (e) => e.row.provenance },
  { name: 'key_fingerprint', type: 'STRING', value: (e) => e.derived.key_fingerprint },
  { name: 'created_at', type: 'TIMESTAMP', value: (e) => date(p(e).created_at) },
  { name: 'time_unknown', type: 'BOOLEAN', value: (e) => e.derived.time_unknown },
  { name: 'received_at', type: 'TIMESTAMP', value: (e) => e.row.receivedAt },
  { name: 'status', type: 'STRING', value: (e) => p(e).status },
  { name: 'description', type: 'STRING', value: (e) => p(e).description },
  { name: 'val_bpb', type: 'DOUBLE', value: (e) => p(e).metrics.val_bpb },
  { name: 'parent_val_bpb', type: 'DOUBLE', value: (e) => p(e).parent?.val_bpb ?? null },
  { name: 'delta_val_bpb', type: 'DOUBLE', value: (e) => e.derived.delta_val_bpb },
  { name: 'peak_vram_mb', type: 'DOUBLE', value: (e) => p(e).metrics.peak_vram_mb },
  { name: 'training_seconds', type: 'DOUBLE', value: (e) => p(e).metrics.training_seconds },
  { name: 'total_seconds', type: 'DOUBLE', value: (e) => p(e).metrics.total_seconds },
  { name: 'mfu_percent', type: 'DOUBLE', value: (e) => p(e).metrics.mfu_percent },
  { name: 'total_tokens_m', type: 'DOUBLE', value: (e) => p(e).metrics.total_tokens_m },
  { name: 'num_steps', type: 'INT64', value: (e) => (int(p(e).metrics.num_steps) === null ? null : BigInt(int(p(e).metrics.num_steps)!)) },
  { name: 'num_params_m', type: 'DOUBLE', value: (e) => p(e).metrics.num_params_m },
  { name: 'harness_id', type: 'STRING', value: (e) => e.derived.harness_id },
  { name: 'harness_key', type: 'STRING', value: (e) => e.derived.harness_key },
  { name: 'harness_name', type: 'STRING', value: (e) => e.derived.harness_name },
  { name: 'harness_known', type: 'BOOLEAN', value: (e) => e.derived.harness_known },
  { name: 'time_budget_s', type: 'DOUBLE', value: (e) => p(e).harness.time_budget_s },
  { name: 'accelerator', type: 'STRING', value: (e) => p(e).hardware.accelerator },
  { name: 'device_name', type: 'STRING', value: (e) => p(e).hardware.device_name },
  { name: 'device_count', type: 'INT32', value: (e) => int(p(e).hardware.device_count) },
  { name: 'memory_mb', type: 'DOUBLE', value: (e) => p(e).hardware.memory_mb },
  { name: 'hardware_class', type: 'STRING', value: (e) => e.derived.hardware_class },
  { name: 'hardware_family', type: 'STRING', value: (e) => e.derived.hardware_family },
  { name: 'accelerator_kind', type: 'STRING', value: (e) => e.derived.accelerator_kind },
  { name: 'memory_gb', type: 'DOUBLE', value: (e) => e.derived.memory_gb },
  { name: 'agent_model', type: 'STRING', value: (e) => p(e).agent?.model ?? null },
  { name: 'agent_tool', type: 'STRING', value: (e) => p(e).agent?.tool ?? null },
  { name: 'fork_id', type: 'STRING', value: (e) => p(e).fork.id },
  { name: 'commit', type: 'STRING', value: (e) => p(e).commit },
  { name: 'parent_commit', type: 'STRING', value: (e) => p(e).parent?.commit ?? null },
  { name: 'parent_train_py_sha256', type: 'STRING', value: (e) => p(e).parent?.train_py_sha256 ?? null },
  { name: 'diff', type: 'STRING', value: (e) => p(e).diff },
  { name: 'idea_id', type: 'STRING', value: (e) => e.derived.idea_id },
  { name: 'changes', type: 'JSON', value: (e) => e.derived.changes },
  { name: 'confirmed', type: 'BOOLEAN', value: (e) => e.derived.confirmed },
  { name: 'confirmed_by', type: 'STRING', value: (e) => e.derived.confirmed_by },
  { name: 'replications', type: 'INT32', value: (e) => e.derived.replications },
  { name: 'noise_sigma', type: 'DOUBLE', value: (e) => e.derived.noise_sigma },
  { name: 'flagged', type: 'BOOLEAN', value: (e) => e.derived.flagged },
  { name: 'replication_group', type: 'STRING', value: (e) => e.derived.replication_group },
  { name: 'replicates', type: 'STRING', value: (e) => e.derived.replicates },
];

export const IDEA_COLUMNS: ColumnSpec<IdeaExportRow>[] = [
  { name: 'id', type: 'STRING', value: (r) => r.id },
  { name: 'description', type: 'STRING', value: (r) => r.description },
  { name: 'param_key', type: 'STRING', value: (r) => r.paramKey },
  { name: 'founding_record_id', type: 'STRING', value: (r) => r.foundingRecordId },
  { name: 'created_at', type: 'TIMESTAMP', value: (r) => r.createdAt },
  { name: 'attempts', type: 'INT32', value: (r) => r.attempts },
  { name: 'concepts', type: 'JSON', value: (r) => r.concepts },
];

export const EVIDENCE_COLUMNS: ColumnSpec<EvidenceExportRow>[] = [
  { name: 'idea_id', type: 'STRING', value: (r) => r.ideaId },
  { name: 'harness_key', type: 'STRING', value: (r) => r.harnessId },
  { name: 'hardware_class', type: 'STRING', value: (r) => r.hardwareClass },
  { name: 'hardware_family', type: 'STRING', value: (r) => r.hardwareFamily || null },
  { name: 'accelerator_kind', type: 'STRING', value: (r) => r.acceleratorKind || null },
  { name: 'attempts', type: 'INT32', value: (r) => r.attempts },
  { name: 'keeps', type: 'INT32', value: (r) => r.keeps },
  { name: 'discards', type: 'INT32', value: (r) => r.discards },
  { name: 'crashes', type: 'INT32', value: (r) => r.crashes },
  { name: 'oom_crashes', type: 'INT32', value: (r) => r.oomCrashes },
  { name: 'max_oom_memory_gb', type: 'DOUBLE', value: (r) => r.maxOomMemoryGb },
  { name: 'contributors', type: 'INT32', value: (r) => r.contributors },
  { name: 'deltas', type: 'INT32', value: (r) => r.deltas },
  { name: 'median_delta', type: 'DOUBLE', value: (r) => r.medianDelta },
  { name: 'min_delta', type: 'DOUBLE', value: (r) => r.minDelta },
  { name: 'max_delta', type: 'DOUBLE', value: (r) => r.maxDelta },
];
