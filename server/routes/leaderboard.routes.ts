// HTTP route for the leaderboard (per harness, per hardware class).
import { OpenAPIHono } from '@hono/zod-openapi';
import type { LeaderboardService } from '../services/leaderboard.service.ts';
import { leaderboardQuerySchema, leaderboardSchema } from '../protocol/api.schema.ts';
import { parseQuery } from './request.ts';
import { json, problems } from './docs.ts';

export function leaderboardRoutes(leaderboard: LeaderboardService) {
  const app = new OpenAPIHono();
  app.get('/v1/leaderboard', async (c) => c.json(await leaderboard.get(parseQuery(c, leaderboardQuerySchema).harness)));
  app.openAPIRegistry.registerPath({
    method: 'get', path: '/v1/leaderboard', tags: ['leaderboard'],
    summary: 'Best kept val_bpb per hardware class for one harness (default: the harness with most records)',
    request: { query: leaderboardQuerySchema },
    responses: { 200: { description: 'the leaderboard', ...json(leaderboardSchema) }, ...problems(400, 404) },
  });
  return app;
}
