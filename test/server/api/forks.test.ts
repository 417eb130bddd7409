// Fork discovery on both drivers against the local GitHub stand-in: 260 forks over three pages,
// a 403 secondary limit waited out mid-way, a network failure that stops a pass after a stored
// page and a retry that resumes at the saved cursor, forks of forks to the configured depth.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { drivers } from '../../helpers/db.ts';
import { testApp } from '../../helpers/app.ts';
import { startFakeGithub, type FakeGithub } from '../../helpers/fake-github.ts';
import type { Database } from '../../../server/db/client.ts';
import { JOB_GITHUB_CRAWL_FORK, JOB_GITHUB_DISCOVER } from '../../../server/jobs/kinds.ts';

const UPSTREAM = 'karpathy/autoresearch';

describe.each(drivers)('fork discovery on $name', (driver) => {
  let database: Database;
  let gh: FakeGithub;
  let t: ReturnType<typeof testApp>;
  let waits: number[] = [];
  const runner = (kind: string) => t.services.githubRunners.get(kind)!;
  const forksPages = () => gh.requests.filter((r) => r.op === 'ForksPage');
  const allForks = async () => {
    const out: any[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res: any = await (await t.get(`/v1/forks?limit=100${cursor ? `&cursor=${cursor}` : ''}`)).json();
      out.push(...res.forks);
      cursor = res.next_cursor;
      pages++;
    } while (cursor);
    return { forks: out, pages };
  };

  beforeAll(async () => {
    gh = await startFakeGithub();
    gh.addRepo({ owner: 'karpathy', name: 'autoresearch' });
    for (let i = 0; i < 260; i++) {
      gh.addRepo({
        owner: `user${String(i).padStart(3, '0')}`,
        name: i % 7 === 0 ? 'my-autoresearch' : 'autoresearch',
        parent: UPSTREAM,
        stars: i % 5,
        pushedAt: `2026-03-${String(1 + (i % 28)).padStart(2, '0')}T12:00:00Z`,
      });
    }
    gh.addRepo({ owner: 'private-one', name: 'autoresearch', parent: UPSTREAM, isPrivate: true });
    gh.addRepo({ owner: 'deep', name: 'autoresearch', parent: 'user001/autoresearch' });
    database = await driver.open();
    t = testApp(database, {
      runner: { backoffBaseMs: 1 },
      github: {
        token: gh.token,
        apiUrl: gh.url,
        upstream: UPSTREAM,
        forkDepth: 2,
        client: { sleep: async (ms) => void waits.push(ms), backoffMs: 1, retries: 2 },
      },
    });
  });
  afterAll(async () => {
    await t?.services.stop();
    await database?.close();
    await gh?.close();
  });

  it('pages through 260 forks, waiting out a 403 secondary limit, and lists them', async () => {
    // The request for the second page is refused once with retry-after: 5.
    gh.faults.push({ op: 'ForksPage', skip: 1, kind: 'secondary-limit', retryAfterS: 5 });
    const answered = gh.requests.length;
    expect(await t.services.githubSync.requestSync()).toMatchObject({
      upstream: UPSTREAM,
      queued: [`${JOB_GITHUB_DISCOVER}:${UPSTREAM}@1`, 'github-recheck-keys:due'],
    });
    await runner(JOB_GITHUB_DISCOVER).drain();
    expect(gh.requests.length).toBeGreaterThan(answered);
    const pages = forksPages().filter((r) => r.variables.owner === 'karpathy');
    expect(pages.map((r) => r.status)).toContain(403);
    expect(waits).toContain(5000);
    // The refused page was asked for again with the same cursor: a wait and a resume, not a failure.
    const refused = pages.findIndex((r) => r.status === 403);
    expect(pages[refused + 1].variables.after).toBe(pages[refused].variables.after);
    expect(pages.filter((r) => r.status === 200)).toHaveLength(3);

    const { forks, pages: apiPages } = await allForks();
    expect(apiPages).toBe(3);
    expect(forks).toHaveLength(261); // 260 direct forks and one fork of a fork; the private one is not listed
    expect(new Set(forks.map((f) => f.id)).size).toBe(261);
    const one = forks.find((f) => f.name_with_owner === 'user007/my-autoresearch');
    expect(one).toMatchObject({
      owner: 'user007',
      name: 'my-autoresearch',
      parent: UPSTREAM,
      depth: 1,
      stars: 2,
      default_branch: 'master',
      pushed_at: '2026-03-08T12:00:00.000Z',
      public_log: null,
    });
    expect(one.head_oid).toMatch(/^[0-9a-f]{40}$/);
    expect(forks.find((f) => f.name_with_owner === 'deep/autoresearch')).toMatchObject({ depth: 2, parent: 'user001/autoresearch' });
    expect(forks.some((f) => f.owner === 'private-one')).toBe(false);
    expect(((await (await t.get('/v1/forks?limit=5')).json()) as any).total).toBe(261);
    // Every fork with a head got a crawl job.
    expect((await t.services.repos.jobs.stats(JOB_GITHUB_CRAWL_FORK)).depth).toBe(261);
  });

  it('stops at a network failure with the stored pages intact, and the retry resumes at the saved cursor', async () => {
    gh.requests.length = 0;
    await t.services.githubSync.requestSync();
    const discover = runner(JOB_GITHUB_DISCOVER);
    // Page 1 answers; every try of page 2 fails (the client retries twice, then the job fails).
    gh.faults.push(
      { op: 'ForksPage', skip: 1, kind: 'network' },
      { op: 'ForksPage', kind: 'network' },
      { op: 'ForksPage', kind: 'network' },
    );
    expect(await discover.drain()).toBe(0);
    const after = forksPages();
    expect(after.map((r) => r.status)).toEqual([200, 0, 0, 0]);
    const saved = await t.services.repos.forks.cursor(`forks:${UPSTREAM}`);
    expect(saved?.cursor).toBeTruthy();
    expect(saved?.cursor).toBe(after[1].variables.after);
    expect(((await (await t.get('/v1/forks?limit=1')).json()) as any).total).toBe(261);

    gh.requests.length = 0;
    await discover.drain();
    const resumed = forksPages().filter((r) => r.variables.owner === 'karpathy');
    expect(resumed[0].variables.after).toBe(saved!.cursor);
    expect(resumed).toHaveLength(2);
    expect(await t.services.repos.forks.cursor(`forks:${UPSTREAM}`)).toBeUndefined();
    expect((await allForks()).forks).toHaveLength(261);
  });

  it('refuses a cursor it did not issue and a bad limit', async () => {
    expect((await t.get('/v1/forks?cursor=nope')).status).toBe(400);
    expect((await t.get('/v1/forks?limit=0')).status).toBe(400);
    expect((await t.get('/v1/forks?depth=1')).status).toBe(400);
  });
});
