// server/http/request.ts on a real OpenAPIHono route: jsonBody (media type, size limit, JSON, prepare)
// and validationHook (400 for a bad query, 422 for a bad body, every field issue listed).
import { OpenAPIHono, createRoute } from '@hono/zod-openapi';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ProblemError } from '../../../server/http/problem.ts';
import { jsonBody, validationHook } from '../../../server/http/request.ts';

const bodySchema = z.strictObject({ name: z.string().max(5) });
const app = new OpenAPIHono({ defaultHook: validationHook }).openapi(
  createRoute({
    method: 'post',
    path: '/echo',
    middleware: jsonBody(64, (b) =>
      b && typeof b === 'object' && 'shout' in b ? { name: String((b as { shout: unknown }).shout).toUpperCase() } : b,
    ),
    request: {
      body: { content: { 'application/json': { schema: bodySchema } } },
      query: z.strictObject({ n: z.coerce.number().int().optional() }),
    },
    responses: {
      200: { description: 'echo', content: { 'application/json': { schema: bodySchema.extend({ n: z.number().optional() }) } } },
    },
  }),
  (c) => c.json({ ...c.req.valid('json'), n: c.req.valid('query').n }, 200),
);
app.onError((err, c) =>
  err instanceof ProblemError ? c.json({ ...err.toJSON() }, err.status as 400) : c.json({ unexpected: String(err) }, 500),
);

const post = (body: string, type = 'application/json', query = '') =>
  app.request(`/echo${query}`, { method: 'POST', body, headers: { 'content-type': type } });

describe('jsonBody and validationHook', () => {
  it('hands the parsed, prepared body to the route validator', async () => {
    expect(await (await post('{"name":"ab"}', 'application/json', '?n=3')).json()).toEqual({ name: 'ab', n: 3 });
    expect(await (await post('{"shout":"ab"}')).json()).toEqual({ name: 'AB' });
  });

  it('refuses other media types (415), bodies over the limit (413) and broken JSON (400) before validation', async () => {
    expect(await (await post('{"name":"ab"}', 'text/plain')).json()).toMatchObject({
      status: 415,
      type: expect.stringMatching(/unsupported-media-type$/),
    });
    expect(await (await post(JSON.stringify({ name: 'x'.repeat(100) }))).json()).toMatchObject({
      status: 413,
      type: expect.stringMatching(/body-too-large$/),
    });
    expect(await (await post('{"name":')).json()).toMatchObject({
      status: 400,
      detail: expect.stringMatching(/^the request body is not valid JSON/),
    });
    expect(await (await post('')).json()).toMatchObject({ status: 400, detail: 'the request body is empty; send a JSON document' });
  });

  it('an invalid body is 422 invalid-body and an invalid query 400, each field listed', async () => {
    expect(await (await post('{"name":"too long","x":1}')).json()).toMatchObject({
      status: 422,
      type: expect.stringMatching(/invalid-body$/),
      errors: expect.arrayContaining([{ path: '(root)', message: 'unknown field(s): x' }, expect.objectContaining({ path: 'name' })]),
    });
    expect(await (await post('{"name":"ab"}', 'application/json', '?n=1.5')).json()).toMatchObject({
      status: 400,
      detail: expect.stringMatching(/^invalid query: query\.n: /),
      errors: [expect.objectContaining({ path: 'query.n' })],
    });
  });

  it('a nested array where an object belongs is 422, not a crash', async () => {
    const res = await app.request('/echo', {
      method: 'POST',
      body: '['.repeat(30) + ']'.repeat(30),
      headers: { 'content-type': 'application/json' },
    });
    expect(res.status).toBe(422);
  });
});
