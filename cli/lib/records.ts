// Building `crossfork.record/v1` payloads from results.tsv rows and the fork's git objects:
// the diff of train.py against the parent commit, both SHA-256s, parent val_bpb, harness id,
// the commit's date (else the row order, marked time_unknown), memory in the right unit.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { clipDescription } from '../../server/protocol/description.ts';
import { knownHarness } from '../../server/protocol/harnesses.ts';
import { LIMITS } from '../../server/protocol/limits.ts';
import { describeIssues, fieldIssues } from '../../server/protocol/issues.ts';
import { recordPayloadSchema, type Hardware, type RecordPayload } from '../../server/protocol/record.schema.ts';
import { rowPayload } from '../../server/protocol/results-payload.ts';
import type { ResultsRow } from '../../server/protocol/results-tsv.ts';
import { catFiles, diffsAgainstParent, resolveCommits, type CommitInfo } from './git.ts';
import { memoryUnit, type MemoryUnit } from './memory-unit.ts';

export interface BuildContext {
  repo: string;
  gitAvailable: boolean;
  hardware: Hardware;
  fork: RecordPayload['fork'];
  agent: RecordPayload['agent'];
  /** `id`: chosen by flag (wins over prepare.py); `assumed`: used when no prepare.py is at hand (the fork's unknown harness). */
  harness: { id?: string; assumed?: string; name: string; timeBudgetS?: number };
  /** The clock: rows whose time is unknown are placed just before it, in file order. */
  now: () => string;
  /** `publish`: a row without a time of its own ran just now, so now is its (known) time. */
  timeIsNow?: boolean;
  /** --memory-unit: how to read the memory_gb column (default: decided against the device's memory). */
  memoryUnit?: MemoryUnit;
  /** Metrics known beyond the row (`crossfork run` keeps each commit's run.log summary). */
  extraMetrics?: (row: ResultsRow) => Partial<RecordPayload['metrics']> | null;
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

export interface Skipped {
  line: number;
  reason: string;
  description: string;
}

export interface Built {
  records: BuiltRecord[];
  skipped: Skipped[];
  /** Things done to the rows that the user should hear about (memory read as MB, descriptions cut, harness assumed). */
  notes: string[];
  /** Why none of the file can be published (e.g. a memory column in no plausible unit); records is then empty. */
  fileProblem: string | null;
  /** Rows that took the assumed harness id (no prepare.py at hand). */
  assumedHarness: number;
}

const sha256 = (b: Uint8Array | string) => createHash('sha256').update(b).digest('hex');

export function timeBudget(prepare: string | null): number | null {
  // `TIME_BUDGET = 300`, or `TIME_BUDGET = 15 if SMOKE else 300` (the real budget is the else).
  const m = prepare && /^TIME_BUDGET\s*=\s*(?:\d+(?:\.\d+)?\s+if\s+[^\n]+?\s+else\s+)?(\d+(?:\.\d+)?)/m.exec(prepare);
  return m ? Number(m[1]) : null;
}

/** Builds one payload per row (in file order); rows that cannot make a valid record are skipped with a reason. */
export async function buildRecords(rows: ResultsRow[], ctx: BuildContext): Promise<Built> {
  const unit = memoryUnit(rows, ctx.hardware, ctx.memoryUnit);
  if (unit.problem) return { records: [], skipped: [], notes: [], fileProblem: unit.problem, assumedHarness: 0 };
  const notes = unit.note ? [unit.note] : [];
  const objects = await gitObjects(rows, ctx);
  const records: BuiltRecord[] = [];
  const skipped: Skipped[] = [];
  const times: { at: string | null; payload: { created_at: string; time_unknown?: true } }[] = [];
  let assumed = 0;
  const clipped: number[] = [];
  // The parent of each row: the best kept result before it.
  const best = { val_bpb: ctx.initialBest?.val_bpb ?? null, commit: ctx.initialBest?.commit ?? null };
  for (const row of rows) {
    const r = rowRecord(row, ctx, objects, unit.unit, best);
    if (row.status === 'keep' && row.val_bpb !== null) {
      best.val_bpb = best.val_bpb === null ? row.val_bpb : Math.min(best.val_bpb, row.val_bpb);
      best.commit = row.commit;
    }
    if (!r.harnessId) {
      skipped.push({
        line: row.line,
        description: row.description,
        reason: 'no prepare.py in git or in the working tree, so the harness id is unknown (pass --harness NAME or --harness-id)',
      });
      continue;
    }
    const valid = recordPayloadSchema.safeParse(r.payload);
    if (!valid.success) {
      skipped.push({ line: row.line, description: row.description, reason: describeIssues(fieldIssues(valid.error, 'payload')) });
      continue;
    }
    if (!ctx.harness.id && !r.ownId) assumed++;
    if (r.clipped) clipped.push(row.line);
    times.push({ at: r.time, payload: valid.data });
    records.push({
      row,
      payload: valid.data,
      git: { commit: r.info !== null, diff: r.diff !== null },
      train_py_sha256: r.ownTrain ? (objects.blobHash.get(r.ownTrain) ?? null) : null,
    });
  }
  placeUnknownTimes(times, ctx.now());
  if (clipped.length) notes.push(clippedNote(clipped));
  return { records, skipped, notes, fileProblem: null, assumedHarness: assumed };
}

/** What git holds for the rows: each commit, its prepare.py and train.py and its parent's (each blob read once), its diff. */
interface GitObjects {
  infos: Map<string, CommitInfo | null>;
  /** `<commit>:<file>` → blob id. */
  blobOf: Map<string, string | null | undefined>;
  blobs: Map<string, Buffer>;
  blobHash: Map<string, string>;
  diffs: Map<string, string>;
  /** prepare.py in the working tree, for rows git knows nothing of. */
  worktreePrepare: string | null;
}

async function gitObjects(rows: ResultsRow[], ctx: BuildContext): Promise<GitObjects> {
  const infos: Map<string, CommitInfo | null> = ctx.gitAvailable
    ? await resolveCommits(
        ctx.repo,
        rows.flatMap((r) => (r.commit ? [r.commit] : [])),
      )
    : new Map();
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
  return { infos, blobOf, blobs, blobHash, diffs, worktreePrepare };
}

/** One row's payload (not yet checked), with what went into it. */
function rowRecord(
  row: ResultsRow,
  ctx: BuildContext,
  g: GitObjects,
  unit: MemoryUnit,
  best: { val_bpb: number | null; commit: string | null },
) {
  const info = row.commit ? (g.infos.get(row.commit) ?? null) : null;
  const prepareBlob = info ? g.blobOf.get(`${info.oid}:prepare.py`) : null;
  const prepare = prepareBlob ? (g.blobs.get(prepareBlob)?.toString('utf8') ?? null) : g.worktreePrepare;
  const ownId = prepareBlob ? g.blobHash.get(prepareBlob) : g.worktreePrepare !== null ? sha256(g.worktreePrepare) : undefined;
  const harnessId = ctx.harness.id ?? ownId ?? ctx.harness.assumed;
  const known = harnessId ? knownHarness(harnessId) : null;
  const parentTrain = info?.parent ? g.blobOf.get(`${info.parent}:train.py`) : null;
  const ownTrain = info ? g.blobOf.get(`${info.oid}:train.py`) : null;
  let diff = info ? (g.diffs.get(info.oid) ?? null) : null;
  // A diff over the limit is sent as null rather than losing the row.
  if (diff !== null && Buffer.byteLength(diff) > LIMITS.diffBytes) diff = null;
  const time = info?.committedAt ?? timestampColumn(row) ?? (ctx.timeIsNow ? ctx.now() : null);
  const extra = ctx.extraMetrics?.(row) ?? null;
  // A memory of 0 is not a reading: no peak_vram_mb then.
  const memoryGb = unit === 'none' || !row.memory_gb ? null : unit === 'mb' ? row.memory_gb / 1024 : row.memory_gb;
  const payload = rowPayload(row, {
    created_at: time ?? ctx.now(),
    diff,
    parent:
      info?.parent || best.val_bpb !== null || best.commit
        ? {
            train_py_sha256: parentTrain ? (g.blobHash.get(parentTrain) ?? null) : null,
            commit: info?.parent ?? best.commit,
            val_bpb: best.val_bpb,
          }
        : null,
    commit: info?.oid ?? row.commit,
    memoryGb,
    extraMetrics: definedOnly(extra),
    harness: {
      id: harnessId ?? '',
      name: ctx.harness.name,
      time_budget_s: ctx.harness.timeBudgetS ?? timeBudget(prepare) ?? known?.time_budget_s ?? 300,
    },
    hardware: ctx.hardware,
    agent: ctx.agent,
    fork: ctx.fork,
  });
  return { payload, info, harnessId, ownId, ownTrain, diff, time, clipped: clipDescription(row.description).clipped };
}

/** The note on descriptions cut to the limit, with their lines. */
function clippedNote(clipped: number[]): string {
  const at = clipped.filter((l) => l > 0);
  const where = at.length ? ` (line${at.length === 1 ? '' : 's'} ${at.slice(0, 10).join(', ')}${at.length > 10 ? ', …' : ''})` : '';
  return `${clipped.length === 1 ? 'a description' : `${clipped.length} descriptions`} longer than ${LIMITS.descriptionChars} characters${where}: published cut to ${LIMITS.descriptionChars}, ending in "…"`;
}

/**
 * Rows whose time nobody knows keep their place: just after the row before them that has a time
 * (1 ms apart), else just before the next one, else just before now; and they say time_unknown.
 */
export function placeUnknownTimes(rows: { at: string | null; payload: { created_at: string; time_unknown?: true } }[], now: string): void {
  const ms = (t: string) => Date.parse(t);
  let prev: number | null = null;
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i];
    if (r.at !== null) {
      prev = ms(r.at);
      continue;
    }
    if (prev === null) {
      // Leading rows without a time: count back from the first known time, else from now.
      let j = i;
      while (j < rows.length && rows[j].at === null) j++;
      prev = (j < rows.length ? ms(rows[j].at!) : ms(now)) - (j - i) - 1;
    }
    prev += 1;
    r.payload.created_at = new Date(prev).toISOString();
    r.payload.time_unknown = true;
  }
}

/** Only the metrics that have a value (null/undefined leave the row's own). */
function definedOnly(m: Partial<RecordPayload['metrics']> | null): Partial<RecordPayload['metrics']> {
  if (!m) return {};
  return Object.fromEntries(Object.entries(m).filter(([, v]) => v !== null && v !== undefined));
}

function timestampColumn(row: ResultsRow): string | null {
  const cell = row.raw.timestamp ?? row.raw.time ?? row.raw.date ?? row.raw.created_at;
  if (!cell) return null;
  const d = new Date(/^\d{9,10}$/.test(cell) ? Number(cell) * 1000 : cell);
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}
