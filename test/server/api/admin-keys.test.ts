// Admin key revocation: bearer-token guarded; a revoked key's records vanish from lists, look-ups,
// ideas and the leaderboard, its new writes get 403, and a restore brings everything back.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../../server/app.ts';
import { createServices } from '../../../server/services/container.ts';
import { drivers } from '../../helpers/db.ts';
import { TEST_LIMITS } from '../../helpers/app.ts';
import { envelope, HARNESS_ID, makePayload, newSigner } from '../../helpers/records.ts';
import type { Database } from '../../../server/db/client.ts';

const TOKEN = 'admin-secret-3b1f';

describe.each(drivers)('admin key revocation on $name', (driver) => {
  let database: Database;
  let services: ReturnType<typeof createServices>;
  let app: ReturnType<typeof createApp>;
  const spammer = newSigner('spammer');
  const honest = newSigner('honest');

  beforeAll(async () => {
    database = await driver.open();
    services = createServices({ database });
    await services.ideas.init();
    app = createApp({ services, config: { ...TEST_LIMITS, adminToken: TOKEN } });
  });
  afterAll(async () => {
    await services?.stop();
    await database?.close();
  });

  const post = (path: string, body: unknown, auth?: string) =>
    app.request(path, {
      method: 'POST',
      body: JSON.stringify(body),
      headers: { 'content-type': 'application/json', ...(auth ? { authorization: auth } : {}) },
    });
  const json = async (path: string) => (await (await app.request(path)).json()) as any;
  const fingerprint = async (id: string) => (await json(`/v1/records/${id}`)).key_fingerprint as string;

  it('refuses admin calls without the right token, and when none is configured', async () => {
    const body = { key_fingerprint: `SHA256:${'A'.repeat(43)}` };
    for (const auth of [undefined, 'Bearer wrong', `Basic ${TOKEN}`, 'Bearer ']) {
      const res = await post('/v1/admin/keys/revoke', body, auth);
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toMatch(/Bearer/);
    }
    const closed = createApp({ services, config: TEST_LIMITS });
    const res = await closed.request('/v1/admin/keys/revoked', { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(res.status).toBe(401);
    expect(((await res.json()) as any).detail).toMatch(/CROSSFORK_ADMIN_TOKEN/);
    expect((await post('/v1/admin/keys/revoke', { key_fingerprint: 'nope' }, `Bearer ${TOKEN}`)).status).toBe(422);
  });

  it('hides a revoked key everywhere, refuses its writes, and restores it', async () => {
    const spam = (await (
      await post(
        '/v1/records',
        envelope(makePayload({ description: 'totally real 0.5 bpb', metrics: { val_bpb: 0.95 }, parent: { val_bpb: 1.0 } }), spammer),
      )
    ).json()) as any;
    const real = (await (
      await post('/v1/records', envelope(makePayload({ description: 'warmdown 0.5 -> 0.3', metrics: { val_bpb: 0.99 } }), honest))
    ).json()) as any;
    await services.assignments.drain();
    const fp = await fingerprint(spam.id);
    expect((await json(`/v1/leaderboard?harness=${HARNESS_ID}`)).classes[0].best.id).toBe(spam.id);

    const revoked = await post('/v1/admin/keys/revoke', { key_fingerprint: fp, reason: 'spam' }, `Bearer ${TOKEN}`);
    expect(revoked.status).toBe(200);
    expect(await revoked.json()).toEqual({ key_fingerprint: fp, revoked: true, records_affected: 1 });

    expect((await app.request(`/v1/records/${spam.id}`)).status).toBe(404);
    expect((await json('/v1/records')).records.map((r: any) => r.id)).toEqual([real.id]);
    const board = await json(`/v1/leaderboard?harness=${HARNESS_ID}`);
    expect(board.classes[0].best_claim.id).toBe(real.id);
    expect(board.classes[0].contributors).toBe(1);
    expect((await json('/v1/ideas')).ideas.flatMap((i: any) => i.examples)).not.toContain('totally real 0.5 bpb');

    const again = await post('/v1/records', envelope(makePayload({ description: 'more spam' }), spammer));
    expect(again.status).toBe(403);
    expect(((await again.json()) as any).detail).toMatch(/revoked/);
    const batch = (await (
      await post('/v1/records/batch', {
        records: [envelope(makePayload({ description: 'spam 2' }), spammer), envelope(makePayload({ description: 'fine' }), honest)],
      })
    ).json()) as any;
    expect(batch.results.map((r: any) => r.status)).toEqual(['rejected', 'created']);
    expect(batch.results[0].error.status).toBe(403);
    expect(await services.repos.records.count()).toBe(3); // spam (hidden), real, fine
    const claim = {
      schema: 'crossfork.claim/v1',
      created_at: new Date().toISOString(),
      description: 'more spam',
      diff: null,
      harness_id: HARNESS_ID,
      hardware: makePayload().hardware,
      ttl_s: 600,
    };
    expect((await post('/v1/claims', envelope(claim, spammer))).status).toBe(403);
    expect(await services.repos.claims.count()).toBe(0);

    const list = (await (await app.request('/v1/admin/keys/revoked', { headers: { authorization: `Bearer ${TOKEN}` } })).json()) as any;
    expect(list.keys).toEqual([expect.objectContaining({ key_fingerprint: fp, reason: 'spam' })]);

    const restored = await post('/v1/admin/keys/restore', { key_fingerprint: fp }, `Bearer ${TOKEN}`);
    expect(await restored.json()).toEqual({ key_fingerprint: fp, revoked: false, records_affected: 1 });
    expect((await app.request(`/v1/records/${spam.id}`)).status).toBe(200);
    expect((await post('/v1/records', envelope(makePayload({ description: 'back' }), spammer))).status).toBe(201);
  });
});
