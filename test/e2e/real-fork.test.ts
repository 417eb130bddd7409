// A real autoresearch fork's past, imported the way its owner would: clone it, `crossfork init`
// with the owner's GPU, `crossfork import` in it (the built CLI, a real server). The fork is a git
// bundle in ../shared/corpus/forks/ (not part of this repository): skipped with a message when absent, except in CI.
// Rows, diffs recovered and the time taken are printed and written to test-results/real-fork.json.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { knownHarness } from '../../server/protocol/harnesses.ts';
import { crossfork, newHome } from '../helpers/cli.ts';
import { startServer, type ServerProcess } from '../helpers/server-process.ts';
import { sharedPresent } from '../helpers/shared.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const BUNDLE = resolve(ROOT, '../shared/corpus/forks/Djordje-Stojanovic__TrainRTX5070.bundle');
const BUILT = join(ROOT, 'cli/dist/bin/crossfork.js');
const present = sharedPresent(BUNDLE, 'the real-fork import (a git bundle of a real autoresearch fork; see ../shared/corpus/README.md)');

describe.skipIf(!present)('importing a real fork (Djordje-Stojanovic/TrainRTX5070: RTX 5070 12 GB, Windows)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'crossfork-real-fork-'));
  const fork = join(dir, 'TrainRTX5070');
  let server: ServerProcess;
  beforeAll(async () => {
    execFileSync('git', ['clone', '-q', '-b', 'main', BUNDLE, fork]);
    execFileSync(process.execPath, [join(ROOT, 'scripts/build-cli.mjs'), '--quiet']);
    server = await startServer({ CROSSFORK_DATA_DIR: join(dir, 'data'), DATABASE_URL: '' });
  }, 120_000);
  afterAll(async () => {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('publishes every results.tsv row once, with the train.py diffs git still has', async () => {
    const home = newHome();
    const run = (args: string[]) =>
      crossfork(args, { home, server: server.url, cwd: fork, env: { CROSSFORK_RETRIES: '2' }, bin: BUILT, timeoutMs: 300_000 });
    const init = await run([
      'init',
      '--yes',
      '--device',
      'NVIDIA GeForce RTX 5070',
      '--memory-mb',
      '12227',
      '--accelerator',
      'cuda',
      '--json',
    ]);
    expect(init.code, init.stderr).toBe(0);
    expect(init.json.machine.hardware_class).toBe('RTX 5070 12GB');

    const t0 = performance.now();
    const imp = await run(['import', '--json']);
    const seconds = (performance.now() - t0) / 1000;
    expect(imp.code, imp.stderr).toBe(0);
    const recs = ((await (await fetch(`${server.url}/v1/records?limit=200`)).json()) as any).records as any[];
    const withDiff = recs.filter((r) => r.payload.diff !== null).length;
    const fromGit = recs.filter((r) => !r.payload.time_unknown).length;
    const report = {
      fork: 'Djordje-Stojanovic/TrainRTX5070',
      harnesses: new Set(recs.map((r) => r.harness_id)).size,
      rows: imp.json.rows,
      published: imp.json.published.created,
      skipped: imp.json.skipped.length + imp.json.problems.length,
      commits_in_git: fromGit,
      diffs_recovered: withDiff,
      seconds: Number(seconds.toFixed(2)),
    };
    console.log(`[real fork] ${JSON.stringify(report)}`);
    mkdirSync(join(ROOT, 'test-results'), { recursive: true });
    writeFileSync(join(ROOT, 'test-results/real-fork.json'), `${JSON.stringify(report, null, 2)}\n`);

    // ../shared/corpus/README.md: 69 rows, 68 of their commits in the history, discarded ones included.
    expect(imp.json.rows).toBe(69);
    expect(imp.json.published.created).toBe(69);
    expect(recs).toHaveLength(69);
    expect(fromGit).toBeGreaterThanOrEqual(68);
    expect(withDiff).toBeGreaterThanOrEqual(60);
    expect(recs.every((r) => r.hardware_class === 'RTX 5070 12GB')).toBe(true);
    // Its own prepare.py (a Windows / RTX port, changed once along the way): each row is on the
    // prepare.py of its own commit, one of the versions in the history, none of them upstream's.
    const versions = new Set(
      execFileSync('git', ['-C', fork, 'log', '--all', '--format=%H', '--', 'prepare.py'], { encoding: 'utf8' })
        .trim()
        .split('\n')
        .map((c) =>
          createHash('sha256')
            .update(execFileSync('git', ['-C', fork, 'show', `${c}:prepare.py`]))
            .digest('hex'),
        ),
    );
    const used = new Set(recs.map((r) => r.harness_id as string));
    expect(
      [...used].every((id) => versions.has(id)),
      [...used].join(' '),
    ).toBe(true);
    expect([...used].some((id) => knownHarness(id))).toBe(false);
    // memory_gb is GB on a 12 GB card, and the extra columns (mfu, num_steps, num_params_M) come along.
    const baseline = recs.find((r) => r.payload.description.startsWith('baseline (SwiGLU d12'));
    expect(baseline.payload.metrics).toMatchObject({ peak_vram_mb: 5632, mfu_percent: 58.1, num_steps: 180, num_params_m: 162.1 });
    expect(seconds).toBeLessThan(60);

    const again = await run(['import', '--json']);
    expect(again.json).toMatchObject({ already_published: 69, published: { created: 0, duplicate: 0 } });
  }, 400_000);
});
