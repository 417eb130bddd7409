// How the ideas table is stored. Ideas are rewritten on every assignment, so: its GIN indexes
// (full-text documents, concepts) keep no pending list, which every search would scan whole until
// a vacuum (check's lexical query went from 5 ms to 205 ms mean under the load bench); and its pages
// are half filled, so an update that leaves the indexed columns alone stays on its page (HOT) and
// searches do not wade through dead versions between vacuums (7.2 → 3.6 ms mean under the load).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { drivers } from '../../helpers/db.ts';
import type { Database } from '../../../server/db/client.ts';
import { queryRows } from '../../../server/db/rows.ts';

describe.each(drivers)('the ideas table on $name', (driver) => {
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

  it('is stored with pages half full, so most idea updates are heap-only', async () => {
    const [row] = await queryRows<{ options: string[] | string | null }>(
      database.db,
      sql`SELECT c.reloptions AS options FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
          WHERE c.relname = 'ideas' AND c.relkind = 'r' AND n.nspname = current_schema()`,
    );
    expect(String(row.options)).toContain('fillfactor=50');
  });
});
