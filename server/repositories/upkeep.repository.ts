// SQL for table upkeep: vacuuming the tables whose rows background work rewrites all the time.
import { sql } from 'drizzle-orm';
import type { Db } from '../db/client.ts';

/**
 * The tables background work churns: the job queue (a row inserted and deleted per record), ideas
 * and their evidence (rewritten at every assignment). Their dead rows are what every lease, idea
 * look-up and full-text search would otherwise step over until autovacuum's next visit (at most
 * once a minute on PostgreSQL; never on PGlite, which has no autovacuum).
 */
export const CHURNED_TABLES = ['jobs', 'ideas', 'idea_evidence'] as const;

export class UpkeepRepository {
  constructor(private readonly db: Db) {}

  /** A plain VACUUM of the churned tables; one another session holds is skipped, never waited for. */
  async vacuumChurned(): Promise<void> {
    await this.db.execute(sql.raw(`VACUUM (SKIP_LOCKED) ${CHURNED_TABLES.join(', ')}`));
  }
}
