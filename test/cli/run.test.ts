// `crossfork run` end to end: a real server, a fake OpenAI-compatible model with scripted
// proposals (better, worse, a crash, bad answers, a known-bad idea), the stand-in trainer.
// git history, results.tsv and the server's records must agree.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, crossfork, newHome } from '../helpers/cli.ts';
import {
  fakeTrainer,
  LOOP_HARDWARE,
  LOOP_HARNESS,
  LOOP_HW_FLAGS,
  makeLoopRepo,
  PREPARE_PY,
  setConstant,
  loopRun,
} from '../helpers/loop-fixtures.ts';
import { useLoopServer } from '../helpers/servers.ts';
import { makePayload } from '../helpers/records.ts';
import { parseResultsTsv } from '../../server/protocol/results-tsv.ts';

const HW = LOOP_HW_FLAGS;
const HARDWARE = LOOP_HARDWARE;
const GELU = 'switch activation from relu squared to GeLU';

describe('crossfork run', () => {
  // Two other forks failed GeLU on this class: the server calls it known_bad here.
  const { server, model } = useLoopServer('crossfork-run-', {
    others: () =>
      [1.05, 1.06].map((v) =>
        makePayload({
          description: GELU,
          diff: null,
          status: 'discard',
          metrics: { val_bpb: v },
          hardware: HARDWARE,
          harness: LOOP_HARNESS,
        }),
      ),
  });

  it('runs baseline + 4 experiments; keeps, resets, records the crash, refuses bad answers; git, results.tsv and server agree', async () => {
    const repo = makeLoopRepo();
    const home = newHome();
    const init = await crossfork(['init', '--yes', '--json'], { home, server: server.url });
    expect(init.code).toBe(0);
    const fp = init.json.key.fingerprint as string;

    // The order the loop asks in (the next proposal is prepared while an experiment trains).
    model.chat.push(setConstant('LR', '0.05', 'raise LR to 0.05')); // exp 1: better → keep
    model.chat.push(setConstant('LR', '0.09', 'raise LR to 0.09')); // exp 2, prepared on the old base and moved to the new LR line: worse → discard
    model.chat.push(setConstant('CRASH', 'True', 'try the fused kernel')); // exp 3: crash (OOM)
    model.chat.push('Sure! I think we should raise the depth.'); // not JSON: refused
    model.chat.push(JSON.stringify({ description: 'tweak', edits: [{ search: 'NOT_IN_FILE = 1', replace: 'NOT_IN_FILE = 2' }] })); // does not apply
    model.chat.push(
      JSON.stringify({
        description: 'longer budget',
        edits: [{ file: 'prepare.py', search: 'TIME_BUDGET = 300', replace: 'TIME_BUDGET = 900' }],
      }),
    ); // outside train.py
    model.chat.push(setConstant('ACTIVATION', '"gelu"', GELU)); // known_bad here: asked again
    model.chat.push(setConstant('DEPTH', '10', 'deeper: DEPTH 10')); // exp 4: better → keep

    const run = await crossfork(
      [
        ...loopRun(repo, model.url),
        '--max-experiments',
        '4',
        '--train-cmd',
        fakeTrainer(0.3),
        '--timeout',
        '30',
        '--max-asks',
        '6',
        '--json',
        ...HW,
      ],
      { home, server: server.url, timeoutMs: 120_000 },
    );
    expect(run.code, run.stderr).toBe(0);
    expect(run.json).toMatchObject({
      experiments: 4,
      kept: 2,
      discarded: 1,
      crashed: 1,
      refused_proposals: 4,
      stopped: 'max-experiments',
      best_val_bpb: 0.98,
      queued: 0,
    });
    expect(run.json.duty_cycle).toBeGreaterThan(0);
    expect(run.json.duty_cycle).toBeLessThanOrEqual(1);
    expect(model.chat.requests()).toHaveLength(8);
    // The model was told why its answers were refused.
    expect(String(model.chat.requests()[7].messages[1].content)).toMatch(/known_bad/);

    // results.tsv: the baseline and four rows.
    const rows = parseResultsTsv(readFileSync(join(repo, 'results.tsv'), 'utf8')).rows;
    expect(rows.map((r) => [r.status, r.val_bpb])).toEqual([
      ['keep', 1.02],
      ['keep', 1.0],
      ['discard', 1.08],
      ['crash', null],
      ['keep', 0.98],
    ]);
    expect(rows[3].description).toMatch(/^try the fused kernel \[crash: exited with status 1: .*CUDA out of memory/);

    // git: the kept changes stay, the discarded and crashed ones were reset away.
    const log = execFileSync('git', ['-C', repo, 'log', '--format=%s'], { encoding: 'utf8' }).trim().split('\n');
    expect(log).toEqual(['deeper: DEPTH 10', 'raise LR to 0.05', 'baseline']);
    const train = readFileSync(join(repo, 'train.py'), 'utf8');
    expect(train).toMatch(/^LR = 0\.05$/m);
    expect(train).toMatch(/^DEPTH = 10$/m);
    expect(train).toMatch(/^CRASH = False$/m);
    expect(train).toMatch(/^ACTIVATION = "relu2"$/m);
    expect(execFileSync('git', ['-C', repo, 'status', '--porcelain', '--', 'train.py', 'prepare.py'], { encoding: 'utf8' })).toBe('');
    expect(readFileSync(join(repo, 'prepare.py'), 'utf8')).toBe(PREPARE_PY);

    // The server holds one record per row, with the same outcomes.
    const page = (await (await fetch(`${server.url}/v1/records?key=${encodeURIComponent(fp)}&limit=50`)).json()) as any;
    const byCommit = new Map(page.records.map((r: any) => [r.payload.commit.slice(0, 7), r]));
    expect(page.records).toHaveLength(5);
    for (const row of rows) {
      const rec: any = byCommit.get(row.commit!.slice(0, 7));
      expect(rec, row.description).toBeTruthy();
      expect(rec.payload.status).toBe(row.status);
      expect(rec.payload.metrics.val_bpb).toBe(row.val_bpb);
    }
    const discarded: any = byCommit.get(rows[2].commit!.slice(0, 7));
    expect(discarded.payload.diff).toMatch(/-LR = 0\.05\n\+LR = 0\.09/);
    const crashed: any = byCommit.get(rows[3].commit!.slice(0, 7));
    expect(crashed.payload.description).toMatch(/CUDA out of memory/);
    // Every metric of the run.log summary, not only results.tsv's columns.
    const kept: any = byCommit.get(rows[4].commit!.slice(0, 7));
    expect(kept.payload.metrics).toEqual({
      val_bpb: 0.98,
      peak_vram_mb: 20480,
      training_seconds: 300,
      total_seconds: 300.1,
      mfu_percent: 40,
      total_tokens_m: 10,
      num_steps: 100,
      num_params_m: 1,
    });

    // Running again resumes: nothing recorded twice, nothing new without more experiments.
    const again = await crossfork([...loopRun(repo, model.url), '--max-experiments', '0', '--train-cmd', fakeTrainer(0), '--json', ...HW], {
      home,
      server: server.url,
    });
    expect(again.code).toBe(2); // --max-experiments must be positive
    model.chat.push(setConstant('LR', '0.06', 'LR 0.06'));
    const resumed = await crossfork(
      [...loopRun(repo, model.url), '--max-experiments', '1', '--train-cmd', fakeTrainer(0), '--json', ...HW],
      { home, server: server.url, timeoutMs: 60_000 },
    );
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.json).toMatchObject({ baseline: null, experiments: 1 });
    expect(parseResultsTsv(readFileSync(join(repo, 'results.tsv'), 'utf8')).rows).toHaveLength(6);
    const after = (await (await fetch(`${server.url}/v1/records?key=${encodeURIComponent(fp)}&limit=50`)).json()) as any;
    expect(after.records).toHaveLength(6);
  }, 180_000);

  it('stops cleanly on Ctrl-C in the middle of an experiment, and resumes without recording anything twice', async () => {
    const repo = makeLoopRepo();
    const home = newHome();
    await crossfork(['init', '--yes'], { home, server: server.url });
    model.chat.push(setConstant('LR', '0.05', 'raise LR to 0.05'));
    const child = spawn(
      process.execPath,
      [BIN, ...loopRun(repo, model.url), '--max-experiments', '1', '--no-pipeline', '--train-cmd', fakeTrainer(2), '--json', ...HW],
      {
        env: { ...process.env, CROSSFORK_HOME: home, CROSSFORK_SERVER: server.url },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    child.stdout.on('data', (d) => (stdout += d));
    const exited = new Promise<number | null>((resolve) => child.once('close', resolve));
    // Wait until experiment 1 is committed and training, then interrupt.
    for (let i = 0; i < 300 && !existsSync(join(repo, '.crossfork-run.json')); i++) await new Promise((r) => setTimeout(r, 50));
    expect(existsSync(join(repo, '.crossfork-run.json'))).toBe(true);
    await new Promise((r) => setTimeout(r, 300));
    child.kill('SIGINT');
    expect(await exited).toBe(130);
    expect(JSON.parse(stdout)).toMatchObject({ stopped: 'interrupted', experiments: 0 });
    expect(execFileSync('git', ['-C', repo, 'log', '--format=%s'], { encoding: 'utf8' }).trim()).toBe('baseline');
    expect(readFileSync(join(repo, 'train.py'), 'utf8')).toMatch(/^LR = 0\.04$/m);
    expect(existsSync(join(repo, '.crossfork-run.json'))).toBe(false);
    expect(parseResultsTsv(readFileSync(join(repo, 'results.tsv'), 'utf8')).rows.map((r) => r.description)).toEqual(['baseline']);

    model.chat.push(setConstant('LR', '0.05', 'raise LR to 0.05'));
    const resumed = await crossfork(
      [...loopRun(repo, model.url), '--max-experiments', '1', '--train-cmd', fakeTrainer(0), '--json', ...HW],
      { home, server: server.url, timeoutMs: 60_000 },
    );
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.json).toMatchObject({ baseline: null, experiments: 1, kept: 1 });
    const rows = parseResultsTsv(readFileSync(join(repo, 'results.tsv'), 'utf8')).rows;
    expect(rows.map((r) => r.description)).toEqual(['baseline', 'raise LR to 0.05']);
  }, 120_000);

  it('keeps runs shorter than the budget off the server (said; a later import says why) unless --publish-short-runs; names the device in the duty cycle', async () => {
    const repo = makeLoopRepo();
    const home = newHome();
    const init = await crossfork(['init', '--yes', ...HW], { home, server: server.url });
    expect(init.code, init.stderr).toBe(0);
    const fp = (await crossfork(['whoami', '--json'], { home, server: server.url })).json.key.fingerprint;
    model.chat.push(setConstant('LR', '0.05', 'raise LR to 0.05 (short)'));
    // A 15-second run under a 300 s harness: what CROSSFORK_SMOKE / CROSSFORK_TIME_BUDGET produce.
    const run = await crossfork(
      [...loopRun(repo, model.url), '--max-experiments', '1', '--no-pipeline', '--train-cmd', fakeTrainer(0, 15)],
      { home, server: server.url, timeoutMs: 60_000 },
    );
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain(
      "not published (a short run): a 15.0-second run, shorter than the harness's 300 s time budget; pass --publish-short-runs",
    );
    expect(run.stdout).toMatch(/accelerator duty cycle \d+\.\d% on NVIDIA GeForce RTX 4090 \(cuda\), 24,564 MiB/);
    expect(run.stdout).toContain('2 short run(s) not published');
    const mine = async () =>
      ((await (await fetch(`${server.url}/v1/records?key=${encodeURIComponent(fp)}&limit=50`)).json()) as any).records;
    expect(await mine()).toHaveLength(0);
    const imp = await crossfork(['import', '--repo', repo, '--json'], { home, server: server.url });
    expect(imp.json.skipped.map((x: any) => x.reason)).toEqual([
      expect.stringMatching(/^not published: a 15\.0-second run/),
      expect.stringMatching(/^not published: a 15\.0-second run/),
    ]);
    expect(await mine()).toHaveLength(0);

    const other = makeLoopRepo();
    model.chat.push(setConstant('LR', '0.05', 'raise LR to 0.05 (short, asked)'));
    const asked = await crossfork(
      [
        ...loopRun(other, model.url),
        '--max-experiments',
        '1',
        '--no-pipeline',
        '--publish-short-runs',
        '--train-cmd',
        fakeTrainer(0, 15),
        '--json',
      ],
      { home, server: server.url, timeoutMs: 60_000 },
    );
    expect(asked.code, asked.stderr).toBe(0);
    expect(asked.json).toMatchObject({
      withheld: 0,
      published: 2,
      device: { accelerator: 'cuda', device_name: 'NVIDIA GeForce RTX 4090', device_count: 1 },
    });
  }, 120_000);

  it('refuses to run in a folder inside a larger repository (it would commit and reset there)', async () => {
    const outer = makeLoopRepo();
    const inner = join(outer, 'training');
    execFileSync('mkdir', ['-p', inner]);
    execFileSync('cp', [join(outer, 'train.py'), join(outer, 'prepare.py'), inner]);
    const home = newHome();
    const res = await crossfork(['run', '--repo', inner, '--model', 'm', '--base-url', model.url, '--json', ...HW], {
      home,
      server: server.url,
    });
    expect(res.code).toBe(1);
    expect(res.json.error).toMatch(
      /is a folder inside the git repository .*not a fork of its own: `crossfork run` commits and runs `git reset --hard` in it/,
    );
    expect(execFileSync('git', ['-C', outer, 'log', '--format=%s'], { encoding: 'utf8' }).trim()).toBe('baseline');
  });

  it('refuses usage errors with exit 2 and a missing train.py with exit 1', async () => {
    const home = newHome();
    expect(
      (await crossfork(['run', '--max-experiments', '2', ...HW], { home, server: server.url, env: { CROSSFORK_MODEL: '' } })).code,
    ).toBe(2);
    expect((await crossfork(['run', '--model', 'm', '--timeout', 'soon', ...HW], { home, server: server.url })).code).toBe(2);
    const empty = mkdtempSync(join(tmpdir(), 'crossfork-empty-'));
    const res = await crossfork(['run', '--repo', empty, '--model', 'm', '--json', ...HW], { home, server: server.url });
    expect(res.code).toBe(1);
    expect(res.json.error).toMatch(/no train\.py/);
  });
});
