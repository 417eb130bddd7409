// `POST /v1/admin/github/sync` on both drivers: bearer-token guarded (401 without the right one),
// 503 when the server has no GITHUB_TOKEN, else 202 with the jobs it queued (never twice).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../../server/app.ts';
import { createServices } from '../../../server/services/container.ts';
import { drivers } from '../../helpers/db.ts';
import { TEST_LIMITS } from '../../helpers/app.ts';
import { startFakeGithub, type FakeGithub } from '../../helpers/fake-github.ts';
import type { Database } from '../../../server/db/client.ts';
import { JOB_GITHUB_DISCOVER, JOB_GITHUB_RECHECK_KEYS } from '../../../server/jobs/kinds.ts';

const TOKEN = 'admin-secret-9c2e';

describe.each(drivers)('admin GitHub sync on $name', (driver) => {
  let database: Database;
  let gh: FakeGithub;
  let services: ReturnType<typeof createServices>;

  beforeAll(async () => {
    gh = await startFakeGithub();
    gh.addRepo({ owner: 'someone', name: 'upstream' });
    gh.addRepo({ owner: 'a', name: 'upstream', parent: 'someone/upstream' });
    database = await driver.open();
    services = createServices({
      database,
      github: { token: gh.token, apiUrl: gh.url, upstream: 'someone/upstream', client: { sleep: async () => {} } },
    });
  });
  afterAll(async () => {
    await services?.stop();
    await database?.close();
    await gh?.close();
  });

  const sync = (app: ReturnType<typeof createApp>, auth?: string) =>
    app.request('/v1/admin/github/sync', { method: 'POST', headers: auth ? { authorization: auth } : {} });

  it('refuses a missing or wrong token with 401, and queues nothing', async () => {
    const app = createApp({ services, config: { ...TEST_LIMITS, adminToken: TOKEN } });
    for (const auth of [undefined, 'Bearer wrong', `Basic ${TOKEN}`, 'Bearer ']) {
      const res = await sync(app, auth);
      expect(res.status).toBe(401);
      expect(res.headers.get('content-type')).toMatch(/problem\+json/);
    }
    expect((await sync(createApp({ services, config: TEST_LIMITS }), `Bearer ${TOKEN}`)).status).toBe(401);
    expect((await services.repos.jobs.stats(JOB_GITHUB_DISCOVER)).depth).toBe(0);
  });

  it('queues discovery and a key re-check (once), and the queued discovery runs', async () => {
    const app = createApp({ services, config: { ...TEST_LIMITS, adminToken: TOKEN } });
    const res = await sync(app, `Bearer ${TOKEN}`);
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({
      upstream: 'someone/upstream',
      queued: [`${JOB_GITHUB_DISCOVER}:someone/upstream@1`, `${JOB_GITHUB_RECHECK_KEYS}:due`],
      already_queued: [],
    });
    const again = (await (await sync(app, `Bearer ${TOKEN}`)).json()) as any;
    expect(again.queued).toEqual([]);
    expect(again.already_queued).toHaveLength(2);
    for (const r of services.githubRunners.values()) await r.drain();
    const forks = (await (await app.request('/v1/forks')).json()) as any;
    expect(forks.forks.map((f: any) => f.name_with_owner)).toEqual(['a/upstream']);
    expect(forks.forks[0].public_log).toMatchObject({ status: 'no-log', detail: 'no results.tsv on the default branch' });
  });

  it('answers 503 when the server has no GITHUB_TOKEN', async () => {
    const off = createServices({ database });
    const res = await sync(createApp({ services: off, config: { ...TEST_LIMITS, adminToken: TOKEN } }), `Bearer ${TOKEN}`);
    expect(res.status).toBe(503);
    expect(((await res.json()) as any).detail).toMatch(/GITHUB_TOKEN/);
  });
});
