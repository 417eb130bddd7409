// The GitHub client against the local stand-in: secondary limits are waited out and the same
// request retried; network errors are retried with backoff, then reported; a low rateLimit
// budget pauses until resetAt; a bad token fails at once.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { GithubClient, GithubRequestError, GithubUnavailableError } from '../../../server/github/client.ts';
import { userPublicKeys } from '../../../server/github/api.ts';
import { startFakeGithub, type FakeGithub } from '../../helpers/fake-github.ts';

describe('GitHub client', () => {
  let gh: FakeGithub;
  let waits: number[];
  const client = (over: Partial<ConstructorParameters<typeof GithubClient>[0]> = {}) =>
    new GithubClient({ token: gh.token, baseUrl: gh.url, sleep: async (ms) => void waits.push(ms), backoffMs: 10, ...over });

  beforeAll(async () => {
    gh = await startFakeGithub();
    gh.users.set('alice', ['ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIA==']);
  });
  afterAll(() => gh?.close());
  beforeEach(() => {
    waits = [];
    gh.requests.length = 0;
    gh.faults.length = 0;
    gh.rate.remaining = 5000;
  });

  it('waits out a 403 secondary rate limit (retry-after) and retries the same request', async () => {
    gh.faults.push(
      { op: 'UserKeys', kind: 'secondary-limit', retryAfterS: 7 },
      { op: 'UserKeys', kind: 'secondary-limit', retryAfterS: 3, status: 429 },
    );
    expect(await userPublicKeys(client(), 'alice')).toEqual(['ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIA==']);
    expect(waits).toEqual([7000, 3000]);
    expect(gh.requests.map((r) => r.status)).toEqual([403, 429, 200]);
    expect(gh.requests.every((r) => r.variables.login === 'alice')).toBe(true);
  });

  it('really sleeps with the default sleeper', async () => {
    gh.faults.push({ op: 'UserKeys', kind: 'secondary-limit', retryAfterS: 1 });
    const started = Date.now();
    await userPublicKeys(new GithubClient({ token: gh.token, baseUrl: gh.url }), 'alice');
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
  });

  it('waits for x-ratelimit-reset when the hourly budget is spent (403, remaining 0)', async () => {
    gh.faults.push({ op: 'UserKeys', kind: 'primary-limit', resetInS: 120 });
    expect(await userPublicKeys(client(), 'alice')).toHaveLength(1);
    expect(waits).toHaveLength(1);
    expect(waits[0]).toBeGreaterThan(115_000);
    expect(waits[0]).toBeLessThanOrEqual(121_000);
    expect(gh.requests.map((r) => r.status)).toEqual([403, 200]);
  });

  it('gives up when GitHub asks for a longer wait than allowed', async () => {
    gh.faults.push({ op: 'UserKeys', kind: 'secondary-limit', retryAfterS: 3600 });
    const err = await userPublicKeys(client({ maxWaitMs: 60_000 }), 'alice').catch((e) => e);
    expect(err).toBeInstanceOf(GithubUnavailableError);
    expect(err.retryAfterMs).toBe(3_600_000);
    expect(waits).toEqual([]);
  });

  it('retries network errors and 5xx with backoff, then reports GitHub unavailable', async () => {
    gh.faults.push({ op: 'UserKeys', kind: 'network' }, { op: 'UserKeys', kind: 'status', status: 502 });
    expect(await userPublicKeys(client(), 'alice')).toHaveLength(1);
    expect(waits).toEqual([10, 20]);

    waits = [];
    for (let i = 0; i < 5; i++) gh.faults.push({ op: 'UserKeys', kind: 'network' });
    const err = await userPublicKeys(client({ retries: 4 }), 'alice').catch((e) => e);
    expect(err).toBeInstanceOf(GithubUnavailableError);
    expect(err.message).toMatch(/after 5 attempts/);
    expect(waits).toEqual([10, 20, 40, 80]);
  });

  it('pauses until resetAt once the rateLimit budget runs low', async () => {
    let now = Date.parse('2026-11-23T10:00:00Z');
    gh.rate.remaining = 20;
    gh.rate.resetAt = new Date(now + 90_000);
    const c = client({ now: () => now, minRemaining: 50 });
    await userPublicKeys(c, 'alice');
    expect(waits).toEqual([]);
    expect(c.lastRateLimit?.remaining).toBe(19);
    await userPublicKeys(c, 'alice');
    expect(waits).toEqual([90_000]);
    now += 90_000;
    gh.rate.remaining = 5000;
    await userPublicKeys(c, 'alice');
    await userPublicKeys(c, 'alice');
    expect(waits).toEqual([90_000]);
  });

  it('answers null for a user GitHub does not know, and fails at once on a bad token', async () => {
    expect(await userPublicKeys(client(), 'nobody-here')).toBeNull();
    const err = await userPublicKeys(
      new GithubClient({ token: 'wrong', baseUrl: gh.url, sleep: async (ms) => void waits.push(ms) }),
      'alice',
    ).catch((e) => e);
    expect(err).toBeInstanceOf(GithubRequestError);
    expect(err.status).toBe(401);
    expect(waits).toEqual([]);
  });
});
