// The web site's only way to the API: the shared typed client (client/api.ts) with the site's
// error handling; view types inferred from the server's zod schemas (type-only imports).
import type { ClientResponse } from 'hono/client';
import type { z } from 'zod';
import { compactQuery, createApi, segment, type Success } from '../../../client/api.ts';
import type {
  ideaDetailSchema,
  ideaListSchema,
  knownBadSchema,
  leaderboardSchema,
  problemSchema,
  recordViewSchema,
  suggestionsSchema,
} from '../../../server/protocol/api.schema.ts';

/** Who a leaderboard best is from (records carry these fields in their own schema). */
export interface Provenance {
  /** GitHub login linked to the signing key (`POST /v1/keys`). */
  github_login?: string | null;
}

type LeaderboardWire = z.infer<typeof leaderboardSchema>;
type ClassWire = LeaderboardWire['classes'][number];
export type LeaderboardBest = NonNullable<ClassWire['best']> & Provenance;
export type LeaderboardClass = Omit<ClassWire, 'best'> & { best: LeaderboardBest | null };
export type Leaderboard = Omit<LeaderboardWire, 'classes'> & { classes: LeaderboardClass[] };
export type RecordView = z.infer<typeof recordViewSchema>;
export type IdeaList = z.infer<typeof ideaListSchema>;
export type IdeaDetail = Omit<z.infer<typeof ideaDetailSchema>, 'records'> & { records: RecordView[] };
export interface RecordPage {
  records: RecordView[];
  next_cursor: string | null;
}
export type KnownBad = z.infer<typeof knownBadSchema>;
export type IdeaSummary = KnownBad['ideas'][number];
export type ClassOutcome = IdeaSummary['by_class'][number];
export type Outcome = IdeaSummary['overall'];
export type Problem = z.infer<typeof problemSchema>;
export type Suggestions = z.infer<typeof suggestionsSchema>;
export type Suggestion = Suggestions['suggestions'][number];

/** A failed call: the problem document the server sent, or a network failure (status 0). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail: string,
  ) {
    super(`${title}: ${detail}`);
  }
}

const client = createApi('');

/** A call's answer when it succeeded; otherwise the server's problem (or a network failure) as ApiError. */
async function answer<R extends ClientResponse<unknown, number, string>>(call: Promise<R>, signal?: AbortSignal): Promise<R> {
  let res: R;
  try {
    res = await call;
  } catch (err) {
    if (signal?.aborted) throw err;
    throw new ApiError(0, 'Network error', 'the server could not be reached; check your connection and retry');
  }
  if (res.ok) return res;
  let problem: Partial<Problem> = {};
  try {
    problem = (await res.json()) as Partial<Problem>;
  } catch {
    // not a problem document (a proxy's error page): fall back to the status line
  }
  throw new ApiError(res.status, problem.title ?? `HTTP ${res.status}`, problem.detail ?? res.statusText);
}

/** The JSON body of a successful answer. */
async function json<R extends ClientResponse<unknown, number, string>>(call: Promise<R>, signal?: AbortSignal): Promise<Success<R>> {
  return (await (await answer(call, signal)).json()) as Success<R>;
}

const as = (accept: string, signal?: AbortSignal) => ({ headers: { accept }, init: { signal } });
const JSON_ = 'application/json';

export interface KnownBadScope {
  harness?: string;
  hardware_class?: string;
  limit?: number;
}

export const api = {
  leaderboard: (harness: string | undefined, signal?: AbortSignal): Promise<Leaderboard> =>
    json(client.v1.leaderboard.$get({ query: compactQuery({ harness }) }, as(JSON_, signal)), signal),
  record: (id: string, signal?: AbortSignal): Promise<RecordView> =>
    json(client.v1.records[':id'].$get({ param: { id: segment(id) } }, as(JSON_, signal)), signal),
  ideas: (q: string | undefined, limit: number, signal?: AbortSignal): Promise<IdeaList> =>
    json(client.v1.ideas.$get({ query: compactQuery({ q, limit }) }, as(JSON_, signal)), signal),
  idea: (id: string, signal?: AbortSignal): Promise<IdeaDetail> =>
    json(client.v1.ideas[':id'].$get({ param: { id: segment(id) }, query: {} }, as(JSON_, signal)), signal),
  /** The next page of an idea's records (the idea carries the first, and its cursor). */
  ideaRecords: (id: string, cursor: string, signal?: AbortSignal): Promise<RecordPage> =>
    json(client.v1.records.$get({ query: compactQuery({ idea: id, cursor }) }, as(JSON_, signal)), signal),
  // The route also answers markdown: its declared text/markdown schema widens the JSON type by `string`.
  knownBad: async (scope: KnownBadScope, signal?: AbortSignal): Promise<KnownBad> =>
    (await json(client.v1['known-bad'].$get({ query: compactQuery({ ...scope }) }, as(JSON_, signal)), signal)) as KnownBad,
  /** Ideas kept somewhere, with their keeps and tries per hardware family (GET /v1/suggestions). */
  suggestions: (scope: { harness: string; hardware_class?: string; limit?: number }, signal?: AbortSignal): Promise<Suggestions> =>
    json(client.v1.suggestions.$get({ query: compactQuery(scope) }, as(JSON_, signal)), signal),
  /** The GPU time warnings saved, per harness (GET /v1/saved-time). */
  savedTime: (signal?: AbortSignal) => json(client.v1['saved-time'].$get({}, as(JSON_, signal)), signal),
  knownBadMarkdown: async (scope: KnownBadScope, signal?: AbortSignal): Promise<string> =>
    (
      await answer(
        client.v1['known-bad'].$get({ query: compactQuery({ ...scope, format: 'md' as const }) }, as('text/markdown', signal)),
        signal,
      )
    ).text(),
};
