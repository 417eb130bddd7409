// On PostgreSQL, drizzle's queries run as named prepared statements (one Bind/Execute round trip
// once a connection has seen them), in transactions too; CROSSFORK_PG_PREPARE=0 turns that off
// for poolers that cannot keep them. Answers are the same either way.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import { freshPostgresUrl, nativePostgresUrl } from '../../helpers/db.ts';
import { openDatabase, type Database } from '../../../server/db/client.ts';
import { queryRows } from '../../../server/db/rows.ts';
import { ideas } from '../../../server/db/schema/ideas.ts';
import { loadConfig } from '../../../server/config.ts';

const MARK = 'prepared_statement_probe';

async function preparedCount(database: Database, mark: string): Promise<number> {
  const [row] = await queryRows<{ n: number }>(
    database.db,
    sql`SELECT count(*)::int AS n FROM pg_prepared_statements WHERE statement LIKE ${`%${mark} %`}`,
  );
  return Number(row.n);
}

describe.skipIf(!nativePostgresUrl)('prepared statements on PostgreSQL', () => {
  let fresh: Awaited<ReturnType<typeof freshPostgresUrl>>;
  beforeAll(async () => {
    fresh = await freshPostgresUrl();
  });
  afterAll(async () => fresh?.drop());

  for (const prepared of [true, false]) {
    it(`${prepared ? 'prepares' : 'does not prepare'} drizzle's queries, in and out of transactions, with the same answers`, async () => {
      // One connection, so the statement and pg_prepared_statements meet on it.
      const database = await openDatabase({ url: fresh.url, maxConnections: 1, preparedStatements: prepared });
      try {
        const probe = (db: Database['db'], n: number, mark = MARK) =>
          queryRows<{ v: number }>(db, sql`SELECT ${n}::int + 1 AS v, 1 AS ${sql.raw(mark)} `).then((r) => Number(r[0].v));
        expect(await probe(database.db, 1)).toBe(2);
        expect(await probe(database.db, 2)).toBe(3);
        expect(await database.db.transaction((tx) => probe(tx, 40, `${MARK}_tx`))).toBe(41);
        expect(await database.db.transaction((tx) => tx.transaction((sp) => probe(sp, 50, `${MARK}_sp`)))).toBe(51);
        const none = await database.db.select({ id: ideas.id }).from(ideas).where(eq(ideas.id, MARK));
        expect(none).toEqual([]);
        // Each probe's text prepared once on the connection: outside, in a transaction, in a savepoint.
        for (const mark of [MARK, `${MARK}_tx`, `${MARK}_sp`]) expect(await preparedCount(database, mark)).toBe(prepared ? 1 : 0);
      } finally {
        await database.close();
      }
    });
  }

  it('CROSSFORK_PG_PREPARE turns them off, and is on by default', () => {
    expect(loadConfig({}).preparedStatements).toBe(true);
    for (const v of ['0', 'false', 'off', 'no']) expect(loadConfig({ CROSSFORK_PG_PREPARE: v }).preparedStatements).toBe(false);
    expect(loadConfig({ CROSSFORK_PG_PREPARE: '1' }).preparedStatements).toBe(true);
  });
});
