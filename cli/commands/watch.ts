// `crossfork watch`: follows results.tsv while any agent runs its loop and publishes each new row
// within seconds (the import pipeline; the ledger makes each row go once). A last line still being
// written waits for the rest of it. Stops on SIGINT/SIGTERM.
import { readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseResultsTsv } from '../../server/protocol/results-tsv.ts';
import type { Context } from '../lib/context.ts';
import { CliError, usageError } from '../lib/errors.ts';
import { prepareImport, queueNewRows, type ImportOptions, type Prepared } from '../lib/import-rows.ts';
import { queuedMessage } from '../lib/outbox.ts';
import { result } from '../lib/result.ts';
import { loadSigner } from '../lib/signer.ts';

interface Opts extends ImportOptions {
  results?: string;
  interval: string;
}

interface Totals {
  created: number;
  duplicate: number;
  rejected: number;
  problems: number;
  queued: number;
}

export default async function watch(ctx: Context, _args: unknown[], opts: Opts) {
  const interval = Number(opts.interval);
  if (!(interval >= 50)) throw usageError('--interval must be at least 50 ms');
  loadSigner(ctx.config); // fail now, not at the first row
  const file = resolve(opts.results ?? join(opts.repo, 'results.tsv'));
  const prepared = await prepareImport(ctx, opts);
  const totals: Totals = { created: 0, duplicate: 0, rejected: 0, problems: 0, queued: 0 };
  const looker = new Looker(ctx, prepared, file, totals);
  const stop = new AbortController();
  const onSignal = () => stop.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  ctx.log(`watching ${file} (Ctrl-C to stop)`);
  let lastQueued = 0;
  try {
    while (!stop.signal.aborted) {
      await looker.look();
      if (ctx.outbox.pending() > 0) lastQueued = await deliver(ctx, totals, lastQueued);
      // The timer's abort listener goes with it: no listener piles up on the signal, look after look.
      await sleep(interval, undefined, { signal: stop.signal }).catch(() => {});
    }
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
  const waiting = looker.waiting;
  if (waiting !== null) ctx.log(`line ${waiting}: still incomplete (no end of line) when watching stopped; not published`);
  totals.queued = ctx.outbox.pending();
  const q = queuedMessage({ queued: totals.queued, outbox: ctx.outbox.dir });
  return result(
    { results: file, ...totals, waiting_line: waiting, outbox: ctx.outbox.dir },
    [`stopped watching ${file}: published ${totals.created}, ${totals.problems} lines skipped`, ...(q ? [q] : [])].join('\n'),
  );
}

/** Looks at results.tsv when it changed, queues its new rows, and says each skipped or waiting line once. */
class Looker {
  /** The last line, while it has no end of line and does not read as a whole row. */
  waiting: number | null = null;
  private last = { size: -1, mtime: -1 };
  /** A line was waiting while the file still changed: look once more when it stops. */
  private again = false;
  private reported = new Set<number>();
  private said = new Set<string>();

  constructor(
    private ctx: Context,
    private prepared: Prepared,
    private file: string,
    private totals: Totals,
  ) {}

  async look() {
    const now = fileState(this.file);
    const settled = now.size === this.last.size && now.mtime === this.last.mtime;
    this.last = now;
    if (now.size < 0 || (settled && !this.again)) return;
    const ready = readyPart(readFileSync(this.file, 'utf8'), settled);
    this.waiting = ready.waiting;
    this.again = ready.waiting !== null && !settled;
    if (ready.waiting !== null && settled)
      this.sayOnce(`line ${ready.waiting}: waiting for the rest of it (no end of line yet); it is published once complete`);
    await this.queue(ready.text);
  }

  private async queue(text: string) {
    const { ctx, prepared, file } = this;
    const q = await queueNewRows(ctx, prepared, text, true);
    if (q.fileProblem) throw new CliError(`${file}: ${q.fileProblem}; stopped watching, nothing more was published`);
    if (q.assumedHarness > 0 && prepared.harness.note) this.sayOnce(prepared.harness.note);
    for (const n of q.notes) this.sayOnce(n);
    for (const p of [...q.problems, ...q.skipped]) {
      if (this.reported.has(p.line)) continue;
      this.reported.add(p.line);
      this.totals.problems++;
      ctx.log(`line ${p.line}: skipped, ${p.reason}`);
    }
  }

  private sayOnce(note: string) {
    if (this.said.has(note)) return;
    this.said.add(note);
    this.ctx.log(note);
  }
}

function fileState(file: string): { size: number; mtime: number } {
  try {
    const st = statSync(file);
    return { size: st.size, mtime: st.mtimeMs };
  } catch {
    return { size: -1, mtime: -1 }; // not there yet: the loop has not logged its first row
  }
}

/**
 * The part of results.tsv ready to publish. A last line without its end of line is taken only once
 * the file stopped changing and it reads as a whole row; otherwise it is `waiting` (its line number).
 */
export function readyPart(text: string, settled: boolean): { text: string; waiting: number | null } {
  const cut = text.lastIndexOf('\n') + 1;
  if (text.slice(cut).trim() === '') return { text, waiting: null };
  const line = text.slice(0, cut).split('\n').length;
  if (settled && !parseResultsTsv(text).problems.some((p) => p.line === line)) return { text, waiting: null };
  return { text: text.slice(0, cut), waiting: line };
}

/** Sends the outbox; says what was published or refused, and a queue only when it changed. Returns the queue's length. */
async function deliver(ctx: Context, totals: Totals, lastQueued: number): Promise<number> {
  const report = await ctx.outbox.deliver(ctx.client);
  totals.created += report.created;
  totals.duplicate += report.duplicate;
  totals.rejected += report.rejected.length;
  totals.queued = report.queued;
  if (report.created) ctx.log(`published ${report.created} new record${report.created === 1 ? '' : 's'}`);
  for (const r of report.rejected) ctx.log(`refused by the server: ${r.description.slice(0, 60)}: ${r.reason}`);
  const msg = queuedMessage(report);
  // Said once per change, not at every look while the server is down.
  if (msg && report.error && report.queued !== lastQueued) ctx.log(`${msg} (${report.error})`);
  return report.queued;
}
