// The server's side of the web site: index.html for the site's paths (deep links), hashed
// assets with a long cache, API paths untouched, a clear page when web/dist is missing, and
// files served from memory for a second.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildWeb } from '../../scripts/build-web.mjs';
import { openDatabase, type Database } from '../../server/db/client.ts';
import { webRoutes } from '../../server/routes/web.routes.ts';
import { testApp } from '../helpers/app.ts';

const HTML = { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' };

describe('web routes on the full app', () => {
  let database: Database;
  let t: ReturnType<typeof testApp>;
  beforeAll(async () => {
    await buildWeb({ quiet: true });
    database = await openDatabase({ dataDir: 'memory://' });
    t = testApp(database);
  }, 60_000);
  afterAll(() => database?.close());

  it.each(['/', '/ideas', '/ideas/0f3a', '/records/' + 'ab'.repeat(32), '/known-bad', '/known-bad?class=H100+80GB'])(
    'answers the page for %s',
    async (path) => {
      const res = await t.get(path, HTML);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(res.headers.get('cache-control')).toBe('no-cache');
      expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
      expect(await res.text()).toContain('<div id="app"></div>');
    },
  );

  it('serves the hashed assets with a year-long immutable cache, and nothing outside them', async () => {
    const html = await (await t.get('/')).text();
    const js = /src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1];
    const css = /href="(\/assets\/[^"]+\.css)"/.exec(html)?.[1];
    expect(js && css).toBeTruthy();
    const res = await t.get(js!);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect((await t.get(css!)).headers.get('content-type')).toBe('text/css; charset=utf-8');
    expect((await t.get('/favicon.svg')).headers.get('content-type')).toBe('image/svg+xml');
    for (const bad of ['/assets/nope.js', '/assets/..%2Fpackage.json', '/assets/%2e%2e%2f%2e%2e%2fpackage.json', '/assets/.vite']) {
      const r = await t.get(bad);
      expect(r.status, bad).toBe(404);
      expect(r.headers.get('content-type'), bad).toBe('application/problem+json');
    }
  });

  it('leaves the API alone: unknown /v1 paths stay problem+json 404 even for browsers', async () => {
    const v1 = await t.get('/v1/nope', HTML);
    expect(v1.status).toBe(404);
    expect(v1.headers.get('content-type')).toBe('application/problem+json');
    expect(((await v1.json()) as { detail: string }).detail).toContain('/v1/nope');
    expect((await t.get('/v1/leaderboard', HTML)).headers.get('content-type')).toContain('application/json');
    expect((await t.get('/healthz', HTML)).headers.get('content-type')).toContain('application/json');
    expect((await t.get('/openapi.json', HTML)).headers.get('content-type')).toContain('application/json');
    const docs = await t.get('/docs', HTML);
    expect(docs.status).toBe(200);
    expect(await docs.text()).not.toMatch(/\/assets\/index-[\w-]+\.js/);
  });

  it('answers unknown paths with the site (404) for browsers and problem+json for API clients', async () => {
    const page = await t.get('/no/such/page', HTML);
    expect(page.status).toBe(404);
    expect(await page.text()).toContain('<div id="app"></div>');
    const api = await t.get('/no/such/page', { accept: 'application/json' });
    expect(api.status).toBe(404);
    expect(api.headers.get('content-type')).toBe('application/problem+json');
  });
});

describe('web routes without a build', () => {
  it('says how to build the site instead of failing', async () => {
    const app = new Hono().route('/', webRoutes('/nonexistent/web/dist'));
    const res = await app.request('/', { headers: HTML });
    expect(res.status).toBe(503);
    const body = await res.text();
    expect(body).toContain('npm run build:web');
    expect(body).toContain('/v1/leaderboard');
  });
});

describe('web routes from memory', () => {
  it('serves web/dist from memory and shows a rebuild within the time-to-live; a missing file is looked for again', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'crossfork-dist-'));
    try {
      const app = new Hono().route('/', webRoutes(dir, 200));
      const get = async () => {
        const res = await app.request('/', { headers: HTML });
        return `${res.status} ${await res.text()}`;
      };
      expect(await get()).toMatch(/^503 /); // not built yet: not remembered
      writeFileSync(join(dir, 'index.html'), 'build one');
      expect(await get()).toBe('200 build one');
      writeFileSync(join(dir, 'index.html'), 'build two');
      expect(await get()).toBe('200 build one'); // within the time-to-live
      await new Promise((r) => setTimeout(r, 250));
      expect(await get()).toBe('200 build two');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
