// The training harness (training/) on both PyTorch paths, on the CPU: Debian's PyTorch 1.13
// (/usr/bin/python3: explicit attention, no compile) and PyTorch 2.13 in the project's .venv
// (scripts/setup-python.sh: torch.compile, F.scaled_dot_product_attention, and `uv run train.py`
// with training/pyproject.toml as upstream runs it). Each is skipped with a warning when its Python
// cannot import torch, except in CI where both are required.
import { execFile, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
const TRAINING = join(ROOT, 'training');
const SUMMARY_KEYS = ['val_bpb', 'training_seconds', 'total_seconds', 'peak_vram_mb', 'mfu_percent', 'total_tokens_M', 'num_steps', 'num_params_M', 'depth'];
const VENV = process.env.CROSSFORK_VENV ? resolve(ROOT, process.env.CROSSFORK_VENV) : join(ROOT, '.venv');

interface Interpreter { name: string; python: string; torch2: boolean; uv: string | null; available: boolean }

function probe(name: string, python: string, torch2: boolean, setup: string): Interpreter {
  const p = spawnSync(python, ['-c', 'import torch, numpy; print(torch.__version__)'], { encoding: 'utf8' });
  const version = p.status === 0 ? p.stdout.trim() : null;
  const ok = version !== null && (Number(version.split('.')[0]) >= 2) === torch2;
  if (!ok) {
    const why = version ? `it has torch ${version}` : (p.stderr || String(p.error ?? '')).trim().split('\n').pop();
    const msg = `${python} cannot run the ${name} tests (${why}); ${setup}`;
    if (process.env.CI) throw new Error(`training harness tests need ${name} in CI: ${msg}`);
    console.warn(`[test] training harness (${name}) skipped: ${msg}`);
  }
  const uv = join(VENV, 'bin', 'uv');
  return { name, python, torch2, uv: torch2 && existsSync(uv) ? uv : null, available: ok };
}

const INTERPRETERS = [
  probe('PyTorch 1.13 (Debian)', process.env.CROSSFORK_PYTHON ?? '/usr/bin/python3', false, 'install python3-torch python3-numpy (scripts/setup-test-env.sh does)'),
  probe('PyTorch 2 (.venv)', join(VENV, 'bin', 'python'), true, 'run scripts/setup-python.sh'),
];

const run = promisify(execFile);
async function exec(cmd: string, args: string[], cwd: string, env: Record<string, string>, timeoutMs: number) {
  try {
    const { stdout, stderr } = await run(cmd, args, { cwd, env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1', ...env }, timeout: timeoutMs, maxBuffer: 1 << 24 });
    return { code: 0, stdout, stderr };
  } catch (e: any) {
    return { code: typeof e.code === 'number' ? e.code : 1, stdout: String(e.stdout ?? ''), stderr: `${e.stderr ?? ''}${e.killed ? '\n(killed: timeout)' : ''}` };
  }
}

/** The `---` summary block train.py ends with, as numbers by key. */
function parseSummary(stdout: string): Record<string, number> {
  const lines = stdout.split('\n');
  const start = lines.lastIndexOf('---');
  const summary: Record<string, number> = {};
  for (const line of start < 0 ? [] : lines.slice(start + 1)) {
    const m = /^(\w+):\s+(\S+)$/.exec(line.trim());
    if (m) summary[m[1]] = Number(m[2]);
  }
  return summary;
}

function expectSummary(stdout: string) {
  const summary = parseSummary(stdout);
  for (const key of SUMMARY_KEYS) expect(Number.isFinite(summary[key]), `${key} in\n${stdout.slice(-800)}`).toBe(true);
  expect(summary.val_bpb).toBeGreaterThan(0);
  expect(summary.val_bpb).toBeLessThan(20);
  expect(summary.num_steps).toBeGreaterThan(10);
  expect(summary.depth).toBe(2);
  return summary;
}

describe.each(INTERPRETERS)('training harness on $name (CROSSFORK_SMOKE=1, CPU)', (py) => {
  const cache = mkdtempSync(join(tmpdir(), 'crossfork-training-'));
  afterAll(() => rmSync(cache, { recursive: true, force: true }));
  const env = { CROSSFORK_SMOKE: '1', CROSSFORK_CACHE: cache };

  it.skipIf(!py.available)('train.py refuses to start before prepare.py has run, with a one-line hint', async () => {
    const r = await exec(py.python, ['train.py'], TRAINING, env, 60_000);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('Run `python3 prepare.py` first');
    expect(r.stderr).not.toContain('Traceback');
  }, 70_000);

  it.skipIf(!py.available)('prepare.py then train.py finish within two minutes and print the summary block', async () => {
    const t0 = Date.now();
    const prep = await exec(py.python, ['prepare.py'], TRAINING, env, 60_000);
    expect(prep.code, prep.stdout + prep.stderr).toBe(0);
    const train = await exec(py.python, ['train.py'], TRAINING, env, 120_000);
    expect(train.code, train.stdout.slice(-2000) + train.stderr.slice(-2000)).toBe(0);
    expect(Date.now() - t0).toBeLessThan(120_000);
    expectSummary(train.stdout);
    expect(train.stdout).toMatch(py.torch2 ? /fused attention True/ : /compile False, fused attention False/);
  }, 150_000);

  it.skipIf(!py.available)('evaluate_bpb, tokenizer, dataloader, attention and (PyTorch 2) torch.compile: python -m unittest in training/tests', async () => {
    const r = await exec(py.python, ['-m', 'unittest', 'discover', '-s', 'tests', '-v'], TRAINING, {}, 240_000);
    expect(r.code, r.stderr.slice(-4000)).toBe(0);
    expect(r.stderr).toMatch(/test_uniform_model_scores_log2_vocab_per_token_in_bytes .*ok/);
    expect(r.stderr).toMatch(/test_same_number_twice_for_a_fixed_model .*ok/);
    expect(r.stderr).toMatch(/test_fused_attention_branch_matches_the_explicit_one .*ok/);
    // The compiled model is checked against eager on PyTorch 2; on 1.x the test says why it cannot run.
    expect(r.stderr).toMatch(py.torch2 ? /test_compiled_model_matches_eager_on_pytorch_2 .*\.\.\. (?:.*\n)*?ok/ : /test_compiled_model_matches_eager_on_pytorch_2 .*skipped 'PyTorch 1.x/);
  }, 250_000);

  it.skipIf(!py.available || !py.torch2)('`uv run train.py` (training/pyproject.toml) runs the compiled PyTorch 2 path in a fork-shaped copy', async () => {
    if (!py.uv) throw new Error(`no uv in ${VENV}/bin: scripts/setup-python.sh installs it (training/requirements-ci.txt)`);
    // A copy, as a fork would have it: uv writes uv.lock next to pyproject.toml.
    const fork = mkdtempSync(join(tmpdir(), 'crossfork-uv-fork-'));
    cpSync(TRAINING, fork, { recursive: true, filter: (src) => !/(__pycache__|\.venv|uv\.lock|results\.tsv|run\.log)$/.test(src) });
    // The project's .venv is the environment (torch 2.13 CPU is already there); a local wheel folder
    // of pip's (PIP_FIND_LINKS) is offered to uv the same way, so nothing of several GB is fetched.
    const uvEnv = { ...env, CROSSFORK_COMPILE: '1', UV_PROJECT_ENVIRONMENT: VENV, ...(process.env.PIP_FIND_LINKS ? { UV_FIND_LINKS: process.env.PIP_FIND_LINKS } : {}) };
    try {
      const prep = await exec(py.uv, ['run', 'prepare.py'], fork, uvEnv, 120_000);
      expect(prep.code, prep.stdout + prep.stderr).toBe(0);
      const train = await exec(py.uv, ['run', 'train.py'], fork, uvEnv, 240_000);
      expect(train.code, train.stdout.slice(-2000) + train.stderr.slice(-2000)).toBe(0);
      expect(train.stdout).toMatch(/torch 2\.\d+\.\d+\S*, compile True, fused attention True/);
      expectSummary(train.stdout);
      expect(existsSync(join(fork, 'uv.lock'))).toBe(true);
    } finally {
      rmSync(fork, { recursive: true, force: true });
    }
  }, 400_000);
});
