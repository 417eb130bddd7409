// `crossfork watch`: follows results.tsv while any agent runs its loop and publishes each new row
// within seconds (the import pipeline; the ledger makes each row go once). Stops on SIGINT/SIGTERM.
import { readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Context } from '../lib/context.ts';
import { CliError, usageError } from '../lib/errors.ts';
import { prepareImport, queueNewRows, type ImportOptions } from '../lib/import-rows.ts';
import { queuedMessage } from '../lib/outbox.ts';
import { result } from '../lib/result.ts';
import { loadSigner } from '../lib/signer.ts';

interface Opts extends ImportOptions {
  results?: string;
  interval: string;
}

export default async function watch(ctx: Context, _args: unknown[], opts: Opts) {
  const interval = Number(opts.interval);
  if (!(interval >= 50)) throw usageError('--interval must be at least 50 ms');
  loadSigner(ctx.config); // fail now, not at the first row
  const file = resolve(opts.results ?? join(opts.repo, 'results.tsv'));
  const prepared = await prepareImport(ctx, opts);
  const totals = { created: 0, duplicate: 0, rejected: 0, problems: 0, queued: 0 };
  const reported = new Set<number>();
  const said = new Set<string>();
  const stop = new AbortController();
  const onSignal = () => stop.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  ctx.log(`watching ${file} (Ctrl-C to stop)`);
  let lastSize = -1;
  let lastMtime = -1;
  let partial = false;
  let lastQueued = 0;
  try {
    while (!stop.signal.aborted) {
      let size = -1;
      let mtime = -1;
      try {
        const st = statSync(file);
        size = st.size;
        mtime = st.mtimeMs;
      } catch {
        /* not there yet: the loop has not logged its first row */
      }
      const settled = size === lastSize && mtime === lastMtime;
      if (size >= 0 && (!settled || partial)) {
        let text = readFileSync(file, 'utf8');
        // A line still being written is left for the next look, unless the file stopped changing.
        partial = !text.endsWith('\n') && text.length > 0 && !settled;
        if (partial) text = text.slice(0, text.lastIndexOf('\n') + 1);
        const q = await queueNewRows(ctx, prepared, text, true);
        if (q.fileProblem) throw new CliError(`${file}: ${q.fileProblem}; stopped watching, nothing more was published`);
        if (q.assumedHarness > 0 && prepared.harness.note && !said.has(prepared.harness.note))
          (said.add(prepared.harness.note), ctx.log(prepared.harness.note));
        for (const n of q.notes) if (!said.has(n)) (said.add(n), ctx.log(n));
        for (const p of [...q.problems, ...q.skipped]) {
          if (reported.has(p.line)) continue;
          reported.add(p.line);
          totals.problems++;
          ctx.log(`line ${p.line}: skipped, ${p.reason}`);
        }
      }
      if (ctx.outbox.pending() > 0) {
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
        lastQueued = report.queued;
      }
      lastSize = size;
      lastMtime = mtime;
      await new Promise<void>((r) => {
        const t = setTimeout(r, interval);
        stop.signal.addEventListener('abort', () => (clearTimeout(t), r()), { once: true });
      });
    }
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
  totals.queued = ctx.outbox.pending();
  const q = queuedMessage({ queued: totals.queued, outbox: ctx.outbox.dir });
  return result(
    { results: file, ...totals, outbox: ctx.outbox.dir },
    [`stopped watching ${file}: published ${totals.created}, ${totals.problems} lines skipped`, ...(q ? [q] : [])].join('\n'),
  );
}
