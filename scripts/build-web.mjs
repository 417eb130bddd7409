#!/usr/bin/env node
// Builds the web site (web/ → web/dist) with Vite when its sources are newer than the build;
// a fast no-op otherwise. Run by `npm start` (prestart) and the browser tests; --force rebuilds.
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const web = join(root, 'web');
const built = join(web, 'dist', 'index.html');
const INPUTS = [
  join(web, 'src'),
  join(web, 'public'),
  join(web, 'index.html'),
  join(web, 'vite.config.ts'),
  join(root, 'package-lock.json'),
];

/** The newest modification time under `path` (files and folders, recursively). */
function newest(path) {
  if (!existsSync(path)) return 0;
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  let m = st.mtimeMs;
  for (const entry of readdirSync(path)) m = Math.max(m, newest(join(path, entry)));
  return m;
}

const upToDate = () => existsSync(built) && statSync(built).mtimeMs >= Math.max(...INPUTS.map(newest));

/** One build at a time (test files and `npm start` may ask together): a lock directory. */
async function withLock(fn) {
  const lock = join(web, '.build-lock');
  for (const started = Date.now(); ;) {
    try {
      mkdirSync(lock);
      break;
    } catch (err) {
      if (err.code !== 'EEXIST') throw err;
      // A lock older than two minutes belongs to a build that died.
      if (Date.now() - statSync(lock, { throwIfNoEntry: false })?.mtimeMs > 120_000) rmSync(lock, { recursive: true, force: true });
      if (Date.now() - started > 180_000) throw new Error(`timed out waiting for ${lock}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

export async function buildWeb({ force = false, quiet = false } = {}) {
  const say = (msg) => quiet || console.error(`[build-web] ${msg}`);
  if (!force && upToDate()) {
    say('web/dist is up to date');
    return { built: false };
  }
  return withLock(async () => {
    if (!force && upToDate()) return { built: false }; // another process built it meanwhile
    const started = Date.now();
    const { build } = await import('vite');
    await build({ configFile: join(web, 'vite.config.ts'), logLevel: quiet ? 'error' : 'warn' });
    say(`built web/dist in ${Date.now() - started} ms`);
    return { built: true };
  });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  buildWeb({ force: process.argv.includes('--force') }).catch((err) => {
    console.error('[build-web] failed:', err?.message ?? err);
    process.exit(1);
  });
}
