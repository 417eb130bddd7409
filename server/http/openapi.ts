// Small builders for the OpenAPI side of a route declaration (JSON bodies, problem responses).
import type { OpenAPIHono } from '@hono/zod-openapi';
import type { z } from 'zod';
import { problemSchema } from '../protocol/api.schema.ts';

export const json = <S extends z.ZodType>(schema: S) => ({ content: { 'application/json': { schema } } });

const REASONS = {
  400: 'malformed request (invalid JSON, bad query)',
  401: 'signature rejected (admin endpoints: missing or wrong bearer token)',
  403: 'refused: a revoked key, or (key links) a key GitHub does not list for the login',
  404: 'not found',
  409: 'conflict (a replayed claim)',
  413: 'body too large',
  415: 'body is not JSON',
  422: 'well-formed but invalid (schema, limits, unknown payload type)',
  429: 'too many write requests from this IP or key; see Retry-After',
  503: 'database or GitHub unavailable, or GitHub not configured; retry',
} as const;

type ProblemCode = keyof typeof REASONS;
type ProblemResponse = { description: string; content: { 'application/problem+json': { schema: typeof problemSchema } } };

export function problems<const C extends readonly ProblemCode[]>(...codes: C): { [K in C[number]]: ProblemResponse } {
  return Object.fromEntries(
    codes.map((code) => [code, { description: REASONS[code], content: { 'application/problem+json': { schema: problemSchema } } }]),
  ) as { [K in C[number]]: ProblemResponse };
}

/**
 * A signed body: documented (a reference to its registered component) and typed for clients, but
 * read and verified by the route itself (rate limit by key first, then the service's own problems),
 * so no route validator runs on it: the schema handed to the generator is a reference, not zod.
 */
export function signedBody<S extends z.ZodType>(registry: OpenAPIHono['openAPIRegistry'], id: string, schema: S) {
  registry.register(id, schema);
  return { content: { 'application/json': { schema: { $ref: `#/components/schemas/${id}` } as unknown as S } } };
}
