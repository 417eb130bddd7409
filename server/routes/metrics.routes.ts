// `GET /metrics`: Prometheus text exposition of the process's metrics.
import { OpenAPIHono, createRoute } from '@hono/zod-openapi';
import { z } from 'zod';
import type { Metrics } from '../observability/metrics.ts';

export function metricsRoutes(metrics: Metrics) {
  return new OpenAPIHono().openapi(
    createRoute({
      method: 'get',
      path: '/metrics',
      tags: ['operations'],
      summary: 'Prometheus metrics: requests and latency per route, records ingested, job queue depth and lag',
      responses: { 200: { description: 'Prometheus text format', content: { 'text/plain': { schema: z.string() } } } },
    }),
    async (c) => c.text(await metrics.registry.metrics(), 200, { 'Content-Type': metrics.registry.contentType }),
  );
}
