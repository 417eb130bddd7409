// The `crossfork.record/v1` payload: one experiment, as signed by its author.
import { z } from 'zod';
import { LIMITS } from './limits.ts';
import { finite, gitCommit, nonNegative, rfc3339, sha256Hex, text, textBytes } from './fields.ts';

export const RECORD_SCHEMA = 'crossfork.record/v1';

export const RECORD_STATUSES = ['keep', 'discard', 'crash'] as const;
export const ACCELERATORS = ['cuda', 'rocm', 'mps', 'mlx', 'cpu', 'other'] as const;

/** Sane bounds for val_bpb: bits per byte of text is positive and far below 20. */
export const VAL_BPB_MAX = 20;
const valBpb = finite.gt(0, 'must be > 0').lte(VAL_BPB_MAX, `must be ≤ ${VAL_BPB_MAX}`);

const short = text(LIMITS.shortText);

export const parentSchema = z.strictObject({
  train_py_sha256: sha256Hex.nullable(),
  commit: gitCommit.nullable(),
  val_bpb: valBpb.nullable(),
});

export const metricsSchema = z.strictObject({
  val_bpb: valBpb.nullable(),
  peak_vram_mb: nonNegative.nullable(),
  training_seconds: nonNegative.nullable(),
  total_seconds: nonNegative.nullable(),
  mfu_percent: nonNegative.nullable(),
  total_tokens_m: nonNegative.nullable(),
  num_steps: nonNegative.int('must be an integer').nullable(),
  num_params_m: nonNegative.nullable(),
});

/** A record's run metrics beside val_bpb when none is known (a bare results.tsv row, a hand-published claim). */
export const NO_RUN_METRICS = {
  peak_vram_mb: null,
  training_seconds: null,
  total_seconds: null,
  mfu_percent: null,
  total_tokens_m: null,
  num_steps: null,
  num_params_m: null,
} as const;

export const harnessSchema = z.strictObject({
  id: sha256Hex,
  name: text(100, 1),
  time_budget_s: finite.positive('must be > 0').lte(86_400, 'must be ≤ 86400'),
});

export const hardwareSchema = z.strictObject({
  accelerator: z.enum(ACCELERATORS),
  device_name: text(LIMITS.shortText, 1),
  device_count: z.number().int('must be an integer').min(1, 'must be ≥ 1').max(1024, 'must be ≤ 1024'),
  memory_mb: nonNegative.max(16 * 1024 * 1024, 'must be ≤ 16 TiB').nullable(),
  driver: short.nullable(),
  runtime: short.nullable(),
});

export const agentSchema = z.strictObject({
  model: short.nullable(),
  tool: short.nullable(),
});

export const forkSchema = z.strictObject({
  id: text(LIMITS.shortText, 1),
  branch: short.nullable(),
  url: text(LIMITS.url).nullable(),
});

export const recordPayloadSchema = z
  .strictObject({
    schema: z.literal(RECORD_SCHEMA),
    created_at: rfc3339,
    // Optional (records without it keep their ids): `true` when nobody knows when the experiment
    // ran (a results.tsv row whose commit is not in git and that has no time column); created_at
    // then only orders the record among its fork's others, and charts plot it by order, not time.
    time_unknown: z
      .literal(true)
      .optional()
      .describe(
        "true when the experiment's time is not known: created_at then only keeps the order of the fork's rows (leave it out when the time is known)",
      ),
    // Optional (records without it keep their ids): the id of the record this run repeats, the
    // same train.py measured again (`crossfork replicate`). The server links the two and refuses
    // an unknown record or one on another harness (README, "Replication").
    replicates: sha256Hex
      .optional()
      .describe('the id of the record this experiment repeats (the same train.py run again); leave it out otherwise'),
    description: text(LIMITS.descriptionChars, 1),
    status: z.enum(RECORD_STATUSES),
    diff: textBytes(LIMITS.diffBytes).nullable(),
    parent: parentSchema.nullable(),
    commit: gitCommit.nullable(),
    metrics: metricsSchema,
    harness: harnessSchema,
    hardware: hardwareSchema,
    agent: agentSchema,
    fork: forkSchema,
  })
  .refine((r) => r.status === 'crash' || r.metrics.val_bpb !== null, {
    message: 'metrics.val_bpb may be null only when status is "crash"',
    path: ['metrics', 'val_bpb'],
  });

export type RecordPayload = z.infer<typeof recordPayloadSchema>;
export type RecordStatus = (typeof RECORD_STATUSES)[number];
export type Hardware = z.infer<typeof hardwareSchema>;
