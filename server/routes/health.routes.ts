// Liveness and readiness: `/healthz` answers 200 only when the database answers.
import { OpenAPIHono } from '@hono/zod-openapi';
import { z } from 'zod';
import type { Database } from '../db/client.ts';
import { json } from './docs.ts';

export function healthRoutes(database: Pick<Database, 'driver' | 'ping'>, version: string) {
  const app = new OpenAPIHono();
  app.get('/healthz', async (c) => {
    const ok = await database.ping().then(() => true, () => false);
    return c.json({ status: ok ? 'ok' : 'unavailable', database: database.driver, version }, ok ? 200 : 503);
  });
  app.openAPIRegistry.registerPath({
    method: 'get', path: '/healthz', tags: ['operations'], summary: 'Health: 200 when the database answers, 503 otherwise',
    responses: { 200: { description: 'healthy', ...json(z.object({ status: z.string(), database: z.string(), version: z.string() })) } },
  });
  return app;
}
