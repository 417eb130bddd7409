// `crossfork publish`: one experiment from flags or a run.log, for agents to call after each run.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseResultsTsv, type ResultsRow } from '../../server/protocol/results-tsv.ts';
import type { Context } from '../lib/context.ts';
import { CliError, usageError } from '../lib/errors.ts';
import { git } from '../lib/git.ts';
import { commitKey, prepareImport, type ImportOptions } from '../lib/import-rows.ts';
import { queuedMessage } from '../lib/outbox.ts';
import { deliverWithProgress, signAll } from '../lib/publish.ts';
import { buildRecords } from '../lib/records.ts';
import { readArgFile } from '../lib/read-file.ts';
import { result } from '../lib/result.ts';
import { parseRunLog } from '../lib/run-log.ts';
import { shortRun } from '../run/short-run.ts';
import { loadSigner } from '../lib/signer.ts';

interface Opts extends ImportOptions {
  publishShortRuns?: boolean;
  description?: string;
  status?: 'keep' | 'discard' | 'crash';
  valBpb?: string;
  runLog?: string;
  commit?: string;
  parentValBpb?: string;
}

const num = (flag: string, v: string | undefined) => {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!(n > 0)) throw usageError(`${flag} must be a positive number`);
  return n;
};

export default async function publish(ctx: Context, _args: unknown[], opts: Opts) {
  if (!opts.description?.trim()) throw usageError('--description is required: what the experiment tried');
  const log = opts.runLog ? parseRunLog(readArgFile(opts.runLog, 'the run log')) : null;
  const valBpb = num('--val-bpb', opts.valBpb) ?? log?.val_bpb ?? null;
  const status = opts.status ?? (valBpb === null || log?.crashed ? 'crash' : undefined);
  if (!status) throw usageError('--status is required (keep or discard) when the run produced a val_bpb');
  if (status !== 'crash' && valBpb === null)
    throw new CliError(`status ${status} needs a val_bpb: pass --val-bpb or a --run-log that has one`);
  const signer = loadSigner(ctx.config);
  const prepared = await prepareImport(ctx, opts);
  const commitArg = opts.commit ?? (prepared.ctx.gitAvailable ? (await git(prepared.repo, ['rev-parse', 'HEAD']))?.trim() : undefined);
  if (commitArg !== undefined && !/^[0-9a-fA-F]{4,64}$/.test(commitArg)) throw usageError('--commit must be a hex commit hash');
  const commit = commitArg?.toLowerCase() ?? null;

  const row: ResultsRow = {
    line: 0,
    commit,
    val_bpb: status === 'crash' ? null : valBpb,
    memory_gb: log?.peak_vram_mb ? log.peak_vram_mb / 1024 : null,
    status,
    description: opts.description.trim(),
    raw: {},
    status_raw: status,
    metrics: {
      mfu_percent: log?.mfu_percent ?? null,
      num_steps: log?.num_steps ?? null,
      num_params_m: log?.num_params_m ?? null,
      total_tokens_m: log?.total_tokens_m ?? null,
      training_seconds: log?.training_seconds ?? null,
    },
  };
  // The experiment just ran: without a commit date, now is its (known) time. Memory came from run.log in MB.
  const { records, skipped, notes, assumedHarness } = await buildRecords([row], {
    ...prepared.ctx,
    timeIsNow: true,
    memoryUnit: prepared.ctx.memoryUnit ?? 'gb',
    initialBest: history(prepared.repo, commit, num('--parent-val-bpb', opts.parentValBpb)),
  });
  if (records.length === 0) throw new CliError(`nothing to publish: ${skipped[0]?.reason ?? 'the record is invalid'}`);
  if (assumedHarness > 0 && prepared.harness.note) ctx.log(prepared.harness.note);
  for (const n of notes) ctx.log(n);
  const payload = records[0].payload;
  if (log) payload.metrics = { ...payload.metrics, peak_vram_mb: log.peak_vram_mb, total_seconds: log.total_seconds };
  // The same guard as `crossfork run`: a run shorter than its harness's budget does not compare with full runs.
  const short = log && !opts.publishShortRuns ? shortRun(log, payload.harness.time_budget_s, {}) : null;
  if (short) throw new CliError(`not published: ${short}; pass --publish-short-runs to publish it anyway`);

  const [signed] = await signAll([payload], signer);
  ctx.outbox.add([signed.envelope]);
  if (payload.commit) prepared.ledger.add([{ key: commitKey(payload.commit, payload.status), id: signed.id, line: 0 }]);
  const report = await deliverWithProgress(ctx);
  const delivered = report.created + report.duplicate > 0 && report.queued === 0;
  const lines = [
    report.queued > 0
      ? `record ${signed.id.slice(0, 12)} not sent yet`
      : `published record ${signed.id.slice(0, 12)} (${payload.status}${payload.metrics.val_bpb ? `, val_bpb ${payload.metrics.val_bpb}` : ''})`,
  ];
  for (const r of report.rejected) lines.push(`refused by the server: ${r.reason}`);
  const q = queuedMessage(report);
  if (q) lines.push(q);
  // With --json stdout holds only the document; the queue is still said, on stderr.
  if (q && ctx.json) ctx.log(q);
  return {
    ...result(
      {
        id: signed.id,
        delivered,
        queued: report.queued,
        outbox: report.outbox,
        rejected: report.rejected,
        server_error: report.error,
        payload,
      },
      lines.join('\n'),
    ),
    exitCode: report.rejected.some((r) => r.id === signed.id) ? 1 : 0,
  };
}

/** The best keep in the fork's results.tsv (other than this commit's own row): the parent's val_bpb. */
function history(repo: string, commit: string | null, override: number | undefined) {
  const file = join(repo, 'results.tsv');
  const rows = existsSync(file) ? parseResultsTsv(readFileSync(file, 'utf8')).rows : [];
  let best: { val_bpb: number | null; commit: string | null } = { val_bpb: null, commit: null };
  for (const r of rows) {
    if (r.status !== 'keep' || r.val_bpb === null || (commit && r.commit && commit.startsWith(r.commit))) continue;
    if (best.val_bpb === null || r.val_bpb < best.val_bpb) best = { val_bpb: r.val_bpb, commit: r.commit };
  }
  return override === undefined ? best : { ...best, val_bpb: override };
}
