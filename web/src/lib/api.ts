// The web site's only way to the API: typed calls to /v1, response types inferred from the
// server's zod schemas (type-only imports: nothing server-side ends up in the bundle).
import type { z } from 'zod';
import type {
  ideaDetailSchema,
  ideaListSchema,
  knownBadSchema,
  leaderboardSchema,
  problemSchema,
  recordViewSchema,
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
export type IdeaListItem = IdeaList['ideas'][number];
export type IdeaDetail = Omit<z.infer<typeof ideaDetailSchema>, 'records'> & { records: RecordView[] };
export interface RecordPage { records: RecordView[]; next_cursor: string | null }
export type KnownBad = z.infer<typeof knownBadSchema>;
export type IdeaSummary = KnownBad['ideas'][number];
export type ClassOutcome = IdeaSummary['by_class'][number];
export type Outcome = IdeaSummary['overall'];
export type Problem = z.infer<typeof problemSchema>;

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

type Query = Record<string, string | number | undefined | null>;

function url(path: string, query: Query = {}): string {
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null && v !== '') qs.set(k, String(v));
  const s = qs.toString();
  return s ? `${path}?${s}` : path;
}

async function request(path: string, query: Query, accept: string, signal?: AbortSignal): Promise<Response> {
  let res: Response;
  try {
    res = await fetch(url(path, query), { headers: { accept }, signal });
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

async function getJson<T>(path: string, query: Query = {}, signal?: AbortSignal): Promise<T> {
  return (await (await request(path, query, 'application/json', signal)).json()) as T;
}

const seg = encodeURIComponent;

export interface KnownBadScope {
  harness?: string;
  hardware_class?: string;
  limit?: number;
}

export const api = {
  leaderboard: (harness: string | undefined, signal?: AbortSignal) => getJson<Leaderboard>('/v1/leaderboard', { harness }, signal),
  record: (id: string, signal?: AbortSignal) => getJson<RecordView>(`/v1/records/${seg(id)}`, {}, signal),
  ideas: (q: string | undefined, limit: number, signal?: AbortSignal) => getJson<IdeaList>('/v1/ideas', { q, limit }, signal),
  idea: (id: string, signal?: AbortSignal) => getJson<IdeaDetail>(`/v1/ideas/${seg(id)}`, {}, signal),
  /** The next page of an idea's records (the idea carries the first, and its cursor). */
  ideaRecords: (id: string, cursor: string, signal?: AbortSignal) => getJson<RecordPage>('/v1/records', { idea: id, cursor }, signal),
  knownBad: (scope: KnownBadScope, signal?: AbortSignal) => getJson<KnownBad>('/v1/known-bad', { ...scope }, signal),
  knownBadMarkdown: async (scope: KnownBadScope, signal?: AbortSignal) =>
    (await request('/v1/known-bad', { ...scope, format: 'md' }, 'text/markdown', signal)).text(),
};
