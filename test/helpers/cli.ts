// Runs the real `crossfork` executable (cli/bin.js) as a child process with its own CROSSFORK_HOME.
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const BIN = fileURLToPath(new URL('../../cli/bin.js', import.meta.url));

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
  json: any;
}

export function newHome(): string {
  return mkdtempSync(join(tmpdir(), 'crossfork-home-'));
}

/** `bin`: another entry point than the sources (e.g. the built package, cli/dist/bin/crossfork.js). */
export function crossfork(
  args: string[],
  opts: { home: string; server?: string; cwd?: string; env?: Record<string, string>; timeoutMs?: number; bin?: string },
): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [opts.bin ?? BIN, ...args], {
      cwd: opts.cwd,
      env: {
        ...process.env,
        CROSSFORK_HOME: opts.home,
        CROSSFORK_SERVER: opts.server ?? 'http://127.0.0.1:9',
        CROSSFORK_RETRIES: '0',
        ...opts.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      let json: any = null;
      try {
        json = JSON.parse(stdout);
      } catch {
        /* not --json */
      }
      resolve({ code, stdout, stderr, json });
    });
  });
}
