// Records inserted with their jobs in one statement: only new ids are inserted and queued, one job
// each in the rows' order, and a repeat inserts and queues nothing.
import { describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { drivers } from '../../helpers/db.ts';
import { useTestApp } from '../../helpers/app.ts';
import { envelope, makePayload, newSigner } from '../../helpers/records.ts';
import { queryRows } from '../../../server/db/rows.ts';
import { openEnvelope } from '../../../server/protocol/envelope.ts';
import { RECORD_SCHEMA, recordPayloadSchema } from '../../../server/protocol/record.schema.ts';
import { recordRow } from '../../../server/services/record.views.ts';
import { RecordRepository } from '../../../server/repositories/record.repository.ts';

const KIND = 'test-queued';

describe.each(drivers)('records inserted with their jobs on $name', (driver) => {
  const { database } = useTestApp(driver);
  const signer = newSigner('queued');
  const row = (i: number) =>
    recordRow(openEnvelope(envelope(makePayload({ description: `queued record ${i}` }), signer), RECORD_SCHEMA, recordPayloadSchema));
  const queued = async () =>
    (await queryRows<{ subject: string }>(database.db, sql`SELECT subject FROM jobs WHERE kind = ${KIND} ORDER BY id`)).map(
      (r) => r.subject,
    );

  it('inserts new rows and queues one job each in their order; stored ids are neither inserted nor queued again', async () => {
    const repo = new RecordRepository(database.db);
    const rows = [0, 1, 2].map(row);
    const first = await repo.insertQueued(rows, KIND);
    expect(first && [...first].sort()).toEqual(rows.map((r) => r.id).sort());
    expect(await queued()).toEqual(rows.map((r) => r.id));

    const extra = row(3);
    const second = await repo.insertQueued([rows[1], extra, rows[2]], KIND);
    expect(second && [...second]).toEqual([extra.id]);
    expect(await queued()).toEqual([...rows.map((r) => r.id), extra.id]);
    const [{ n }] = await queryRows<{ n: number }>(
      database.db,
      sql`SELECT count(*)::int AS n FROM records WHERE description LIKE 'queued record %'`,
    );
    expect(n).toBe(4);
    expect(await repo.insertQueued([], KIND)).toEqual(new Set());
  });
});
