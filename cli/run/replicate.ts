// Replicating a published record in your own fork: rebuild the train.py it ran (its commit, else
// its parent's train.py found by SHA-256 in this repository's history plus its diff), commit it,
// train, reset the fork back, and publish a record that says `replicates`. Used by
// `crossfork replicate` and `crossfork run --replicate-every`.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { RecordView } from '../../server/protocol/api.schema.ts';
import { clipDescription } from '../../server/protocol/description.ts';
import { describeHardware } from '../../server/protocol/hardware-class.ts';
import { harnessKeyOf, knownHarness } from '../../server/protocol/harnesses.ts';
import { RECORD_SCHEMA, recordPayloadSchema, type Hardware, type RecordPayload } from '../../server/protocol/record.schema.ts';
import { describeIssues, fieldIssues } from '../../server/protocol/issues.ts';
import type { Context } from '../lib/context.ts';
import { CliError } from '../lib/errors.ts';
import { catFiles, git, topLevel } from '../lib/git.ts';
import { harnessLabel, resolveHarness, type HarnessFlags } from '../lib/harness.ts';
import { describeFork } from '../lib/fork.ts';
import { signAll } from '../lib/publish.ts';
import { timeBudget } from '../lib/records.ts';
import { loadSigner } from '../lib/signer.ts';
import { shortRun } from './short-run.ts';
import { train, type TrainResult } from './trainer.ts';

const exec = promisify(execFile);
const sha256 = (b: string | Buffer) => createHash('sha256').update(b).digest('hex');
/** A replication interrupted between its commit and the reset leaves this file: the next one undoes it. */
const STATE = '.crossfork-replicate.json';
/** Commits of train.py searched for the parent's content (by SHA-256), newest first. */
const HISTORY_LIMIT = 2000;

export interface ReplicateOptions {
  repo: string;
  id: string;
  trainCmd: string;
  timeoutS: number;
  hardware: Hardware;
  harnessFlags?: HarnessFlags;
  agentModel?: string | null;
  forkFlags?: { forkId?: string; forkUrl?: string };
  publishShortRuns?: boolean;
}

export interface Replication {
  id: string | null;
  replicates: string;
  original: { val_bpb: number | null; hardware_class: string; status: string; description: string };
  status: 'keep' | 'discard' | 'crash';
  val_bpb: number | null;
  /** This run's val_bpb minus the original's. */
  difference: number | null;
  hardware_class: string;
  /** How the train.py was rebuilt. */
  source: 'commit' | 'parent+diff';
  training_seconds: number;
  published: boolean;
  queued: number;
  /** Why it was not published (a short run), or null. */
  withheld: string | null;
  rejected: string | null;
  interrupted: boolean;
  notes: string[];
}

/** Checks that `repo` is a git repository of its own with a clean train.py (it commits and resets there). */
export async function assertOwnFork(repo: string, what: string): Promise<void> {
  if (!existsSync(join(repo, 'train.py'))) throw new CliError(`no train.py in ${repo}: run in an autoresearch-shaped repository`);
  if ((await git(repo, ['rev-parse', 'HEAD'])) === null) throw new CliError(`${repo} is not a git repository with a commit`);
  const top = await topLevel(repo);
  if (top && realpathSync(top) !== realpathSync(repo)) {
    throw new CliError(
      `${repo} is a folder inside the git repository ${top}, not a fork of its own: \`${what}\` commits and runs \`git reset --hard\` in it; copy it into a repository of its own first`,
    );
  }
  if ((await git(repo, ['status', '--porcelain', '--', 'train.py']))?.trim())
    throw new CliError('train.py has uncommitted changes: commit or stash them first');
}

/** Undoes a replication commit left behind by a crash of crossfork itself. */
export async function recoverReplication(repo: string): Promise<void> {
  const path = join(repo, STATE);
  if (!existsSync(path)) return;
  const { pending_commit } = JSON.parse(readFileSync(path, 'utf8')) as { pending_commit: string };
  if ((await git(repo, ['rev-parse', 'HEAD']))?.trim() === pending_commit) await git(repo, ['reset', '-q', '--hard', 'HEAD~1']);
  rmSync(path, { force: true });
}

/** The train.py the record ran, from this repository's objects. */
export async function rebuildTrainPy(repo: string, p: RecordPayload): Promise<{ text: string; source: Replication['source'] }> {
  if (p.commit) {
    const [own] = await catFiles(repo, [`${p.commit}:train.py`]);
    if (own?.content && own.type === 'blob') return { text: own.content.toString('utf8'), source: 'commit' };
  }
  if (!p.diff) {
    throw new CliError(
      `cannot rebuild the train.py it ran: its commit ${p.commit ?? '(none)'} is not in this repository and it published no diff`,
    );
  }
  const parent = await parentTrainPy(repo, p);
  const dir = mkdtempSync(join(tmpdir(), 'crossfork-replicate-'));
  try {
    writeFileSync(join(dir, 'train.py'), parent);
    writeFileSync(join(dir, 'change.diff'), p.diff.endsWith('\n') ? p.diff : `${p.diff}\n`);
    try {
      // Outside any repository `git apply` is a plain patch tool; the diff names a/train.py, b/train.py.
      await exec('git', ['apply', '--whitespace=nowarn', '--include=train.py', 'change.diff'], {
        cwd: dir,
        env: { ...process.env, GIT_DIR: join(dir, '.no-git'), GIT_CEILING_DIRECTORIES: dir },
      });
    } catch (err) {
      throw new CliError(
        `its diff does not apply to its parent's train.py: ${
          String((err as { stderr?: string }).stderr ?? err)
            .trim()
            .split('\n')[0]
        }`,
      );
    }
    const text = readFileSync(join(dir, 'train.py'), 'utf8');
    if (text === parent) throw new CliError('its diff changes nothing in train.py');
    return { text, source: 'parent+diff' };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The parent's train.py: at its commit when that is here, else any version of train.py in this history with its SHA-256. */
async function parentTrainPy(repo: string, p: RecordPayload): Promise<string> {
  const want = p.parent?.train_py_sha256 ?? null;
  if (p.parent?.commit) {
    const [obj] = await catFiles(repo, [`${p.parent.commit}:train.py`]);
    if (obj?.content && obj.type === 'blob' && (want === null || sha256(obj.content) === want)) return obj.content.toString('utf8');
  }
  if (want === null)
    throw new CliError(
      `cannot rebuild its parent's train.py: its parent commit ${p.parent?.commit ?? '(none)'} is not in this repository and the record gives no SHA-256 of it`,
    );
  const current = readFileSync(join(repo, 'train.py'));
  if (sha256(current) === want) return current.toString('utf8');
  const commits = ((await git(repo, ['rev-list', `--max-count=${HISTORY_LIMIT}`, '--all', '--', 'train.py'])) ?? '')
    .split('\n')
    .filter(Boolean);
  for (const obj of await catFiles(
    repo,
    commits.map((c) => `${c}:train.py`),
  )) {
    if (obj.content && obj.type === 'blob' && sha256(obj.content) === want) return obj.content.toString('utf8');
  }
  throw new CliError(
    `cannot rebuild its parent's train.py (sha256 ${want.slice(0, 12)}…): no commit of this repository has it; fetch the fork it came from (git fetch URL) and try again`,
  );
}

/** Replicates one record: see the file header. Never leaves the fork changed (the commit is reset away). */
export async function replicate(ctx: Context, o: ReplicateOptions, signal?: AbortSignal): Promise<Replication> {
  await recoverReplication(o.repo);
  await assertOwnFork(o.repo, 'crossfork replicate');
  const rec: RecordView = await ctx.client.record(o.id);
  const p = rec.payload;
  const { harness, hardwareClass, notes } = comparable(rec, o);
  const rebuilt = await rebuildTrainPy(o.repo, p);
  const { commit, t } = await trainRebuilt(o, rec, rebuilt.text, signal);
  const base: Replication = {
    id: null,
    replicates: rec.id,
    original: { val_bpb: p.metrics.val_bpb, hardware_class: rec.hardware_class, status: p.status, description: p.description },
    status: 'crash',
    val_bpb: null,
    difference: null,
    hardware_class: hardwareClass,
    source: rebuilt.source,
    training_seconds: t.seconds,
    published: false,
    queued: 0,
    withheld: null,
    rejected: null,
    interrupted: t.aborted,
    notes,
  };
  if (t.aborted) return base;

  const val = t.crash ? null : t.log.val_bpb;
  const parentVal = p.parent?.val_bpb ?? null;
  // As autoresearch would have decided it: kept when it beats the parent (a first row is kept).
  const status: Replication['status'] = val === null ? 'crash' : parentVal === null || val < parentVal ? 'keep' : 'discard';
  const prepare = existsSync(join(o.repo, 'prepare.py')) ? readFileSync(join(o.repo, 'prepare.py'), 'utf8') : null;
  const budgetS = timeBudget(prepare) ?? knownHarness(harness.id)?.time_budget_s ?? 300;
  const payload = await replicationPayload(o, rec, { commit, t, status, harnessId: harness.id, budgetS });
  const result: Replication = {
    ...base,
    status,
    val_bpb: val,
    difference: val !== null && p.metrics.val_bpb !== null ? round(val - p.metrics.val_bpb) : null,
  };
  const short = o.publishShortRuns ? null : shortRun(t.log, budgetS, process.env);
  if (short) return { ...result, withheld: short };
  return { ...result, ...(await publishReplication(ctx, payload)) };
}

/** Refuses a record measured on another harness; notes when this machine's class cannot confirm it. */
function comparable(rec: RecordView, o: ReplicateOptions) {
  const p = rec.payload;
  const notes: string[] = [];
  const harness = resolveHarness(o.repo, o.harnessFlags);
  if (harnessKeyOf(harness.id) !== harnessKeyOf(p.harness.id)) {
    throw new CliError(
      `record ${rec.id.slice(0, 12)} was measured on harness ${harnessLabel(p.harness.id)}; this fork's is ${harnessLabel(harness.id)}: val_bpb does not compare, so it cannot be replicated here`,
    );
  }
  const hardwareClass = describeHardware(o.hardware).class;
  if (hardwareClass !== rec.hardware_class)
    notes.push(
      `it ran on ${rec.hardware_class}, this machine is ${hardwareClass}: the replication counts as evidence, but only a run on ${rec.hardware_class} can confirm it`,
    );
  return { harness, hardwareClass, notes };
}

/** Commits the rebuilt train.py (when it differs), trains it, and resets the fork back whatever happens. */
async function trainRebuilt(o: ReplicateOptions, rec: RecordView, text: string, signal?: AbortSignal) {
  const trainPath = join(o.repo, 'train.py');
  const before = readFileSync(trainPath, 'utf8');
  let committed = false;
  if (text !== before) {
    writeFileSync(trainPath, text);
    const message = `replicate ${rec.id.slice(0, 12)}: ${rec.payload.description.slice(0, 200)}`;
    if ((await git(o.repo, ['commit', '-q', '-m', message, '--', 'train.py'])) === null) {
      await git(o.repo, ['checkout', '--', 'train.py']);
      throw new CliError('git commit failed');
    }
    committed = true;
  }
  const commit = ((await git(o.repo, ['rev-parse', 'HEAD'])) ?? '').trim();
  if (committed) writeFileSync(join(o.repo, STATE), JSON.stringify({ pending_commit: commit, replicates: rec.id }));
  try {
    return { commit, t: await train(o.repo, o.trainCmd, o.timeoutS, signal) };
  } finally {
    if (committed) await git(o.repo, ['reset', '-q', '--hard', 'HEAD~1']);
    rmSync(join(o.repo, STATE), { force: true });
  }
}

/** The replication's record: the original's idea, diff and parent, this run's metrics, machine and fork; checked. */
async function replicationPayload(
  o: ReplicateOptions,
  rec: RecordView,
  run: { commit: string; t: TrainResult; status: Replication['status']; harnessId: string; budgetS: number },
): Promise<RecordPayload> {
  const p = rec.payload;
  const { t } = run;
  const fork = await describeFork(o.repo, { forkId: o.forkFlags?.forkId, forkUrl: o.forkFlags?.forkUrl });
  const description = clipDescription(t.crash ? `${p.description} [crash: ${t.crash}]` : p.description).text;
  const payload = {
    schema: RECORD_SCHEMA,
    created_at: new Date().toISOString(),
    replicates: rec.id,
    description,
    status: run.status,
    diff: p.diff,
    parent: p.parent,
    commit: run.commit,
    metrics: {
      val_bpb: t.crash ? null : t.log.val_bpb,
      peak_vram_mb: t.log.peak_vram_mb,
      training_seconds: t.log.training_seconds,
      total_seconds: t.log.total_seconds,
      mfu_percent: t.log.mfu_percent,
      total_tokens_m: t.log.total_tokens_m,
      num_steps: t.log.num_steps,
      num_params_m: t.log.num_params_m,
    },
    harness: { id: run.harnessId, name: p.harness.name, time_budget_s: run.budgetS },
    hardware: o.hardware,
    agent: { model: o.agentModel ?? null, tool: 'crossfork replicate' },
    fork,
  };
  const valid = recordPayloadSchema.safeParse(payload);
  if (!valid.success) throw new CliError(`the replication's record is invalid: ${describeIssues(fieldIssues(valid.error, 'payload'))}`);
  return valid.data;
}

/** Signs, queues and delivers the record; published only when the server took it. */
async function publishReplication(ctx: Context, payload: RecordPayload) {
  const [signed] = await signAll([payload], loadSigner(ctx.config));
  ctx.outbox.add([signed.envelope]);
  const report = await ctx.outbox.deliver(ctx.client).catch(() => null);
  const rejected = report?.rejected.find((r) => r.id === signed.id)?.reason ?? null;
  return {
    id: signed.id,
    published: Boolean(report) && !rejected && report!.queued === 0,
    queued: ctx.outbox.pending(),
    rejected,
  };
}

const round = (x: number) => Math.round(x * 1e6) / 1e6;
