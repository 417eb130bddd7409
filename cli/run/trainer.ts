// Runs one training: the train command in the repo through the shell, output to run.log (as
// autoresearch's program.md does), killed at the timeout or on abort, summary parsed.
import { spawn } from 'node:child_process';
import { createWriteStream, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseRunLog, type RunLog } from '../lib/run-log.ts';

export interface TrainResult {
  log: RunLog;
  /** Seconds of wall time the command ran. */
  seconds: number;
  /** null when it produced a summary; otherwise why it counts as a crash, with the log's tail. */
  crash: string | null;
  aborted: boolean;
}

export async function train(repo: string, command: string, timeoutS: number, signal?: AbortSignal): Promise<TrainResult> {
  const logPath = join(repo, 'run.log');
  const out = createWriteStream(logPath);
  const started = performance.now();
  // A process group of its own, so a timeout or Ctrl-C stops the whole tree (uv → python).
  const child = spawn(command, { cwd: repo, shell: true, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout!.pipe(out, { end: false });
  child.stderr!.pipe(out, { end: false });
  const kill = () => {
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      /* already gone */
    }
  };
  let timedOut = false;
  const timer = setTimeout(() => ((timedOut = true), kill()), timeoutS * 1000);
  const onAbort = () => kill();
  signal?.addEventListener('abort', onAbort, { once: true });
  const code = await new Promise<number | null>((resolve) => child.once('close', (c) => resolve(c)));
  clearTimeout(timer);
  signal?.removeEventListener('abort', onAbort);
  await new Promise<void>((resolve) => out.end(resolve));
  const seconds = (performance.now() - started) / 1000;
  const text = readFileSync(logPath, 'utf8');
  const log = parseRunLog(text);
  let crash: string | null = null;
  if (timedOut) crash = `timed out after ${timeoutS} s`;
  else if (code !== 0) crash = `exited with status ${code}`;
  else if (log.val_bpb === null) crash = 'no val_bpb in the summary';
  if (crash) crash = `${crash}: ${tail(text)}`;
  return { log, seconds, crash, aborted: signal?.aborted ?? false };
}

/** The last lines of a log, squeezed onto one line (for results.tsv and the record). */
export function tail(text: string, lines = 6, chars = 600): string {
  const t = text
    .trim()
    .split('\n')
    .slice(-lines)
    .map((l) => l.trim())
    .filter(Boolean)
    .join(' | ');
  return t.length > chars ? `…${t.slice(-chars)}` : t || '(no output)';
}
