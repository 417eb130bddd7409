// What a record says about what is not known: the harness of a bare results.tsv (current upstream,
// said), the time of a row without a commit (order kept, time_unknown), memory written in MB, long
// descriptions (one rule), and runs too short to compare (smoke runs, CROSSFORK_TIME_BUDGET).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { clipDescription, clipDescriptionField } from '../../server/protocol/description.ts';
import { CURRENT_UPSTREAM, unknownHarnessId } from '../../server/protocol/harnesses.ts';
import { LIMITS } from '../../server/protocol/limits.ts';
import { recordPayloadSchema } from '../../server/protocol/record.schema.ts';
import { contentId } from '../../server/protocol/canonical.ts';
import { parseResultsTsv } from '../../server/protocol/results-tsv.ts';
import { resolveHarness } from '../../cli/lib/harness.ts';
import { memoryUnit } from '../../cli/lib/memory-unit.ts';
import { buildRecords, placeUnknownTimes, timeBudget, type BuildContext } from '../../cli/lib/records.ts';
import { parseRunLog } from '../../cli/lib/run-log.ts';
import { shortRun } from '../../cli/run/short-run.ts';
import { makeFork, NIGHT, HEADER } from '../helpers/fork-repo.ts';
import { makePayload } from '../helpers/records.ts';

const MAC = { accelerator: 'mps' as const, device_name: 'Apple M3 Pro', device_count: 1, memory_mb: 36864, driver: null, runtime: null };
const ctx = (repo: string, over: Partial<BuildContext> = {}): BuildContext => ({
  repo,
  gitAvailable: false,
  hardware: MAC,
  fork: { id: 'f', branch: null, url: null },
  agent: { model: null, tool: null },
  harness: { name: 'autoresearch', assumed: CURRENT_UPSTREAM.id },
  now: () => '2026-03-09T00:00:00.000Z',
  ...over,
});
const bare = () => mkdtempSync(join(tmpdir(), 'crossfork-bare-'));

describe('the harness of a results.tsv', () => {
  it('no prepare.py: the current upstream harness, with a note naming it and the way out', () => {
    const dir = bare();
    const h = resolveHarness(dir);
    expect(h).toMatchObject({ id: CURRENT_UPSTREAM.id, source: 'assumed', known: { commit: 'c2450ad' } });
    expect(h.note).toContain(`no prepare.py in ${dir}: assuming the current upstream harness (karpathy/autoresearch c2450ad, 2026-03-10`);
    expect(h.note).toContain('--harness NAME or --harness-id ID');
  });

  it("importing (a fork id at hand), no prepare.py: the fork's own unknown harness, said in one line with the fix", () => {
    const dir = bare();
    const h = resolveHarness(dir, {}, 'fork-1');
    expect(h).toMatchObject({ id: unknownHarnessId('fork-1'), source: 'unknown', known: null });
    expect(h.note).toBe(
      `no prepare.py in ${dir}: results go on an unknown harness of this fork (they inform ideas by their deltas, never a leaderboard); if it ran upstream autoresearch's prepare.py, pass --harness upstream (or --harness-id ID)`,
    );
    expect(resolveHarness(dir, { harness: 'upstream' }, 'fork-1')).toMatchObject({ id: CURRENT_UPSTREAM.id, source: 'name', note: null });
  });

  it('--harness NAME and --harness-id override it; prepare.py wins over the assumption; bad values are usage errors', () => {
    const dir = bare();
    expect(resolveHarness(dir, { harness: 'upstream@b11d6f2' })).toMatchObject({ source: 'name', known: { metric: 'A' }, note: null });
    expect(resolveHarness(dir, { harnessId: 'ab'.repeat(32) })).toMatchObject({ id: 'ab'.repeat(32), source: 'flag', known: null });
    writeFileSync(join(dir, 'prepare.py'), 'TIME_BUDGET = 300\n');
    expect(resolveHarness(dir)).toMatchObject({ source: 'prepare.py', note: null });
    expect(() => resolveHarness(dir, { harness: 'nanochat' })).toThrow(/unknown harness "nanochat": known names are upstream/);
    expect(() => resolveHarness(dir, { harness: 'upstream', harnessId: 'ab'.repeat(32) })).toThrow(/not both/);
    expect(() => resolveHarness(dir, { harnessId: 'XYZ' })).toThrow(/lowercase hex SHA-256/);
  });

  it("rows of a bare file take the assumed id and budget; a fork commit's own prepare.py still wins", async () => {
    const text = `${HEADER}abc1234\t1.0\t40.0\tkeep\tbaseline\n`;
    const built = await buildRecords(parseResultsTsv(text).rows, ctx(bare()));
    expect(built.records[0].payload.harness).toEqual({ id: CURRENT_UPSTREAM.id, name: 'autoresearch', time_budget_s: 300 });
    expect(built.assumedHarness).toBe(1);
    const fork = makeFork(NIGHT.slice(0, 2));
    const own = await buildRecords(
      parseResultsTsv(`${HEADER}${fork.rows.map((r) => `${r.commit}\t${r.exp.val_bpb}\t40.0\tkeep\t${r.exp.description}`).join('\n')}\n`)
        .rows,
      ctx(fork.dir, { gitAvailable: true }),
    );
    expect(own.records.every((r) => r.payload.harness.id === fork.harnessId)).toBe(true);
    expect(own.assumedHarness).toBe(0);
  });

  it("reads TIME_BUDGET, also in the `15 if SMOKE else 300` form of this repo's harness", () => {
    expect(timeBudget('TIME_BUDGET = 300\n')).toBe(300);
    expect(timeBudget('TIME_BUDGET = 15 if SMOKE else 300               # training seconds\n')).toBe(300);
    expect(timeBudget('MAX = 1\n')).toBeNull();
  });
});

describe('honest time', () => {
  it('commit dates when git has them; rows without keep their order around them, marked time_unknown', async () => {
    const fork = makeFork(NIGHT.slice(0, 2));
    const [a, b] = fork.rows;
    const text = `${HEADER}deadbee\t1.1\t40.0\tdiscard\tbefore anything\n${a.commit}\t${a.exp.val_bpb}\t40.0\tkeep\tbaseline\nfeedbee\t1.2\t40.0\tdiscard\tlost commit\n${b.commit}\t${b.exp.val_bpb}\t40.0\tkeep\tkept\n`;
    const { records } = await buildRecords(parseResultsTsv(text).rows, ctx(fork.dir, { gitAvailable: true }));
    const when = records.map((r) => [r.payload.created_at, r.payload.time_unknown ?? false]);
    expect(when).toEqual([
      ['2026-03-08T21:00:59.999Z', true],
      ['2026-03-08T21:01:00Z', false],
      ['2026-03-08T21:01:00.001Z', true],
      ['2026-03-08T21:02:00Z', false],
    ]);
  });

  it('a time column counts as known; `publish` (a run that just ended) takes now as known', async () => {
    const text = 'commit\tval_bpb\tmemory_gb\tstatus\tdescription\ttimestamp\nabc1234\t1.0\t40\tkeep\tbaseline\t2026-03-07T10:00:00Z\n';
    const dir = bare();
    expect((await buildRecords(parseResultsTsv(text).rows, ctx(dir))).records[0].payload).toMatchObject({
      created_at: '2026-03-07T10:00:00.000Z',
    });
    expect((await buildRecords(parseResultsTsv(text).rows, ctx(dir))).records[0].payload.time_unknown).toBeUndefined();
    const now = await buildRecords(parseResultsTsv(`${HEADER}abc1234\t1.0\t40\tkeep\tbaseline\n`).rows, ctx(dir, { timeIsNow: true }));
    expect(now.records[0].payload).toMatchObject({ created_at: '2026-03-09T00:00:00.000Z' });
    expect(now.records[0].payload.time_unknown).toBeUndefined();
  });

  it('placeUnknownTimes: all unknown → just before now, 1 ms apart, in order', () => {
    const rows = [0, 1, 2].map(() => ({ at: null, payload: { created_at: '' } as { created_at: string; time_unknown?: true } }));
    placeUnknownTimes(rows, '2026-03-09T00:00:00.000Z');
    expect(rows.map((r) => r.payload.created_at)).toEqual([
      '2026-03-08T23:59:59.997Z',
      '2026-03-08T23:59:59.998Z',
      '2026-03-08T23:59:59.999Z',
    ]);
  });

  it('the contract: time_unknown is optional, only `true`; old records keep their ids', () => {
    const old = makePayload();
    expect(recordPayloadSchema.safeParse(old).success).toBe(true);
    const parsed = recordPayloadSchema.parse(old);
    expect('time_unknown' in parsed).toBe(false);
    expect(contentId(parsed)).toBe(contentId(old));
    expect(recordPayloadSchema.safeParse({ ...old, time_unknown: true }).success).toBe(true);
    expect(recordPayloadSchema.safeParse({ ...old, time_unknown: false }).success).toBe(false);
    expect(contentId({ ...old, time_unknown: true })).not.toBe(contentId(old));
  });
});

describe('memory units against the device', () => {
  const rows = (...gb: number[]) => parseResultsTsv(`${HEADER}${gb.map((g, i) => `abc12${i}0\t1.0\t${g}\tkeep\tr${i}`).join('\n')}\n`).rows;

  it('GB that fit the device are GB; values only MB can be are read as MB; neither is refused; --memory-unit decides', () => {
    expect(memoryUnit(rows(5.5, 30.1), MAC)).toEqual({ unit: 'gb', note: null, problem: null });
    const mb = memoryUnit(rows(9328.2, 120), MAC);
    expect(mb.unit).toBe('mb');
    expect(mb.note).toBe(
      'memory_gb values up to 9328.2 cannot be GB on this device (Apple M3 Pro, 36 GB): read them as MB (9.1 GB at most); pass --memory-unit gb or none to override',
    );
    expect(memoryUnit(rows(9999999), MAC).problem).toMatch(/^memory_gb values up to 9999999 are neither GB nor MB of this device/);
    expect(memoryUnit(rows(9328.2), MAC, 'gb')).toEqual({ unit: 'gb', note: null, problem: null });
    // Unknown device memory: only what no single device holds (over 1 TB) is taken for MB.
    expect(memoryUnit(rows(600), { ...MAC, memory_mb: null }).unit).toBe('gb');
    expect(memoryUnit(rows(9328.2), { ...MAC, memory_mb: null }).unit).toBe('mb');
    // Several devices: up to their sum.
    expect(memoryUnit(rows(150), { ...MAC, device_count: 8, memory_mb: 81920 }).unit).toBe('gb');
  });

  it('a file in no plausible unit builds nothing and says why', async () => {
    const built = await buildRecords(rows(9999999), ctx(bare()));
    expect(built.records).toEqual([]);
    expect(built.fileProblem).toMatch(/neither GB nor MB/);
    const asMb = await buildRecords(rows(9328.2), ctx(bare()));
    expect(asMb.records[0].payload.metrics.peak_vram_mb).toBe(9328.2);
    expect(asMb.notes[0]).toMatch(/read them as MB/);
  });
});

describe('one rule for long descriptions', () => {
  it('cuts to the limit with "…", never splitting a surrogate pair; short ones are untouched', () => {
    expect(clipDescription('short')).toEqual({ text: 'short', clipped: false });
    const long = clipDescription('x'.repeat(6000));
    expect(long.text).toHaveLength(LIMITS.descriptionChars);
    expect(long.text.endsWith('…')).toBe(true);
    const emoji = clipDescription(`${'x'.repeat(LIMITS.descriptionChars - 2)}😀😀😀`);
    expect(emoji.text.isWellFormed()).toBe(true);
    expect(emoji.text.length).toBeLessThanOrEqual(LIMITS.descriptionChars);
    expect(clipDescriptionField({ description: 'y'.repeat(3000), diff: null })).toMatchObject({
      description: expect.stringMatching(/…$/),
      diff: null,
    });
    expect(clipDescriptionField('not an object')).toBe('not an object');
  });

  it('import cuts a 6,000-character row and says which line', async () => {
    const built = await buildRecords(parseResultsTsv(`${HEADER}abc1234\t1.0\t40\tkeep\t${'z'.repeat(6000)}\n`).rows, ctx(bare()));
    expect(built.records[0].payload.description).toHaveLength(LIMITS.descriptionChars);
    expect(built.notes).toContain(
      `a description longer than ${LIMITS.descriptionChars} characters (line 2): published cut to ${LIMITS.descriptionChars}, ending in "…"`,
    );
  });
});

describe('short runs', () => {
  const log = (training: number) => parseRunLog(`---\nval_bpb: 1.01\ntraining_seconds: ${training}\n`);
  it('a run shorter than the budget, a smoke run or a shortened budget is short; a full run or a crash is not', () => {
    expect(shortRun(log(300.2), 300, {})).toBeNull();
    expect(shortRun(log(15), 300, {})).toBe("a 15.0-second run, shorter than the harness's 300 s time budget");
    expect(shortRun(log(300), 300, { CROSSFORK_SMOKE: '1' })).toMatch(/CROSSFORK_SMOKE is set/);
    expect(shortRun(log(300), 300, { CROSSFORK_SMOKE: '0' })).toBeNull();
    expect(shortRun(log(60), 300, { CROSSFORK_TIME_BUDGET: '60' })).toMatch(/CROSSFORK_TIME_BUDGET=60 is shorter/);
    expect(shortRun(parseRunLog('Traceback (most recent call last):\nOOM\n'), 300, {})).toBeNull();
  });
});
