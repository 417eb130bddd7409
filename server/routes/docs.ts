// Small builders for OpenAPI path documentation (JSON bodies, problem responses).
import type { z } from 'zod';
import { problemSchema } from '../protocol/api.schema.ts';

export const json = (schema: z.ZodType) => ({ content: { 'application/json': { schema } } });

const REASONS: Record<number, string> = {
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
};

export function problems(...codes: number[]) {
  return Object.fromEntries(
    codes.map((code) => [code, { description: REASONS[code], content: { 'application/problem+json': { schema: problemSchema } } }]),
  );
}
