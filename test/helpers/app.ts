// A crossfork app over a test database, called in-process through app.request(), with the
// idea-assignment queue drained on demand; useTestApp, one such app per suite on a driver; and
// recordsApi, posting records to it and reading them and the leaderboard back.
import { afterAll, beforeAll, expect } from 'vitest';
import { createApp } from '../../server/app.ts';
import type { Database } from '../../server/db/client.ts';
import { createServices, type ServiceOptions } from '../../server/services/container.ts';
import type { TestDriver } from './db.ts';
import { late } from './late.ts';
import { envelope, HARNESS_ID, type TestSigner } from './records.ts';

export const TEST_LIMITS = { maxBodyBytes: 1024 * 1024, maxBatchBodyBytes: 8 * 1024 * 1024 };

export function testApp(database: Database, opts: Omit<ServiceOptions, 'database'> = {}) {
  const services = createServices({ database, ...opts });
  const app = createApp({ services, config: TEST_LIMITS });
  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    app.request(path, {
      method: 'POST',
      body: typeof body === 'string' ? body : JSON.stringify(body),
      headers: { 'content-type': 'application/json', ...headers },
    });
  return {
    app,
    services,
    post,
    get: (path: string, headers: Record<string, string> = {}) => app.request(path, { headers }),
    count: () => services.repos.records.count(),
    /** Prepares the vector index (what start() does, without the background timer). */
    init: () => services.ideas.init(),
    /** Runs idea assignment until no job is due. */
    drain: () => services.assignments.drain(),
    /** Runs the background re-derivation to its end (what the rederive job does, batch after batch). */
    rederiveAll: async () => {
      for (let after: number | null = 0; after !== null;) after = await services.ideas.rederive(after);
    },
  };
}

export type TestApp = ReturnType<typeof testApp>;

/**
 * Registers the suite's hooks: before its tests, a database on `driver` and a testApp over it with
 * its vector index prepared; after them, the services stopped and the database closed. Returns the
 * two as stand-ins (see late.ts), so the describe body can name them at once.
 */
export function useTestApp(driver: TestDriver, opts: Omit<ServiceOptions, 'database'> = {}): { database: Database; t: TestApp } {
  let database: Database | undefined;
  let t: TestApp | undefined;
  beforeAll(async () => {
    database = await driver.open();
    t = testApp(database, opts);
    await t.init();
  });
  afterAll(async () => {
    await t?.services.stop();
    await database?.close();
  });
  return { database: late(() => database, 'database'), t: late(() => t, 't') };
}

/** Records through `t`: post one signed (asserting it is stored), read one, read a class's leaderboard entry. */
export function recordsApi(t: TestApp) {
  return {
    post: async (payload: object, signer: TestSigner) => {
      const res = await t.post('/v1/records', envelope(payload, signer));
      expect(res.status, await res.clone().text()).toBe(201);
      return ((await res.json()) as any).record;
    },
    record: async (id: string) => (await (await t.get(`/v1/records/${id}`)).json()) as any,
    board: async (cls: string) => {
      const lb = (await (await t.get(`/v1/leaderboard?harness=${HARNESS_ID}`)).json()) as any;
      return lb.classes.find((c: any) => c.hardware_class === cls);
    },
  };
}
