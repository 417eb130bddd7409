// Request helpers for routes: a bounded JSON body and validated query parameters, both
// failing as problem documents.
import type { Context } from 'hono';
import type { z } from 'zod';
import { ProblemError, badRequest } from '../errors.ts';
import { describeIssues, fieldIssues } from '../protocol/issues.ts';

/** Reads the body as JSON, refusing other media types and bodies over `maxBytes`. */
export async function readJson(c: Context, maxBytes: number): Promise<unknown> {
  const type = c.req.header('content-type') ?? '';
  if (!/^application\/([\w.+-]+\+)?json\b/i.test(type)) {
    throw new ProblemError(415, 'unsupported-media-type', 'Unsupported media type', `send the body as application/json (got "${type.slice(0, 80) || 'no content type'}")`);
  }
  const declared = Number(c.req.header('content-length') ?? NaN);
  if (declared > maxBytes) throw tooLarge(maxBytes);
  const body = await readBounded(c.req.raw.body, maxBytes);
  if (body.byteLength === 0) throw badRequest('the request body is empty; send a JSON document');
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(body);
  } catch {
    throw badRequest('the request body is not valid UTF-8');
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw badRequest(`the request body is not valid JSON: ${(err as Error).message.slice(0, 200)}`);
  }
}

/** Reads a stream, giving up as soon as it passes maxBytes (chunked bodies have no length). */
async function readBounded(stream: ReadableStream<Uint8Array> | null, maxBytes: number): Promise<Uint8Array> {
  if (!stream) return new Uint8Array();
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = stream.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel();
      throw tooLarge(maxBytes);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}

function tooLarge(maxBytes: number) {
  return new ProblemError(413, 'body-too-large', 'Body too large', `the request body exceeds ${maxBytes} bytes`);
}

export function parseQuery<S extends z.ZodType>(c: Context, schema: S): z.infer<S> {
  const parsed = schema.safeParse(c.req.query());
  if (!parsed.success) {
    const issues = fieldIssues(parsed.error, 'query');
    throw badRequest(`invalid query: ${describeIssues(issues)}`, issues);
  }
  return parsed.data;
}

/** Validates a JSON body against a schema (422 with every field issue). */
export function parseBody<S extends z.ZodType>(body: unknown, schema: S): z.infer<S> {
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    const issues = fieldIssues(parsed.error);
    throw new ProblemError(422, 'invalid-body', 'Invalid request body', `invalid request: ${describeIssues(issues)}`, issues);
  }
  return parsed.data;
}
