// Bulk inserts as one statement with one parameter: the rows as JSON, read back by
// jsonb_to_recordset. drizzle's builder maps every value of every row through its column,
// which took a quarter of the server's CPU while ingesting 500-record batches.
import { getTableColumns, is, sql, SQL, type Column } from 'drizzle-orm';
import { getTableConfig, type PgTable } from 'drizzle-orm/pg-core';

/** Column types whose JSON form jsonb_to_recordset reads back as drizzle would have sent them. */
const JSON_SAFE = new Set(['PgText', 'PgBigInt53', 'PgInteger', 'PgBoolean', 'PgDoublePrecision', 'PgTimestamp', 'PgJsonb']);

/** A column's default when it is a plain value (`.default(false)`), which a row may leave out; undefined otherwise (none, SQL, or a function). */
function plainDefault(col: Column): unknown {
  const d = (col as Column & { defaultFn?: unknown }).defaultFn ? undefined : col.default;
  return d === undefined || is(d, SQL) ? undefined : d;
}

/**
 * `INSERT INTO table (…) SELECT … FROM jsonb_to_recordset($1) … ON CONFLICT (conflict) DO NOTHING
 * RETURNING returning`, in the rows' order, or null when drizzle's builder must do it: a column
 * given in some rows and not others whose default is not a plain value (drizzle writes DEFAULT for
 * those; a plain default such as `false` is written here), a type outside JSON_SAFE, or a number
 * JSON cannot carry (NaN, ±Infinity).
 */
export function jsonInsert(
  table: PgTable,
  rows: readonly Record<string, unknown>[],
  opts: { conflict: string; returning: string },
): SQL | null {
  const columns = Object.entries(getTableColumns(table)).filter(([key]) => rows.some((r) => r[key] !== undefined));
  for (const [key, col] of columns) {
    if (!JSON_SAFE.has(col.columnType)) return null;
    for (const r of rows) {
      const v = r[key];
      if ((v === undefined && plainDefault(col) === undefined) || (typeof v === 'number' && !Number.isFinite(v))) return null;
    }
  }
  const json = JSON.stringify(
    rows.map((r) => Object.fromEntries(columns.map(([key, col]) => [col.name, r[key] === undefined ? plainDefault(col) : r[key]]))),
  );
  const names = sql.raw(columns.map(([, c]) => `"${c.name}"`).join(', '));
  const types = sql.raw(columns.map(([, c]) => `"${c.name}" ${c.getSQLType()}`).join(', '));
  return sql`INSERT INTO ${sql.raw(`"${getTableConfig(table).name}"`)} (${names})
    SELECT ${names} FROM ROWS FROM (jsonb_to_recordset(${json}::jsonb) AS (${types})) WITH ORDINALITY AS x
    ORDER BY x.ordinality
    ON CONFLICT (${sql.raw(`"${opts.conflict}"`)}) DO NOTHING RETURNING ${sql.raw(`"${opts.returning}"`)}`;
}
