// The churned tables vacuumed on both drivers: outside any transaction, skipping none by default,
// and leaving no dead rows of the job queue behind on PostgreSQL.
import { describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { drivers } from '../../helpers/db.ts';
import { useTestApp } from '../../helpers/app.ts';
import { queryRows } from '../../../server/db/rows.ts';
import { JobRepository } from '../../../server/repositories/job.repository.ts';
import { UpkeepRepository } from '../../../server/repositories/upkeep.repository.ts';

describe.each(drivers)('vacuum of the churned tables on $name', (driver) => {
  const { database } = useTestApp(driver, { vacuumIntervalMs: 0 });

  it('clears the dead rows a drained queue leaves', async () => {
    const jobs = new JobRepository(database.db);
    await jobs.enqueue(
      'test-upkeep',
      Array.from({ length: 200 }, (_, i) => `s${i}`),
    );
    // The deleting session reports its dead rows when it next goes idle, before the vacuum.
    await database.db.transaction(async (tx) => {
      await tx.execute(sql`DELETE FROM jobs WHERE kind = 'test-upkeep'`);
      if (driver.name === 'postgres') await tx.execute(sql`SELECT pg_stat_force_next_flush()`);
    });
    await new UpkeepRepository(database.db).vacuumChurned();
    const [{ live }] = await queryRows<{ live: number }>(
      database.db,
      sql`SELECT count(*)::int AS live FROM jobs WHERE kind = 'test-upkeep'`,
    );
    expect(live).toBe(0);
    if (driver.name === 'postgres') {
      const [row] = await queryRows<{ dead: number | string }>(
        database.db,
        sql`SELECT n_dead_tup AS dead FROM pg_stat_user_tables WHERE relname = 'jobs'`,
      );
      expect(Number(row.dead)).toBe(0);
    }
  });
});
