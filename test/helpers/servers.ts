// Real servers a suite runs against, on a fresh PGlite data directory each: useServer, started
// before the suite's tests and stopped after them; useLoopServer, the same with other forks'
// records published and a fake model beside it, for `crossfork run`.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { startFakeOpenAI, type FakeOpenAI } from './fake-openai.ts';
import { late } from './late.ts';
import { seedOthers } from './loop-fixtures.ts';
import { newSigner } from './records.ts';
import { startServer, type ServerProcess } from './server-process.ts';

/** Where a server keeps its records: the environment that points it there, and how to remove it. */
export interface ServerStore {
  env: Record<string, string>;
  drop(): Promise<void>;
}

/** A fresh PGlite data directory in the temporary folder, named by `prefix`. */
export function pgliteStore(prefix: string): ServerStore {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return {
    env: { CROSSFORK_DATA_DIR: join(dir, 'data'), DATABASE_URL: '' },
    drop: async () => rmSync(dir, { recursive: true, force: true }),
  };
}

/**
 * Registers the suite's hooks: before its tests (within `timeoutMs`, else the hook timeout), a
 * server with `env` on a pgliteStore named by `prefix`, then `seed` run against its URL; after them,
 * the server stopped and the directory removed. Returns the server as a stand-in (see late.ts).
 */
export function useServer(
  prefix: string,
  opts: { env?: Record<string, string>; seed?: (url: string) => Promise<void>; timeoutMs?: number } = {},
): ServerProcess {
  const store = pgliteStore(prefix);
  let server: ServerProcess | undefined;
  beforeAll(async () => {
    // A suite that allows itself longer gives the start-up most of it (a loaded CI machine is slow to start one).
    server = await startServer({ ...store.env, ...opts.env }, opts.timeoutMs ? Math.max(30_000, opts.timeoutMs - 15_000) : undefined);
    await opts.seed?.(server.url);
  }, opts.timeoutMs);
  afterAll(async () => {
    await server?.stop();
    await store.drop();
  });
  return late(() => server, 'server');
}

/**
 * useServer for a `crossfork run` suite: with `env`, the payloads `others()` builds (if given)
 * published before its tests by other forks (a key each: a failure two of them share is replicated),
 * and a fake OpenAI-compatible model, closed after them.
 */
export function useLoopServer(
  prefix: string,
  opts: { env?: Record<string, string>; others?: () => object[] } = {},
): { server: ServerProcess; model: FakeOpenAI } {
  let model: FakeOpenAI | undefined;
  const server = useServer(prefix, {
    env: opts.env,
    seed: async (url) => {
      model = await startFakeOpenAI();
      if (opts.others) await seedOthers(url, opts.others(), (i) => newSigner(`other-${i}`));
    },
    timeoutMs: 60_000,
  });
  afterAll(async () => {
    await model?.close();
  });
  return { server, model: late(() => model, 'model') };
}
