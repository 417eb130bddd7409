// Builds the Hono application over the services: mounts the routes,
// maps every error to problem+json, and serves the OpenAPI document with a reference page.
import { OpenAPIHono } from '@hono/zod-openapi';
import type { Context, MiddlewareHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { Logger } from 'pino';
import type { ServerConfig } from './config.ts';
import { ProblemError } from './http/problem.ts';
import { problemOf } from './http/problem-map.ts';
import { recordsRoutes } from './routes/records.routes.ts';
import { leaderboardRoutes } from './routes/leaderboard.routes.ts';
import { healthRoutes } from './routes/health.routes.ts';
import { VERSION } from './version.ts';
import type { Services } from './services/container.ts';
import { ideasRoutes } from './routes/ideas.routes.ts';
import { claimsRoutes } from './routes/claims.routes.ts';
import { metricsRoutes } from './routes/metrics.routes.ts';
import { requestMetrics } from './observability/request-metrics.ts';
import { accessLog } from './observability/access-log.ts';
import { limitWritesByIp } from './http/rate-limit.ts';
import { requireAdmin } from './http/admin-auth.ts';
import { firstQueryValues, validationHook } from './http/request.ts';
import { adminKeysRoutes } from './routes/admin-keys.routes.ts';
import { webRoutes } from './routes/web.routes.ts';
import { keysRoutes } from './routes/keys.routes.ts';
import { forksRoutes } from './routes/forks.routes.ts';
import { hardwareRoutes } from './routes/hardware.routes.ts';
import { trustRoutes } from './routes/trust.routes.ts';
import { suggestionsRoutes } from './routes/suggestions.routes.ts';
import { docsPageRoutes } from './routes/docs-page.routes.ts';
import { datasetRoutes } from './routes/dataset.routes.ts';

export interface AppDeps {
  services: Services;
  config: Pick<ServerConfig, 'maxBodyBytes' | 'maxBatchBodyBytes'> & Partial<Pick<ServerConfig, 'trustProxy' | 'adminToken'>>;
  logger?: Logger;
}

/** Write endpoints under the per-IP rate limit (the per-key limit is applied by each route). */
export const WRITE_PATHS = ['/v1/records', '/v1/records/batch', '/v1/claims', '/v1/keys'] as const;

export function createApp({ services, config, logger }: AppDeps) {
  // Every route's validation failures become problem documents the same way (server/http/request.ts).
  const app = new OpenAPIHono({ defaultHook: validationHook });
  app.use('*', requestMetrics(services.metrics));
  app.use('*', firstQueryValues);
  if (logger) app.use('*', accessLog(logger));
  // Signed writes; `/v1/ideas/check` is a POST but reads.
  const byIp = limitWritesByIp(services.writeLimiter, { trustProxy: config.trustProxy ?? false });
  // Writes in flight are counted from the start of the request, body upload included:
  // background idea assignment yields to them (on PGlite it holds the event loop while it runs).
  const trackWrites: MiddlewareHandler = (c, next) => (c.req.method === 'POST' ? services.writes.track(next) : next());
  for (const path of WRITE_PATHS) app.use(path, byIp, trackWrites);
  app.use('/v1/admin/*', requireAdmin(config.adminToken));
  // Chained, so the returned app's type carries every API route (AppType, for the typed client).
  const api = app
    .route('/', healthRoutes(services.database, VERSION))
    .route('/', metricsRoutes(services.metrics))
    .route('/', recordsRoutes(services.records, config, services.writeLimiter))
    .route('/', leaderboardRoutes(services.leaderboard))
    .route('/', ideasRoutes(services.ideasRead, services.records, config.maxBodyBytes, services.gpuTime))
    .route('/', claimsRoutes(services.claims, config.maxBodyBytes, services.writeLimiter))
    .route('/', adminKeysRoutes(services.revocation, config.maxBodyBytes))
    .route('/', keysRoutes(services.keys, config.maxBodyBytes, services.writeLimiter))
    .route('/', forksRoutes(services.forks, services.githubSync))
    .route('/', hardwareRoutes(config.maxBodyBytes))
    .route('/', trustRoutes(services.replication))
    .route('/', suggestionsRoutes(services.suggestions))
    .route('/', datasetRoutes(services.exporter, services.snapshots, services.gpuTime));

  app.doc31('/openapi.json', {
    openapi: '3.1.0',
    info: { title: 'crossfork API', version: VERSION, description: 'Signed autoresearch experiment records, ideas and leaderboards.' },
  });
  app.route('/', docsPageRoutes()); // the reference page, its assets served from a pinned package (offline)
  app.route('/', webRoutes()); // the web site (web/dist); keep it last: it answers browsers' unknown paths

  app.notFound((c) => problem(c, new ProblemError(404, 'not-found', 'Not found', `no route for ${c.req.method} ${c.req.path}`)));
  app.onError((err, c) => {
    const expected = problemOf(err); // a ProblemError, a service's domain error or a refused envelope
    if (expected) return problem(c, expected);
    if (err instanceof HTTPException)
      return problem(c, new ProblemError(err.status, 'http-error', 'Request failed', err.message || 'request failed'));
    if (isDatabaseDown(err)) {
      logger?.warn({ err: String(err) }, 'database unavailable');
      return problem(
        c,
        new ProblemError(503, 'unavailable', 'Service unavailable', 'the database is unavailable; retry shortly', undefined, {
          'Retry-After': '5',
        }),
      );
    }
    logger?.error({ err }, 'unhandled error');
    return problem(c, new ProblemError(500, 'internal', 'Internal error', 'an unexpected error occurred; it has been logged'));
  });
  return api;
}

/** The API's routes, their inputs and answers: what `hc<AppType>()` (client/api.ts) is typed from. */
export type AppType = ReturnType<typeof createApp>;

function problem(c: Context, err: ProblemError) {
  for (const [k, v] of Object.entries(err.headers ?? {})) c.header(k, v);
  return c.body(JSON.stringify(err.toJSON()), err.status as 400, { 'Content-Type': 'application/problem+json' });
}

const DOWN_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'CONNECTION_CLOSED',
  'CONNECTION_ENDED',
  'CONNECTION_DESTROYED',
  'CONNECT_TIMEOUT',
  '57P01',
  '57P02',
  '57P03',
]);

function isDatabaseDown(err: unknown): boolean {
  for (let e: any = err; e; e = e.cause) if (DOWN_CODES.has(e.code)) return true;
  return false;
}
