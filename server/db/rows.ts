// Helpers for raw SQL on both drivers: results (PGlite: {rows}, postgres.js: an array) evened
// out, and lists passed as text[] literals.
import { sql, type SQL } from 'drizzle-orm';
import type { Db } from './client.ts';

export async function queryRows<T>(db: Db, query: SQL): Promise<T[]> {
  const result = (await db.execute(query)) as unknown;
  return (Array.isArray(result) ? result : (result as { rows: T[] }).rows) as T[];
}

/** A text[] literal of these values, one parameter each (both drivers). */
export const textArray = (xs: readonly string[]): SQL =>
  sql`ARRAY[${sql.join(
    xs.map((x) => sql`${x}`),
    sql`, `,
  )}]::text[]`;
