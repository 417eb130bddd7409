// Test databases for both drivers: in-memory PGlite, and a fresh database per call on the
// native PostgreSQL named by TEST_DATABASE_URL (set by scripts/test.sh).
import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { openDatabase, type Database } from '../../server/db/client.ts';

export interface TestDriver {
  name: 'pglite' | 'postgres';
  open(): Promise<Database>;
}

const url = process.env.TEST_DATABASE_URL;
if (!url) {
  if (process.env.CI) throw new Error('TEST_DATABASE_URL is not set: CI must test against native PostgreSQL (run `npm test`)');
  console.warn('[test] TEST_DATABASE_URL is not set: native PostgreSQL tests are skipped; run `npm test` to set it up');
}

/** An empty database on the native server (not yet migrated) and how to drop it. */
export async function freshPostgresUrl(): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `crossfork_t_${randomBytes(6).toString('hex')}`;
  const admin = postgres(url!, { max: 1, onnotice: () => {} });
  await admin.unsafe(`CREATE DATABASE ${name}`);
  await admin.end();
  const dbUrl = new URL(url!);
  dbUrl.pathname = `/${name}`;
  return {
    url: dbUrl.toString(),
    drop: async () => {
      const admin2 = postgres(url!, { max: 1, onnotice: () => {} });
      await admin2.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin2.end();
    },
  };
}

/** A fresh, migrated, empty database on the native server; dropped when closed. */
async function freshPostgres(): Promise<Database> {
  const fresh = await freshPostgresUrl();
  const database = await openDatabase({ url: fresh.url, maxConnections: 4 });
  return {
    ...database,
    close: async () => {
      await database.close();
      await fresh.drop();
    },
  };
}

export const drivers: TestDriver[] = [
  { name: 'pglite', open: () => openDatabase({ dataDir: 'memory://' }) },
  ...(url ? [{ name: 'postgres' as const, open: freshPostgres }] : []),
];

export const nativePostgresUrl = url;
