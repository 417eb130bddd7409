// parseResultsTsv: the variants real forks write, malformed lines as problems, and every corpus file.
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseResultsTsv } from '../../../server/protocol/results-tsv.ts';
import { CORPUS_RESULTS, sharedPresent } from '../../helpers/shared.ts';

const CORPUS = fileURLToPath(CORPUS_RESULTS);
const present = sharedPresent(CORPUS_RESULTS, 'the results-tsv corpus tests');
const HEADER = 'commit\tval_bpb\tmemory_gb\tstatus\tdescription';

describe('parseResultsTsv', () => {
  it('reads the standard header, maps statuses and nulls crash zeros', () => {
    const { columns, rows, problems } = parseResultsTsv(
      [
        HEADER,
        'a1b2c3d\t0.997900\t44.0\tkeep\tbaseline',
        'b2c3d4e\t1.005000\t44.2\tdiscard\tswitch to GeLU',
        'c3d4e5f\t0.000000\t0.0\tcrash\tdouble width (OOM)',
        '',
      ].join('\n'),
    );
    expect(problems).toEqual([]);
    expect(columns).toEqual(['commit', 'val_bpb', 'memory_gb', 'status', 'description']);
    expect(rows.map((r) => [r.line, r.commit, r.val_bpb, r.memory_gb, r.status, r.description])).toEqual([
      [2, 'a1b2c3d', 0.9979, 44, 'keep', 'baseline'],
      [3, 'b2c3d4e', 1.005, 44.2, 'discard', 'switch to GeLU'],
      [4, 'c3d4e5f', null, null, 'crash', 'double width (OOM)'],
    ]);
    expect(rows[0].raw).toEqual({ commit: 'a1b2c3d', val_bpb: '0.997900', memory_gb: '44.0', status: 'keep', description: 'baseline' });
  });

  it('maps status synonyms, any case', () => {
    const statuses = ['kept', 'KEEP', 'best', 'baseline', 'success', 'discarded', 'worse', 'reverted', 'crash', 'OOM', 'failed'];
    const text = [HEADER, ...statuses.map((s, i) => `abc${i}def\t1.0${i}\t1.0\t${s}\trow ${i}`)].join('\n');
    const { rows, problems } = parseResultsTsv(text);
    expect(problems).toEqual([]);
    expect(rows.map((r) => r.status)).toEqual([
      'keep',
      'keep',
      'keep',
      'keep',
      'keep',
      'discard',
      'discard',
      'discard',
      'crash',
      'crash',
      'crash',
    ]);
    expect(rows.map((r) => r.status_raw)).toEqual(statuses);
  });

  it('follows reordered, extra and missing columns (memory_mb, mfu, num_steps, no memory)', () => {
    const text = [
      'status\tdescription\tval_bpb\tmfu\tnum_steps\tcommit\tmemory_mb',
      'keep\tbaseline\t1.2\t39.5\t953\tABCDEF1\t2048',
      'discard\tx\t1.3\t\t\tbcdef12\t',
    ].join('\r\n');
    const { rows, problems } = parseResultsTsv(text);
    expect(problems).toEqual([]);
    expect(rows[0]).toMatchObject({ commit: 'abcdef1', val_bpb: 1.2, memory_gb: 2, status: 'keep', description: 'baseline' });
    expect(rows[0].metrics).toMatchObject({ mfu_percent: 39.5, num_steps: 953 });
    expect(rows[1].metrics.mfu_percent).toBeNull();
    const noMemory = parseResultsTsv('commit\tval_bpb\tstatus\tdescription\nabc1234\t1.1\tkeep\tbaseline');
    expect(noMemory.rows[0]).toMatchObject({ memory_gb: null, val_bpb: 1.1 });
  });

  it('skips divider rows and repeated headers without calling them problems', () => {
    const text = [
      HEADER,
      'a1b2c3d\t1.0\t1\tkeep\tbase',
      '---\tMoE experiments (40min budget)\t---\t---',
      HEADER,
      '# phase two',
      'b1b2c3d\t0.9\t1\tkeep\tmore',
    ].join('\n');
    const { rows, problems } = parseResultsTsv(text);
    expect(problems).toEqual([]);
    expect(rows.map((r) => r.line)).toEqual([2, 6]);
  });

  it('reports each malformed line with its reason and keeps the rest', () => {
    const text = [
      HEADER,
      'a1b2c3d\t1.0\t1\tkeep\tgood row',
      'a1b2c3e\tfast\t1\tkeep\tval_bpb is a word',
      'a1b2c3f\t1.0\t1\tmaybe\tstatus unknown',
      'a1b2c40\t1.0\tkeep\ttoo few fields',
      'a1b2c41\t0.000000\t0.0\tdiscard\tdiscard without a value',
      'a1b2c42\t25\t1\tkeep\tout of range',
      'a1b2c43\t1.0\t1\tkeep\t',
      'a1b2c44\tnan\t1\tcrash\tNaN at step 117',
    ].join('\n');
    const { rows, problems } = parseResultsTsv(text);
    expect(rows.map((r) => r.line)).toEqual([2, 9]);
    expect(rows[1]).toMatchObject({ status: 'crash', val_bpb: null });
    expect(problems.map((p) => p.line)).toEqual([3, 4, 5, 6, 7, 8]);
    expect(problems[0].reason).toBe('val_bpb "fast" is not a number');
    expect(problems[1].reason).toMatch(/unknown status "maybe"/);
    expect(problems[2].reason).toMatch(/has 4 tab-separated fields, the header has 5/);
    expect(problems[3].reason).toMatch(/only crashes may lack a val_bpb/);
    expect(problems[4].reason).toMatch(/outside/);
    expect(problems[5].reason).toBe('the description is empty');
    expect(problems[0].text).toBe('a1b2c3e\tfast\t1\tkeep\tval_bpb is a word');
  });

  it('keeps non-hash commits as null, tabs inside the description, and a file without a header', () => {
    const { rows } = parseResultsTsv(`${HEADER}\ninitial\t1.366\t10.07\tsuccess\tDGX Spark\nabc1234\t1.1\t1\tkeep\ta\tb`);
    expect(rows[0]).toMatchObject({ commit: null, status: 'keep', val_bpb: 1.366 });
    expect(rows[1].description).toBe('a\tb');
    const headerless = parseResultsTsv('abc1234\t1.1\t1\tkeep\tbaseline\n');
    expect(headerless.columns).toEqual(['commit', 'val_bpb', 'memory_gb', 'status', 'description']);
    expect(headerless.rows[0]).toMatchObject({ line: 1, commit: 'abc1234' });
  });

  it('says once, for the file, when it is not tab-separated at all (comma, semicolon), or has no val_bpb column', () => {
    const csv = parseResultsTsv('commit,val_bpb,memory_gb,status,description\na1b2c3d,0.99,44.0,keep,baseline\n');
    expect(csv).toMatchObject({ rows: [], problems: [] });
    expect(csv.fileProblem).toMatch(
      /^the file is comma-separated \(its first line has 5 comma-separated fields and no tab\); results\.tsv must be tab-separated/,
    );
    expect(parseResultsTsv('a1b2c3d;0.99;44.0;keep;baseline\n').fileProblem).toMatch(/semicolon-separated/);
    expect(parseResultsTsv('just words\nmore words\n').fileProblem).toMatch(/no line of the file has a tab/);
    expect(parseResultsTsv('commit\tbpb_x\tstatus\ta1b2c3d\nabc1234\t1\tkeep\tx\n').fileProblem).toMatch(/has no val_bpb column/);
    // A tab-separated file with one bad line is not a file problem.
    expect(parseResultsTsv('commit\tval_bpb\tmemory_gb\tstatus\tdescription\na,b,c\n').fileProblem).toBeNull();
  });

  it('handles empty input', () => {
    expect(parseResultsTsv('')).toEqual({ columns: [], rows: [], problems: [], fileProblem: null });
  });
});

describe.skipIf(!present)('parseResultsTsv over the real corpus (../shared/corpus/results)', () => {
  const files = present ? readdirSync(CORPUS).filter((f) => f.endsWith('.tsv') && f !== 'MANIFEST.tsv') : [];
  const manifest = present ? readFileSync(join(CORPUS, 'MANIFEST.tsv'), 'utf8') : '';
  const expectedRows = new Map(
    manifest
      .split('\n')
      .slice(1)
      .filter(Boolean)
      .map((l) => [l.split('\t')[0], Number(l.split('\t')[3])]),
  );

  it.each(files)('%s: every line is a row, a divider or a problem with a reason', (file) => {
    const text = readFileSync(join(CORPUS, file), 'utf8');
    const { rows, problems, columns } = parseResultsTsv(text);
    expect(columns).toContain('val_bpb');
    expect(columns).toContain('status');
    const dataLines = text
      .split('\n')
      .slice(1)
      .filter((l) => l.trim() !== '' && !l.startsWith('---'));
    expect(rows.length + problems.length).toBe(dataLines.length);
    // MANIFEST's count includes divider rows.
    expect(
      text
        .split('\n')
        .slice(1)
        .filter((l) => l.trim() !== '').length,
    ).toBe(expectedRows.get(file));
    for (const p of problems) expect(p.reason.length).toBeGreaterThan(5);
    for (const r of rows) {
      expect(r.description.length).toBeGreaterThan(0);
      if (r.status === 'crash') expect(r.val_bpb).toBeNull();
      else expect(r.val_bpb).toBeGreaterThan(0);
    }
  });

  it('finds the known shapes: a divider file, an "initial" commit, all-zero crashes, and one 0.0 discard', () => {
    const read = (f: string) => parseResultsTsv(readFileSync(join(CORPUS, f), 'utf8'));
    expect(read('blueberry-llm__autoresearch-windows.tsv').problems).toEqual([]);
    expect(read('ReadbytheBeach__autoresearch-dgx.tsv').rows[0]).toMatchObject({ commit: null, status: 'keep' });
    expect(
      read('Djordje-Stojanovic__TrainRTX5070.tsv')
        .rows.filter((r) => r.status === 'crash')
        .every((r) => r.val_bpb === null),
    ).toBe(true);
    const folk = read('Abhaysharma53__test_autoresearch_folktales.tsv');
    expect(folk.problems.map((p) => p.reason)).toEqual(['status is discard but val_bpb is 0.000000: only crashes may lack a val_bpb']);
  });
});
