// HTTP routes for claims: submit a signed claim, list the active ones.
import { OpenAPIHono } from '@hono/zod-openapi';
import { z } from 'zod';
import type { ClaimsService } from '../services/claims.service.ts';
import { claimPayloadSchema } from '../protocol/claim.schema.ts';
import { envelopeSchema } from '../protocol/envelope.schema.ts';
import { claimListQuerySchema, claimResponseSchema, claimViewSchema } from '../protocol/api.schema.ts';
import { parseQuery, readJson } from './request.ts';
import { json, problems } from './docs.ts';
import { limitWritesByKey } from './rate-limit.ts';
import type { WriteRateLimiter } from '../services/rate-limiter.ts';

const signedClaim = envelopeSchema.extend({ payload: claimPayloadSchema }).meta({ id: 'SignedClaim' });

export function claimsRoutes(claims: ClaimsService, maxBodyBytes: number, limiter: WriteRateLimiter) {
  const app = new OpenAPIHono();
  app.post('/v1/claims', async (c) => c.json(await claims.submit(await limitWritesByKey(limiter, await readJson(c, maxBodyBytes))), 201));
  app.get('/v1/claims', async (c) => {
    const q = parseQuery(c, claimListQuerySchema);
    return c.json(await claims.active({ harnessId: q.harness, hardwareClass: q.hardware_class, limit: q.limit }));
  });
  app.openAPIRegistry.registerPath({
    method: 'post', path: '/v1/claims', tags: ['claims'], summary: 'Reserve an idea for ttl_s seconds; answers other keys’ active claims on similar ideas',
    request: { body: json(signedClaim) },
    responses: { 201: { description: 'claimed', ...json(claimResponseSchema) }, 409: problems(409)[409], ...problems(400, 401, 413, 415, 422, 429) },
  });
  app.openAPIRegistry.registerPath({
    method: 'get', path: '/v1/claims', tags: ['claims'], summary: 'Active (unexpired) claims',
    request: { query: claimListQuerySchema },
    responses: { 200: { description: 'active claims', ...json(z.object({ claims: z.array(claimViewSchema) })) }, ...problems(400) },
  });
  return app;
}
