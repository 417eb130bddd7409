// Building `crossfork.record/v1` payloads from results.tsv rows and the fork's git objects:
// the diff of train.py against the parent commit, both SHA-256s, parent val_bpb, harness id.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LIMITS } from '../../server/protocol/limits.ts';
import { describeIssues, fieldIssues } from '../../server/protocol/issues.ts';
import { RECORD_SCHEMA, recordPayloadSchema, type Hardware, type RecordPayload } from '../../server/protocol/record.schema.ts';
import type { ResultsRow } from '../../server/protocol/results-tsv.ts';
import { catFiles, diffsAgainstParent, resolveCommits } from './git.ts';

export interface BuildContext {
  repo: string;
  gitAvailable: boolean;
  hardware: Hardware;
  fork: RecordPayload['fork'];
  agent: RecordPayload['agent'];
  harness: { id?: string; name: string; timeBudgetS?: number };
  /** created_at for rows whose commit is not in git (remembered by the ledger for later runs). */
  now: () => string;
  /** The best kept result before the first row (publish passes the fork's results.tsv history). */
  initialBest?: { val_bpb: number | null; commit: string | null };
}

export interface BuiltRecord {
  row: ResultsRow;
  payload: RecordPayload;
  /** What came from git: the commit object was found, the train.py diff recovered. */
  git: { commit: boolean; diff: boolean };
  /** The experiment's own train.py SHA-256 (not in the payload, shown by --dry-run). */
  train_py_sha256: string | null;
}

export interface Skipped { line: number; reason: string; description: string }

const sha256 = (b: Uint8Array | string) => createHash('sha256').update(b).digest('hex');

export function timeBudget(prepare: string | null): number | null {
  const m = prepare && /^TIME_BUDGET\s*=\s*(\d+(?:\.\d+)?)/m.exec(prepare);
  return m ? Number(m[1]) : null;
}

/** Builds one payload per row (in file order); rows that cannot make a valid record are skipped with a reason. */
export async function buildRecords(rows: ResultsRow[], ctx: BuildContext): Promise<{ records: BuiltRecord[]; skipped: Skipped[] }> {
  const infos = ctx.gitAvailable ? await resolveCommits(ctx.repo, rows.flatMap((r) => (r.commit ? [r.commit] : []))) : new Map();
  const oids = [...new Set([...infos.values()].filter((i) => i !== null).map((i) => i!.oid))];
  const parents = [...new Set([...infos.values()].flatMap((i) => (i?.parent ? [i.parent] : [])))];
  // Blob ids first, then each distinct blob's content once.
  const names = [...oids.map((o) => `${o}:prepare.py`), ...oids.map((o) => `${o}:train.py`), ...parents.map((p) => `${p}:train.py`)];
  const checks = ctx.gitAvailable ? await catFiles(ctx.repo, names, false) : [];
  const blobOf = new Map(checks.map((c) => [c.name, c.oid]));
  const blobIds = [...new Set(checks.flatMap((c) => (c.oid && c.type === 'blob' ? [c.oid] : [])))];
  const blobs = new Map((await catFiles(ctx.repo, blobIds)).map((b) => [b.oid!, b.content!]));
  const blobHash = new Map([...blobs].map(([k, v]) => [k, sha256(v)]));
  const diffs = ctx.gitAvailable ? await diffsAgainstParent(ctx.repo, oids, 'train.py') : new Map<string, string>();

  let worktreePrepare: string | null = null;
  try {
    worktreePrepare = readFileSync(join(ctx.repo, 'prepare.py'), 'utf8');
  } catch {
    /* not in a fork checkout */
  }

  const records: BuiltRecord[] = [];
  const skipped: Skipped[] = [];
  let bestKept: number | null = ctx.initialBest?.val_bpb ?? null;
  let lastKeptCommit: string | null = ctx.initialBest?.commit ?? null;
  for (const row of rows) {
    const info = row.commit ? infos.get(row.commit) ?? null : null;
    const prepareBlob = info ? blobOf.get(`${info.oid}:prepare.py`) : null;
    const prepare = prepareBlob ? blobs.get(prepareBlob)?.toString('utf8') ?? null : worktreePrepare;
    const harnessId = ctx.harness.id ?? (prepareBlob ? blobHash.get(prepareBlob) : worktreePrepare !== null ? sha256(worktreePrepare) : undefined);
    const parentTrain = info?.parent ? blobOf.get(`${info.parent}:train.py`) : null;
    const ownTrain = info ? blobOf.get(`${info.oid}:train.py`) : null;
    let diff = info ? diffs.get(info.oid) ?? null : null;
    // A diff over the limit is sent as null rather than losing the row.
    if (diff !== null && Buffer.byteLength(diff) > LIMITS.diffBytes) diff = null;
    const payload = {
      schema: RECORD_SCHEMA,
      created_at: info?.committedAt ?? timestampColumn(row) ?? ctx.now(),
      description: clip(row.description, LIMITS.descriptionChars),
      status: row.status,
      diff,
      parent:
        info?.parent || bestKept !== null || lastKeptCommit
          ? { train_py_sha256: parentTrain ? blobHash.get(parentTrain) ?? null : null, commit: info?.parent ?? lastKeptCommit, val_bpb: bestKept }
          : null,
      commit: info?.oid ?? row.commit,
      metrics: {
        val_bpb: row.val_bpb,
        peak_vram_mb: row.memory_gb ? Math.round(row.memory_gb * 1024 * 10) / 10 : null,
        training_seconds: row.metrics.training_seconds,
        total_seconds: null,
        mfu_percent: row.metrics.mfu_percent,
        total_tokens_m: row.metrics.total_tokens_m,
        num_steps: row.metrics.num_steps,
        num_params_m: row.metrics.num_params_m,
      },
      harness: { id: harnessId ?? '', name: ctx.harness.name, time_budget_s: ctx.harness.timeBudgetS ?? timeBudget(prepare) ?? 300 },
      hardware: ctx.hardware,
      agent: ctx.agent,
      fork: ctx.fork,
    };
    if (row.status === 'keep' && row.val_bpb !== null) {
      bestKept = bestKept === null ? row.val_bpb : Math.min(bestKept, row.val_bpb);
      lastKeptCommit = row.commit;
    }
    if (!harnessId) {
      skipped.push({ line: row.line, description: row.description, reason: 'no prepare.py in git or in the working tree, so the harness id is unknown (pass --harness-id)' });
      continue;
    }
    const valid = recordPayloadSchema.safeParse(payload);
    if (!valid.success) {
      skipped.push({ line: row.line, description: row.description, reason: describeIssues(fieldIssues(valid.error, 'payload')) });
      continue;
    }
    records.push({
      row,
      payload: valid.data,
      git: { commit: info !== null, diff: diff !== null },
      train_py_sha256: ownTrain ? blobHash.get(ownTrain) ?? null : null,
    });
  }
  return { records, skipped };
}

function clip(s: string, max: number): string {
  return s.length <= max ? s : `${s.slice(0, max - 1)}…`;
}

function timestampColumn(row: ResultsRow): string | null {
  const cell = row.raw.timestamp ?? row.raw.time ?? row.raw.date ?? row.raw.created_at;
  if (!cell) return null;
  const d = new Date(/^\d{9,10}$/.test(cell) ? Number(cell) * 1000 : cell);
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}
