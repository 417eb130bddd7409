// HTTP routes for GitHub: the discovered forks, and the admin trigger of a sync.
import { OpenAPIHono, createRoute } from '@hono/zod-openapi';
import type { ForksService } from '../services/forks.service.ts';
import type { GithubSyncService } from '../services/github-sync.service.ts';
import { forkListQuerySchema, forkPageSchema, githubSyncSchema } from '../protocol/api.schema.ts';
import { json, problems } from '../http/openapi.ts';

export function forksRoutes(forks: ForksService, sync: GithubSyncService) {
  return new OpenAPIHono()
    .openapi(
      createRoute({
        method: 'get',
        path: '/v1/forks',
        tags: ['github'],
        summary: 'Forks of the upstream discovered on GitHub, with what their public results.tsv gave',
        request: { query: forkListQuerySchema },
        responses: { 200: { description: 'a page of forks', ...json(forkPageSchema) }, ...problems(400) },
      }),
      async (c) => {
        const q = c.req.valid('query');
        return c.json(await forks.list(q.limit, q.cursor), 200);
      },
    )
    .openapi(
      createRoute({
        method: 'post',
        path: '/v1/admin/github/sync',
        tags: ['admin'],
        summary: 'Queue fork discovery (then crawls of changed forks) and a re-check of key links now',
        security: [{ bearer: [] }],
        responses: { 202: { description: 'queued', ...json(githubSyncSchema) }, ...problems(401, 503) },
      }),
      async (c) => c.json(await sync.requestSync(), 202),
    );
}
