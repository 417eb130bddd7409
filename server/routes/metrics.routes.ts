// `GET /metrics`: Prometheus text exposition of the process's metrics.
import { OpenAPIHono } from '@hono/zod-openapi';
import type { Metrics } from '../observability/metrics.ts';

export function metricsRoutes(metrics: Metrics) {
  const app = new OpenAPIHono();
  app.get('/metrics', async (c) => c.body(await metrics.registry.metrics(), 200, { 'Content-Type': metrics.registry.contentType }));
  app.openAPIRegistry.registerPath({
    method: 'get', path: '/metrics', tags: ['operations'], summary: 'Prometheus metrics: requests and latency per route, records ingested, job queue depth and lag',
    responses: { 200: { description: 'Prometheus text format', content: { 'text/plain': { schema: { type: 'string' } } } } },
  });
  return app;
}
