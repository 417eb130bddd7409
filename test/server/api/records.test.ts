// POST/GET /v1/records on both drivers: storage, idempotence, and every rejection storing nothing.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { drivers } from '../../helpers/db.ts';
import { testApp } from '../../helpers/app.ts';
import { envelope, makePayload, newSigner } from '../../helpers/records.ts';
import { canonicalBytes, canonicalJson } from '../../../server/protocol/canonical.ts';
import { signSshsig } from '../../../server/protocol/sshsig.ts';
import { parsePrivateKey } from '../../../server/protocol/ssh-keys.ts';
import type { Database } from '../../../server/db/client.ts';

describe.each(drivers)('records API on $name', (driver) => {
  let database: Database;
  let t: ReturnType<typeof testApp>;
  const alice = newSigner('alice');
  const mallory = newSigner('mallory');

  beforeAll(async () => {
    database = await driver.open();
    t = testApp(database);
  });
  afterAll(() => database?.close());

  /** Posts `body` and asserts a problem document with `status`, and that nothing was stored. */
  async function rejected(body: unknown, status: number, detail: RegExp, headers?: Record<string, string>) {
    const before = await t.count();
    const res = await t.post('/v1/records', body, headers);
    const doc = (await res.json()) as any;
    expect(res.status, JSON.stringify(doc)).toBe(status);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(doc).toMatchObject({ status, type: expect.any(String), title: expect.any(String) });
    expect(doc.detail).toMatch(detail);
    expect(await t.count()).toBe(before);
    return doc;
  }

  it('stores a signed record under the SHA-256 of its canonical payload and serves it back', async () => {
    const payload = makePayload();
    const res = await t.post('/v1/records', envelope(payload, alice));
    expect(res.status).toBe(201);
    const body = (await res.json()) as any;
    const id = createHash('sha256').update(canonicalBytes(payload)).digest('hex');
    expect(body).toMatchObject({ id, duplicate: false });
    expect(body.record).toMatchObject({ hardware_class: 'H100 80GB', delta_val_bpb: -0.0047 });

    const got = (await (await t.get(`/v1/records/${id}`)).json()) as any;
    expect(got.payload).toEqual(payload);
    expect(canonicalJson(got.payload)).toBe(canonicalJson(payload));
    expect(got.key_fingerprint).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
    expect(got.public_key).toBe(alice.publicKey.trim());
    expect(new Date(got.received_at).getTime()).toBeGreaterThan(Date.now() - 60_000);
  });

  it('answers the same envelope twice with one record (200, duplicate: true)', async () => {
    const env = envelope(makePayload(), alice);
    const first = await t.post('/v1/records', env);
    expect(first.status).toBe(201);
    const before = await t.count();
    const second = await t.post('/v1/records', env);
    expect(second.status).toBe(200);
    expect((await second.json()) as any).toMatchObject({ id: ((await first.json()) as any).id, duplicate: true });
    expect(await t.count()).toBe(before);
  });

  it('derives the hardware class itself: a client-sent class is refused, not trusted', async () => {
    const payload = { ...makePayload(), hardware_class: 'H100 80GB' };
    await rejected(envelope(payload, alice), 422, /unknown field.*hardware_class/);
    await rejected({ ...envelope(makePayload(), alice), hardware_class: 'B200' }, 422, /unknown field.*hardware_class/);
    const res = await t.post(
      '/v1/records',
      envelope(makePayload({ hardware: { device_name: 'NVIDIA GeForce RTX 4090', memory_mb: 24564 } }), alice),
    );
    expect(((await res.json()) as any).record.hardware_class).toBe('RTX 4090 24GB');
  });

  it('a crash may have null val_bpb and has no delta', async () => {
    const res = await t.post('/v1/records', envelope(makePayload({ status: 'crash', metrics: { val_bpb: null } }), alice));
    expect(res.status).toBe(201);
    expect(((await res.json()) as any).record.delta_val_bpb).toBeNull();
  });

  describe('rejects, with a problem document and nothing stored', () => {
    it('one byte of the payload changed after signing', async () => {
      const env = envelope(makePayload(), alice);
      const tampered = { ...env, payload: { ...env.payload, description: env.payload.description.replace('0.05', '0.06') } };
      await rejected(tampered, 401, /signature/);
      const bumped = { ...env, payload: { ...env.payload, metrics: { ...env.payload.metrics, val_bpb: 0.9931 } } };
      await rejected(bumped, 401, /signature/);
    });

    it('a signature by another key than public_key', async () => {
      const payload = makePayload();
      const forged = { payload, signature: mallory.sign(canonicalBytes(payload)), public_key: alice.publicKey };
      await rejected(forged, 401, /signature rejected/);
    });

    it('a signature made for another namespace', async () => {
      const payload = makePayload();
      const { keyObject } = parsePrivateKey(alice.privateKey);
      const sig = signSshsig(canonicalBytes(payload), keyObject, alice.publicKey, 'git');
      await rejected({ payload, signature: sig, public_key: alice.publicKey }, 401, /namespace/);
    });

    it('an unsigned envelope or a garbage signature or key', async () => {
      const payload = makePayload();
      await rejected({ payload }, 422, /signature.*required|signature/);
      await rejected({ payload, signature: 'not a signature', public_key: alice.publicKey }, 401, /signature rejected/);
      await rejected(
        { payload, signature: alice.sign(canonicalBytes(payload)), public_key: 'ssh-ed25519 AAAAnotakey' },
        401,
        /signature rejected/,
      );
    });

    it('a missing or mistyped field', async () => {
      const { description: _d, ...missing } = makePayload();
      await rejected(envelope(missing, alice), 422, /payload\.description: is required/);
      await rejected(envelope({ ...makePayload(), status: 'kept' }, alice), 422, /payload\.status/);
      await rejected(envelope(makePayload({ metrics: { val_bpb: '0.99' as unknown as number } }), alice), 422, /payload\.metrics\.val_bpb/);
      await rejected(envelope(makePayload({ created_at: 'yesterday' }), alice), 422, /created_at.*RFC 3339/);
      await rejected(envelope(makePayload({ status: 'keep', metrics: { val_bpb: null } }), alice), 422, /val_bpb may be null only/);
    });

    it('an unknown schema', async () => {
      await rejected(envelope({ ...makePayload(), schema: 'crossfork.record/v9' }, alice), 422, /unknown schema/);
      await rejected(
        envelope({ ...makePayload(), schema: 'crossfork.claim/v1' }, alice),
        422,
        /this endpoint takes "crossfork.record\/v1"/,
      );
    });

    it('a description over 2,000 characters and a diff over 256 KiB', async () => {
      await rejected(envelope(makePayload({ description: 'x'.repeat(2001) }), alice), 422, /description: must be at most 2000 characters/);
      const diff = '+' + 'y'.repeat(256 * 1024);
      await rejected(envelope(makePayload({ diff }), alice), 422, /diff: must be at most 262144 bytes/);
    });

    it('a body over the size limit', async () => {
      const env = envelope(makePayload({ diff: 'z'.repeat(200 * 1024) }), alice);
      const huge = JSON.stringify({ ...env, padding: 'p'.repeat(1024 * 1024) });
      await rejected(huge, 413, /exceeds 1048576 bytes/);
    });

    it('invalid JSON, NaN and Infinity, a non-JSON media type, an empty body', async () => {
      await rejected('{"payload": ', 400, /not valid JSON/);
      const text = JSON.stringify(envelope(makePayload(), alice));
      await rejected(text.replace('0.9932', 'NaN'), 400, /not valid JSON/);
      await rejected(text.replace('0.9932', 'Infinity'), 400, /not valid JSON/);
      // 1e999 is valid JSON syntax but parses to Infinity: the schema refuses non-finite numbers.
      await rejected(text.replace('0.9932', '1e999'), 422, /val_bpb/);
      await rejected(text, 415, /application\/json/, { 'content-type': 'text/plain' });
      await rejected('', 400, /empty/);
    });

    it('NUL characters and implausible numbers', async () => {
      await rejected(envelope(makePayload({ description: 'a\u0000b' }), alice), 422, /NUL/);
      await rejected(envelope(makePayload({ metrics: { val_bpb: -1 } }), alice), 422, /val_bpb: must be > 0/);
      await rejected(envelope(makePayload({ metrics: { val_bpb: 21 } }), alice), 422, /val_bpb: must be ≤ 20/);
      await rejected(envelope(makePayload({ hardware: { device_count: 0 } }), alice), 422, /device_count/);
    });
  });

  it('answers unknown ids and routes with 404 problems', async () => {
    const res = await t.get(`/v1/records/${'0'.repeat(64)}`);
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toMatch(/problem\+json/);
    expect((await t.get('/v1/records/not-an-id')).status).toBe(404);
    expect((await t.get('/v1/nothing')).status).toBe(404);
  });
});
