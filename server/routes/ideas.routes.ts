// HTTP routes for ideas: check an idea, the known-bad list (JSON or markdown), idea pages, search.
import { OpenAPIHono, createRoute } from '@hono/zod-openapi';
import { z } from 'zod';
import type { IdeasService } from '../services/ideas.service.ts';
import type { RecordsService } from '../services/records.service.ts';
import type { GpuTimeService } from '../services/gpu-time.service.ts';
import { checkRequestSchema } from '../protocol/claim.schema.ts';
import { clipDescriptionField } from '../protocol/description.ts';
import {
  checkResponseSchema,
  ideaDetailQuerySchema,
  ideaDetailSchema,
  ideaListQuerySchema,
  ideaListSchema,
  knownBadQuerySchema,
  knownBadSchema,
} from '../protocol/api.schema.ts';
import { knownBadMarkdown } from '../services/ideas/known-bad.markdown.ts';
import { jsonBody } from '../http/request.ts';
import { json, problems } from '../http/openapi.ts';

export function ideasRoutes(ideas: IdeasService, records: RecordsService, maxBodyBytes: number, gpuTime?: GpuTimeService) {
  return new OpenAPIHono()
    .openapi(
      createRoute({
        method: 'post',
        path: '/v1/ideas/check',
        tags: ['ideas'],
        summary: 'Was this idea tried, on hardware like mine, and how did it go?',
        // An unsigned query: a description over the limit is cut (the one rule, README "Long descriptions"), not refused.
        middleware: jsonBody(maxBodyBytes, clipDescriptionField),
        request: { body: json(checkRequestSchema) },
        responses: { 200: { description: 'verdict and evidence', ...json(checkResponseSchema) }, ...problems(400, 413, 415, 422) },
      }),
      async (c) => {
        const body = c.req.valid('json');
        const answer = await ideas.check(body);
        // A warning is kept to count, later, whether it saved a run (gpu-time.service.ts); never fails the check.
        await gpuTime?.recordCheck(body, answer).catch(() => false);
        return c.json(answer, 200);
      },
    )
    .openapi(
      createRoute({
        method: 'get',
        path: '/v1/known-bad',
        tags: ['ideas'],
        summary: 'Ideas tried ≥ 2 times in scope and never kept there (markdown with Accept: text/markdown or format=md)',
        request: { query: knownBadQuerySchema },
        responses: {
          200: {
            description: 'known-bad ideas',
            content: { 'application/json': { schema: knownBadSchema }, 'text/markdown': { schema: z.string() } },
          },
          ...problems(400),
        },
      }),
      async (c) => {
        const q = c.req.valid('query');
        const result = await ideas.knownBad({ harnessId: q.harness, hardwareClass: q.hardware_class, limit: q.limit });
        const md = q.format === 'md' || (!q.format && /text\/markdown/.test(c.req.header('accept') ?? ''));
        return md ? c.body(knownBadMarkdown(result), 200, { 'Content-Type': 'text/markdown; charset=utf-8' }) : c.json(result, 200);
      },
    )
    .openapi(
      createRoute({
        method: 'get',
        path: '/v1/ideas/{id}',
        tags: ['ideas'],
        summary: 'One idea with its evidence and a page of its attempts, newest first',
        request: { params: z.object({ id: z.string() }), query: ideaDetailQuerySchema },
        responses: { 200: { description: 'the idea', ...json(ideaDetailSchema) }, ...problems(400, 404) },
      }),
      async (c) => {
        const q = c.req.valid('query');
        const summary = await ideas.get(c.req.valid('param').id);
        // An idea can hold thousands of attempts: its records come a page at a time.
        const page = await records.list({ ideaId: summary.id, limit: q.limit, cursor: q.cursor });
        return c.json({ ...summary, ...page }, 200);
      },
    )
    .openapi(
      createRoute({
        method: 'get',
        path: '/v1/ideas',
        tags: ['ideas'],
        summary: 'Semantic search over ideas (q), or the most-tried ideas',
        request: { query: ideaListQuerySchema },
        responses: { 200: { description: 'ideas', ...json(ideaListSchema) }, ...problems(400) },
      }),
      async (c) => {
        const q = c.req.valid('query');
        return c.json(await ideas.search(q.q, q.limit), 200);
      },
    );
}
