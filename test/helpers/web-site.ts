// The real server and headless Chromium a browser suite runs against: the web site built, a server
// on a fresh store seeded through its API, then Chromium; all closed and the store dropped after.
import { afterAll, beforeAll } from 'vitest';
import { buildWeb } from '../../scripts/build-web.mjs';
import { launchBrowser, type TestBrowser } from './browser.ts';
import { late } from './late.ts';
import { startServer, type ServerProcess } from './server-process.ts';
import { pgliteStore, type ServerStore } from './servers.ts';

/**
 * Registers the suite's hooks: before its tests (within `timeoutMs`), builds the web site, starts a
 * server with `env` on its store (a string: a pgliteStore made now with that prefix; a function:
 * the store it makes then), runs `seed` against the server's URL and launches Chromium with
 * `browser`'s options; after them, closes both and drops the store. Returns the server and the
 * browser as stand-ins (see late.ts).
 */
export function useWebSite(
  store: string | (() => Promise<ServerStore>),
  opts: {
    env?: Record<string, string>;
    seed?: (url: string) => Promise<void>;
    browser?: Parameters<typeof launchBrowser>[0];
    timeoutMs?: number;
  } = {},
): { server: ServerProcess; browser: TestBrowser } {
  let opened = typeof store === 'string' ? pgliteStore(store) : undefined;
  let server: ServerProcess | undefined;
  let browser: TestBrowser | undefined;
  beforeAll(async () => {
    await buildWeb({ quiet: true });
    if (typeof store !== 'string') opened = await store();
    server = await startServer({ ...opened!.env, ...opts.env });
    await opts.seed?.(server.url);
    browser = await launchBrowser(opts.browser);
  }, opts.timeoutMs ?? 120_000);
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await opened?.drop();
  });
  return { server: late(() => server, 'server'), browser: late(() => browser, 'browser') };
}
