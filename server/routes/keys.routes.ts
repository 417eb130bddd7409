// HTTP routes for key links: link a signing key to a GitHub login, list active links.
import { OpenAPIHono, createRoute } from '@hono/zod-openapi';
import { z } from 'zod';
import type { KeysService } from '../services/keys.service.ts';
import { keyPayloadSchema } from '../protocol/key.schema.ts';
import { envelopeSchema } from '../protocol/envelope.schema.ts';
import { keyLinkSchema, keyListQuerySchema } from '../protocol/api.schema.ts';
import { readJson } from '../http/request.ts';
import { json, problems, signedBody } from '../http/openapi.ts';
import { limitWritesByKey } from '../http/rate-limit.ts';
import type { WriteRateLimiter } from '../services/rate-limiter.ts';

const signedKey = envelopeSchema.extend({ payload: keyPayloadSchema }).meta({ id: 'SignedKeyLink' });

export function keysRoutes(keys: KeysService, maxBodyBytes: number, limiter: WriteRateLimiter) {
  const app = new OpenAPIHono();
  return app
    .openapi(
      createRoute({
        method: 'post',
        path: '/v1/keys',
        tags: ['keys'],
        summary: 'Link the signing key to a GitHub login; accepted only when GitHub lists the key for that user',
        request: { body: signedBody(app.openAPIRegistry, 'SignedKeyLink', signedKey) },
        responses: {
          201: { description: 'linked', ...json(keyLinkSchema) },
          200: { description: 'the key’s link replaced', ...json(keyLinkSchema) },
          ...problems(400, 401, 403, 409, 413, 415, 422, 429, 503),
        },
      }),
      // Read here, not validated by the route: the key's rate limit first, then the service verifies.
      async (c) => {
        const { created, link } = await keys.link(await limitWritesByKey(limiter, await readJson(c, maxBodyBytes)));
        return c.json(link, created ? 201 : 200);
      },
    )
    .openapi(
      createRoute({
        method: 'get',
        path: '/v1/keys',
        tags: ['keys'],
        summary: 'Active key links, optionally of one login or one key',
        request: { query: keyListQuerySchema },
        responses: { 200: { description: 'links', ...json(z.object({ keys: z.array(keyLinkSchema) })) }, ...problems(400) },
      }),
      async (c) => {
        const q = c.req.valid('query');
        return c.json(await keys.list({ login: q.login, key: q.key, limit: q.limit }), 200);
      },
    );
}
