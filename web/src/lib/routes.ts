// The site's pages and their paths (server/protocol/site-pages.ts, the list the server also
// answers index.html for); the client picks the page.
import { SITE_PAGES, type SitePage } from '../../../server/protocol/site-pages.ts';

type Params<P extends string> = P extends `${string}:id` ? { id: string } : {};
export type Route = { [K in SitePage]: { page: K } & Params<(typeof SITE_PAGES)[K]> }[SitePage] | { page: 'not-found' };

const ID = '([A-Za-z0-9_-]{1,128})';

// Paths hold only letters, '-' and '/': nothing to escape. A trailing slash is allowed, except on '/'.
const TABLE = (Object.entries(SITE_PAGES) as [SitePage, string][]).map(
  ([page, path]) => [new RegExp(path === '/' ? '^/$' : `^${path.replace(':id', ID)}/?$`), page] as const,
);

export function matchRoute(path: string): Route {
  for (const [re, page] of TABLE) {
    const m = re.exec(path);
    if (m) return (m[1] === undefined ? { page } : { page, id: m[1] }) as Route;
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
