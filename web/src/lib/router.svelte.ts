// A tiny client-side router: the current location as reactive state, history.pushState
// navigation, and interception of same-origin link clicks (modifier clicks open tabs as usual).
import { matchRoute, withQuery, type Route } from './routes.ts';

class Location {
  path = $state(window.location.pathname);
  search = $state(window.location.search);
  route: Route = $derived(matchRoute(this.path));
  query: URLSearchParams = $derived(new URLSearchParams(this.search));
  /** Bumped when a client-side navigation opens another page (not on filters), to move focus. */
  navigations = $state(0);

  sync() {
    this.path = window.location.pathname;
    this.search = window.location.search;
  }
}

export const location = new Location();

export function navigate(href: string, opts: { replace?: boolean; keepScroll?: boolean } = {}) {
  const target = new URL(href, window.location.href);
  const before = window.location.pathname;
  const same = target.pathname === window.location.pathname && target.search === window.location.search;
  if (opts.replace || same) window.history.replaceState(null, '', target);
  else window.history.pushState(null, '', target);
  location.sync();
  if (!opts.keepScroll) window.scrollTo(0, 0);
  if (target.pathname !== before) location.navigations += 1; // a new page, not a new filter
}

/** Replaces the current query (the filters) with `query`, so the URL can be shared. */
export function setQuery(query: Record<string, string | undefined | null>, opts: { replace?: boolean } = {}) {
  navigate(withQuery(location.path, query), { replace: opts.replace, keepScroll: true });
}

export function onPopState() {
  location.sync();
}

export function interceptLinks(event: MouseEvent) {
  if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
  const a = (event.target as Element | null)?.closest?.('a');
  if (!a || a.target || a.hasAttribute('download')) return;
  const href = a.getAttribute('href');
  if (!href || href.startsWith('#')) return;
  const url = new URL(a.href, window.location.href);
  if (url.origin !== window.location.origin) return;
  if (matchRoute(url.pathname).page === 'not-found') return; // /v1/…, /docs: let the browser load them
  event.preventDefault();
  navigate(url.pathname + url.search);
}
