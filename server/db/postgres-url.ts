// A postgres:// URL as postgres.js takes it. libpq names a Unix socket's directory in the query
// (postgres://user@localhost/db?host=/var/run/postgresql); postgres.js reads no host from there, so
// it is taken out and passed as the `host` option: on one box the socket costs less per round trip
// than loopback TCP.
export interface PostgresTarget {
  url: string;
  /** postgres.js options the URL implies (`host`: a socket directory). */
  options: { host?: string };
}

export function postgresTarget(url: string): PostgresTarget {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { url, options: {} };
  }
  const host = parsed.searchParams.get('host');
  if (!host?.startsWith('/')) return { url, options: {} };
  parsed.searchParams.delete('host');
  return { url: parsed.toString(), options: { host } };
}
