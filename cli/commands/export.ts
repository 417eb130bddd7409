// `crossfork export`: every visible record (GET /v1/export, NDJSON) into a file, with a progress
// bar on stderr; `--resume` continues an interrupted file after its last complete line.
import { closeSync, existsSync, openSync, readSync, statSync, truncateSync, writeSync } from 'node:fs';
import cliProgress from 'cli-progress';
import type { Context } from '../lib/context.ts';
import { toCliError } from '../lib/api-errors.ts';
import { CliError, usageError } from '../lib/errors.ts';
import { explicitHarness, type HarnessFlags } from '../lib/harness.ts';
import { result } from '../lib/result.ts';
import { DATASET_LICENCE } from '../../server/protocol/dataset.schema.ts';

interface Opts extends HarnessFlags {
  output: string;
  hardwareClass?: string;
  since?: string;
  until?: string;
  resume?: boolean;
}

export default async function exportRecords(ctx: Context, _args: unknown[], opts: Opts) {
  for (const [flag, v] of [
    ['--since', opts.since],
    ['--until', opts.until],
  ] as const)
    if (v !== undefined && Number.isNaN(Date.parse(v))) throw usageError(`${flag} must be a time, e.g. 2026-03-08T00:00:00Z`);
  const harness = explicitHarness(opts);
  const resumeFrom = opts.resume ? lastCursor(opts.output) : null;
  if (!opts.resume && existsSync(opts.output) && statSync(opts.output).size > 0)
    throw new CliError(`${opts.output} exists: pass --resume to continue it, or choose another --output`);
  let res: Response;
  try {
    res = await ctx.client.exportStream({
      harness: harness?.id,
      hardware_class: opts.hardwareClass,
      since: opts.since && new Date(opts.since).toISOString(),
      until: opts.until && new Date(opts.until).toISOString(),
      cursor: resumeFrom?.cursor,
    });
  } catch (err) {
    throw toCliError(err);
  }
  const total = Number(res.headers.get('x-total-count') ?? NaN);
  ctx.log(DATASET_LICENCE.line);
  const bar =
    ctx.stderr.isTTY && Number.isFinite(total)
      ? new cliProgress.SingleBar(
          { stream: ctx.stderr, format: 'exporting [{bar}] {value}/{total} records', hideCursor: true },
          cliProgress.Presets.shades_classic,
        )
      : null;
  bar?.start(total, 0);
  if (resumeFrom) truncateSync(opts.output, resumeFrom.bytes); // drop a torn last line
  const fd = openSync(opts.output, resumeFrom ? 'a' : 'w');
  let lines = 0;
  let bytes = 0;
  let cursor = resumeFrom?.cursor ?? null;
  let tail = '';
  try {
    const decoder = new TextDecoder();
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      const text = tail + decoder.decode(chunk, { stream: true });
      const end = text.lastIndexOf('\n');
      tail = text.slice(end + 1);
      if (end < 0) continue;
      const complete = text.slice(0, end + 1);
      bytes += writeSync(fd, complete);
      for (const line of complete.split('\n')) if (line) cursor = /"cursor":"(\d+)"/.exec(line)?.[1] ?? cursor;
      lines += complete.split('\n').length - 1;
      if (bar) bar.update(lines);
      else if (lines % 10_000 < 500 && lines >= 10_000) ctx.log(`exporting: ${lines}/${total} records`);
    }
  } catch (err) {
    throw new CliError(
      `the export stopped after ${lines} records (${(err as Error).message}); run the same command with --resume to continue`,
    );
  } finally {
    bar?.stop();
    closeSync(fd);
  }
  const complete = tail === '' && (!Number.isFinite(total) || lines >= total);
  const data = {
    file: opts.output,
    records: lines,
    expected: Number.isFinite(total) ? total : null,
    bytes,
    resumed_after: resumeFrom?.cursor ?? null,
    last_cursor: cursor,
    complete,
    licence: DATASET_LICENCE.id,
  };
  const text = complete
    ? `exported ${lines} records to ${opts.output} (${bytes} bytes)${resumeFrom ? `, after cursor ${resumeFrom.cursor}` : ''}`
    : `exported ${lines} of ${total} records to ${opts.output}: incomplete, run it again with --resume`;
  return { ...result(data, text), exitCode: complete ? 0 : 1 };
}

/** The cursor of the file's last complete line and where that line ends (null: nothing to resume). */
function lastCursor(path: string): { cursor: string; bytes: number } | null {
  if (!existsSync(path)) return null;
  const size = statSync(path).size;
  const fd = openSync(path, 'r');
  try {
    // Lines are a few KB: the last 1 MB holds the last complete one.
    const start = Math.max(0, size - 1_048_576);
    const buf = Buffer.alloc(size - start);
    readSync(fd, buf, 0, buf.length, start);
    const text = buf.toString('utf8');
    const end = text.lastIndexOf('\n');
    if (end < 0) return null;
    const from = text.lastIndexOf('\n', end - 1) + 1;
    const cursor = /"cursor":"(\d+)"/.exec(text.slice(from, end))?.[1];
    if (!cursor) throw new CliError(`${path} does not end in an export line: cannot resume it`);
    return { cursor, bytes: start + Buffer.byteLength(text.slice(0, end + 1)) };
  } finally {
    closeSync(fd);
  }
}
