// The open dataset's contracts: the export's query and line, the snapshot manifest, the GPU time
// that warnings saved (GET /v1/export, GET /v1/snapshots, GET /v1/saved-time), and the licence.
import { z } from 'zod';
import { recordPayloadSchema } from './record.schema.ts';

/** The terms every record is published under: said when publishing (CLI, web) and in every snapshot. */
export const DATASET_LICENCE = {
  id: 'CC-BY-4.0',
  name: 'Creative Commons Attribution 4.0 International',
  url: 'https://creativecommons.org/licenses/by/4.0/',
  line: 'Records are published under CC BY 4.0 (https://creativecommons.org/licenses/by/4.0/): anyone may copy and analyse them, crediting crossfork and the forks.',
} as const;

const harnessParam = z
  .string()
  .regex(/^[0-9a-f]{64}$/, 'must be a harness id (lowercase hex SHA-256)')
  .optional()
  .describe('a harness id: records ranked under its harness key (equivalent upstream prepare.py versions count as one)');
const instant = z.iso.datetime({ offset: true, error: 'must be an RFC 3339 time, e.g. 2026-03-08T00:00:00Z' }).optional();

/** Query of `GET /v1/export`. */
export const exportQuerySchema = z.strictObject({
  harness: harnessParam,
  hardware_class: z.string().min(1).max(200).optional(),
  since: instant.describe('only records received at or after this time'),
  until: instant.describe('only records received before this time'),
  cursor: z
    .string()
    .regex(/^\d{1,18}$/, 'must be the `cursor` of the last line received')
    .optional()
    .describe('resume after the line with this cursor'),
});

export const exportDerivedSchema = z.object({
  key_fingerprint: z.string().nullable().describe('SHA256:… of the signing key; null for unsigned records'),
  received_at: z.string().describe('when the server stored it (RFC 3339)'),
  time_unknown: z.boolean().describe('the payload says its time is unknown: created_at only orders the fork’s rows'),
  hardware_class: z.string(),
  hardware_family: z.string().nullable(),
  accelerator_kind: z.string().nullable(),
  memory_gb: z.number().nullable(),
  harness_id: z.string(),
  harness_key: z.string().describe('the key val_bpb compares under'),
  harness_name: z.string().describe('the display name of the harness key'),
  harness_known: z.boolean().describe('a known upstream prepare.py version; false: an unknown or fork-own harness'),
  idea_id: z.string().nullable().describe('null until the idea-assignment job has run'),
  changes: z
    .array(z.object({ concept: z.string(), action: z.string(), from: z.string().nullable(), to: z.string().nullable() }))
    .nullable()
    .describe('what it changed as the catalogue reads it; null until derived'),
  delta_val_bpb: z.number().nullable().describe('metrics.val_bpb − parent.val_bpb'),
  confirmed: z.boolean().describe('replicated within the class’s noise (by another key, or the same key on another run)'),
  confirmed_by: z.enum(['other_key', 'same_key']).nullable(),
  replications: z.number().describe('other measurements of the same train.py on its harness key and class'),
  noise_sigma: z.number().nullable().describe('σ of val_bpb on its harness key and class (null for unsigned records and crashes)'),
  flagged: z.boolean().describe('implausible and not yet replicated by another key: off the leaderboard'),
  replication_group: z.string().nullable().describe('records that ran the same train.py share it'),
  replicates: z.string().nullable(),
});

export const exportLineSchema = z
  .object({
    id: z.string().describe('hex SHA-256 of the canonical payload'),
    cursor: z.string().describe('pass as ?cursor= to resume after this line'),
    payload: recordPayloadSchema.describe('byte for byte the canonical JSON that was signed (RFC 8785)'),
    signature: z.string().nullable().describe('armored SSHSIG (namespace crossfork); null for unsigned records'),
    public_key: z.string().nullable(),
    signed: z.boolean(),
    provenance: z.string().nullable().describe('where an unsigned record was read: github:OWNER/REPO@COMMIT; null when signed'),
    derived: exportDerivedSchema.describe('what the server derived; never signed'),
  })
  .meta({ id: 'ExportLine', description: 'One line of GET /v1/export (application/x-ndjson)' });

export type ExportLine = z.infer<typeof exportLineSchema>;
export type ExportDerived = z.infer<typeof exportDerivedSchema>;

export const snapshotFileSchema = z.object({
  name: z.string().describe('records.parquet, ideas.parquet or evidence.parquet'),
  url: z.string().describe('stable path of this file in this snapshot'),
  rows: z.number(),
  bytes: z.number(),
  sha256: z.string().describe('hex SHA-256 of the file'),
});

export const snapshotManifestSchema = z
  .object({
    id: z.string().describe('the snapshot, named by the time it was taken (YYYYMMDDTHHMMSSZ)'),
    created_at: z.string(),
    format: z.literal('parquet'),
    writer: z.string().describe('the library that wrote the files'),
    licence: z.object({ id: z.string(), name: z.string(), url: z.string() }),
    datasheet: z.string().describe('where every column is described'),
    files: z.array(snapshotFileSchema),
  })
  .meta({ id: 'SnapshotManifest' });

export const snapshotListSchema = z.object({ snapshots: z.array(snapshotManifestSchema) }).meta({ id: 'SnapshotList' });

export type SnapshotManifest = z.infer<typeof snapshotManifestSchema>;

export const snapshotParamsSchema = z.object({
  id: z.string().regex(/^(latest|\d{8}T\d{6}Z)$/, 'must be a snapshot id (YYYYMMDDTHHMMSSZ) or latest'),
  file: z.enum(['records.parquet', 'ideas.parquet', 'evidence.parquet', 'manifest.json', 'SHA256SUMS']),
});

const savedTotalsSchema = z.object({
  warned: z.number().describe('checks that warned (warning: true)'),
  followed: z.number().describe('warned checks from a known key: the only ones whose outcome can be seen'),
  skipped: z.number().describe('warned, and the same key published no record of that change within the window'),
  pending: z.number().describe('warned, nothing published yet, and the window still open'),
  ran_anyway: z.number().describe('warned, and the same key published that change within the window'),
  ran_failed: z.number().describe('of those, how many were not kept (discard or crash)'),
  avoided_gpu_seconds: z.number().describe('Σ over skipped warnings of the harness’s time budget (seconds)'),
  precision: z
    .number()
    .nullable()
    .describe('ran_failed / ran_anyway: how often a warning that was ignored proved right; null before any ran'),
});

export const savedTimeSchema = z
  .object({
    window_s: z.number().describe('how long after a warning a publication of the same change counts as running it anyway'),
    rule: z.string(),
    totals: savedTotalsSchema,
    harnesses: z.array(
      savedTotalsSchema.extend({ harness_key: z.string().nullable(), harness_name: z.string().nullable(), time_budget_s: z.number() }),
    ),
  })
  .meta({ id: 'SavedTime' });

export type SavedTime = z.infer<typeof savedTimeSchema>;
