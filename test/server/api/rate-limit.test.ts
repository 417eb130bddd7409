// Write rate limits: per signing key and per client IP, 429 with Retry-After, nothing stored
// while limited; reads and checks are not limited; the bucket refills with time; the buckets
// live in the database, so concurrent takers (and server processes) share them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../../server/app.ts';
import { createServices } from '../../../server/services/container.ts';
import { WriteRateLimiter } from '../../../server/services/rate-limiter.ts';
import { RateLimitRepository } from '../../../server/repositories/rate-limit.repository.ts';
import { drivers } from '../../helpers/db.ts';
import { TEST_LIMITS } from '../../helpers/app.ts';
import { envelope, makePayload, newSigner } from '../../helpers/records.ts';
import type { Database } from '../../../server/db/client.ts';

describe.each(drivers)('write rate limits on $name', (driver) => {
  let database: Database;
  let clock = Date.UTC(2026, 10, 23, 12, 0, 0);
  let services: ReturnType<typeof createServices>;
  let app: ReturnType<typeof createApp>;

  beforeAll(async () => {
    database = await driver.open();
    services = createServices({ database, rateLimitWrites: 5, now: () => new Date(clock) });
    app = createApp({ services, config: { ...TEST_LIMITS, trustProxy: true } });
  });
  afterAll(async () => {
    await services?.stop();
    await database?.close();
  });

  const post = (path: string, body: unknown, ip: string) =>
    app.request(path, {
      method: 'POST',
      body: JSON.stringify(body),
      headers: { 'content-type': 'application/json', 'x-forwarded-for': `${ip}, 10.0.0.1` },
    });

  it('limits each key to N writes a minute, with Retry-After, storing nothing when refused', async () => {
    const alice = newSigner('alice');
    for (let i = 0; i < 5; i++)
      expect((await post('/v1/records', envelope(makePayload({ description: `a${i}` }), alice), `198.51.100.${i}`)).status).toBe(201);
    const before = await services.repos.records.count();
    const refused = await post('/v1/records', envelope(makePayload({ description: 'a5' }), alice), '198.51.100.99');
    expect(refused.status).toBe(429);
    expect(refused.headers.get('content-type')).toMatch(/problem\+json/);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(((await refused.json()) as any).detail).toMatch(/more than 5 write requests a minute from this key/);
    expect(await services.repos.records.count()).toBe(before);
    // Another key from another IP is unaffected; a batch by the limited key is refused too.
    expect((await post('/v1/records', envelope(makePayload({ description: 'b0' }), newSigner('bob')), '198.51.100.200')).status).toBe(201);
    expect(
      (await post('/v1/records/batch', { records: [envelope(makePayload({ description: 'a6' }), alice)] }, '198.51.100.201')).status,
    ).toBe(429);
    // Reads and checks are never limited.
    expect((await app.request('/v1/records?limit=1')).status).toBe(200);
    expect((await post('/v1/ideas/check', { description: 'a0' }, '198.51.100.0')).status).toBe(200);
    // Twelve seconds refill one token at 5 a minute.
    clock += 12_500;
    expect((await post('/v1/records', envelope(makePayload({ description: 'a7' }), alice), '198.51.100.202')).status).toBe(201);
  });

  it('limits each client IP, whatever the keys', async () => {
    const ip = '203.0.113.7';
    for (let i = 0; i < 5; i++)
      expect((await post('/v1/records', envelope(makePayload({ description: `ip${i}` }), newSigner(`k${i}`)), ip)).status).toBe(201);
    const res = await post('/v1/records', envelope(makePayload({ description: 'ip5' }), newSigner('k5')), ip);
    expect(res.status).toBe(429);
    expect(((await res.json()) as any).detail).toMatch(/from this ip/);
    expect((await post('/v1/claims', {}, ip)).status).toBe(429); // limited before the body is read
  });
});

describe.each(drivers)('WriteRateLimiter on $name', (driver) => {
  let database: Database;
  beforeAll(async () => {
    database = await driver.open();
  });
  afterAll(async () => {
    await database?.close();
  });
  const limiter = (perMinute: number, now?: () => number) => new WriteRateLimiter(new RateLimitRepository(database.db), perMinute, now);

  it('takes nothing from any bucket when one of them is empty', async () => {
    let t = 0;
    const l = limiter(2, () => t);
    await l.take(['ip:a', 'key:x']);
    await l.take(['ip:a', 'key:x']);
    await expect(l.take(['ip:b', 'key:x'])).rejects.toThrow(/from this key/);
    await l.take(['ip:b', 'key:y']); // ip:b kept both tokens
    await l.take(['ip:b', 'key:z']);
    await expect(l.take(['ip:b'])).rejects.toThrow(/from this ip/);
    t += 30_000;
    await expect(l.take(['ip:b'])).resolves.toBeUndefined();
  });

  it('is off at 0', async () => {
    const l = limiter(0);
    for (let i = 0; i < 10_000; i++) await l.take(['ip:off']);
  });

  it('holds under concurrent takers: exactly N of many simultaneous requests pass', async () => {
    const l = limiter(7);
    const results = await Promise.allSettled(Array.from({ length: 30 }, () => l.take(['ip:race', 'key:race'])));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(7);
    for (const r of results) if (r.status === 'rejected') expect(String(r.reason)).toMatch(/more than 7 write requests a minute/);
  });

  it('takes bucket names as data, whatever characters they hold', async () => {
    // A clock ahead of the database's: the previous test's limiter (on the database's clock) sweeps
    // in the background, and would drop buckets stamped near 0 as long refilled.
    const t = Date.now() + 86_400_000;
    const l = limiter(1, () => t);
    const odd = ['ip:"quoted", {braces}', "key:back\\slash'", 'ip:'];
    await l.take(odd);
    await expect(l.take([odd[1]])).rejects.toThrow(/from this key/);
  });
});

describe('WriteRateLimiter bucket names', () => {
  it('counts each key of a batch once', () => {
    const env = { public_key: 'ssh-ed25519 AAAA alice@host' };
    expect(WriteRateLimiter.keys({ records: [env, env, { public_key: 'ssh-ed25519 BBBB' }] })).toHaveLength(2);
    expect(WriteRateLimiter.keys({ ...env, public_key: 'ssh-ed25519 AAAA other-comment' })).toEqual(WriteRateLimiter.keys(env));
    expect(WriteRateLimiter.keys(null)).toEqual([]);
  });
});
