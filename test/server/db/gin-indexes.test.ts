// The ideas table's GIN indexes (full-text documents, concepts) keep no pending list: ideas are
// rewritten on every assignment, and a pending list growing between vacuums is scanned whole by
// every search (check's lexical query went from 5 ms to 205 ms mean under the load bench).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { drivers } from '../../helpers/db.ts';
import type { Database } from '../../../server/db/client.ts';
import { queryRows } from '../../../server/db/rows.ts';

describe.each(drivers)('GIN indexes on $name', (driver) => {
  let database: Database;
  beforeAll(async () => {
    database = await driver.open();
  });
  afterAll(async () => database?.close());

  it('every GIN index is built with fastupdate off', async () => {
    const rows = await queryRows<{ name: string; options: string[] | string | null }>(
      database.db,
      sql`SELECT c.relname AS name, c.reloptions AS options FROM pg_class c JOIN pg_am a ON a.oid = c.relam
          JOIN pg_namespace n ON n.oid = c.relnamespace WHERE a.amname = 'gin' AND n.nspname = current_schema() ORDER BY 1`,
    );
    expect(rows.map((r) => r.name)).toEqual(['ideas_concepts_idx', 'ideas_search_idx']);
    for (const r of rows) expect(String(r.options)).toMatch(/fastupdate=(off|false)/);
  });
});
