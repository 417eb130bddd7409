// Opens the database: PGlite (embedded, with pgvector) by default, postgres.js when a URL is
// given. Both yield the same drizzle API over the same schema, migrated at start-up.
import { fileURLToPath } from 'node:url';
import { mkdirSync } from 'node:fs';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { sql } from 'drizzle-orm';
import * as schema from './schema/index.ts';

export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;
export type Driver = 'pglite' | 'postgres';

export interface Database {
  db: Db;
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
}

/** pgvector's default of 40 loses recall on collections of near-duplicates (bench: 0.89 at 100k). */
export const DEFAULT_EF_SEARCH = 100;

const MIGRATIONS = fileURLToPath(new URL('../../migrations', import.meta.url));
// Any constant works; it only has to be the same for every crossfork process.
const MIGRATION_LOCK = 0x63726f73;

export async function openDatabase(opts: DatabaseOptions): Promise<Database> {
  const ef = Math.trunc(opts.efSearch ?? DEFAULT_EF_SEARCH);
  if (!(ef >= 1 && ef <= 1000)) throw new RangeError(`efSearch must be 1..1000, got ${opts.efSearch}`);
  const database = opts.url ? await openPostgres(opts.url, opts.maxConnections ?? 10, ef) : await openPglite(opts.dataDir, ef);
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
    driver: 'pglite',
    ping: async () => void (await client.query('SELECT 1')),
    close: () => client.close(),
  };
}

async function openPostgres(url: string, max: number, efSearch: number): Promise<Database> {
  const [{ default: postgres }, { drizzle }, { migrate }] = await Promise.all([
    import('postgres'),
    import('drizzle-orm/postgres-js'),
    import('drizzle-orm/postgres-js/migrator'),
  ]);
  const onnotice = () => {};
  // Several server copies may start together on one database: migrate under an advisory lock.
  const migrator = postgres(url, { max: 1, onnotice });
  try {
    await migrator`SELECT pg_advisory_lock(${MIGRATION_LOCK})`;
    await migrate(drizzle(migrator), { migrationsFolder: MIGRATIONS });
    await migrator`SELECT pg_advisory_unlock(${MIGRATION_LOCK})`;
  } finally {
    await migrator.end();
  }
  // A startup parameter, so every pooled connection has it without a round trip.
  const client = postgres(url, { max, onnotice, connect_timeout: 10, connection: { 'hnsw.ef_search': String(efSearch) } });
  const db = drizzle(client, { schema }) as unknown as Db;
  return {
    db,
    driver: 'postgres',
    ping: async () => void (await db.execute(sql`SELECT 1`)),
    close: () => client.end({ timeout: 5 }),
  };
}
