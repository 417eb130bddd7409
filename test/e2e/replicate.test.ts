// `crossfork replicate` and `crossfork run --replicate-every` end to end: a real server, real CLI
// processes, forks made like the loop tests' (the stand-in trainer). Another key's replication
// confirms a result on the leaderboard; the replicating fork is left as it was.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { crossfork, newHome } from '../helpers/cli.ts';
import { fakeTrainer, makeLoopRepo, PREPARE_PY, setConstant, TRAIN_PY, loopRun } from '../helpers/loop-fixtures.ts';
import { useLoopServer } from '../helpers/servers.ts';
import { parseResultsTsv } from '../../server/protocol/results-tsv.ts';

const HW = ['--device', 'NVIDIA GeForce RTX 4090', '--memory-mb', '24564', '--accelerator', 'cuda'];
const CLASS = 'RTX 4090 24GB';

describe('crossfork replicate', () => {
  // No leaderboard or noise caching: every read sees the last write.
  const { server, model } = useLoopServer('crossfork-replicate-', { env: { CROSSFORK_STALENESS_MS: '0' } });
  const trainer = fakeTrainer(0.2);

  const api = async (path: string) => (await (await fetch(`${server.url}${path}`)).json()) as any;
  const user = async () => {
    const home = newHome();
    const init = await crossfork(['init', '--yes', '--json', ...HW], { home, server: server.url });
    expect(init.code, init.stderr).toBe(0);
    return { home, repo: makeLoopRepo(), fp: init.json.key.fingerprint as string };
  };
  const runLoop = (u: { home: string; repo: string }, extra: string[] = []) =>
    crossfork(
      [
        ...loopRun(u.repo, model.url),
        '--max-experiments',
        '1',
        '--no-pipeline',
        '--train-cmd',
        trainer,
        '--timeout',
        '30',
        '--json',
        ...HW,
        ...extra,
      ],
      { home: u.home, server: server.url, timeoutMs: 120_000 },
    );
  const keepOf = async (fp: string) =>
    (await api(`/v1/records?key=${encodeURIComponent(fp)}&status=keep&limit=50`)).records.find((r: any) => r.payload.parent !== null);
  const git = (repo: string, ...args: string[]) => execFileSync('git', ['-C', repo, ...args], { encoding: 'utf8' });

  it("reruns another fork's kept result in mine, publishes it as a replication that confirms it, and leaves my fork as it was", async () => {
    const alice = await user();
    model.chat.push(setConstant('LR', '0.05', 'raise LR to 0.05'));
    const ran = await runLoop(alice);
    expect(ran.code, ran.stderr).toBe(0);
    expect(ran.json).toMatchObject({ kept: 1, best_val_bpb: 1.0 });
    const original = await keepOf(alice.fp);
    expect(original.replication).toMatchObject({ confirmed: false, replications: 0 });
    // Not replicated yet: no headline, a claim.
    expect((await api('/v1/leaderboard')).classes.find((c: any) => c.hardware_class === CLASS)).toMatchObject({
      best: null,
      best_claim: { id: original.id, confirmed: false },
    });
    expect((await api(`/v1/replication-queue?hardware_class=${encodeURIComponent(CLASS)}`)).items.map((i: any) => i.id)).toEqual([
      original.id,
    ]);

    // Bob's fork has its own history (other commits, the same train.py as alice's parent).
    const bob = await user();
    const headBefore = git(bob.repo, 'rev-parse', 'HEAD');
    const rep = await crossfork(
      ['replicate', original.id, '--repo', bob.repo, '--train-cmd', trainer, '--timeout', '30', '--json', ...HW],
      { home: bob.home, server: server.url, timeoutMs: 60_000 },
    );
    expect(rep.code, rep.stderr).toBe(0);
    expect(rep.json).toMatchObject({
      replicates: original.id,
      status: 'keep',
      val_bpb: 1.0,
      difference: 0,
      source: 'parent+diff',
      published: true,
      hardware_class: CLASS,
      interrupted: false,
    });
    // The fork is untouched: same HEAD, same train.py, nothing in results.tsv.
    expect(git(bob.repo, 'rev-parse', 'HEAD')).toBe(headBefore);
    expect(readFileSync(join(bob.repo, 'train.py'), 'utf8')).toBe(TRAIN_PY);
    expect(git(bob.repo, 'status', '--porcelain', '--', 'train.py')).toBe('');

    const replication = await api(`/v1/records/${rep.json.id}`);
    expect(replication).toMatchObject({ replicates: original.id, key_fingerprint: bob.fp, hardware_class: CLASS });
    expect(replication.payload).toMatchObject({
      replicates: original.id,
      diff: original.payload.diff,
      parent: original.payload.parent,
      agent: { tool: 'crossfork replicate' },
    });
    expect(replication.payload.diff).toMatch(/-LR = 0\.04\n\+LR = 0\.05/);
    expect((await api(`/v1/records/${original.id}`)).replication).toMatchObject({
      confirmed: true,
      confirmed_by: 'other_key',
      replications: 1,
    });
    const cls = (await api('/v1/leaderboard')).classes.find((c: any) => c.hardware_class === CLASS);
    expect(cls.best).toMatchObject({ id: original.id, confirmed: true, confirmed_by: 'other_key', replications: 1 });
    expect(cls.history.map((h: any) => h.id)).not.toContain(rep.json.id);
    // Confirmed results leave the queue.
    expect((await api(`/v1/replication-queue?hardware_class=${encodeURIComponent(CLASS)}`)).items).toEqual([]);

    // Replicating it again in alice's own fork: its commit is there; the same key, another run.
    const own = await crossfork(['replicate', original.id, '--repo', alice.repo, '--train-cmd', trainer, '--json', ...HW], {
      home: alice.home,
      server: server.url,
      timeoutMs: 60_000,
    });
    expect(own.code, own.stderr).toBe(0);
    expect(own.json).toMatchObject({ source: 'commit', val_bpb: 1.0, published: true });
    expect(parseResultsTsv(readFileSync(join(alice.repo, 'results.tsv'), 'utf8')).rows).toHaveLength(2);
    expect((await api(`/v1/records/${original.id}`)).replication.replications).toBe(2);
  }, 240_000);

  it('refuses what it cannot replicate, with the reason', async () => {
    const u = await user();
    const original = (await api(`/v1/records?status=keep&limit=50`)).records.find(
      (r: any) => r.payload.parent !== null && r.replicates === null,
    );
    const bad = await crossfork(['replicate', 'not-an-id', '--repo', u.repo, ...HW], { home: u.home, server: server.url });
    expect(bad.code).toBe(2);
    const unknown = await crossfork(['replicate', 'f'.repeat(64), '--repo', u.repo, '--train-cmd', trainer, ...HW], {
      home: u.home,
      server: server.url,
    });
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/404.*record f{12}/);
    // Another harness (its own prepare.py): val_bpb does not compare.
    writeFileSync(join(u.repo, 'prepare.py'), '# prepare.py (another harness)\nTIME_BUDGET = 300\n');
    git(u.repo, 'commit', '-qam', 'other harness');
    const other = await crossfork(['replicate', original.id, '--repo', u.repo, '--train-cmd', trainer, ...HW], {
      home: u.home,
      server: server.url,
    });
    expect(other.code).toBe(1);
    expect(other.stderr).toMatch(/harness .* cannot be replicated here/);
    // A folder inside a larger repository (the crossfork checkout, say): never committed or reset in.
    const outer = makeLoopRepo();
    const inner = join(outer, 'sub');
    mkdirSync(inner);
    writeFileSync(join(inner, 'train.py'), TRAIN_PY);
    const nested = await crossfork(['replicate', original.id, '--repo', inner, '--train-cmd', trainer, ...HW], {
      home: u.home,
      server: server.url,
    });
    expect(nested.code).toBe(1);
    expect(nested.stderr).toMatch(/not a fork of its own/);
    // A fork that has never had its parent's train.py (another lineage).
    const lineage = mkdtempSync(join(tmpdir(), 'crossfork-lineage-'));
    execFileSync('git', ['-C', lineage, 'init', '-q']);
    git(lineage, 'config', 'user.email', 'agent@example.org');
    git(lineage, 'config', 'user.name', 'agent');
    writeFileSync(join(lineage, 'train.py'), TRAIN_PY.replace('DEPTH = 8', 'DEPTH = 6'));
    writeFileSync(join(lineage, 'prepare.py'), PREPARE_PY);
    git(lineage, 'add', '.');
    git(lineage, 'commit', '-qm', 'only DEPTH 6 here');
    const missing = await crossfork(['replicate', original.id, '--repo', lineage, '--train-cmd', trainer, ...HW], {
      home: u.home,
      server: server.url,
    });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/cannot rebuild its parent's train\.py/);
  }, 120_000);

  it("crossfork run --replicate-every 1 replicates the queue's first result after each experiment", async () => {
    const dave = await user();
    model.chat.push(setConstant('DEPTH', '9', 'deeper: DEPTH 9'));
    expect((await runLoop(dave)).code).toBe(0);
    const daves = await keepOf(dave.fp);
    expect(daves.replication.confirmed).toBe(false);

    const carol = await user();
    model.chat.push(setConstant('DEPTH', '10', 'deeper: DEPTH 10'));
    const run = await runLoop(carol, ['--replicate-every', '1']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.json).toMatchObject({ experiments: 1, kept: 1 });
    expect(run.json.replications).toEqual([
      { id: expect.any(String), replicates: daves.id, status: 'keep', val_bpb: 1.01, published: true },
    ]);
    expect((await api(`/v1/records/${daves.id}`)).replication).toMatchObject({ confirmed: true, confirmed_by: 'other_key' });
    // Carol's fork holds her own experiment only: the replication was reset away, results.tsv has no row for it.
    expect(git(carol.repo, 'log', '--format=%s').trim().split('\n')).toEqual(['deeper: DEPTH 10', 'baseline']);
    expect(readFileSync(join(carol.repo, 'train.py'), 'utf8')).toMatch(/^DEPTH = 10$/m);
    expect(parseResultsTsv(readFileSync(join(carol.repo, 'results.tsv'), 'utf8')).rows.map((r) => r.description)).toEqual([
      'baseline',
      'deeper: DEPTH 10',
    ]);
    const bad = await crossfork(['run', '--repo', carol.repo, '--model', 'fake-model', '--replicate-every', '0', ...HW], {
      home: carol.home,
      server: server.url,
    });
    expect(bad.code).toBe(2);
  }, 240_000);
});
