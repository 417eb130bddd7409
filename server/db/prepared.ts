// postgres.js under drizzle with named prepared statements. Drizzle's postgres-js driver asks for
// an unnamed statement on every query (`prepare: false`); postgres.js then needs two round trips
// for a query with parameters (parse and describe them, then parse, bind and execute again) and
// PostgreSQL parses and plans it each time. Prepared, a statement a connection has seen before is
// one Bind/Execute round trip (PostgreSQL keeps its plan when a generic one costs no more).
import type { Sql } from 'postgres';

type Client = Sql<Record<string, never>>;
type Callback = (tx: Client) => unknown;

/** `client` as drizzle sees it, every query (in transactions and savepoints too) prepared. */
export function withPreparedStatements<T extends Client>(client: T): T {
  const scoped =
    (method: 'begin' | 'savepoint') =>
    (...args: unknown[]) => {
      const fn = args.pop() as Callback;
      // `savepoint` exists on a transaction's client only.
      return (client as unknown as Record<string, (...a: unknown[]) => unknown>)[method](...args, (tx: Client) =>
        fn(withPreparedStatements(tx)),
      );
    };
  return new Proxy(client, {
    get(target, key, receiver) {
      if (key === 'unsafe')
        return (query: string, params?: unknown[], options?: Record<string, unknown>) =>
          target.unsafe(query, params as never, { ...options, prepare: true });
      if (key === 'begin' || key === 'savepoint') return scoped(key);
      return Reflect.get(target, key, receiver);
    },
  });
}
