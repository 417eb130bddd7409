// A local stand-in for the OpenAI HTTP API (embeddings, chat completions) in the real wire format,
// with faults switchable while a test runs: hang, error, fail the next n, or a scripted answer.
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type FakeMode = 'ok' | 'hang' | 'error';
export interface FakeRequest {
  path: string;
  headers: IncomingHttpHeaders;
  body: any;
}
export interface ChatRequest {
  model: string;
  messages: { role: string; content: unknown }[];
  [key: string]: unknown;
}
export type ChatResponse = string | ((request: ChatRequest) => string | Promise<string>);

interface Pending {
  path: string;
  body: any;
  res: ServerResponse;
}
interface Scripted {
  status: number;
  body: unknown;
}

/**
 * Deterministic embedding of a text: a hashed bag of its lowercase words, so texts sharing words
 * are similar. Unit length unless `normalize` is false (then raw counts, like some local servers).
 */
export function fakeEmbedding(text: string, dimensions: number, normalize = true): number[] {
  const v = new Array<number>(dimensions).fill(0);
  for (const word of words(text)) {
    const h = fnv1a(word);
    v[h % dimensions] += h & 0x80000000 ? -1 : 1;
  }
  if (!v.some((x) => x !== 0)) v[0] = 1;
  const norm = normalize ? Math.hypot(...v) : 1;
  return v.map((x) => Math.fround(x / norm));
}

export async function startFakeOpenAI(opts: { dimensions?: number; normalize?: boolean } = {}) {
  const fake = new FakeOpenAI(opts.dimensions ?? 64, opts.normalize ?? true);
  await fake.listen();
  return fake;
}

export class FakeOpenAI {
  /** Base URL ending in /v1, as the openai client's baseURL. */
  url = '';
  /** Every request received, in order (including failed and hanging ones). */
  readonly requests: FakeRequest[] = [];
  /** Status answered in mode 'error'. */
  errorStatus = 503;
  readonly chat = {
    /** Queues one answer per call: the content, or a function of the request giving it. */
    push: (response: ChatResponse, opts: { latencyMs?: number } = {}) => {
      this.chatScript.push({ response, latencyMs: opts.latencyMs ?? 0 });
    },
    /** Drops the answers not yet used. */
    clear: () => {
      this.chatScript.length = 0;
    },
    requests: (): ChatRequest[] => this.requests.filter((r) => route(r.path) === '/chat/completions').map((r) => r.body),
  };

  private currentMode: FakeMode = 'ok';
  private readonly scripted: Scripted[] = [];
  private readonly chatScript: { response: ChatResponse; latencyMs: number }[] = [];
  private hanging: Pending[] = [];
  private readonly server = createServer((req, res) => {
    this.receive(req, res).catch(() => res.destroy());
  });
  private chatIds = 0;

  constructor(
    private readonly dimensions: number,
    private readonly normalize: boolean,
  ) {}

  get mode(): FakeMode {
    return this.currentMode;
  }
  /** Leaving 'hang' answers the requests held so far under the new mode. */
  set mode(mode: FakeMode) {
    this.currentMode = mode;
    if (mode === 'hang') return;
    const held = this.hanging;
    this.hanging = [];
    for (const p of held) this.handle(p);
  }

  /** Fails the next n requests (before any mode applies) with an OpenAI error body. */
  fail(n: number, status = 503): void {
    for (let i = 0; i < n; i++) this.scripted.push({ status, body: errorBody(status) });
  }

  /** Answers the next request with exactly this body (e.g. a malformed answer). */
  replyNext(body: unknown, status = 200): void {
    this.scripted.push({ status, body });
  }

  /** Drops the connections of the requests held by mode 'hang', as a crashing server would. */
  dropHanging(): void {
    for (const p of this.hanging) p.res.socket?.destroy();
    this.hanging = [];
  }

  async listen(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/v1`;
  }

  /** Stops listening and closes every connection, hanging ones included. */
  async close(): Promise<void> {
    this.hanging = [];
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections();
    await closed;
  }

  private async receive(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const path = new URL(req.url ?? '/', 'http://fake').pathname;
    let body: any;
    try {
      body = chunks.length ? JSON.parse(Buffer.concat(chunks).toString('utf8')) : undefined;
    } catch {
      return send(res, 400, errorBody(400, 'We could not parse the JSON body of your request.'));
    }
    this.requests.push({ path, headers: req.headers, body });
    if (req.method !== 'POST') return send(res, 405, errorBody(405, `Method ${req.method} not allowed.`));
    this.handle({ path, body, res });
  }

  /** Dispatches, answering a failure of the fake itself (say, a throwing chat script) with a 500. */
  private handle(p: Pending): void {
    this.dispatch(p).catch((err) => send(p.res, 500, errorBody(500, `fake-openai: ${err}`), { 'x-should-retry': 'false' }));
  }

  private async dispatch(p: Pending): Promise<void> {
    const scripted = this.scripted.shift();
    if (scripted) return send(p.res, scripted.status, scripted.body);
    if (this.currentMode === 'error') return send(p.res, this.errorStatus, errorBody(this.errorStatus));
    if (this.currentMode === 'hang') {
      this.hanging.push(p);
      p.res.on('close', () => (this.hanging = this.hanging.filter((h) => h !== p)));
      return;
    }
    switch (route(p.path)) {
      case '/embeddings':
        return this.embeddings(p);
      case '/chat/completions':
        return this.chatCompletion(p);
      default:
        return send(p.res, 404, errorBody(404, `Invalid URL (POST ${p.path})`));
    }
  }

  private embeddings({ body, res }: Pending): void {
    const inputs = typeof body?.input === 'string' ? [body.input] : body?.input;
    const invalid = (message: string) => send(res, 400, errorBody(400, message));
    if (typeof body?.model !== 'string') return invalid('you must provide a model parameter');
    if (!Array.isArray(inputs) || inputs.length === 0 || !inputs.every((s) => typeof s === 'string' && s !== '')) {
      return invalid("'input' must be a non-empty string or array of non-empty strings");
    }
    const dims = body.dimensions ?? this.dimensions;
    if (!Number.isInteger(dims) || dims < 1) return invalid("'dimensions' must be a positive integer");
    const format = body.encoding_format ?? 'float';
    if (format !== 'float' && format !== 'base64') return invalid("'encoding_format' must be 'float' or 'base64'");
    const tokens = inputs.reduce((n: number, s: string) => n + words(s).length, 0);
    send(res, 200, {
      object: 'list',
      data: inputs.map((text: string, index: number) => {
        const v = fakeEmbedding(text, dims, this.normalize);
        return { object: 'embedding', index, embedding: format === 'base64' ? float32Base64(v) : v };
      }),
      model: body.model,
      usage: { prompt_tokens: tokens, total_tokens: tokens },
    });
  }

  private async chatCompletion({ body, res }: Pending): Promise<void> {
    if (typeof body?.model !== 'string' || !Array.isArray(body.messages)) {
      return send(res, 400, errorBody(400, 'model and messages are required'));
    }
    if (body.stream) return send(res, 400, errorBody(400, 'fake-openai does not stream'));
    const next = this.chatScript.shift();
    if (!next) {
      // Not retried by the client (x-should-retry), so a test missing a push fails at once.
      return send(res, 500, errorBody(500, 'fake-openai: no scripted chat response left'), { 'x-should-retry': 'false' });
    }
    if (next.latencyMs) await new Promise((resolve) => setTimeout(resolve, next.latencyMs));
    const content = typeof next.response === 'function' ? await next.response(body) : next.response;
    const promptTokens = words(JSON.stringify(body.messages)).length;
    const completionTokens = words(content).length;
    send(res, 200, {
      id: `chatcmpl-fake-${++this.chatIds}`,
      object: 'chat.completion',
      created: Math.floor(Date.now() / 1000),
      model: body.model,
      choices: [{ index: 0, message: { role: 'assistant', content, refusal: null }, logprobs: null, finish_reason: 'stop' }],
      usage: { prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: promptTokens + completionTokens },
    });
  }
}

/** The path without its /v1 prefix, so both baseURL styles reach the same endpoints. */
function route(path: string): string {
  return path.startsWith('/v1/') ? path.slice(3) : path;
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.destroyed || res.writableEnded) return;
  res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
}

/** OpenAI's error document for a status. */
function errorBody(status: number, message?: string) {
  const [type, code, text] =
    status === 401
      ? ['invalid_request_error', 'invalid_api_key', 'Incorrect API key provided.']
      : status === 429
        ? ['requests', 'rate_limit_exceeded', 'Rate limit reached. Please try again later.']
        : status >= 500
          ? ['server_error', null, 'The server had an error while processing your request.']
          : ['invalid_request_error', null, `Request failed with status ${status}.`];
  return { error: { message: message ?? text, type, param: null, code } };
}

function float32Base64(v: number[]): string {
  const buf = Buffer.alloc(v.length * 4);
  v.forEach((x, i) => buf.writeFloatLE(x, i * 4));
  return buf.toString('base64');
}

function words(text: string): string[] {
  return text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
}

function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}
