// Opens the database: PGlite (embedded, with pgvector) by default, postgres.js when a URL is
// given. Both yield the same drizzle API over the same schema, migrated at start-up, a handle
// for reads (a streaming replica when one is given, else the same), and a change feed.
import { fileURLToPath } from 'node:url';
import { mkdirSync } from 'node:fs';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { sql } from 'drizzle-orm';
import * as schema from './schema/index.ts';
import { localChangeFeed, postgresChangeFeed, type ChangeFeed } from './change-feed.ts';
import { ReadRouter, type ReplicaStatus } from './read-replica.ts';
import { withPreparedStatements } from './prepared.ts';
import { postgresTarget } from './postgres-url.ts';

export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;
export type Driver = 'pglite' | 'postgres';

export interface Database {
  /** The primary: every write, and reads that must see the caller's own writes. */
  db: Db;
  /**
   * Read-only queries that may be a moment behind `db` (at most `readMaxLagMs`): a streaming
   * replica with `readUrl`, else `db` itself. Never write through it.
   */
  read: Db;
  /** Where reads go and how far behind the replica is; null without one. */
  replica: { status(): ReplicaStatus } | null;
  /** Tells every server process on this database what changed (LISTEN/NOTIFY; in-process on PGlite). */
  changes: ChangeFeed;
  driver: Driver;
  /** Round-trips a trivial query; throws when the database is unreachable. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  /** postgres:// URL; when absent, PGlite is used. */
  url?: string;
  /** PGlite's data directory; `memory://` (or undefined) keeps it in memory. */
  dataDir?: string;
  /** postgres.js pool size. */
  maxConnections?: number;
  /** pgvector's HNSW candidate list per query (hnsw.ef_search); higher is more exact and slower. */
  efSearch?: number;
  /** Named prepared statements on PostgreSQL (default on; off behind a pooler in transaction mode). */
  preparedStatements?: boolean;
  /** postgres:// URL of a streaming replica for `read` (needs `url`). */
  readUrl?: string;
  /** Past this staleness (ms), reads go to the primary until the replica catches up; default 1000. */
  readMaxLagMs?: number;
}

/** pgvector's default of 40 loses recall on collections of near-duplicates (bench: 0.89 at 100k). */
export const DEFAULT_EF_SEARCH = 100;

const MIGRATIONS = fileURLToPath(new URL('../../migrations', import.meta.url));
// Any constant works; it only has to be the same for every crossfork process.
const MIGRATION_LOCK = 0x63726f73;

/**
 * Seconds a closed pooled connection waits before it reconnects: short and bounded. A query
 * that finds every connection closed waits this long for its connect attempt, so postgres.js's
 * default (growing to 20 s after a few failures) held requests that long while the database
 * was gone, and as long again after it came back. With this, a request during an outage fails
 * (503) within a second, and the first after it reconnects at once.
 */
export function reconnectBackoff(failures: number): number {
  return Math.min(0.05 * 2 ** failures, 1) * (0.5 + Math.random() / 2);
}

export async function openDatabase(opts: DatabaseOptions): Promise<Database> {
  const ef = Math.trunc(opts.efSearch ?? DEFAULT_EF_SEARCH);
  if (!(ef >= 1 && ef <= 1000)) throw new RangeError(`efSearch must be 1..1000, got ${opts.efSearch}`);
  if (opts.readUrl && !opts.url) throw new Error('a read replica (DATABASE_READ_URL) needs a primary PostgreSQL (DATABASE_URL)');
  const database = opts.url ? await openPostgres(opts.url, opts.maxConnections ?? 10, ef, opts) : await openPglite(opts.dataDir, ef);
  await database.ping();
  return database;
}

async function openPglite(dataDir: string | undefined, efSearch: number): Promise<Database> {
  const [{ PGlite }, { vector }, { drizzle }, { migrate }] = await Promise.all([
    import('@electric-sql/pglite'),
    import('@electric-sql/pglite-pgvector'),
    import('drizzle-orm/pglite'),
    import('drizzle-orm/pglite/migrator'),
  ]);
  const inMemory = !dataDir || dataDir.startsWith('memory://');
  if (!inMemory) mkdirSync(dataDir, { recursive: true });
  const client = await PGlite.create({ dataDir: inMemory ? undefined : dataDir, extensions: { vector } });
  const db = drizzle(client, { schema }) as unknown as Db;
  // One process owns a PGlite directory, so no lock is needed around migrations.
  await migrate(drizzle(client), { migrationsFolder: MIGRATIONS });
  await client.exec(`SET hnsw.ef_search = ${efSearch}`);
  return {
    db,
    read: db,
    replica: null,
    changes: localChangeFeed(),
    driver: 'pglite',
    ping: async () => void (await client.query('SELECT 1')),
    close: () => client.close(),
  };
}

async function openPostgres(
  rawUrl: string,
  max: number,
  efSearch: number,
  opts: Pick<DatabaseOptions, 'readUrl' | 'readMaxLagMs' | 'preparedStatements'>,
): Promise<Database> {
  const [{ default: postgres }, { drizzle }, { migrate }] = await Promise.all([
    import('postgres'),
    import('drizzle-orm/postgres-js'),
    import('drizzle-orm/postgres-js/migrator'),
  ]);
  const onnotice = () => {};
  const { url, options: target } = postgresTarget(rawUrl);
  // Several server copies may start together on one database: migrate under an advisory lock.
  const migrator = postgres(url, { ...target, max: 1, onnotice });
  try {
    await migrator`SELECT pg_advisory_lock(${MIGRATION_LOCK})`;
    await migrate(drizzle(migrator), { migrationsFolder: MIGRATIONS });
    await migrator`SELECT pg_advisory_unlock(${MIGRATION_LOCK})`;
  } finally {
    await migrator.end();
  }
  // A startup parameter, so every pooled connection has it without a round trip.
  const options = {
    ...target,
    max,
    onnotice,
    connect_timeout: 10,
    backoff: reconnectBackoff,
    connection: { 'hnsw.ef_search': String(efSearch) },
  };
  const client = postgres(url, options);
  const prepare = opts.preparedStatements === false ? <T>(c: T) => c : withPreparedStatements;
  const db = drizzle(prepare(client), { schema }) as unknown as Db;
  let router: ReadRouter | null = null;
  let replicaClient: ReturnType<typeof postgres> | null = null;
  if (opts.readUrl) {
    const replica = postgresTarget(opts.readUrl);
    replicaClient = postgres(replica.url, { ...options, host: replica.options.host });
    const maxLagMs = opts.readMaxLagMs ?? 1000;
    router = new ReadRouter({
      primary: { db, sql: client },
      replica: { db: drizzle(prepare(replicaClient), { schema }) as unknown as Db, sql: replicaClient },
      maxLagMs,
      pollMs: Math.max(50, Math.min(250, maxLagMs / 4)),
    });
    await router.start();
  }
  const changes = await postgresChangeFeed({
    pool: client,
    // A connection of its own that never idles out (postgres.js takes `onnotify`, untyped).
    connect: ({ onnotify, onclose }) =>
      postgres(url, {
        ...target,
        max: 1,
        onnotice,
        connect_timeout: 10,
        backoff: reconnectBackoff,
        idle_timeout: null,
        max_lifetime: null,
        onnotify,
        onclose,
      } as unknown as Parameters<typeof postgres>[1]),
    afterReplay: router ? (lsn, fn) => router.afterReplay(lsn, fn) : undefined,
  });
  return {
    db,
    read: router ? router.db : db,
    replica: router,
    changes,
    driver: 'postgres',
    ping: async () => void (await db.execute(sql`SELECT 1`)),
    close: async () => {
      await router?.stop();
      await changes.close();
      await Promise.all([client.end({ timeout: 5 }), replicaClient?.end({ timeout: 5 })]);
    },
  };
}
