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

/** A fresh, migrated, empty database on the native server; dropped when closed. */
async function freshPostgres(): Promise<Database> {
  const name = `crossfork_t_${randomBytes(6).toString('hex')}`;
  const admin = postgres(url!, { max: 1, onnotice: () => {} });
  await admin.unsafe(`CREATE DATABASE ${name}`);
  await admin.end();
  const dbUrl = new URL(url!);
  dbUrl.pathname = `/${name}`;
  const database = await openDatabase({ url: dbUrl.toString(), maxConnections: 4 });
  return {
    ...database,
    close: async () => {
      await database.close();
      const admin2 = postgres(url!, { max: 1, onnotice: () => {} });
      await admin2.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin2.end();
    },
  };
}

export const drivers: TestDriver[] = [
  { name: 'pglite', open: () => openDatabase({ dataDir: 'memory://' }) },
  ...(url ? [{ name: 'postgres' as const, open: freshPostgres }] : []),
];

export const nativePostgresUrl = url;
