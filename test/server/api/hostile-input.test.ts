// Property-based hostile input (fast-check) against the real app on both drivers: wrong types,
// huge and empty strings, NUL and lone surrogates, deep nesting, damaged bytes, fields changed
// after signing. Never a 5xx, nothing refused is stored. FUZZ_RUNS sets cases per property.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../../server/app.ts';
import { createServices } from '../../../server/services/container.ts';
import { drivers } from '../../helpers/db.ts';
import { TEST_LIMITS } from '../../helpers/app.ts';
import { hostileProperties, type Target } from '../../helpers/hostile.ts';
import type { Database } from '../../../server/db/client.ts';

const RUNS = Number(process.env.FUZZ_RUNS ?? 250);

describe.each(drivers)('hostile input on $name', (driver) => {
  let database: Database;
  let target: Target;
  let services: ReturnType<typeof createServices>;

  beforeAll(async () => {
    database = await driver.open();
    services = createServices({ database, rateLimitWrites: 0 });
    const app = createApp({ services, config: TEST_LIMITS });
    target = {
      request: async (path, init) => app.request(path, init),
      stored: async () => (await services.repos.records.count()) + (await services.repos.claims.count()),
      now: () => new Date(),
    };
  });
  afterAll(async () => {
    await services?.stop();
    await database?.close();
  });

  it('refuses 100,000-deep nesting and bodies far over the limit on every write endpoint', async () => {
    const deep = '['.repeat(100_000) + ']'.repeat(100_000);
    const deepObject = '{"a":'.repeat(100_000) + '1' + '}'.repeat(100_000);
    for (const path of ['/v1/records', '/v1/records/batch', '/v1/claims', '/v1/ideas/check']) {
      for (const body of [deep, deepObject, JSON.stringify({ payload: 'x'.repeat(40 * 1024 * 1024) })]) {
        const res = await target.request(path, { method: 'POST', body, headers: { 'content-type': 'application/json' } });
        expect(res.status, path).toBeGreaterThanOrEqual(400);
        expect(res.status, path).toBeLessThan(500);
      }
    }
    expect(await target.stored()).toBe(0);
  });

  for (const p of hostileProperties()) {
    it(
      p.name,
      async () => {
        await fc.assert(p.property(target), { numRuns: RUNS, seed: Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31) });
      },
      120_000,
    );
  }
});
