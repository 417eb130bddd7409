// Public logs on both drivers: a discovered fork's results.tsv becomes unsigned records with
// provenance github:OWNER/REPO@COMMIT, flagged apart from signed ones, counted as idea evidence,
// kept off the leaderboard; malformed rows are skipped with reasons; re-crawls are idempotent;
// a network failure mid-crawl stores nothing and the retried job completes.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { drivers } from '../../helpers/db.ts';
import { testApp } from '../../helpers/app.ts';
import { startFakeGithub, type FakeGithub, type FakeRepo } from '../../helpers/fake-github.ts';
import type { Database } from '../../../server/db/client.ts';
import { JOB_GITHUB_CRAWL_FORK, JOB_GITHUB_DISCOVER } from '../../../server/jobs/kinds.ts';

const PREPARE = '"""Fixed data preparation and evaluation."""\nMAX_SEQ_LEN = 2048\nTIME_BUDGET = 300  # training time budget in seconds\n';
const HARNESS = createHash('sha256').update(PREPARE).digest('hex');
const RESULTS =
  [
    'commit\tval_bpb\tmemory_gb\tstatus\tdescription',
    'a1b2c3d\t0.997900\t44.0\tkeep\tbaseline',
    'b2c3d4e\t0.993200\t44.2\tkeep\tincrease MATRIX_LR from 0.04 to 0.05',
    'c3d4e5f\t1.005000\t44.0\tdiscard\tswitch to GeLU activation',
    'd4e5f6a\t0.000000\t0.0\tcrash\tdouble model width (OOM)',
    'e5f6a7b\tfast\t44.0\tkeep\tval_bpb is not a number',
    'f6a7b8c\t0.990000\tkeep',
    '0a1b2c3\t0.991000\t44.1\tmaybe\tunknown status word',
    '1b2c3d4\t1.001000\t44.0\tdiscard\tswitch to GeLU activation',
  ].join('\n') + '\n';

describe.each(drivers)('public logs on $name', (driver) => {
  let database: Database;
  let gh: FakeGithub;
  let t: ReturnType<typeof testApp>;
  let lab: FakeRepo;
  const settle = async () => {
    for (let round = 0; round < 10; round++) {
      let n = 0;
      for (const r of t.services.githubRunners.values()) n += await r.drain();
      n += await t.drain();
      if (n === 0) return;
    }
  };
  const records = async () => ((await (await t.get('/v1/records?limit=200')).json()) as any).records as any[];
  const forks = async () => ((await (await t.get('/v1/forks')).json()) as any).forks as any[];

  beforeAll(async () => {
    gh = await startFakeGithub();
    gh.addRepo({ owner: 'karpathy', name: 'autoresearch', files: { 'prepare.py': PREPARE } });
    lab = gh.addRepo({
      owner: 'alice-lab',
      name: 'autoresearch',
      parent: 'karpathy/autoresearch',
      branch: 'main',
      head: 'aa'.repeat(20),
      committedDate: '2026-03-10T08:00:00Z',
      files: { 'results.tsv': RESULTS, 'prepare.py': PREPARE },
    });
    gh.addRepo({ owner: 'bob', name: 'autoresearch', parent: 'karpathy/autoresearch', files: { 'results.tsv': RESULTS } });
    gh.addRepo({ owner: 'carol', name: 'autoresearch', parent: 'karpathy/autoresearch' });
    database = await driver.open();
    t = testApp(database, {
      runner: { backoffBaseMs: 1 },
      github: { token: gh.token, apiUrl: gh.url, client: { sleep: async () => {}, backoffMs: 1, retries: 2 } },
    });
    await t.init();
  });
  afterAll(async () => {
    await database?.close();
    await gh?.close();
  });

  it('ingests a fork’s results.tsv as unsigned records, skipping malformed rows with reasons', async () => {
    await t.services.githubSync.requestSync();
    await settle();
    const list = await records();
    expect(list).toHaveLength(5);
    const head = 'aa'.repeat(20);
    for (const r of list) {
      expect(r).toMatchObject({
        signed: false,
        signature: null,
        public_key: null,
        key_fingerprint: null,
        provenance: `github:alice-lab/autoresearch@${head}`,
        github_login: 'alice-lab',
        hardware_class: 'unreported',
        harness_id: HARNESS,
      });
      expect(r.idea_id).toBeTruthy();
    }
    const lr = list.find((r) => r.payload.description.startsWith('increase MATRIX_LR'));
    expect(lr.payload).toMatchObject({
      status: 'keep',
      commit: 'b2c3d4e',
      metrics: { val_bpb: 0.9932, peak_vram_mb: 44.2 * 1024 },
      parent: { commit: 'a1b2c3d', val_bpb: 0.9979 },
      fork: { id: 'github:alice-lab/autoresearch', branch: 'main', url: 'https://github.com/alice-lab/autoresearch' },
      harness: { id: HARNESS, time_budget_s: 300 },
    });
    expect(lr.delta_val_bpb).toBeCloseTo(-0.0047, 9);
    expect(lr.id).toBe(
      createHash('sha256')
        .update(`github:alice-lab/autoresearch\n0\n${RESULTS.split('\n')[2]}`)
        .digest('hex'),
    );
    expect(list.find((r) => r.payload.status === 'crash').payload.metrics.val_bpb).toBeNull();
    // Two rows with one description are two attempts (two records), not a duplicate.
    expect(list.filter((r) => r.payload.description === 'switch to GeLU activation')).toHaveLength(2);

    const byName = new Map((await forks()).map((f) => [f.name_with_owner, f]));
    const labLog = byName.get('alice-lab/autoresearch').public_log;
    expect(labLog).toMatchObject({ status: 'ingested', commit: head, rows: 5 });
    expect(labLog.skipped.map((s: any) => s.line)).toEqual([6, 7, 8]);
    expect(labLog.skipped[0].reason).toMatch(/val_bpb "fast" is not a number/);
    expect(labLog.skipped[1].reason).toMatch(/3 tab-separated fields/);
    expect(labLog.skipped[2].reason).toMatch(/unknown status "maybe"/);
    expect(byName.get('bob/autoresearch').public_log).toMatchObject({ status: 'no-harness', rows: null });
    expect(byName.get('carol/autoresearch').public_log).toMatchObject({ status: 'no-log' });
  });

  it('counts them as evidence in ideas, but keeps them off the leaderboard', async () => {
    const check = (await (
      await t.post('/v1/ideas/check', { description: 'switch to GeLU activation', harness_id: HARNESS })
    ).json()) as any;
    expect(check.verdict).not.toBe('novel');
    expect(check.matches[0].overall).toMatchObject({ attempts: 2, discards: 2, contributors: 1 });
    const idea = (await (await t.get(`/v1/ideas/${check.matches[0].id}`)).json()) as any;
    expect(idea.records.every((r: any) => r.signed === false)).toBe(true);
    const board = (await (await t.get('/v1/leaderboard')).json()) as any;
    expect(board).toEqual({ harness: null, harnesses: [], classes: [] });
  });

  it('re-crawls idempotently: the same commit adds nothing, a new commit adds only its new rows', async () => {
    const fork = (await forks()).find((f) => f.name_with_owner === 'alice-lab/autoresearch');
    expect(await t.services.publicLogs.crawl(fork.id)).toMatchObject({ status: 'ingested', created: 0 });
    await t.services.githubSync.requestSync();
    await settle();
    expect(await records()).toHaveLength(5);
    expect(gh.requests.filter((r) => r.op === 'PublicLog')).toHaveLength(4); // three forks once, one forced re-crawl

    lab.head = 'bb'.repeat(20);
    lab.files!['results.tsv'] = RESULTS + '2c3d4e5\t0.990500\t44.3\tkeep\tadd QK-norm\n';
    await t.services.githubSync.requestSync();
    await settle();
    const list = await records();
    expect(list).toHaveLength(6);
    expect(list.filter((r) => r.provenance.endsWith('bb'.repeat(20))).map((r) => r.payload.description)).toEqual(['add QK-norm']);
  });

  it('stores nothing when the network fails mid-crawl, and the retried job completes', async () => {
    const before = (await records()).length;
    lab.head = 'cc'.repeat(20);
    lab.files!['results.tsv'] += '3d4e5f6\t0.989000\t44.3\tkeep\tsoftcap logits at 15\n';
    await t.services.githubSync.requestSync();
    await t.services.githubRunners.get(JOB_GITHUB_DISCOVER)!.drain();
    const crawl = t.services.githubRunners.get(JOB_GITHUB_CRAWL_FORK)!;
    for (let i = 0; i < 3; i++) gh.faults.push({ op: 'PublicLog', kind: 'network' });
    expect(await crawl.drain()).toBe(0);
    expect(await records()).toHaveLength(before);
    expect((await forks()).find((f) => f.name_with_owner === 'alice-lab/autoresearch').public_log.commit).toBe('bb'.repeat(20));
    await settle();
    expect(await records()).toHaveLength(before + 1);
    expect((await forks()).find((f) => f.name_with_owner === 'alice-lab/autoresearch').public_log.commit).toBe('cc'.repeat(20));
  });

  it('lists only signed records when asked, and keeps signed records unchanged', async () => {
    const signed = ((await (await t.get('/v1/records?signed=true')).json()) as any).records;
    expect(signed).toEqual([]);
    const unsigned = ((await (await t.get('/v1/records?signed=false&limit=200')).json()) as any).records;
    expect(unsigned).toHaveLength((await records()).length);
  });
});
