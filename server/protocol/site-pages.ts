// The web site's pages and their paths: the one list the site's router matches (web/src/lib/routes.ts)
// and the server answers index.html for (server/routes/web.routes.ts). `:id` is the only parameter.
export const SITE_PAGES = {
  leaderboard: '/',
  ideas: '/ideas',
  idea: '/ideas/:id',
  record: '/records/:id',
  'known-bad': '/known-bad',
  transfer: '/transfer',
} as const;

export type SitePage = keyof typeof SITE_PAGES;
