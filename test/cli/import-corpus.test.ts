// `crossfork import --dry-run` over every real results.tsv in ../shared/corpus/results: each file
// imports (one with no rows fails, saying so), each malformed line is reported with its reason,
// nothing is signed or sent.
import { existsSync, readdirSync, readFileSync, copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { makeContext } from '../../cli/lib/context.ts';
import importCommand from '../../cli/commands/import.ts';
import { crossfork, newHome } from '../helpers/cli.ts';

const CORPUS = fileURLToPath(new URL('../../../shared/corpus/results', import.meta.url));
const files = existsSync(CORPUS) ? readdirSync(CORPUS).filter((f) => f.endsWith('.tsv') && f !== 'MANIFEST.tsv') : [];
if (files.length === 0) console.warn(`corpus dry-run tests skipped: ${CORPUS} is absent`);

const HARNESS = 'ab'.repeat(32);

describe.skipIf(files.length === 0)('import --dry-run over the real corpus', () => {
  const home = newHome();
  const ctx = makeContext({ json: true }, { ...process.env, CROSSFORK_HOME: home, CROSSFORK_SERVER: 'http://127.0.0.1:9' });

  it.each(files)('%s', async (file) => {
    const dir = mkdtempSync(join(tmpdir(), 'crossfork-corpus-'));
    copyFileSync(join(CORPUS, file), join(dir, 'results.tsv'));
    const lines = readFileSync(join(CORPUS, file), 'utf8')
      .split('\n')
      .slice(1)
      .filter((l) => l.trim() && !l.startsWith('---'));
    const run = importCommand(ctx, [], {
      repo: dir,
      dryRun: true,
      harnessId: HARNESS,
      harnessName: 'autoresearch',
      device: 'NVIDIA A10G',
      memoryMb: '24576',
      accelerator: 'cuda',
    });
    // A log with its header and no row yet: nothing to publish, said as a failure.
    if (lines.length === 0) return void (await expect(run).rejects.toThrow(/it has no experiment rows, only a header/));
    const res = await run;
    const data = res.data as any;
    expect(data.dry_run).toBe(true);
    expect(data.would_publish + data.problems.length + data.skipped.length).toBe(lines.length);
    for (const p of [...data.problems, ...data.skipped]) {
      expect(p.reason).toMatch(/\w{3,}/);
      expect(res.text).toContain(`line ${p.line}: skipped, ${p.reason}`);
    }
    for (const r of data.records) expect(r.status === 'crash' ? r.val_bpb === null : r.val_bpb > 0).toBe(true);
  });

  it('reports the malformed 0.0 discard of a real log by line, and signs nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'crossfork-corpus-'));
    copyFileSync(join(CORPUS, 'Abhaysharma53__test_autoresearch_folktales.tsv'), join(dir, 'results.tsv'));
    const run = await crossfork(['import', '--repo', dir, '--dry-run', '--harness-id', HARNESS, '--device', 'CPU'], { home });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('line 3: skipped, status is discard but val_bpb is 0.000000: only crashes may lack a val_bpb');
    expect(run.stdout).toMatch(/7 would be published/);
    expect(existsSync(join(home, 'outbox'))).toBe(false);
  });
});
