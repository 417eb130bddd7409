// Record building from results rows and a real git repository: unreachable commits by short hash,
// parent val_bpb, harness id, rows without git; the run.log reader; hardware flags.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseResultsTsv } from '../../server/protocol/results-tsv.ts';
import { buildRecords, type BuildContext } from '../../cli/lib/records.ts';
import { catFiles, resolveCommits } from '../../cli/lib/git.ts';
import { parseRunLog } from '../../cli/lib/run-log.ts';
import { detectHardware } from '../../cli/lib/hardware.ts';
import { CliError } from '../../cli/lib/errors.ts';
import { makeFork, NIGHT, HEADER } from '../helpers/fork-repo.ts';

const HW = {
  accelerator: 'cuda' as const,
  device_name: 'NVIDIA H100 80GB HBM3',
  device_count: 1,
  memory_mb: 81559,
  driver: null,
  runtime: null,
};
const ctx = (repo: string, gitAvailable = true): BuildContext => ({
  repo,
  gitAvailable,
  hardware: HW,
  fork: { id: 'f', branch: null, url: null },
  agent: { model: null, tool: null },
  harness: { name: 'autoresearch' },
  now: () => '2026-03-09T00:00:00.000Z',
});

describe('git readers', () => {
  it('resolve reset-away commits by short hash; missing ones are null', async () => {
    const fork = makeFork(NIGHT);
    const infos = await resolveCommits(fork.dir, [fork.rows[2].commit, fork.rows[3].commit, 'deadbee']);
    expect(infos.get(fork.rows[2].commit)).toMatchObject({ oid: fork.rows[2].full, parent: fork.rows[1].full });
    expect(infos.get(fork.rows[3].commit)?.oid).toBe(fork.rows[3].full);
    expect(infos.get('deadbee')).toBeNull();
    const [prep, none] = await catFiles(fork.dir, [`${fork.rows[0].full}:prepare.py`, `${fork.rows[0].full}:nope.py`]);
    expect(prep.content?.toString()).toContain('TIME_BUDGET = 300');
    expect(none.oid).toBeNull();
  });
});

describe('buildRecords', () => {
  it('gives each row its diff, parent (best keep before it) and harness id', async () => {
    const fork = makeFork(NIGHT);
    const { rows } = parseResultsTsv((await import('node:fs')).readFileSync(join(fork.dir, 'results.tsv'), 'utf8'));
    const { records, skipped } = await buildRecords(rows, ctx(fork.dir));
    expect(skipped).toEqual([]);
    expect(records.map((r) => r.payload.parent?.val_bpb ?? null)).toEqual([null, 0.9979, 0.9932, 0.9932, 0.9932]);
    expect(records.every((r) => r.payload.harness.id === fork.harnessId && r.git.commit)).toBe(true);
    expect(records[3].payload.metrics).toMatchObject({ val_bpb: null, peak_vram_mb: null });
    expect(records[1].payload.metrics.peak_vram_mb).toBe(45056);
    expect(records[2].train_py_sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('without git: diff null, time unknown (rows keep their order just before now), parent from the rows; without prepare.py or an assumed harness every row is skipped with a reason', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'crossfork-nogit-'));
    const text = `${HEADER}abc1234\t1.0\t1.0\tkeep\tbaseline\nabc1235\t1.1\t1.0\tdiscard\tworse\n`;
    const none = await buildRecords(parseResultsTsv(text).rows, ctx(dir, false));
    expect(none.records).toEqual([]);
    expect(none.skipped[0].reason).toMatch(/harness id is unknown/);
    writeFileSync(join(dir, 'prepare.py'), 'TIME_BUDGET = 600\n');
    const { records } = await buildRecords(parseResultsTsv(text).rows, ctx(dir, false));
    expect(records[0].payload).toMatchObject({ created_at: '2026-03-08T23:59:59.998Z', time_unknown: true });
    expect(records[1].payload).toMatchObject({
      diff: null,
      commit: 'abc1235',
      created_at: '2026-03-08T23:59:59.999Z',
      time_unknown: true,
      parent: { commit: 'abc1234', val_bpb: 1, train_py_sha256: null },
    });
    expect(records[1].payload.harness.time_budget_s).toBe(600);
  });
});

describe('parseRunLog', () => {
  it('reads the summary train.py prints, and notices crashes', () => {
    const log = parseRunLog(
      '---\nval_bpb:          0.997900\ntraining_seconds: 300.1\npeak_vram_mb:     45060.2\nmfu_percent:      39.80\ntotal_tokens_M:   499.6\nnum_steps:        953\nnum_params_M:     50.3\n',
    );
    expect(log).toMatchObject({
      val_bpb: 0.9979,
      training_seconds: 300.1,
      peak_vram_mb: 45060.2,
      mfu_percent: 39.8,
      total_tokens_m: 499.6,
      num_steps: 953,
      num_params_m: 50.3,
      crashed: false,
    });
    const crash = parseRunLog('Traceback (most recent call last):\ntorch.OutOfMemoryError: CUDA out of memory.\n');
    expect(crash).toMatchObject({ val_bpb: null, crashed: true });
  });
});

describe('detectHardware flags', () => {
  it('takes --device as given and refuses bad values as usage errors', async () => {
    expect(await detectHardware({ device: 'Apple M4 Max', memoryMb: '65536' })).toMatchObject({
      accelerator: 'mps',
      device_name: 'Apple M4 Max',
      memory_mb: 65536,
      device_count: 1,
    });
    await expect(detectHardware({ accelerator: 'tpu' })).rejects.toMatchObject({ exitCode: 2 });
    await expect(detectHardware({ device: 'x', memoryMb: '-1' })).rejects.toBeInstanceOf(CliError);
    const here = await detectHardware();
    expect(here.device_name.length).toBeGreaterThan(0);
  });
});
