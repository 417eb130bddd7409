// The GitHub schedule on the job queue: start-up queues one sync (not a second on restart), a
// sync queues discovery and the key re-check and its own next run an interval later; the
// environment variables parse with their defaults and refuse nonsense.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { drivers } from '../../helpers/db.ts';
import { createServices } from '../../../server/services/container.ts';
import { githubConfig } from '../../../server/config.ts';
import { jobs } from '../../../server/db/schema/jobs.ts';
import type { Database } from '../../../server/db/client.ts';

describe.each(drivers)('GitHub schedule on $name', (driver) => {
  let database: Database;
  const now = new Date('2026-11-23T10:00:00Z');

  beforeAll(async () => {
    database = await driver.open();
  });
  afterAll(() => database?.close());

  const queued = async () =>
    (await database.db.select().from(jobs))
      .map((j) => ({ kind: j.kind, subject: j.subject, runAt: j.runAt.toISOString() }))
      .sort((a, b) => a.kind.localeCompare(b.kind));

  it('queues a sync at start-up once, and each sync queues the next an interval later', async () => {
    const github = { token: 't', apiUrl: 'http://127.0.0.1:9', upstream: 'someone/upstream', syncIntervalMs: 3600_000 };
    const a = createServices({ database, now: () => now, github });
    await a.githubSync.start();
    await createServices({ database, now: () => now, github }).githubSync.start(); // a second copy, or a restart
    expect((await queued()).filter((j) => j.kind === 'github-sync')).toHaveLength(1);

    await a.githubSync.tick();
    const after = await queued();
    expect(after.map((j) => `${j.kind} ${j.subject}`)).toEqual([
      'github-discover someone/upstream@1',
      'github-recheck-keys due',
      'github-sync schedule', // the start-up one, not yet run (its runner would delete it)
    ]);
    // The start-up sync is still waiting, so the next run was not doubled; once it is gone, it is queued.
    await database.db.delete(jobs);
    await a.githubSync.tick();
    expect((await queued()).find((j) => j.kind === 'github-sync')?.runAt).toBe('2026-11-23T11:00:00.000Z');
  });

  it('schedules nothing without a token', async () => {
    await database.db.delete(jobs);
    const off = createServices({ database });
    await off.githubSync.start();
    expect(await queued()).toEqual([]);
    expect(off.githubRunners.size).toBe(0);
  });
});

describe('GitHub configuration', () => {
  it('has defaults and parses every variable', () => {
    expect(githubConfig({})).toEqual({
      token: undefined,
      apiUrl: 'https://api.github.com',
      upstream: 'karpathy/autoresearch',
      forkDepth: 1,
      syncIntervalMs: 21_600_000,
      keyRecheckMs: 86_400_000,
    });
    expect(
      githubConfig({
        GITHUB_TOKEN: 'x',
        GITHUB_API_URL: 'http://127.0.0.1:1234',
        CROSSFORK_UPSTREAM: 'me/fork.x',
        CROSSFORK_FORK_DEPTH: '2',
        CROSSFORK_GITHUB_SYNC_INTERVAL_S: '600',
        CROSSFORK_KEY_RECHECK_S: '60',
      }),
    ).toEqual({
      token: 'x',
      apiUrl: 'http://127.0.0.1:1234',
      upstream: 'me/fork.x',
      forkDepth: 2,
      syncIntervalMs: 600_000,
      keyRecheckMs: 60_000,
    });
  });

  it('refuses nonsense', () => {
    expect(() => githubConfig({ CROSSFORK_UPSTREAM: 'no-slash' })).toThrow(/OWNER\/NAME/);
    expect(() => githubConfig({ CROSSFORK_FORK_DEPTH: '0' })).toThrow(/1\.\.5/);
    expect(() => githubConfig({ CROSSFORK_FORK_DEPTH: 'two' })).toThrow(/non-negative integer/);
    expect(() => githubConfig({ CROSSFORK_GITHUB_SYNC_INTERVAL_S: '5' })).toThrow(/at least 60/);
  });
});
