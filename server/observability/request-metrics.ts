// Middleware timing every request under its route pattern (`/v1/records/:id`, never the raw
// path, so label cardinality stays bounded).
import type { MiddlewareHandler } from 'hono';
import { routePath } from 'hono/route';
import type { Metrics } from './metrics.ts';

export function requestMetrics(metrics: Metrics): MiddlewareHandler {
  return async (c, next) => {
    const start = performance.now();
    try {
      await next();
    } finally {
      const route = routePath(c); // after next(): the handler that answered
      const label = !route || route === '*' || route === '/*' ? 'unmatched' : route;
      metrics.observe(c.req.method, label, c.res.status, (performance.now() - start) / 1000);
    }
  };
}
