// The training harness (training/) on Debian's PyTorch: the smoke configuration end to end,
// and the Python tests of prepare.py (evaluate_bpb, tokenizer, dataloader). Skipped with a
// warning when torch is not importable by /usr/bin/python3, except in CI where it is required.
import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const PYTHON = process.env.CROSSFORK_PYTHON ?? '/usr/bin/python3';
const TRAINING = resolve(import.meta.dirname, '../../training');
const SUMMARY_KEYS = ['val_bpb', 'training_seconds', 'total_seconds', 'peak_vram_mb', 'mfu_percent', 'total_tokens_M', 'num_steps', 'num_params_M', 'depth'];

const probe = spawnSync(PYTHON, ['-c', 'import torch, numpy'], { encoding: 'utf8' });
const hasTorch = probe.status === 0;
if (!hasTorch) {
  const why = `${PYTHON} cannot import torch and numpy (${(probe.stderr || String(probe.error ?? '')).trim().split('\n').pop()}); install python3-torch python3-numpy (scripts/setup-test-env.sh does)`;
  if (process.env.CI) throw new Error(`training harness tests need PyTorch in CI: ${why}`);
  console.warn(`[test] training harness tests skipped: ${why}`);
}

const run = promisify(execFile);
async function python(args: string[], env: Record<string, string>, timeoutMs: number) {
  try {
    const { stdout, stderr } = await run(PYTHON, args, { cwd: TRAINING, env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1', ...env }, timeout: timeoutMs, maxBuffer: 1 << 24 });
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

describe.skipIf(!hasTorch)('training harness (CROSSFORK_SMOKE=1 on CPU)', () => {
  const cache = mkdtempSync(join(tmpdir(), 'crossfork-training-'));
  afterAll(() => rmSync(cache, { recursive: true, force: true }));
  const env = { CROSSFORK_SMOKE: '1', CROSSFORK_CACHE: cache };

  it('train.py refuses to start before prepare.py has run, with a one-line hint', async () => {
    const r = await python(['train.py'], env, 60_000);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('Run `python3 prepare.py` first');
    expect(r.stderr).not.toContain('Traceback');
  }, 70_000);

  it('prepare.py then train.py finish within two minutes and print the summary block', async () => {
    const t0 = Date.now();
    const prep = await python(['prepare.py'], env, 60_000);
    expect(prep.code, prep.stdout + prep.stderr).toBe(0);
    const train = await python(['train.py'], env, 120_000);
    const wallMs = Date.now() - t0;
    expect(train.code, train.stdout.slice(-2000) + train.stderr.slice(-2000)).toBe(0);
    expect(wallMs).toBeLessThan(120_000);
    const summary = parseSummary(train.stdout);
    for (const key of SUMMARY_KEYS) expect(Number.isFinite(summary[key]), `${key} in\n${train.stdout.slice(-800)}`).toBe(true);
    expect(summary.val_bpb).toBeGreaterThan(0);
    expect(summary.val_bpb).toBeLessThan(20);
    expect(summary.num_steps).toBeGreaterThan(10);
    expect(summary.depth).toBe(2);
  }, 150_000);

  it('evaluate_bpb, tokenizer and dataloader (python3 -m unittest in training/tests)', async () => {
    const r = await python(['-m', 'unittest', 'discover', '-s', 'tests', '-v'], {}, 120_000);
    expect(r.code, r.stderr.slice(-4000)).toBe(0);
    expect(r.stderr).toMatch(/test_uniform_model_scores_log2_vocab_per_token_in_bytes .*ok/);
    expect(r.stderr).toMatch(/test_same_number_twice_for_a_fixed_model .*ok/);
  }, 130_000);
});
