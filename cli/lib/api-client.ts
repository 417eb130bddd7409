// The CLI's client of the crossfork HTTP API (v1): the shared typed client (client/api.ts) with
// timeouts, retries with backoff on network errors, 429 and 5xx; problem+json errors become
// ApiError with the server's `detail`.
import type { ClientResponse } from 'hono/client';
import { createApi, compactQuery, segment, type Api, type JsonOf, type QueryOf, type Success } from '../../client/api.ts';
import type { CheckRequest } from '../../server/protocol/claim.schema.ts';

export interface Envelope {
  payload: object;
  signature: string;
  public_key: string;
}

/** The server answered with an error status (4xx/5xx after retries). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly detail: string,
  ) {
    super(`server answered ${status}: ${detail}`);
    this.name = 'ApiError';
  }
}

/** The server could not be reached (refused, timed out, DNS). */
export class UnreachableError extends Error {
  constructor(
    readonly url: string,
    cause: unknown,
  ) {
    super(`cannot reach the crossfork server at ${url} (${describeCause(cause)})`, { cause });
    this.name = 'UnreachableError';
  }
}

export interface ApiClientOptions {
  timeoutMs?: number;
  retries?: number;
  backoffMs?: number;
}
interface ScopeQuery {
  harness?: string;
  hardware_class?: string;
  limit?: number;
}

// Signed bodies are sealed from the CLI's own payload types (JsonOf casts them); the server verifies them.

export class ApiClient {
  readonly timeoutMs: number;
  readonly retries: number;
  readonly backoffMs: number;
  /** Every route as a typed call, over this client's retrying fetch. */
  readonly api: Api;
  constructor(
    readonly baseUrl: string,
    opts: ApiClientOptions = {},
  ) {
    this.timeoutMs = opts.timeoutMs ?? Number(process.env.CROSSFORK_TIMEOUT_MS ?? 30_000);
    this.retries = opts.retries ?? Number(process.env.CROSSFORK_RETRIES ?? 2);
    this.backoffMs = opts.backoffMs ?? 300;
    this.api = createApi(baseUrl, (input, init) => this.send(input, init));
  }

  postBatch(records: Envelope[]) {
    return this.ok(this.api.v1.records.batch.$post({ json: { records } as JsonOf<Api['v1']['records']['batch']['$post']> }));
  }
  check(body: CheckRequest) {
    return this.ok(this.api.v1.ideas.check.$post({ json: body }));
  }
  // The route also answers markdown: its declared text/markdown schema widens the JSON type by `string`.
  async knownBad(query: ScopeQuery) {
    return (await this.ok(this.api.v1['known-bad'].$get({ query: compactQuery(query) }))) as Exclude<
      Success<Awaited<ReturnType<Api['v1']['known-bad']['$get']>>>,
      string
    >;
  }
  knownBadMarkdown(query: ScopeQuery): Promise<string> {
    return this.text(this.api.v1['known-bad'].$get({ query: compactQuery({ ...query, format: 'md' as const }) }));
  }
  leaderboard(query: { harness?: string }) {
    return this.ok(this.api.v1.leaderboard.$get({ query: compactQuery(query) }));
  }
  record(id: string) {
    return this.ok(this.api.v1.records[':id'].$get({ param: { id: segment(id) } }));
  }
  replicationQueue(query: ScopeQuery & { key?: string }) {
    return this.ok(this.api.v1['replication-queue'].$get({ query: compactQuery(query) }));
  }
  suggestions(query: QueryOf<Api['v1']['suggestions']['$get']>) {
    return this.ok(this.api.v1.suggestions.$get({ query: compactQuery(query) }));
  }
  claim(env: Envelope) {
    return this.ok(this.api.v1.claims.$post({ json: env as JsonOf<Api['v1']['claims']['$post']> }));
  }
  /** `GET /v1/export` as a stream (no timeout: an export of every record takes as long as it takes). */
  async exportStream(query: QueryOf<Api['v1']['export']['$get']>): Promise<Response> {
    let res: Response;
    try {
      res = await createApi(this.baseUrl).v1.export.$get({ query: compactQuery(query) });
    } catch (err) {
      throw new UnreachableError(this.baseUrl, err);
    }
    if (!res.ok) throw new ApiError(res.status, problemDetail(await res.text(), res.statusText));
    return res;
  }
  health() {
    return this.ok(this.api.healthz.$get());
  }
  hardwareClass(hardware: JsonOf<Api['v1']['hardware']['class']['$post']>['hardware']) {
    return this.ok(this.api.v1.hardware.class.$post({ json: { hardware } }));
  }
  keys(query: { login?: string; key?: string; limit?: number }) {
    return this.ok(this.api.v1.keys.$get({ query: compactQuery(query) }));
  }
  linkKey(env: Envelope) {
    return this.ok(this.api.v1.keys.$post({ json: env as JsonOf<Api['v1']['keys']['$post']> }));
  }

  /** The answer's JSON body, or ApiError with the problem's detail. */
  async ok<R extends ClientResponse<unknown, number, string>>(call: Promise<R>): Promise<Success<R>> {
    const { status, text } = await this.read(call);
    try {
      return JSON.parse(text) as Success<R>;
    } catch {
      throw new ApiError(status, `the answer is not JSON: ${text.slice(0, 120)}`);
    }
  }

  /** The answer's body as text, or ApiError with the problem's detail. */
  async text(call: Promise<ClientResponse<unknown, number, string>>): Promise<string> {
    return (await this.read(call)).text;
  }

  private async read(call: Promise<ClientResponse<unknown, number, string>>): Promise<{ status: number; text: string }> {
    const res = await call;
    const text = await res.text();
    if (!res.ok) throw new ApiError(res.status, problemDetail(text, res.statusText));
    return { status: res.status, text };
  }

  /** One call's fetch: a timeout per attempt, retried with backoff on network errors, 429 and 5xx. */
  private async send(input: string | URL | Request, init?: RequestInit): Promise<Response> {
    for (let attempt = 0; ; attempt++) {
      let res: Response;
      try {
        res = await fetch(input, { ...init, signal: AbortSignal.timeout(this.timeoutMs) });
      } catch (err) {
        if (attempt < this.retries) {
          await sleep(this.backoffMs * 3 ** attempt);
          continue;
        }
        throw new UnreachableError(this.baseUrl, err);
      }
      if ((res.status === 429 || res.status >= 500) && attempt < this.retries) {
        await res.body?.cancel();
        await sleep(this.backoffMs * 3 ** attempt);
        continue;
      }
      return res;
    }
  }
}

function problemDetail(text: string, fallback: string): string {
  try {
    const p = JSON.parse(text) as { detail?: string; title?: string };
    return p.detail || p.title || fallback;
  } catch {
    return text.slice(0, 200) || fallback;
  }
}

function describeCause(err: unknown): string {
  const e = err as { name?: string; cause?: { code?: string; message?: string }; message?: string };
  if (e?.name === 'TimeoutError') return 'timed out';
  return e?.cause?.code || e?.cause?.message || e?.message || String(err);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
