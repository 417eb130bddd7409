// Typed client of the crossfork HTTP API (v1): timeouts, retries with backoff on network errors,
// 429 and 5xx; problem+json errors become ApiError with the server's `detail`.
import type { BatchResult, CheckResponse, Leaderboard, RecordView } from '../../server/protocol/api.schema.ts';
import type { ReplicationQueue } from '../../server/protocol/trust.schema.ts';
import type { CheckRequest } from '../../server/protocol/claim.schema.ts';
import { z } from 'zod';
import { claimResponseSchema, knownBadSchema } from '../../server/protocol/api.schema.ts';

export type KnownBad = z.infer<typeof knownBadSchema>;
export type ClaimResponse = z.infer<typeof claimResponseSchema>;
export interface Envelope { payload: object; signature: string; public_key: string }

/** The server answered with an error status (4xx/5xx after retries). */
export class ApiError extends Error {
  constructor(readonly status: number, readonly detail: string) {
    super(`server answered ${status}: ${detail}`);
    this.name = 'ApiError';
  }
}

/** The server could not be reached (refused, timed out, DNS). */
export class UnreachableError extends Error {
  constructor(readonly url: string, cause: unknown) {
    super(`cannot reach the crossfork server at ${url} (${describeCause(cause)})`, { cause });
    this.name = 'UnreachableError';
  }
}

export interface ApiClientOptions { timeoutMs?: number; retries?: number; backoffMs?: number }

export class ApiClient {
  readonly timeoutMs: number;
  readonly retries: number;
  readonly backoffMs: number;
  constructor(readonly baseUrl: string, opts: ApiClientOptions = {}) {
    this.timeoutMs = opts.timeoutMs ?? Number(process.env.CROSSFORK_TIMEOUT_MS ?? 30_000);
    this.retries = opts.retries ?? Number(process.env.CROSSFORK_RETRIES ?? 2);
    this.backoffMs = opts.backoffMs ?? 300;
  }

  postBatch(records: Envelope[]): Promise<BatchResult> {
    return this.request('POST', '/v1/records/batch', { records });
  }
  check(body: CheckRequest): Promise<CheckResponse> {
    return this.request('POST', '/v1/ideas/check', body);
  }
  knownBad(query: { harness?: string; hardware_class?: string; limit?: number }): Promise<KnownBad> {
    return this.request('GET', `/v1/known-bad${qs(query)}`);
  }
  knownBadMarkdown(query: { harness?: string; hardware_class?: string; limit?: number }): Promise<string> {
    return this.request('GET', `/v1/known-bad${qs({ ...query, format: 'md' })}`, undefined, 'text');
  }
  leaderboard(query: { harness?: string }): Promise<Leaderboard> {
    return this.request('GET', `/v1/leaderboard${qs(query)}`);
  }
  record(id: string): Promise<RecordView> {
    return this.request('GET', `/v1/records/${encodeURIComponent(id)}`);
  }
  replicationQueue(query: { harness?: string; hardware_class?: string; key?: string; limit?: number }): Promise<ReplicationQueue> {
    return this.request('GET', `/v1/replication-queue${qs(query)}`);
  }
  claim(env: Envelope): Promise<ClaimResponse> {
    return this.request('POST', '/v1/claims', env);
  }
  health(): Promise<{ status: string }> {
    return this.request('GET', '/healthz');
  }

  async request<T>(method: string, path: string, body?: unknown, as: 'json' | 'text' = 'json'): Promise<T> {
    const url = `${this.baseUrl}${path}`;
    const init: RequestInit = {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    };
    for (let attempt = 0; ; attempt++) {
      let res: Response;
      try {
        res = await fetch(url, { ...init, signal: AbortSignal.timeout(this.timeoutMs) });
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
      const text = await res.text();
      if (!res.ok) throw new ApiError(res.status, problemDetail(text, res.statusText));
      if (as === 'text') return text as T;
      try {
        return JSON.parse(text) as T;
      } catch {
        throw new ApiError(res.status, `the answer is not JSON: ${text.slice(0, 120)}`);
      }
    }
  }
}

function qs(query: Record<string, string | number | undefined>): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== '') p.set(k, String(v));
  const s = p.toString();
  return s ? `?${s}` : '';
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
