// `crossfork import`: every row of a fork's results.tsv, with what git still holds, published once.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Context } from '../lib/context.ts';
import { CliError } from '../lib/errors.ts';
import { prepareImport, queueNewRows, type ImportOptions, type QueuedRows } from '../lib/import-rows.ts';
import { queuedMessage } from '../lib/outbox.ts';
import { deliverWithProgress } from '../lib/publish.ts';
import { result } from '../lib/result.ts';

interface Opts extends ImportOptions {
  results?: string;
  dryRun?: boolean;
}

export default async function importCommand(ctx: Context, _args: unknown[], opts: Opts) {
  const file = resolve(opts.results ?? join(opts.repo, 'results.tsv'));
  const text = readResults(file);
  const prepared = await prepareImport(ctx, opts);
  // Delivery below sends the whole outbox: leftovers of earlier commands go first.
  const q = await queueNewRows(ctx, prepared, text, !opts.dryRun);
  if (q.fileProblem) throw new CliError(`${file}: ${q.fileProblem}; nothing was published`);
  if (q.rows + q.problems.length === 0) throw new CliError(`${file}: ${noRows(text)}; nothing was published`);
  if (q.assumedHarness > 0 && prepared.harness.note) ctx.log(prepared.harness.note);
  for (const n of q.notes) ctx.log(n);
  const base = {
    results: file,
    fork: prepared.fork,
    hardware: prepared.ctx.hardware,
    git: prepared.ctx.gitAvailable,
    rows: q.rows,
    already_published: q.already,
    problems: q.problems,
    skipped: q.skipped,
    notes: q.notes,
    harness: { id: prepared.harness.id, source: prepared.harness.source, known: prepared.harness.known, rows_assumed: q.assumedHarness },
  };
  // Rows were there, none could be published and none had been: a failure, not a quiet success.
  const nothing = q.records.length === 0 && q.already === 0 && q.withheld === 0;
  const lines: string[] = [];
  for (const p of q.problems) lines.push(`line ${p.line}: skipped, ${p.reason}`);
  for (const s of q.skipped) lines.push(`line ${s.line}: skipped, ${s.reason}`);
  if (opts.dryRun) return { ...dryRun(file, q, base, lines), exitCode: nothing ? 1 : 0 };
  if (nothing) {
    for (const l of lines) ctx.log(l);
    throw new CliError(noneCanBePublished(file, q));
  }
  return deliver(ctx, file, q, base, lines);
}

function readResults(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    throw new CliError(
      `cannot read ${file}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file (pass --results FILE or --repo DIR)' : (err as Error).message}`,
    );
  }
}

/** What would be published: signed and sent nothing. */
function dryRun(file: string, q: QueuedRows, base: object, lines: string[]) {
  const fromGit = q.records.filter((r) => r.git.commit).length;
  const withDiff = q.records.filter((r) => r.git.diff).length;
  const records = q.records.map((r) => ({
    line: r.row.line,
    status: r.payload.status,
    val_bpb: r.payload.metrics.val_bpb,
    commit: r.payload.commit,
    diff: r.git.diff,
    parent_val_bpb: r.payload.parent?.val_bpb ?? null,
    harness_id: r.payload.harness.id,
    description: r.payload.description,
  }));
  lines.unshift(
    `${file}: ${q.rows} rows, ${q.problems.length + q.skipped.length} skipped, ${q.already} already published; ${records.length} would be published (${fromGit} with their commit in git, ${withDiff} with a train.py diff). Dry run: nothing signed or sent.`,
  );
  return result({ ...base, dry_run: true, would_publish: records.length, records }, lines.join('\n'));
}

/** The failure when every row was refused: the first reasons, in one line. */
function noneCanBePublished(file: string, q: QueuedRows): string {
  const reasons = [...q.problems, ...q.skipped]
    .slice(0, 3)
    .map((p) => `line ${p.line}: ${p.reason}`)
    .join('; ');
  return `${file}: none of its ${q.rows + q.problems.length} rows can be published (${reasons}${q.problems.length + q.skipped.length > 3 ? '; …' : ''}); nothing was published`;
}

/** Sends the outbox (this import's records and any left over) and says what the server did with them. */
async function deliver(ctx: Context, file: string, q: QueuedRows, base: object, lines: string[]) {
  const fromGit = q.records.filter((r) => r.git.commit).length;
  const withDiff = q.records.filter((r) => r.git.diff).length;
  const report = await deliverWithProgress(ctx, 'importing');
  const queued = queuedMessage(report);
  lines.unshift(
    `${file}: ${q.rows} rows. Published ${report.created} new record${report.created === 1 ? '' : 's'}` +
      (report.duplicate ? ` (${report.duplicate} the server already had)` : '') +
      `; ${q.already} already published; ${q.problems.length + q.skipped.length + report.rejected.length} skipped.` +
      (q.records.length ? ` ${fromGit} of ${q.records.length} new rows had their commit in git, ${withDiff} with a train.py diff.` : ''),
  );
  for (const r of report.rejected) lines.push(`refused by the server: ${r.description.slice(0, 60)}: ${r.reason}`);
  if (queued) lines.push(queued);
  // With --json stdout holds only the document; the queue is still said, on stderr.
  if (queued && ctx.json) ctx.log(queued);
  return result(
    {
      ...base,
      dry_run: false,
      queued_now: q.records.length,
      published: { created: report.created, duplicate: report.duplicate },
      rejected: report.rejected,
      queued: report.queued,
      outbox: report.outbox,
      server_error: report.error,
    },
    lines.join('\n'),
  );
}

/** Why a file without a single experiment row publishes nothing. */
function noRows(text: string): string {
  const what = text.trim() === '' ? 'the file is empty' : 'it has no experiment rows, only a header (or dividers)';
  return `${what}: there is nothing to publish until the loop logs a row per experiment (commit, val_bpb, memory_gb, status, description)`;
}
