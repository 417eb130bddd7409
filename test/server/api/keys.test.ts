// Key linking on both drivers, against the local GitHub stand-in: a key links only when GitHub
// lists it for the login; the login then shows on records and the leaderboard; replays, stale
// statements, bad signatures and unknown users are refused with nothing stored; a key removed
// from GitHub loses its link at the next re-check.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { drivers } from '../../helpers/db.ts';
import { testApp } from '../../helpers/app.ts';
import { envelope, HARNESS_ID, makePayload, newSigner } from '../../helpers/records.ts';
import { startFakeGithub, type FakeGithub } from '../../helpers/fake-github.ts';
import type { Database } from '../../../server/db/client.ts';

const githubKey = (publicKey: string) => publicKey.split(' ').slice(0, 2).join(' ');

describe.each(drivers)('key linking on $name', (driver) => {
  let database: Database;
  let gh: FakeGithub;
  let t: ReturnType<typeof testApp>;
  let now = new Date('2026-11-23T10:00:00Z');
  const alice = newSigner('alice@laptop');
  const aliceOther = newSigner('alice@desktop');
  const mallory = newSigner('mallory');

  const statement = (login: string, over: Record<string, unknown> = {}) => ({
    schema: 'crossfork.key/v1',
    github_login: login,
    created_at: now.toISOString(),
    ...over,
  });
  const links = async () => ((await (await t.get('/v1/keys')).json()) as any).keys as any[];

  beforeAll(async () => {
    gh = await startFakeGithub();
    gh.users.set('alice', [githubKey(aliceOther.publicKey), githubKey(alice.publicKey)]);
    gh.users.set('bob', []);
    database = await driver.open();
    t = testApp(database, {
      now: () => now,
      github: { token: gh.token, apiUrl: gh.url, client: { sleep: async () => {}, backoffMs: 1, retries: 2 } },
    });
    await t.init();
  });
  afterAll(async () => {
    await database?.close();
    await gh?.close();
  });

  it('links a key GitHub lists for the login, and shows the login on records and the leaderboard', async () => {
    const rec = (await (await t.post('/v1/records', envelope(makePayload({ description: 'warmdown 0.5 -> 0.3' }), alice))).json()) as any;
    expect(rec.record).toMatchObject({ github_login: null, signed: true, provenance: null });

    const res = await t.post('/v1/keys', envelope(statement('alice'), alice));
    expect(res.status).toBe(201);
    const body = (await res.json()) as any;
    expect(body).toMatchObject({ github_login: 'alice', linked_at: now.toISOString(), key_fingerprint: rec.record.key_fingerprint });
    expect(gh.requests.filter((r) => r.op === 'UserKeys').map((r) => r.variables.login)).toEqual(['alice']);

    expect(((await (await t.get(`/v1/records/${rec.id}`)).json()) as any).github_login).toBe('alice');
    expect(((await (await t.get('/v1/records')).json()) as any).records[0].github_login).toBe('alice');
    const board = (await (await t.get(`/v1/leaderboard?harness=${HARNESS_ID}`)).json()) as any;
    expect(board.classes[0].best_claim).toMatchObject({ id: rec.id, github_login: 'alice' });
    await t.drain();
    const idea = (await (await t.get(`/v1/ideas/${((await (await t.get(`/v1/records/${rec.id}`)).json()) as any).idea_id}`)).json()) as any;
    expect(idea.records[0].github_login).toBe('alice');
    expect(await links()).toEqual([expect.objectContaining({ github_login: 'alice' })]);
  });

  it('refuses a key GitHub does not list, an unknown user, replays, stale statements and bad signatures; stores nothing', async () => {
    const cases: [unknown, number, RegExp][] = [
      [envelope(statement('alice'), mallory), 403, /not among the public keys GitHub lists for alice/],
      [envelope(statement('bob'), mallory), 403, /not among/],
      [envelope(statement('ghost-user'), mallory), 422, /GitHub has no user "ghost-user"/],
      [
        envelope(statement('alice', { created_at: new Date(now.getTime() - 6 * 60_000).toISOString() }), aliceOther),
        422,
        /behind the server's clock/,
      ],
      [envelope(statement('-bad-'), aliceOther), 422, /github_login: must be a GitHub login/],
      [envelope(statement('alice', { extra: 1 }), aliceOther), 422, /extra/],
      [{ ...envelope(statement('alice'), aliceOther), public_key: alice.publicKey }, 401, /signature/],
      [envelope({ ...statement('alice'), schema: 'crossfork.claim/v1' }, aliceOther), 422, /this endpoint takes "crossfork.key\/v1"/],
      [envelope(statement('alice'), alice), 409, /already submitted/],
    ];
    for (const [body, status, detail] of cases) {
      const res = await t.post('/v1/keys', body);
      expect(res.status, JSON.stringify(body).slice(0, 80)).toBe(status);
      expect(res.headers.get('content-type')).toMatch(/problem\+json/);
      expect(((await res.json()) as any).detail).toMatch(detail);
    }
    expect((await links()).map((l) => l.github_login)).toEqual(['alice']);
  });

  it('answers 503 and stores nothing when GitHub cannot be reached', async () => {
    for (let i = 0; i < 3; i++) gh.faults.push({ op: 'UserKeys', kind: 'network' });
    const res = await t.post('/v1/keys', envelope(statement('alice'), aliceOther));
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBeTruthy();
    expect(await links()).toHaveLength(1);
    // Once GitHub answers again, the same statement links.
    expect((await t.post('/v1/keys', envelope(statement('alice'), aliceOther))).status).toBe(201);
    expect(await links()).toHaveLength(2);
  });

  it('drops the link of a key removed from GitHub at the next re-check', async () => {
    now = new Date('2026-11-24T12:00:00Z');
    gh.users.set('alice', [githubKey(aliceOther.publicKey)]);
    const before = gh.requests.filter((r) => r.op === 'UserKeys').length;
    expect(await t.services.keys.recheck(3600_000)).toEqual({ checked: 2, unlinked: 1 });
    // One look-up per login, however many keys it has.
    expect(gh.requests.filter((r) => r.op === 'UserKeys').length - before).toBe(1);
    expect((await links()).map((l) => l.key_fingerprint)).not.toContain(
      (await t.services.records.list({ limit: 1 })).records[0].key_fingerprint,
    );
    const rec = ((await (await t.get('/v1/records')).json()) as any).records[0];
    expect(rec.github_login).toBeNull();
    // Checked a moment ago: not checked again.
    expect(await t.services.keys.recheck(3600_000)).toEqual({ checked: 0, unlinked: 0 });
    // Back on GitHub: a fresh statement links it again (201).
    gh.users.set('alice', [githubKey(aliceOther.publicKey), githubKey(alice.publicKey)]);
    expect((await t.post('/v1/keys', envelope(statement('alice'), alice))).status).toBe(201);
  });

  it('answers 503 when the server has no GITHUB_TOKEN', async () => {
    const off = testApp(database, { now: () => now });
    const res = await off.post(
      '/v1/keys',
      envelope(statement('alice', { created_at: new Date(now.getTime() + 1000).toISOString() }), alice),
    );
    expect(res.status).toBe(503);
    expect(((await res.json()) as any).detail).toMatch(/GITHUB_TOKEN/);
  });
});
