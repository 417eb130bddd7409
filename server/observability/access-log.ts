// One structured log line per request: method, route pattern, status, duration. Never bodies,
// query strings or headers, so payloads and secrets (admin tokens, API keys) stay out of logs.
import type { MiddlewareHandler } from 'hono';
import { routePath } from 'hono/route';
import type { Logger } from 'pino';

export function accessLog(logger: Logger): MiddlewareHandler {
  return async (c, next) => {
    const start = performance.now();
    await next();
    const route = routePath(c); // after next(): the handler that answered
    const status = c.res.status;
    const line = {
      method: c.req.method,
      route: route === '*' || route === '/*' ? 'unmatched' : route,
      status,
      ms: Math.round((performance.now() - start) * 10) / 10,
    };
    if (status >= 500) logger.error(line, 'request');
    else logger.info(line, 'request');
  };
}
