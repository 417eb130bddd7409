// Guards `/v1/admin/*`: `Authorization: Bearer $CROSSFORK_ADMIN_TOKEN`, compared in constant
// time. Without a configured token every admin request is refused.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import { ProblemError } from './problem.ts';

const digest = (s: string) => createHash('sha256').update(s).digest();

export function requireAdmin(token: string | undefined): MiddlewareHandler {
  const expected = token ? digest(token) : null;
  return async (c, next) => {
    const given = /^Bearer\s+(.+)$/i.exec(c.req.header('authorization') ?? '')?.[1]?.trim();
    if (!expected) throw unauthorized('admin endpoints are disabled: the server has no CROSSFORK_ADMIN_TOKEN');
    if (!given) throw unauthorized('send Authorization: Bearer <CROSSFORK_ADMIN_TOKEN>');
    if (!timingSafeEqual(digest(given), expected)) throw unauthorized('the admin token is wrong');
    await next();
  };
}

function unauthorized(detail: string) {
  return new ProblemError(401, 'unauthorized', 'Unauthorized', detail, undefined, { 'WWW-Authenticate': 'Bearer realm="crossfork-admin"' });
}
