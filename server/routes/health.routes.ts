// Liveness and readiness: `/healthz` answers 200 only when the database answers.
import { OpenAPIHono, createRoute } from '@hono/zod-openapi';
import { z } from 'zod';
import type { Database } from '../db/client.ts';
import { json } from '../http/openapi.ts';

const healthSchema = z.object({ status: z.string(), database: z.string(), version: z.string() });

export function healthRoutes(database: Pick<Database, 'driver' | 'ping'>, version: string) {
  return new OpenAPIHono().openapi(
    createRoute({
      method: 'get',
      path: '/healthz',
      tags: ['operations'],
      summary: 'Health: 200 when the database answers, 503 otherwise',
      responses: {
        200: { description: 'healthy', ...json(healthSchema) },
        503: { description: 'the database does not answer', ...json(healthSchema) },
      },
    }),
    async (c) => {
      const ok = await database.ping().then(
        () => true,
        () => false,
      );
      return c.json({ status: ok ? 'ok' : 'unavailable', database: database.driver, version }, ok ? 200 : 503);
    },
  );
}
