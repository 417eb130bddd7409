// HTTP routes for ideas: check an idea, the known-bad list (JSON or markdown), idea pages, search.
import { OpenAPIHono } from '@hono/zod-openapi';
import { z } from 'zod';
import type { IdeasService } from '../services/ideas.service.ts';
import type { RecordsService } from '../services/records.service.ts';
import { checkRequestSchema } from '../protocol/claim.schema.ts';
import { clipDescriptionField } from '../protocol/description.ts';
import { checkResponseSchema, ideaDetailQuerySchema, ideaDetailSchema, ideaListQuerySchema, ideaListSchema, knownBadQuerySchema, knownBadSchema } from '../protocol/api.schema.ts';
import { knownBadMarkdown } from '../services/known-bad.markdown.ts';
import { parseBody, parseQuery, readJson } from './request.ts';
import { json, problems } from './docs.ts';

export function ideasRoutes(ideas: IdeasService, records: RecordsService, maxBodyBytes: number) {
  const app = new OpenAPIHono();

  // An unsigned query: a description over the limit is cut (the one rule, README "Long descriptions"), not refused.
  app.post('/v1/ideas/check', async (c) => c.json(await ideas.check(parseBody(clipDescriptionField(await readJson(c, maxBodyBytes)), checkRequestSchema))));

  app.get('/v1/known-bad', async (c) => {
    const q = parseQuery(c, knownBadQuerySchema);
    const result = await ideas.knownBad({ harnessId: q.harness, hardwareClass: q.hardware_class, limit: q.limit });
    const md = q.format === 'md' || (!q.format && /text\/markdown/.test(c.req.header('accept') ?? ''));
    return md ? c.body(knownBadMarkdown(result), 200, { 'Content-Type': 'text/markdown; charset=utf-8' }) : c.json(result);
  });

  app.get('/v1/ideas/:id', async (c) => {
    const q = parseQuery(c, ideaDetailQuerySchema);
    const summary = await ideas.get(c.req.param('id'));
    // An idea can hold thousands of attempts: its records come a page at a time.
    const page = await records.list({ ideaId: summary.id, limit: q.limit, cursor: q.cursor });
    return c.json({ ...summary, ...page });
  });

  app.get('/v1/ideas', async (c) => {
    const q = parseQuery(c, ideaListQuerySchema);
    return c.json(await ideas.search(q.q, q.limit));
  });

  const reg = app.openAPIRegistry;
  reg.registerPath({
    method: 'post', path: '/v1/ideas/check', tags: ['ideas'], summary: 'Was this idea tried, on hardware like mine, and how did it go?',
    request: { body: json(checkRequestSchema) },
    responses: { 200: { description: 'verdict and evidence', ...json(checkResponseSchema) }, ...problems(400, 413, 415, 422) },
  });
  reg.registerPath({
    method: 'get', path: '/v1/known-bad', tags: ['ideas'], summary: 'Ideas tried ≥ 2 times in scope and never kept there (markdown with Accept: text/markdown or format=md)',
    request: { query: knownBadQuerySchema },
    responses: { 200: { description: 'known-bad ideas', content: { 'application/json': { schema: knownBadSchema }, 'text/markdown': { schema: z.string() } } }, ...problems(400) },
  });
  reg.registerPath({
    method: 'get', path: '/v1/ideas/{id}', tags: ['ideas'], summary: 'One idea with its evidence and a page of its attempts, newest first',
    request: { params: z.object({ id: z.string() }), query: ideaDetailQuerySchema },
    responses: { 200: { description: 'the idea', ...json(ideaDetailSchema) }, ...problems(400, 404) },
  });
  reg.registerPath({
    method: 'get', path: '/v1/ideas', tags: ['ideas'], summary: 'Semantic search over ideas (q), or the most-tried ideas',
    request: { query: ideaListQuerySchema },
    responses: { 200: { description: 'ideas', ...json(ideaListSchema) }, ...problems(400) },
  });
  return app;
}
