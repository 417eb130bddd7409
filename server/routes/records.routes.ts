// HTTP routes for records: submit one, submit a batch, fetch one, list with filters.
import { OpenAPIHono } from '@hono/zod-openapi';
import { z } from 'zod';
import type { RecordsService } from '../services/records.service.ts';
import { batchResultSchema, createdSchema, recordListQuerySchema, recordPageSchema, recordViewSchema } from '../protocol/api.schema.ts';
import { recordPayloadSchema } from '../protocol/record.schema.ts';
import { envelopeSchema } from '../protocol/envelope.schema.ts';
import { parseQuery, readJson } from './request.ts';
import { json, problems } from './docs.ts';
import { limitWritesByKey } from './rate-limit.ts';
import type { WriteRateLimiter } from '../services/rate-limiter.ts';

export interface RecordsRouteLimits { maxBodyBytes: number; maxBatchBodyBytes: number }

const signedRecord = envelopeSchema.extend({ payload: recordPayloadSchema }).meta({ id: 'SignedRecord' });

export function recordsRoutes(records: RecordsService, limits: RecordsRouteLimits, limiter: WriteRateLimiter) {
  const app = new OpenAPIHono();

  app.post('/v1/records', async (c) => {
    const result = await records.submit(await limitWritesByKey(limiter, await readJson(c, limits.maxBodyBytes)));
    return c.json(result, result.duplicate ? 200 : 201);
  });

  app.post('/v1/records/batch', async (c) => {
    const results = await records.submitBatch(await limitWritesByKey(limiter, await readJson(c, limits.maxBatchBodyBytes)));
    return c.json({ results: results.map((r) => (r.status === 'rejected' ? { ...r, error: r.error.toJSON() } : r)) });
  });

  app.get('/v1/records/:id', async (c) => c.json(await records.get(c.req.param('id'))));

  app.get('/v1/records', async (c) => {
    const q = parseQuery(c, recordListQuerySchema);
    return c.json(await records.list({ harnessId: q.harness, hardwareClass: q.hardware_class, status: q.status, keyFingerprint: q.key, signed: q.signed === undefined ? undefined : q.signed === 'true', ideaId: q.idea, limit: q.limit, cursor: q.cursor }));
  });

  const reg = app.openAPIRegistry;
  reg.registerPath({
    method: 'post', path: '/v1/records', tags: ['records'], summary: 'Submit one signed record',
    request: { body: json(signedRecord) },
    responses: { 201: { description: 'stored', ...json(createdSchema) }, 200: { description: 'already stored (duplicate: true)', ...json(createdSchema) }, ...problems(400, 401, 413, 415, 422, 429) },
  });
  reg.registerPath({
    method: 'post', path: '/v1/records/batch', tags: ['records'], summary: 'Submit up to 1,000 signed records; per-item results in input order',
    request: { body: json(z.object({ records: z.array(signedRecord).max(1000) })) },
    responses: { 200: { description: 'one result per input item', ...json(batchResultSchema) }, ...problems(400, 413, 415, 422, 429) },
  });
  reg.registerPath({
    method: 'get', path: '/v1/records/{id}', tags: ['records'], summary: 'One record',
    request: { params: z.object({ id: z.string() }) },
    responses: { 200: { description: 'the record', ...json(recordViewSchema) }, ...problems(404) },
  });
  reg.registerPath({
    method: 'get', path: '/v1/records', tags: ['records'], summary: 'Records, newest first, filtered, paginated by cursor',
    request: { query: recordListQuerySchema },
    responses: { 200: { description: 'a page', ...json(recordPageSchema) }, ...problems(400) },
  });
  return app;
}
