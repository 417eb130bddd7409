// Migration 0009 gives records stored before replication existed the groups the server now
// computes at ingest (parent train.py SHA-256 + the diff key idea assignment stored), and marks
// groups of two or more: old records group, count toward the noise and rank like new ones.
import { readFileSync } from 'node:fs';
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { drivers } from '../../helpers/db.ts';
import { useTestApp } from '../../helpers/app.ts';
import { envelope, makePayload, newSigner } from '../../helpers/records.ts';
import { constantDiff, sha256 } from '../../helpers/replications.ts';
import { queryRows } from '../../../server/db/rows.ts';

const MIGRATION = readFileSync(new URL('../../../migrations/0009_replication.sql', import.meta.url), 'utf8');
/** The backfill statements of the migration (its UPDATEs), comments stripped. */
const BACKFILL = MIGRATION.split('--> statement-breakpoint')
  .map((s) =>
    s
      .split('\n')
      .filter((l) => !l.trim().startsWith('--'))
      .join('\n')
      .trim(),
  )
  .filter((s) => s.startsWith('UPDATE'));

describe.each(drivers)('replication backfill on $name', (driver) => {
  const { database, t } = useTestApp(driver);

  it('computes the same groups and marks as ingest does', async () => {
    expect(BACKFILL).toHaveLength(2);
    const [a, b] = [newSigner('a'), newSigner('b')];
    const group = (g: number) => ({
      diff: constantDiff('BACKFILL', '1', String(g + 2)),
      parent: { train_py_sha256: sha256(`backfill ${g}`), commit: 'abc1234', val_bpb: 1.0 },
    });
    const records = [
      envelope(makePayload({ ...group(0), metrics: { val_bpb: 0.99 } }), a),
      envelope(makePayload({ ...group(0), metrics: { val_bpb: 0.991 } }), b),
      envelope(makePayload({ ...group(1), metrics: { val_bpb: 0.98 } }), a),
      envelope(makePayload({ ...group(2), parent: null, metrics: { val_bpb: 0.97 } }), a),
    ];
    expect(((await (await t.post('/v1/records/batch', { records })).json()) as any).results.every((r: any) => r.status === 'created')).toBe(
      true,
    );
    await t.drain();
    const state = () =>
      queryRows<{ id: string; replication_key: string | null; replicated: boolean }>(
        database.db,
        sql`SELECT id, replication_key, replicated FROM records ORDER BY id`,
      );
    const atIngest = await state();
    expect(atIngest.filter((r) => r.replicated)).toHaveLength(2);
    expect(atIngest.filter((r) => r.replication_key === null)).toHaveLength(1);

    await database.db.execute(sql`UPDATE records SET replication_key = NULL, replicated = false`);
    for (const statement of BACKFILL) await database.db.execute(sql.raw(statement));
    expect(await state()).toEqual(atIngest);
  });
});
