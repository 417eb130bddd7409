// Request helpers for routes: a bounded JSON body (read before the route's validators run) and
// the validation hook that turns a route's zod failures into problem documents.
import type { Hook } from '@hono/zod-openapi';
import type { Context, MiddlewareHandler } from 'hono';
import { ProblemError, badRequest } from './problem.ts';
import { describeIssues, fieldIssues } from '../protocol/issues.ts';

/** Reads the body as JSON, refusing other media types and bodies over `maxBytes`. */
export async function readJson(c: Context, maxBytes: number): Promise<unknown> {
  const type = c.req.header('content-type') ?? '';
  if (!/^application\/([\w.+-]+\+)?json\b/i.test(type)) {
    throw new ProblemError(
      415,
      'unsupported-media-type',
      'Unsupported media type',
      `send the body as application/json (got "${type.slice(0, 80) || 'no content type'}")`,
    );
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

/**
 * Route middleware: reads the body with `readJson` (media type, size limit, UTF-8, JSON), passes it
 * through `prepare`, and hands it to the route's `json` validator (which reads it with c.req.json()).
 */
export function jsonBody(maxBytes: number, prepare: (body: unknown) => unknown = (body) => body): MiddlewareHandler {
  return async (c, next) => {
    const body = prepare(await readJson(c, maxBytes));
    // Parsed once, here: nothing re-reads the stream or re-serializes the value.
    c.req.json = <T>() => Promise.resolve(body as T);
    await next();
  };
}

/** The `defaultHook` of every route: a bad query or path is 400, a bad JSON body 422, each with every field issue. */
export const validationHook: Hook<unknown, any, string, undefined> = (result) => {
  if (result.success) return;
  if (result.target === 'json') {
    const issues = fieldIssues(result.error);
    throw new ProblemError(422, 'invalid-body', 'Invalid request body', `invalid request: ${describeIssues(issues)}`, issues);
  }
  const issues = fieldIssues(result.error, result.target);
  throw badRequest(`invalid ${result.target}: ${describeIssues(issues)}`, issues);
};

/**
 * A query key given twice (`?limit=200&limit=50`) counts once, with its first value, as it always
 * has: route validators would otherwise see an array and refuse the request.
 */
export const firstQueryValues: MiddlewareHandler = async (c, next) => {
  const url = new URL(c.req.url);
  const keys = [...url.searchParams.keys()];
  if (new Set(keys).size !== keys.length && (c.req.method === 'GET' || c.req.method === 'HEAD')) {
    const first = new URLSearchParams();
    for (const [k, v] of url.searchParams) if (!first.has(k)) first.append(k, v);
    url.search = first.toString();
    c.req.raw = new Request(url, { method: c.req.method, headers: c.req.raw.headers });
  }
  await next();
};
