// Interop: envelopes signed by the real `ssh-keygen -Y sign` (ed25519, RSA, ECDSA) are accepted.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { drivers } from '../../helpers/db.ts';
import { testApp } from '../../helpers/app.ts';
import { makePayload } from '../../helpers/records.ts';
import { sshKeygenKey, type KeyType } from '../../helpers/ssh-keygen.ts';
import { canonicalBytes } from '../../../server/protocol/canonical.ts';
import type { Database } from '../../../server/db/client.ts';

const pglite = drivers[0];

describe('records signed by ssh-keygen', () => {
  let database: Database;
  let t: ReturnType<typeof testApp>;
  beforeAll(async () => {
    database = await pglite.open();
    t = testApp(database);
  });
  afterAll(() => database?.close());

  it.each<KeyType>(['ed25519', 'rsa', 'ecdsa'])('accepts a %s signature and ids the record by its canonical bytes', async (type) => {
    const key = sshKeygenKey(type);
    const payload = makePayload({ description: `signed with ${type}` });
    const bytes = canonicalBytes(payload);
    const res = await t.post('/v1/records', { payload, signature: key.sign(bytes), public_key: key.publicKey });
    const body = (await res.json()) as any;
    expect(res.status, JSON.stringify(body)).toBe(201);
    expect(body.id).toBe(createHash('sha256').update(bytes).digest('hex'));
    const fp = /SHA256:\S+/.exec(execFileSync('ssh-keygen', ['-lf', `${key.path}.pub`], { encoding: 'utf8' }))![0];
    expect(body.record.key_fingerprint).toBe(fp);
  });

  it('refuses an ssh-keygen signature made for another namespace', async () => {
    const key = sshKeygenKey('ed25519');
    const payload = makePayload();
    const res = await t.post('/v1/records', { payload, signature: key.sign(canonicalBytes(payload), 'file'), public_key: key.publicKey });
    expect(res.status).toBe(401);
    expect(((await res.json()) as any).detail).toMatch(/namespace/);
  });
});
