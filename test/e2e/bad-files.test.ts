// Bad files get a clear message and a non-zero exit, and publish nothing: a comma-separated
// results.tsv, one with no rows, a memory column in MB (read as MB on a 36 GB device) or in no
// plausible unit, rows that all fail; and one rule for over-long descriptions in the CLI (cut, said) and the API
// (check cuts; a signed record over the limit is refused with the rule).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LIMITS } from '../../server/protocol/limits.ts';
import { crossfork, newHome } from '../helpers/cli.ts';
import { HEADER, makeFork, NIGHT } from '../helpers/fork-repo.ts';
import { envelope, makePayload, newSigner } from '../helpers/records.ts';
import { useServer } from '../helpers/servers.ts';

// An Apple M3 Pro with 36 GB of unified memory, as `crossfork init` would save it.
const MAC = ['--device', 'Apple M3 Pro', '--memory-mb', '36864', '--accelerator', 'mps'];

describe('bad files and long descriptions', () => {
  let home: string;
  const server = useServer('crossfork-bad-files-', {
    seed: async (url) => {
      home = newHome();
      expect((await crossfork(['init', '--yes', ...MAC], { home, server: url })).code).toBe(0);
    },
    timeoutMs: 60_000,
  });

  const stored = async () => ((await (await fetch(`${server.url}/v1/records?limit=200`)).json()) as any).records as any[];
  const bareDir = (text: string) => {
    const dir = mkdtempSync(join(tmpdir(), 'crossfork-bad-'));
    writeFileSync(join(dir, 'results.tsv'), text);
    writeFileSync(join(dir, 'prepare.py'), 'TIME_BUDGET = 300\n');
    return dir;
  };
  const importIn = (dir: string, extra: string[] = []) => crossfork(['import', '--repo', dir, ...extra], { home, server: server.url });

  it('a comma-separated results.tsv: said for the file, exit 1, nothing published (import and watch)', async () => {
    const before = (await stored()).length;
    const dir = bareDir(
      'commit,val_bpb,memory_gb,status,description\na1b2c3d,0.997900,44.0,keep,baseline\nb2c3d4e,0.993200,44.2,keep,"LR 0.04 -> 0.05, warmup 2%"\n',
    );
    const imp = await importIn(dir);
    expect(imp.code).toBe(1);
    expect(imp.stderr.trim().split('\n')).toHaveLength(1);
    expect(imp.stderr).toMatch(
      /results\.tsv: the file is comma-separated \(its first line has 5 comma-separated fields and no tab\); results\.tsv must be tab-separated .*nothing was published/,
    );
    const json = await crossfork(['import', '--repo', dir, '--json'], { home, server: server.url });
    expect(json.json).toMatchObject({ exit_code: 1, error: expect.stringContaining('comma-separated') });
    const watch = await crossfork(['watch', '--repo', dir, '--interval', '100'], { home, server: server.url, timeoutMs: 20_000 });
    expect(watch.code).toBe(1);
    expect(watch.stderr).toMatch(/comma-separated.*stopped watching/);
    expect((await stored()).length).toBe(before);
  });

  it('a results.tsv with no rows (empty, or a header only): exit 1, said, nothing published (with --dry-run too)', async () => {
    const before = (await stored()).length;
    for (const [text, why] of [
      ['', 'the file is empty'],
      [HEADER, 'it has no experiment rows, only a header (or dividers)'],
      [`${HEADER}---\t---\t---\t---\t---\n`, 'it has no experiment rows, only a header (or dividers)'],
    ]) {
      const dir = bareDir(text);
      for (const extra of [[], ['--dry-run']]) {
        const imp = await importIn(dir, extra);
        expect(imp.code, imp.stderr).toBe(1);
        expect(imp.stdout).toBe('');
        expect(imp.stderr.trim()).toBe(
          `crossfork: ${join(dir, 'results.tsv')}: ${why}: there is nothing to publish until the loop logs a row per experiment (commit, val_bpb, memory_gb, status, description); nothing was published`,
        );
      }
      const json = await importIn(dir, ['--json']);
      expect(json.json).toMatchObject({ exit_code: 1, error: expect.stringContaining(why) });
      rmSync(dir, { recursive: true, force: true });
    }
    expect((await stored()).length).toBe(before);
  });

  it('rows that all fail: each line with its reason, exit 1, nothing published', async () => {
    const before = (await stored()).length;
    const dir = bareDir(`${HEADER}a1b2c3d\tabc\t44.0\tkeep\tbaseline\nb2c3d4e\t0.99\t44.0\tmaybe\tLR up\n`);
    const imp = await importIn(dir);
    expect(imp.code).toBe(1);
    expect(imp.stderr).toContain('line 2: skipped, val_bpb "abc" is not a number');
    expect(imp.stderr).toContain('line 3: skipped, unknown status "maybe"');
    expect(imp.stderr).toMatch(/none of its 2 rows can be published .*nothing was published/);
    expect((await stored()).length).toBe(before);
  });

  it('memory_gb holding MB on a 36 GB device: read as MB, said; values in no plausible unit: refused, exit 1, nothing published', async () => {
    const dir = bareDir(`${HEADER}a1b2c3d\t1.104000\t9328.2\tkeep\tbaseline mps\nb2c3d4e\t1.101000\t9540.0\tkeep\tLR 0.04 -> 0.05 mps\n`);
    const imp = await crossfork(['import', '--repo', dir, '--json'], { home, server: server.url });
    expect(imp.code, imp.stderr).toBe(0);
    expect(imp.stderr).toMatch(
      /memory_gb values up to 9540 cannot be GB on this device \(Apple M3 Pro, 36 GB\): read them as MB \(9\.3 GB at most\)/,
    );
    const recs = (await stored()).filter((r) => r.payload.description.endsWith(' mps'));
    expect(recs.map((r) => r.payload.metrics.peak_vram_mb).sort()).toEqual([9328.2, 9540]);

    const before = (await stored()).length;
    const bad = bareDir(`${HEADER}c3d4e5f\t1.100000\t9999999.0\tkeep\tbaseline huge\n`);
    const refused = await importIn(bad);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(
      /memory_gb values up to 9999999 are neither GB nor MB of this device \(Apple M3 Pro, 36 GB\).*--memory-unit none.*nothing was published/,
    );
    expect((await stored()).length).toBe(before);
    // The override publishes without the memory.
    const none = await importIn(bad, ['--memory-unit', 'none', '--json']);
    expect(none.code, none.stderr).toBe(0);
    expect((await stored()).find((r) => r.payload.description === 'baseline huge').payload.metrics.peak_vram_mb).toBeNull();
  });

  it('one rule for a 6,000-character description: the CLI cuts it to 2,000 and says so (import, publish, check); the API cuts a check and refuses a signed record', async () => {
    const long = `${'raise MATRIX_LR and explain why at length '.repeat(150)}`.slice(0, 6000);
    const fork = makeFork([...NIGHT.slice(0, 1), { description: long, status: 'keep', val_bpb: 0.99, lr: 0.05 }]);
    const imp = await crossfork(['import', '--repo', fork.dir, '--json'], { home, server: server.url });
    expect(imp.code, imp.stderr).toBe(0);
    expect(imp.stderr).toContain(
      `a description longer than ${LIMITS.descriptionChars} characters (line 3): published cut to ${LIMITS.descriptionChars}, ending in "…"`,
    );
    const rec = (await stored()).find((r) => r.payload.description.startsWith('raise MATRIX_LR and explain'));
    expect(rec.payload.description).toHaveLength(LIMITS.descriptionChars);
    expect(rec.payload.description.endsWith('…')).toBe(true);

    const pub = await crossfork(
      ['publish', '--repo', fork.dir, '--status', 'discard', '--val-bpb', '1.01', '-d', `${long} (again)`, '--json'],
      { home, server: server.url },
    );
    expect(pub.code, pub.stderr).toBe(0);
    expect(pub.json.payload.description).toHaveLength(LIMITS.descriptionChars);
    expect(pub.stderr).toContain(
      `a description longer than ${LIMITS.descriptionChars} characters: published cut to ${LIMITS.descriptionChars}`,
    );

    const check = await crossfork(['check', long, '--repo', fork.dir, '--json'], { home, server: server.url });
    expect(check.code, check.stderr).toBe(0);
    expect(check.stderr).toContain(`the idea is longer than ${LIMITS.descriptionChars} characters: sent cut to ${LIMITS.descriptionChars}`);

    // The API: an unsigned query is cut like the CLI does…
    const api = await fetch(`${server.url}/v1/ideas/check`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ description: long }),
    });
    expect(api.status).toBe(200);
    // …a signed record cannot be changed, so it is refused with the limit in the message.
    const signed = await fetch(`${server.url}/v1/records`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(envelope(makePayload({ description: long }), newSigner('long'))),
    });
    expect(signed.status).toBe(422);
    expect(((await signed.json()) as { detail: string }).detail).toContain(
      `description: must be at most ${LIMITS.descriptionChars} characters`,
    );
  });
});
