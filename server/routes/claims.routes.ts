// HTTP routes for claims: submit a signed claim, list the active ones.
import { OpenAPIHono, createRoute } from '@hono/zod-openapi';
import { z } from 'zod';
import type { ClaimsService } from '../services/claims.service.ts';
import { claimPayloadSchema } from '../protocol/claim.schema.ts';
import { envelopeSchema } from '../protocol/envelope.schema.ts';
import { claimListQuerySchema, claimResponseSchema, claimViewSchema } from '../protocol/api.schema.ts';
import { readJson } from '../http/request.ts';
import { json, problems, signedBody } from '../http/openapi.ts';
import { limitWritesByKey } from '../http/rate-limit.ts';
import type { WriteRateLimiter } from '../services/rate-limiter.ts';

const signedClaim = envelopeSchema.extend({ payload: claimPayloadSchema }).meta({ id: 'SignedClaim' });

export function claimsRoutes(claims: ClaimsService, maxBodyBytes: number, limiter: WriteRateLimiter) {
  const app = new OpenAPIHono();
  return app
    .openapi(
      createRoute({
        method: 'post',
        path: '/v1/claims',
        tags: ['claims'],
        summary: 'Reserve an idea for ttl_s seconds; answers other keys’ active claims on similar ideas',
        request: { body: signedBody(app.openAPIRegistry, 'SignedClaim', signedClaim) },
        responses: { 201: { description: 'claimed', ...json(claimResponseSchema) }, ...problems(400, 401, 409, 413, 415, 422, 429) },
      }),
      // Read here, not validated by the route: the key's rate limit first, then the service verifies.
      async (c) => c.json(await claims.submit(await limitWritesByKey(limiter, await readJson(c, maxBodyBytes))), 201),
    )
    .openapi(
      createRoute({
        method: 'get',
        path: '/v1/claims',
        tags: ['claims'],
        summary: 'Active (unexpired) claims',
        request: { query: claimListQuerySchema },
        responses: { 200: { description: 'active claims', ...json(z.object({ claims: z.array(claimViewSchema) })) }, ...problems(400) },
      }),
      async (c) => {
        const q = c.req.valid('query');
        return c.json(await claims.active({ harnessId: q.harness, hardwareClass: q.hardware_class, limit: q.limit }), 200);
      },
    );
}
