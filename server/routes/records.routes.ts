// HTTP routes for records: submit one, submit a batch, fetch one, list with filters.
import { OpenAPIHono, createRoute } from '@hono/zod-openapi';
import { z } from 'zod';
import type { RecordsService } from '../services/records.service.ts';
import { batchResultSchema, createdSchema, recordListQuerySchema, recordPageSchema, recordViewSchema } from '../protocol/api.schema.ts';
import { recordPayloadSchema } from '../protocol/record.schema.ts';
import { envelopeSchema } from '../protocol/envelope.schema.ts';
import { readJson } from '../http/request.ts';
import { json, problems, signedBody } from '../http/openapi.ts';
import { limitWritesByKey } from '../http/rate-limit.ts';
import { toProblem } from '../http/problem-map.ts';
import type { WriteRateLimiter } from '../services/rate-limiter.ts';

export interface RecordsRouteLimits {
  maxBodyBytes: number;
  maxBatchBodyBytes: number;
}

const signedRecord = envelopeSchema.extend({ payload: recordPayloadSchema }).meta({ id: 'SignedRecord' });
const signedBatch = z.object({ records: z.array(signedRecord).max(1000) });

// Signed bodies are read here, not by a route validator: the key's rate limit comes first, and the
// service verifies each envelope with its own problems (signature, payload type, limits).
export function recordsRoutes(records: RecordsService, limits: RecordsRouteLimits, limiter: WriteRateLimiter) {
  const app = new OpenAPIHono();
  const reg = app.openAPIRegistry;
  return app
    .openapi(
      createRoute({
        method: 'post',
        path: '/v1/records',
        tags: ['records'],
        summary: 'Submit one signed record',
        request: { body: signedBody(reg, 'SignedRecord', signedRecord) },
        responses: {
          201: { description: 'stored', ...json(createdSchema) },
          200: { description: 'already stored (duplicate: true)', ...json(createdSchema) },
          ...problems(400, 401, 413, 415, 422, 429),
        },
      }),
      async (c) => {
        const result = await records.submit(await limitWritesByKey(limiter, await readJson(c, limits.maxBodyBytes)));
        return c.json(result, result.duplicate ? 200 : 201);
      },
    )
    .openapi(
      createRoute({
        method: 'post',
        path: '/v1/records/batch',
        tags: ['records'],
        summary: 'Submit up to 1,000 signed records; per-item results in input order',
        request: { body: signedBody(reg, 'SignedRecordBatch', signedBatch) },
        responses: { 200: { description: 'one result per input item', ...json(batchResultSchema) }, ...problems(400, 413, 415, 422, 429) },
      }),
      async (c) => {
        const results = await records.submitBatch(await limitWritesByKey(limiter, await readJson(c, limits.maxBatchBodyBytes)));
        return c.json({ results: results.map((r) => (r.status === 'rejected' ? { ...r, error: toProblem(r.error).toJSON() } : r)) }, 200);
      },
    )
    .openapi(
      createRoute({
        method: 'get',
        path: '/v1/records/{id}',
        tags: ['records'],
        summary: 'One record',
        request: { params: z.object({ id: z.string() }) },
        responses: { 200: { description: 'the record', ...json(recordViewSchema) }, ...problems(404) },
      }),
      async (c) => c.json(await records.get(c.req.valid('param').id), 200),
    )
    .openapi(
      createRoute({
        method: 'get',
        path: '/v1/records',
        tags: ['records'],
        summary: 'Records, newest first, filtered, paginated by cursor',
        request: { query: recordListQuerySchema },
        responses: { 200: { description: 'a page', ...json(recordPageSchema) }, ...problems(400) },
      }),
      async (c) => {
        const q = c.req.valid('query');
        return c.json(
          await records.list({
            harnessId: q.harness,
            hardwareClass: q.hardware_class,
            status: q.status,
            keyFingerprint: q.key,
            signed: q.signed === undefined ? undefined : q.signed === 'true',
            ideaId: q.idea,
            limit: q.limit,
            cursor: q.cursor,
          }),
          200,
        );
      },
    );
}
