// One results.tsv row (as protocol/results-tsv.ts parses it) → a crossfork.record/v1 payload;
// what only the caller knows (time, parent, diff, harness, hardware, fork) comes in `parts`. Pure.
import { clipDescription } from './description.ts';
import { RECORD_SCHEMA, type RecordPayload } from './record.schema.ts';
import type { ResultsRow } from './results-tsv.ts';

export interface RowPayloadParts {
  created_at: string;
  /** Set when created_at is a placeholder (the row's own time is unknown). */
  time_unknown?: true;
  diff: string | null;
  parent: RecordPayload['parent'];
  commit: string | null;
  /** The row's peak memory in GB, as the caller reads the memory column (null: not reported). */
  memoryGb: number | null;
  /** Metrics known beyond the row; each one given replaces the row's. */
  extraMetrics?: Partial<RecordPayload['metrics']>;
  harness: RecordPayload['harness'];
  hardware: RecordPayload['hardware'];
  agent: RecordPayload['agent'];
  fork: RecordPayload['fork'];
}

export function rowPayload(row: ResultsRow, parts: RowPayloadParts): RecordPayload {
  return {
    schema: RECORD_SCHEMA,
    created_at: parts.created_at,
    ...(parts.time_unknown ? { time_unknown: true as const } : {}),
    description: clipDescription(row.description).text,
    status: row.status,
    diff: parts.diff,
    parent: parts.parent,
    commit: parts.commit,
    metrics: {
      val_bpb: row.val_bpb,
      peak_vram_mb: parts.memoryGb === null ? null : Math.round(parts.memoryGb * 1024 * 10) / 10,
      training_seconds: row.metrics.training_seconds,
      total_seconds: null,
      mfu_percent: row.metrics.mfu_percent,
      total_tokens_m: row.metrics.total_tokens_m,
      num_steps: row.metrics.num_steps,
      num_params_m: row.metrics.num_params_m,
      ...parts.extraMetrics,
    },
    harness: parts.harness,
    hardware: parts.hardware,
    agent: parts.agent,
    fork: parts.fork,
  };
}
