// The optional `time_unknown` field end to end through the API on both drivers: accepted only as
// `true`, stored as signed, earlier records (without it) keep their ids, and the leaderboard marks
// best and history points so the web plots them by order, not on a made-up timeline.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contentId } from '../../../server/protocol/canonical.ts';
import type { Database } from '../../../server/db/client.ts';
import { drivers } from '../../helpers/db.ts';
import { testApp } from '../../helpers/app.ts';
import { envelope, makePayload, newSigner } from '../../helpers/records.ts';

const HARNESS = createHash('sha256').update('a fork of its own prepare.py (time-unknown test)').digest('hex');
const MAC = { accelerator: 'mps', device_name: 'Apple M3 Pro', memory_mb: 36864, device_count: 1 } as const;

describe.each(drivers)('time_unknown on $name', (driver) => {
  let database: Database;
  let t: ReturnType<typeof testApp>;
  const me = newSigner('bare-results');
  const base = Date.UTC(2026, 2, 9, 12, 0, 0);
  // A bare results.tsv: three keeps, 1 ms apart in file order, their times unknown; then one with a real time.
  const rows = [1.0, 0.99, 0.995, 0.98].map((v, i) =>
    makePayload({
      created_at: new Date(base + i).toISOString(),
      ...(i < 3 ? { time_unknown: true as const } : {}),
      description: `bare row ${i}`,
      status: 'keep',
      metrics: { val_bpb: v },
      harness: { id: HARNESS, name: 'autoresearch', time_budget_s: 300 },
      hardware: MAC,
    }),
  );

  beforeAll(async () => {
    database = await driver.open();
    t = testApp(database);
    const res = (await (await t.post('/v1/records/batch', { records: rows.map((p) => envelope(p, me)) })).json()) as any;
    expect(res.results.map((r: any) => r.status)).toEqual(['created', 'created', 'created', 'created']);
  });
  afterAll(() => database?.close());

  it('stores the field as signed; a record without it keeps the id it always had; false is refused', async () => {
    const first = (await (await t.get(`/v1/records/${contentId(rows[0])}`)).json()) as any;
    expect(first.payload.time_unknown).toBe(true);
    const last = (await (await t.get(`/v1/records/${contentId(rows[3])}`)).json()) as any;
    expect('time_unknown' in last.payload).toBe(false);
    expect(last.id).toBe(contentId(rows[3]));
    const bad = await t.post('/v1/records', envelope({ ...makePayload(), time_unknown: false }, me));
    expect(bad.status).toBe(422);
    expect(((await bad.json()) as any).detail).toContain('time_unknown');
  });

  it('the leaderboard marks the best and each history point whose time is unknown', async () => {
    const lb = (await (await t.get(`/v1/leaderboard?harness=${HARNESS}`)).json()) as any;
    const mac = lb.classes.find((c: any) => c.hardware_class === 'Apple M3 Pro');
    expect(mac.best).toMatchObject({ description: 'bare row 3', time_unknown: false });
    expect(mac.history.map((h: any) => [h.val_bpb, h.time_unknown])).toEqual([
      [1.0, true],
      [0.99, true],
      [0.98, false],
    ]);
  });

  it('documents the field in /openapi.json', async () => {
    const doc = JSON.stringify(await (await t.get('/openapi.json')).json());
    expect(doc).toContain('"time_unknown"');
    expect(doc).toContain('/v1/hardware/class');
  });
});
