// `/docs`: the interactive API reference (Swagger UI) over /openapi.json, every asset served by
// this server from the pinned swagger-ui-dist package: it works with no internet, and loads nothing
// from a CDN (the page's Content-Security-Policy allows this origin only).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { Hono } from 'hono';

const require = createRequire(import.meta.url);
const DIST: string = (require('swagger-ui-dist') as { getAbsoluteFSPath(): string }).getAbsoluteFSPath();
const VERSION: string = (require('swagger-ui-dist/package.json') as { version: string }).version;

/** The files the page uses, and nothing else of the package. */
const ASSETS: Record<string, string> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
  'favicon-32x32.png': 'image/png',
};

// The page starts Swagger UI from a file, not an inline script, so the CSP needs no 'unsafe-inline' for scripts.
const INIT = `window.addEventListener('load', function () {
  window.ui = SwaggerUIBundle({ url: '/openapi.json', dom_id: '#docs', deepLinking: true, tryItOutEnabled: false, validatorUrl: null });
});
`;

const PAGE = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>crossfork API</title>
    <link rel="icon" type="image/png" href="/docs/assets/${VERSION}/favicon-32x32.png">
    <link rel="stylesheet" href="/docs/assets/${VERSION}/swagger-ui.css">
  </head>
  <body>
    <div id="docs"><noscript>The reference needs JavaScript; the OpenAPI document is <a href="/openapi.json">/openapi.json</a>.</noscript></div>
    <script src="/docs/assets/${VERSION}/swagger-ui-bundle.js"></script>
    <script src="/docs/assets/${VERSION}/init.js"></script>
  </body>
</html>
`;

// Swagger UI sets inline styles on elements; images of the schema view are data: URIs.
const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; font-src 'self' data:; frame-ancestors 'none'; base-uri 'self'; form-action 'self'";

export function docsPageRoutes() {
  const app = new Hono();
  const cache = new Map<string, Buffer>();
  app.get('/docs', (c) => c.html(PAGE, 200, { 'Content-Security-Policy': CSP, 'Cache-Control': 'no-cache' }));
  // Versioned paths: a new swagger-ui-dist gets new URLs, so the old ones can be cached for a year.
  app.get('/docs/assets/:version/:file', (c) => {
    const { version, file } = c.req.param();
    const headers = { 'Cache-Control': 'public, max-age=31536000, immutable', 'X-Content-Type-Options': 'nosniff' };
    if (version !== VERSION) return c.notFound();
    if (file === 'init.js') return c.body(INIT, 200, { ...headers, 'Content-Type': 'text/javascript; charset=utf-8' });
    const type = ASSETS[file];
    if (!type) return c.notFound();
    let body = cache.get(file);
    if (!body) cache.set(file, (body = readFileSync(join(DIST, file))));
    return c.body(new Uint8Array(body), 200, { ...headers, 'Content-Type': type });
  });
  return app;
}
