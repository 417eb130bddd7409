// The site's pages and their paths; the server answers index.html for exactly these
// (server/routes/web.routes.ts mirrors SPA_PATTERNS), the client picks the page.
export type Route =
  | { page: 'leaderboard' }
  | { page: 'ideas' }
  | { page: 'idea'; id: string }
  | { page: 'record'; id: string }
  | { page: 'known-bad' }
  | { page: 'not-found' };

const ID = '([A-Za-z0-9_-]{1,128})';

const TABLE: [RegExp, (m: RegExpExecArray) => Route][] = [
  [/^\/$/, () => ({ page: 'leaderboard' })],
  [/^\/ideas\/?$/, () => ({ page: 'ideas' })],
  [new RegExp(`^/ideas/${ID}/?$`), (m) => ({ page: 'idea', id: m[1] })],
  [new RegExp(`^/records/${ID}/?$`), (m) => ({ page: 'record', id: m[1] })],
  [/^\/known-bad\/?$/, () => ({ page: 'known-bad' })],
];

export function matchRoute(path: string): Route {
  for (const [re, make] of TABLE) {
    const m = re.exec(path);
    if (m) return make(m);
  }
  return { page: 'not-found' };
}

/** `path?query` with empty values dropped, so shared URLs stay short. */
export function withQuery(path: string, query: Record<string, string | undefined | null>): string {
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v) qs.set(k, v);
  const s = qs.toString();
  return s ? `${path}?${s}` : path;
}
