// Serves the built web site (web/dist): hashed assets with a year-long cache, and index.html
// for the site's own paths only, so /v1, /healthz, /openapi.json, /docs keep their behaviour.
import { readFile } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Hono } from 'hono';
import { SITE_PAGES } from '../protocol/site-pages.ts';

export const DEFAULT_WEB_DIST = fileURLToPath(new URL('../../web/dist', import.meta.url));

/** The site's own pages (the list its router matches): a fresh load of any of them gets the page. */
const SPA_PATHS = Object.values(SITE_PAGES);
const ROOT_FILES = ['favicon.svg', 'robots.txt'];
const API_PATHS = /^\/(v1|healthz|openapi\.json|docs|metrics)(\/|$)/;
const SAFE_NAME = /^[A-Za-z0-9._-]{1,200}$/;

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
  '.map': 'application/json',
};

/** No inline scripts, no third parties: a stored description can never run code here. */
const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";

const NOT_BUILT = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>crossfork: web site not built</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 3rem auto; padding: 0 1rem">
<h1>The web site has not been built</h1>
<p>The API is running (<a href="/docs">/docs</a>, <a href="/v1/leaderboard">/v1/leaderboard</a>), but <code>web/dist</code> is missing.
Build it with <code>npm run build:web</code> (<code>npm start</code> does this by itself), then reload.</p>
</body></html>`;

async function readOrNull(path: string): Promise<Buffer | null> {
  try {
    return await readFile(path);
  } catch {
    return null;
  }
}

/** How long a file read from web/dist is served from memory: a rebuild shows within it. */
export const WEB_FILE_TTL_MS = 1000;
const WEB_FILE_CACHE_ENTRIES = 256;

/**
 * web/dist's files from memory, read again after `ttlMs` (one read at a time per file). A read
 * from disk is four trips through libuv's thread pool, each waiting its turn on a busy event loop:
 * under the load bench a page took 80 ms at p50 that way. Only files found are kept (at most 256).
 */
function fileCache(ttlMs: number) {
  const entries = new Map<string, { at: number; body: Promise<Buffer | null> }>();
  return (path: string): Promise<Buffer | null> => {
    const now = Date.now();
    const hit = entries.get(path);
    if (hit && now - hit.at < ttlMs) return hit.body;
    const body = readOrNull(path);
    entries.set(path, { at: now, body });
    void body.then((b) => {
      if (b === null && entries.get(path)?.body === body) entries.delete(path);
      else if (entries.size > WEB_FILE_CACHE_ENTRIES) entries.delete(entries.keys().next().value!);
    });
    return body;
  };
}

export function webRoutes(distDir: string = DEFAULT_WEB_DIST, ttlMs = WEB_FILE_TTL_MS) {
  const app = new Hono();
  const read = fileCache(ttlMs);

  const page = async (c: import('hono').Context) => {
    const html = await read(join(distDir, 'index.html'));
    c.header('Cache-Control', 'no-cache');
    c.header('X-Content-Type-Options', 'nosniff');
    if (!html) return c.html(NOT_BUILT, 503);
    c.header('Content-Security-Policy', CSP);
    c.header('Referrer-Policy', 'same-origin');
    return c.body(new Uint8Array(html), 200, { 'Content-Type': 'text/html; charset=utf-8' });
  };
  for (const path of SPA_PATHS) app.get(path, page);

  const file = (dir: string, cache: string) => async (c: import('hono').Context, name: string) => {
    const type = TYPES[extname(name)];
    if (!SAFE_NAME.test(name) || name.startsWith('.') || !type) return c.notFound();
    const body = await read(join(distDir, dir, name));
    if (!body) return c.notFound();
    return c.body(new Uint8Array(body), 200, { 'Content-Type': type, 'Cache-Control': cache, 'X-Content-Type-Options': 'nosniff' });
  };
  // Vite names assets by content hash: a changed file is a new URL, so they never go stale.
  const asset = file('assets', 'public, max-age=31536000, immutable');
  const rootFile = file('', 'public, max-age=3600');
  app.get('/assets/:name', (c) => asset(c, c.req.param('name')));
  for (const name of ROOT_FILES) app.get(`/${name}`, (c) => rootFile(c, name));

  // Any other path a browser asks for: the site's own "page not found", with status 404.
  // API paths keep their problem+json 404 (app.notFound).
  // Mount this last: it answers browsers' GETs of paths nothing before it handled.
  app.get('*', async (c, next) => {
    if (API_PATHS.test(c.req.path) || !/text\/html/.test(c.req.header('accept') ?? '')) return next();
    const res = await page(c);
    return res.status === 200 ? new Response(res.body, { status: 404, headers: res.headers }) : res;
  });
  return app;
}
