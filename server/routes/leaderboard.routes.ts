// HTTP route for the leaderboard (per harness, per hardware class).
import { OpenAPIHono, createRoute } from '@hono/zod-openapi';
import type { LeaderboardService } from '../services/leaderboard.service.ts';
import { leaderboardQuerySchema, leaderboardSchema } from '../protocol/api.schema.ts';
import { json, problems } from '../http/openapi.ts';

export function leaderboardRoutes(leaderboard: LeaderboardService) {
  return new OpenAPIHono().openapi(
    createRoute({
      method: 'get',
      path: '/v1/leaderboard',
      tags: ['leaderboard'],
      summary: 'Best kept val_bpb per hardware class for one harness (default: the harness with most records)',
      request: { query: leaderboardQuerySchema },
      responses: { 200: { description: 'the leaderboard', ...json(leaderboardSchema) }, ...problems(400, 404) },
    }),
    async (c) => c.json(await leaderboard.get(c.req.valid('query').harness), 200),
  );
}
