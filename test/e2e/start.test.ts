// `npm start` on the embedded database: healthy within seconds, and data survives a restart.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startServer } from '../helpers/server-process.ts';
import { envelope, makePayload, newSigner } from '../helpers/records.ts';

describe('server process on PGlite', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'crossfork-start-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('serves /healthz on a fresh data directory, stores a record, and keeps it across a restart', async () => {
    const env = { CROSSFORK_DATA_DIR: join(dataDir, 'data'), DATABASE_URL: '' };
    const first = await startServer(env);
    expect(first.readyMs).toBeLessThan(20_000);
    const rec = envelope(makePayload(), newSigner());
    const res = await fetch(`${first.url}/v1/records`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(rec),
    });
    expect(res.status).toBe(201);
    const { id } = (await res.json()) as any;
    expect(await first.stop()).toBe(0);

    const second = await startServer(env);
    try {
      const got = await fetch(`${second.url}/v1/records/${id}`);
      expect(got.status).toBe(200);
      expect(((await got.json()) as any).payload).toEqual(rec.payload);
      const again = await fetch(`${second.url}/v1/records`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(rec),
      });
      expect(again.status).toBe(200);
    } finally {
      await second.stop();
    }
  });
});
