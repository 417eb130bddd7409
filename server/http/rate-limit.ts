// Applies the write rate limits to a route: per client IP before the body is read, then per
// signing key once the body is parsed (so a flood costs neither verification nor storage).
import type { Context, MiddlewareHandler } from 'hono';
import { getConnInfo } from '@hono/node-server/conninfo';
import { WriteRateLimiter } from '../services/rate-limiter.ts';

export interface ClientAddressOptions {
  /** Trust the first X-Forwarded-For address (only behind a proxy that sets it). */
  trustProxy: boolean;
}

export function clientAddress(c: Context, opts: ClientAddressOptions): string {
  if (opts.trustProxy) {
    const forwarded = c.req.header('x-forwarded-for')?.split(',')[0]?.trim();
    if (forwarded) return forwarded.slice(0, 64);
  }
  try {
    return getConnInfo(c).remote.address ?? 'unknown';
  } catch {
    return 'unknown'; // in-process requests (tests) have no socket
  }
}

/** Middleware for POST write routes: one token from the caller's IP bucket. */
export function limitWritesByIp(limiter: WriteRateLimiter, opts: ClientAddressOptions): MiddlewareHandler {
  return async (c, next) => {
    if (c.req.method === 'POST') await limiter.take([WriteRateLimiter.ip(clientAddress(c, opts))]);
    await next();
  };
}

/** One token from each signing key the parsed body carries; resolves to the body for chaining. */
export async function limitWritesByKey<T>(limiter: WriteRateLimiter, body: T): Promise<T> {
  await limiter.take(WriteRateLimiter.keys(body));
  return body;
}
