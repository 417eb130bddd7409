// Claims on both drivers: signed, time-bounded, never replayed; similar active claims by other
// keys are reported; expired ones disappear.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { drivers } from '../../helpers/db.ts';
import { testApp } from '../../helpers/app.ts';
import { envelope, HARNESS_ID, newSigner } from '../../helpers/records.ts';
import type { Database } from '../../../server/db/client.ts';

const H100 = {
  accelerator: 'cuda',
  device_name: 'NVIDIA H100 80GB HBM3',
  device_count: 1,
  memory_mb: 81559,
  driver: null,
  runtime: null,
} as const;

describe.each(drivers)('claims on $name', (driver) => {
  let database: Database;
  let t: ReturnType<typeof testApp>;
  let now = new Date('2026-11-23T10:00:00Z');
  const alice = newSigner('alice');
  const bob = newSigner('bob');

  const claim = (description: string, over: Record<string, unknown> = {}) => ({
    schema: 'crossfork.claim/v1',
    created_at: now.toISOString(),
    description,
    diff: null,
    harness_id: HARNESS_ID,
    hardware: H100,
    ttl_s: 600,
    ...over,
  });
  const claimsCount = () => t.services.repos.claims.count();

  beforeAll(async () => {
    database = await driver.open();
    t = testApp(database, { now: () => now });
  });
  afterAll(() => database?.close());

  it('stores a claim and reports other keys’ active claims on the same idea', async () => {
    const first = await t.post('/v1/claims', envelope(claim('increase MATRIX_LR from 0.04 to 0.06'), alice));
    expect(first.status).toBe(201);
    expect(await first.json()).toMatchObject({ hardware_class: 'H100 80GB', expires_at: '2026-11-23T10:10:00.000Z', similar: [] });

    now = new Date('2026-11-23T10:01:00Z');
    const second = await t.post('/v1/claims', envelope(claim('matrix lr 0.04 -> 0.06'), bob));
    expect(second.status).toBe(201);
    const body = (await second.json()) as any;
    expect(body.similar).toHaveLength(1);
    expect(body.similar[0]).toMatchObject({ description: 'increase MATRIX_LR from 0.04 to 0.06', via: 'params' });

    // A different parameter value is another idea: not reported.
    const third = (await (await t.post('/v1/claims', envelope(claim('matrix lr 0.04 -> 0.08'), bob))).json()) as any;
    expect(third.similar).toEqual([]);

    const list = (await (await t.get(`/v1/claims?harness=${HARNESS_ID}`)).json()) as any;
    expect(list.claims).toHaveLength(3);
  });

  it('refuses a replayed claim (409), a stale or future one, a too-long TTL, a bad signature', async () => {
    const env = envelope(claim('halve the warmdown ratio'), alice);
    expect((await t.post('/v1/claims', env)).status).toBe(201);
    const before = await claimsCount();
    const replay = await t.post('/v1/claims', env);
    expect(replay.status).toBe(409);
    expect(((await replay.json()) as any).detail).toMatch(/already submitted/);

    const cases: [unknown, number, RegExp][] = [
      [envelope(claim('x', { created_at: new Date(now.getTime() - 6 * 60_000).toISOString() }), alice), 422, /behind the server's clock/],
      [envelope(claim('x', { created_at: new Date(now.getTime() + 6 * 60_000).toISOString() }), alice), 422, /ahead of the server's clock/],
      [envelope(claim('x', { ttl_s: 3601 }), alice), 422, /ttl_s: must be ≤ 3600/],
      [envelope(claim('x', { ttl_s: 0 }), alice), 422, /ttl_s/],
      [envelope(claim(''), alice), 422, /description: must not be empty/],
      [envelope(claim('x', { hardware: { device_name: 'H100' } }), alice), 422, /hardware/],
      [{ ...envelope(claim('x'), alice), public_key: bob.publicKey }, 401, /signature/],
      [envelope({ ...claim('x'), schema: 'crossfork.record/v1' }, alice), 422, /this endpoint takes "crossfork.claim\/v1"/],
    ];
    for (const [body, status, detail] of cases) {
      const res = await t.post('/v1/claims', body);
      expect(res.status).toBe(status);
      expect(((await res.json()) as any).detail).toMatch(detail);
    }
    // 4 minutes old with a 60 s TTL: already expired.
    const expired = await t.post(
      '/v1/claims',
      envelope(claim('y', { created_at: new Date(now.getTime() - 4 * 60_000).toISOString(), ttl_s: 60 }), alice),
    );
    expect(expired.status).toBe(422);
    expect(((await expired.json()) as any).detail).toMatch(/expired/);
    expect(await claimsCount()).toBe(before);
  });

  it('lets claims expire', async () => {
    now = new Date('2026-11-23T10:30:00Z');
    const list = (await (await t.get('/v1/claims')).json()) as any;
    expect(list.claims).toEqual([]);
    expect((await t.get('/v1/claims?limit=0')).status).toBe(400);
  });
});
