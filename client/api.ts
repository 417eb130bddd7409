// The one typed client of the crossfork HTTP API, shared by the CLI and the web: Hono's `hc` over
// the server's route declarations (AppType is a type-only import: nothing of the server is bundled).
import { hc, type ClientResponse } from 'hono/client';
import type { StatusCode, SuccessStatusCode } from 'hono/utils/http-status';
import type { AppType } from '../server/app.ts';

const typed = (baseUrl: string, fetch?: typeof globalThis.fetch) => hc<AppType>(baseUrl, fetch ? { fetch } : {});
/** Every route as a typed call: `api.v1.leaderboard.$get({ query })`, `api.v1.records[':id'].$get({ param })`. */
export type Api = ReturnType<typeof typed>;
// Typed once here (Hono's advice for large apps): callers see the computed type, not AppType's inference.
export const createApi: (baseUrl: string, fetch?: typeof globalThis.fetch) => Api = typed;

/** The JSON body of a call's successful (2xx) answers (an untyped Response, such as markdown, is no JSON body). */
export type Success<R> =
  R extends ClientResponse<infer T, infer S, infer F>
    ? StatusCode extends S
      ? never
      : S extends SuccessStatusCode
        ? F extends 'json'
          ? T
          : never
        : never
    : never;

/** The query a call takes: `QueryOf<Api['v1']['leaderboard']['$get']>`. */
export type QueryOf<F> = F extends (args: infer A, ...rest: never[]) => unknown ? (A extends { query: infer Q } ? Q : never) : never;
/** The JSON body a call takes. */
export type JsonOf<F> = F extends (args: infer A, ...rest: never[]) => unknown ? (A extends { json: infer J } ? J : never) : never;

type Compact<Q> = { [K in keyof Q]: Exclude<Q[K], null | ''> };

/** Query values as the API reads them: absent, null and empty values are not sent. */
export function compactQuery<Q extends object>(query: Q): Compact<Q> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null && v !== '') out[k] = typeof v === 'number' ? String(v) : v;
  return out as Compact<Q>;
}

/** A path segment as the server's router reads it (`hc` puts parameters in the path as they are). */
export const segment = (value: string) => encodeURIComponent(value);
