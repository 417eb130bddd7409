// Idea assignment prepared ahead: the job runner prepares the next batch (readings, features,
// vectors) while one is written, so a prepared record may have been given its idea meanwhile; it
// is assigned once, and the prepared batch gives the same ideas as assigning from scratch.
import { describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { drivers } from '../../helpers/db.ts';
import { useTestApp } from '../../helpers/app.ts';
import { envelope, makePayload, newSigner } from '../../helpers/records.ts';
import { queryRows } from '../../../server/db/rows.ts';

describe.each(drivers)('assigning a batch prepared ahead on $name', (driver) => {
  const { database, t } = useTestApp(driver);
  const alice = newSigner('alice');

  const publish = async (description: string, val: number) => {
    const res = await t.post('/v1/records', envelope(makePayload({ description, diff: null, metrics: { val_bpb: val } }), alice));
    expect(res.status).toBe(201);
    return ((await res.json()) as { id: string }).id;
  };
  const ideaOf = async (id: string) => ((await (await t.get(`/v1/records/${id}`)).json()) as { idea_id: string | null }).idea_id;
  const attempts = async (ideaId: string) =>
    (await queryRows<{ attempts: number }>(database.db, sql`SELECT attempts FROM ideas WHERE id = ${ideaId}`))[0].attempts;

  it('skips a record given its idea after the batch was prepared, and assigns the rest', async () => {
    const ids = [
      await publish('raise SHADOW_KNOB from 1 to 2', 0.99),
      await publish('lower OTHER_KNOB from 8 to 4', 1.01),
      await publish('SHADOW_KNOB 1 -> 2', 0.995),
    ];
    const prepared = await t.services.ideas.prepareAssignment(ids);
    expect(prepared.rows.map((r) => r.id).sort()).toEqual([...ids].sort());

    // Meanwhile the first record is assigned on its own (another batch, another worker).
    await t.services.ideas.assign([ids[0]]);
    const first = await ideaOf(ids[0]);
    expect(first).toBeTruthy();
    expect(await attempts(first!)).toBe(1);

    await t.services.ideas.assign(ids, prepared);
    expect(await ideaOf(ids[0])).toBe(first);
    expect(await ideaOf(ids[2])).toBe(first); // the same change joins it
    expect(await attempts(first!)).toBe(2); // counted once each, not the first record twice
    const other = await ideaOf(ids[1]);
    expect(other).toBeTruthy();
    expect(other).not.toBe(first);
    const embedded = await queryRows<{ n: number }>(
      database.db,
      sql`SELECT count(*)::int AS n FROM record_embeddings WHERE record_id = ${ids[0]}`,
    );
    expect(Number(embedded[0].n)).toBeLessThanOrEqual(1);

    // Nothing is left for the job to do, and doing it again changes nothing.
    await t.drain();
    expect(await attempts(first!)).toBe(2);
  });
});
