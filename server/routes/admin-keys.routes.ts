// Admin: revoke a key (hide its records, refuse its writes), restore it, list revocations.
import { OpenAPIHono, createRoute } from '@hono/zod-openapi';
import { z } from 'zod';
import type { RevocationService } from '../services/revocation.service.ts';
import { jsonBody } from '../http/request.ts';
import { json, problems } from '../http/openapi.ts';

const revokeSchema = z.strictObject({
  key_fingerprint: z.string().regex(/^SHA256:[A-Za-z0-9+/]{43}$/, 'must be SHA256:<43 base64 characters>, as ssh-keygen -lf prints it'),
  reason: z.string().min(1).max(500).optional(),
});
const restoreSchema = revokeSchema.pick({ key_fingerprint: true });
const resultSchema = z.object({ key_fingerprint: z.string(), revoked: z.boolean(), records_affected: z.number() });
const revokedSchema = z.object({ keys: z.array(z.object({ key_fingerprint: z.string(), reason: z.string(), revoked_at: z.string() })) });
const auth = [{ bearer: [] as string[] }];

export function adminKeysRoutes(revocation: RevocationService, maxBodyBytes: number) {
  const app = new OpenAPIHono();
  app.openAPIRegistry.registerComponent('securitySchemes', 'bearer', {
    type: 'http',
    scheme: 'bearer',
    description: 'CROSSFORK_ADMIN_TOKEN',
  });
  return app
    .openapi(
      createRoute({
        method: 'post',
        path: '/v1/admin/keys/revoke',
        tags: ['admin'],
        summary: 'Revoke a key: hide its records everywhere and refuse its writes (403)',
        security: auth,
        middleware: jsonBody(maxBodyBytes),
        request: { body: json(revokeSchema) },
        responses: { 200: { description: 'revoked', ...json(resultSchema) }, ...problems(400, 401, 415, 422) },
      }),
      async (c) => {
        const body = c.req.valid('json');
        return c.json(await revocation.revoke(body.key_fingerprint, body.reason ?? 'revoked by an administrator'), 200);
      },
    )
    .openapi(
      createRoute({
        method: 'post',
        path: '/v1/admin/keys/restore',
        tags: ['admin'],
        summary: 'Lift a revocation and show the key’s records again',
        security: auth,
        middleware: jsonBody(maxBodyBytes),
        request: { body: json(restoreSchema) },
        responses: { 200: { description: 'restored', ...json(resultSchema) }, ...problems(400, 401, 415, 422) },
      }),
      async (c) => c.json(await revocation.restore(c.req.valid('json').key_fingerprint), 200),
    )
    .openapi(
      createRoute({
        method: 'get',
        path: '/v1/admin/keys/revoked',
        tags: ['admin'],
        summary: 'Revoked keys',
        security: auth,
        responses: { 200: { description: 'the revoked keys', ...json(revokedSchema) }, ...problems(401) },
      }),
      async (c) => c.json({ keys: await revocation.list() }, 200),
    );
}
