// HTTP routes for GitHub: the discovered forks, and the admin trigger of a sync.
import { OpenAPIHono } from '@hono/zod-openapi';
import type { ForksService } from '../services/forks.service.ts';
import type { GithubSyncService } from '../services/github-sync.service.ts';
import { forkListQuerySchema, forkPageSchema, githubSyncSchema } from '../protocol/api.schema.ts';
import { parseQuery } from './request.ts';
import { json, problems } from './docs.ts';

export function forksRoutes(forks: ForksService, sync: GithubSyncService) {
  const app = new OpenAPIHono();
  app.get('/v1/forks', async (c) => {
    const q = parseQuery(c, forkListQuerySchema);
    return c.json(await forks.list(q.limit, q.cursor));
  });
  app.post('/v1/admin/github/sync', async (c) => c.json(await sync.requestSync(), 202));
  app.openAPIRegistry.registerPath({
    method: 'get', path: '/v1/forks', tags: ['github'], summary: 'Forks of the upstream discovered on GitHub, with what their public results.tsv gave',
    request: { query: forkListQuerySchema },
    responses: { 200: { description: 'a page of forks', ...json(forkPageSchema) }, ...problems(400) },
  });
  app.openAPIRegistry.registerPath({
    method: 'post', path: '/v1/admin/github/sync', tags: ['admin'], summary: 'Queue fork discovery (then crawls of changed forks) and a re-check of key links now',
    security: [{ bearer: [] }],
    responses: { 202: { description: 'queued', ...json(githubSyncSchema) }, ...problems(401, 503) },
  });
  return app;
}
