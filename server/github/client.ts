// The one way crossfork talks to GitHub: GraphQL through @octokit/graphql at GITHUB_API_URL.
// Paces itself by `rateLimit`, waits out 403/429 secondary limits (retry-after) and retries the
// same request; network errors and 5xx are retried with backoff, then surface as unavailable.
import { graphql, GraphqlResponseError } from '@octokit/graphql';
import type { Logger } from 'pino';

export const DEFAULT_GITHUB_API_URL = 'https://api.github.com';

export interface RateLimit {
  cost: number;
  remaining: number;
  resetAt: string;
}

export interface GithubClientOptions {
  token: string;
  /** The base URL `/graphql` is posted to (GITHUB_API_URL). */
  baseUrl?: string;
  /** Injectable for tests: how the client waits (default: a timer). */
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
  logger?: Logger;
  /** Longest single wait for a rate limit; longer ones fail the call (its job retries later). */
  maxWaitMs?: number;
  /** Retries of network errors and 5xx answers before giving up. */
  retries?: number;
  /** First backoff after a network error, doubled each retry. */
  backoffMs?: number;
  /** Wait for the window to reset once fewer points than this remain. */
  minRemaining?: number;
  timeoutMs?: number;
}

/** GitHub could not be reached or asked for a wait longer than allowed: try again later. */
export class GithubUnavailableError extends Error {
  constructor(
    message: string,
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'GithubUnavailableError';
  }
}

/** GitHub refused the request itself (bad token, invalid query): retrying will not help. */
export class GithubRequestError extends Error {
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'GithubRequestError';
  }
}

const MAX_RATE_LIMIT_RETRIES = 10;

export class GithubClient {
  private readonly gql: typeof graphql;
  private readonly o: Required<Omit<GithubClientOptions, 'logger' | 'token' | 'baseUrl'>> & { logger?: Logger };
  /** Set when `rateLimit.remaining` ran low: no request before this instant (epoch ms). */
  private pausedUntil = 0;
  /** The last `rateLimit` GitHub reported. */
  lastRateLimit: RateLimit | null = null;

  constructor(opts: GithubClientOptions) {
    this.o = {
      sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
      now: Date.now,
      maxWaitMs: 15 * 60_000,
      retries: 4,
      backoffMs: 1000,
      minRemaining: 50,
      timeoutMs: 30_000,
      ...stripUndefined(opts),
    };
    this.gql = graphql.defaults({
      baseUrl: (opts.baseUrl || DEFAULT_GITHUB_API_URL).replace(/\/+$/, ''),
      headers: { authorization: `bearer ${opts.token}` },
    });
  }

  /**
   * Runs one document. NOT_FOUND errors are not failures: the data comes back with the missing
   * parts null (a deleted user or fork). Every other GraphQL error throws GithubRequestError.
   */
  async query<T>(document: string, variables: Record<string, unknown>): Promise<T> {
    let failures = 0;
    let limited = 0;
    for (;;) {
      await this.respectBudget();
      try {
        const data = (await this.gql(document, { ...variables, request: { signal: AbortSignal.timeout(this.o.timeoutMs) } })) as T & {
          rateLimit?: RateLimit;
        };
        this.note(data.rateLimit);
        return data;
      } catch (err) {
        if (err instanceof GraphqlResponseError) {
          const types = (err.errors ?? []).map((e) => (e as { type?: string }).type);
          if (types.length && types.every((t) => t === 'NOT_FOUND') && err.data) {
            this.note((err.data as { rateLimit?: RateLimit }).rateLimit);
            return err.data as T;
          }
          if (types.includes('RATE_LIMITED') && ++limited <= MAX_RATE_LIMIT_RETRIES) {
            await this.wait(this.untilReset(err.headers as Record<string, string | undefined>) ?? 60_000, 'primary rate limit');
            continue;
          }
          throw new GithubRequestError(`GitHub GraphQL error: ${err.message.slice(0, 500)}`);
        }
        const status = (err as { status?: number }).status;
        const headers = ((err as { response?: { headers?: Record<string, string | undefined> } }).response?.headers ?? {}) as Record<
          string,
          string | undefined
        >;
        if ((status === 403 || status === 429) && ++limited <= MAX_RATE_LIMIT_RETRIES) {
          const delay = retryAfter(headers) ?? this.untilReset(headers) ?? (status === 429 ? 60_000 : null);
          if (delay !== null) {
            await this.wait(delay, 'secondary rate limit');
            continue;
          }
        }
        if (status === undefined || status >= 500) {
          if (++failures > this.o.retries) {
            throw new GithubUnavailableError(
              `GitHub unavailable after ${failures} attempts: ${String((err as Error).message).slice(0, 300)}`,
            );
          }
          const delay = this.o.backoffMs * 2 ** (failures - 1);
          this.o.logger?.warn(
            { err: String((err as Error).message), attempt: failures, retryInMs: delay },
            'GitHub request failed; retrying',
          );
          await this.o.sleep(delay);
          continue;
        }
        throw new GithubRequestError(`GitHub answered ${status}: ${String((err as Error).message).slice(0, 300)}`, status);
      }
    }
  }

  private note(rate: RateLimit | undefined) {
    if (!rate) return;
    this.lastRateLimit = rate;
    if (rate.remaining < this.o.minRemaining) {
      const reset = Date.parse(rate.resetAt);
      if (Number.isFinite(reset)) this.pausedUntil = Math.max(this.pausedUntil, reset);
    }
  }

  private async respectBudget() {
    const ms = this.pausedUntil - this.o.now();
    if (ms > 0) await this.wait(ms, 'rate limit budget low');
    this.pausedUntil = 0;
  }

  private untilReset(headers: Record<string, string | undefined>): number | null {
    if (headers['x-ratelimit-remaining'] !== '0') return null;
    const reset = Number(headers['x-ratelimit-reset']);
    return Number.isFinite(reset) ? Math.max(1000, reset * 1000 - this.o.now()) : null;
  }

  private async wait(ms: number, why: string) {
    if (ms > this.o.maxWaitMs)
      throw new GithubUnavailableError(`GitHub asks to wait ${Math.ceil(ms / 1000)} s (${why}); longer than allowed`, ms);
    this.o.logger?.info({ waitMs: ms, why }, 'waiting for GitHub');
    await this.o.sleep(ms);
  }
}

/** `retry-after` in seconds (or an HTTP date), as milliseconds. */
function retryAfter(headers: Record<string, string | undefined>): number | null {
  const raw = headers['retry-after'];
  if (!raw) return null;
  const s = Number(raw);
  if (Number.isFinite(s) && s >= 0) return s * 1000;
  const at = Date.parse(raw);
  return Number.isFinite(at) ? Math.max(0, at - Date.now()) : null;
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
