// HTTP route for suggestions: what to try next on this harness and hardware, for this fork.
import { createRoute, OpenAPIHono } from '@hono/zod-openapi';
import type { SuggestionsService } from '../services/suggestions.service.ts';
import { suggestionsQuerySchema, suggestionsSchema } from '../protocol/api.schema.ts';
import { json, problems } from '../http/openapi.ts';

export function suggestionsRoutes(suggestions: SuggestionsService) {
  return new OpenAPIHono().openapi(
    createRoute({
      method: 'get',
      path: '/v1/suggestions',
      tags: ['ideas'],
      summary:
        'What to try next: ideas kept on hardware like yours (or elsewhere, never tried on your family) that your fork has not tried, with their evidence, and the known-bad ideas to avoid',
      request: { query: suggestionsQuerySchema },
      responses: { 200: { description: 'ranked suggestions', ...json(suggestionsSchema) }, ...problems(400) },
    }),
    async (c) => c.json(await suggestions.suggest(c.req.valid('query')), 200),
  );
}
