// PostgreSQL's own profile for a bench window (pg_stat_statements, when the server preloads it):
// reset before the window, then the statements that took the most time in it.
import postgres from 'postgres';
import { postgresTarget } from '../../server/db/postgres-url.ts';

export interface SqlTop {
  /** Prints the top statements since `reset()`; a no-op without the extension. */
  print(limit?: number): Promise<void>;
}

/** Resets pg_stat_statements on the cluster behind `url`; null (with a line saying why) when unavailable. */
export async function sqlProfile(url: string): Promise<SqlTop | null> {
  const target = postgresTarget(url);
  const sql = postgres(target.url, { ...target.options, max: 1, onnotice: () => {} });
  try {
    await sql`CREATE EXTENSION IF NOT EXISTS pg_stat_statements`;
    await sql`SELECT pg_stat_statements_reset()`;
  } catch (err) {
    console.log(`  (no SQL profile: ${(err as Error).message}; add shared_preload_libraries = 'pg_stat_statements')`);
    await sql.end();
    return null;
  }
  return {
    async print(limit = 12) {
      const rows = await sql<{ calls: string; total_ms: number; mean_ms: number; rows: string; query: string }[]>`
        SELECT calls, total_exec_time AS total_ms, mean_exec_time AS mean_ms, rows, query
        FROM pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
        ORDER BY total_exec_time DESC LIMIT ${limit}`;
      const all = await sql<{ total: number; calls: string }[]>`
        SELECT coalesce(sum(total_exec_time), 0) AS total, coalesce(sum(calls), 0) AS calls FROM pg_stat_statements
        WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())`;
      console.log(`  SQL time in the window: ${(all[0].total / 1000).toFixed(1)} s over ${all[0].calls} statements; top statements:`);
      console.log('     total s   share    calls   mean ms  statement');
      for (const r of rows)
        console.log(
          `  ${(r.total_ms / 1000).toFixed(2).padStart(10)}  ${((100 * r.total_ms) / all[0].total).toFixed(1).padStart(5)} %  ${String(r.calls).padStart(7)}  ${r.mean_ms.toFixed(2).padStart(8)}  ${r.query.replace(/\s+/g, ' ').slice(0, 140)}`,
        );
      await sql.end();
    },
  };
}
