// Implausible results: impossible val_bpb values are refused; a jump of more than 0.1 over the
// parent is stored but flagged and kept off the leaderboard until another key replicates it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { drivers } from '../../helpers/db.ts';
import { testApp } from '../../helpers/app.ts';
import { envelope, HARNESS_ID, makePayload, newSigner } from '../../helpers/records.ts';
import type { Database } from '../../../server/db/client.ts';

const DIFF = '--- a/train.py\n+++ b/train.py\n@@ -40,1 +40,1 @@\n-DEPTH = 8\n+DEPTH = 12\n';

describe.each(drivers)('plausibility on $name', (driver) => {
  let database: Database;
  let t: ReturnType<typeof testApp>;
  const alice = newSigner('alice');
  const bob = newSigner('bob');
  const carol = newSigner('carol');

  beforeAll(async () => {
    database = await driver.open();
    t = testApp(database);
    await t.init();
  });
  afterAll(async () => {
    await t?.services.stop();
    await database?.close();
  });

  const board = async () => ((await (await t.get(`/v1/leaderboard?harness=${HARNESS_ID}`)).json()) as any).classes.find((c: any) => c.hardware_class === 'H100 80GB');

  it.each([0, -0.5, 20.01, 1e308])('refuses val_bpb %s with a 422, storing nothing', async (v) => {
    const res = await t.post('/v1/records', envelope(makePayload({ metrics: { val_bpb: v } }), alice));
    expect(res.status).toBe(422);
    expect(((await res.json()) as any).detail).toMatch(/val_bpb/);
    expect(await t.count()).toBe(0);
  });

  it('refuses non-finite val_bpb (JSON cannot carry NaN; a literal is invalid JSON)', async () => {
    const body = JSON.stringify(envelope(makePayload(), alice)).replace(/"val_bpb":0\.9932/, '"val_bpb":NaN');
    expect((await t.post('/v1/records', body)).status).toBe(400);
    expect(await t.count()).toBe(0);
  });

  it('flags a jump of more than 0.1 and keeps it off the leaderboard until another key replicates it', async () => {
    const honest = await t.post('/v1/records', envelope(makePayload({ description: 'warmdown 0.5 -> 0.3', metrics: { val_bpb: 0.99 }, parent: { val_bpb: 1.0 } }), alice));
    expect(honest.status).toBe(201);
    const jump = await t.post('/v1/records', envelope(makePayload({ description: 'depth 8 -> 12', diff: DIFF, metrics: { val_bpb: 0.85 }, parent: { val_bpb: 1.0 } }), alice));
    expect(jump.status).toBe(201);
    const jumped = (await jump.json()) as any;
    expect(jumped.record.flagged).toBe(true);
    await t.drain();
    expect((await board()).best.val_bpb).toBe(0.99);

    // The same key repeating itself is not a replication; another key outside the band is not either.
    await t.post('/v1/records', envelope(makePayload({ description: 'depth 8 -> 12 again', diff: DIFF, metrics: { val_bpb: 0.851 }, parent: { val_bpb: 1.0 } }), alice));
    await t.post('/v1/records', envelope(makePayload({ description: 'depth 8 -> 12', diff: DIFF, metrics: { val_bpb: 0.9 }, parent: { val_bpb: 1.0 } }), carol));
    await t.drain();
    expect((await board()).best.val_bpb).toBe(0.9); // carol's 0.1-step is plausible; alice's stay flagged
    expect(((await (await t.get(`/v1/records/${jumped.id}`)).json()) as any).flagged).toBe(true);

    // Bob replicates within the noise band: alice's result now ranks.
    await t.post('/v1/records', envelope(makePayload({ description: 'DEPTH=12', diff: DIFF, metrics: { val_bpb: 0.853 }, parent: { val_bpb: 1.0 } }), bob));
    await t.drain();
    expect(((await (await t.get(`/v1/records/${jumped.id}`)).json()) as any).flagged).toBe(false);
    const best = (await board()).best;
    expect(best.val_bpb).toBe(0.85);
    expect(best.id).toBe(jumped.id);
  });
});
