// PostgreSQL going away during ingest (connections reset, new ones refused, as in a restart):
// the real server answers 503 meanwhile, recovers by itself, and a client that retries what
// was not acknowledged ends with every record stored exactly once.
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshPostgresUrl, nativePostgresUrl } from '../helpers/db.ts';
import { startServer, type ServerProcess } from '../helpers/server-process.ts';
import { startTcpProxy, type TcpProxy } from '../helpers/tcp-proxy.ts';
import { envelope, makePayload, newSigner } from '../helpers/records.ts';

describe.skipIf(!nativePostgresUrl)('PostgreSQL outage during ingest (native PostgreSQL)', () => {
  let proxy: TcpProxy;
  let server: ServerProcess;
  let db: { url: string; drop(): Promise<void> };

  beforeAll(async () => {
    db = await freshPostgresUrl();
    const target = new URL(db.url);
    proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 5432) });
    const viaProxy = new URL(db.url);
    viaProxy.host = `127.0.0.1:${proxy.port}`;
    server = await startServer({ DATABASE_URL: viaProxy.toString(), CROSSFORK_RATE_LIMIT_WRITES: '0' }, 60_000);
  }, 90_000);
  afterAll(async () => {
    await server?.stop();
    await proxy?.close();
    await db?.drop();
  });

  it('answers 503 while the database is gone, then recovers without a restart and loses nothing', async () => {
    const alice = newSigner('alice');
    const batches = Array.from({ length: 24 }, (_, b) => Array.from({ length: 25 }, (_, i) => envelope(makePayload({ description: `outage ${b}/${i}` }), alice)));
    const acknowledged = new Set<string>();
    const statuses: number[] = [];
    let retries = 0;

    const send = async (records: unknown[]) => {
      for (;;) {
        const res = await fetch(`${server.url}/v1/records/batch`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ records }) }).catch(() => null);
        statuses.push(res?.status ?? 0);
        if (res?.status === 200) {
          for (const r of ((await res.json()) as any).results) {
            expect(['created', 'duplicate']).toContain(r.status);
            acknowledged.add(r.id);
          }
          return;
        }
        if (res) {
          expect(res.status).toBe(503); // never a 500
          expect(res.headers.get('retry-after')).toBeTruthy();
          await res.arrayBuffer();
        }
        retries += 1;
        await new Promise((r) => setTimeout(r, 150));
      }
    };

    for (const [b, records] of batches.entries()) {
      if (b === 8) {
        proxy.cut();
        const health = await fetch(`${server.url}/healthz`);
        expect(health.status).toBe(503);
        setTimeout(() => proxy.restore(), 2_500);
      }
      await send(records);
    }

    expect(statuses.filter((s) => s === 503).length).toBeGreaterThan(0);
    expect(retries).toBeGreaterThan(0);
    expect(statuses.filter((s) => s >= 500 && s !== 503)).toEqual([]);
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    expect(acknowledged.size).toBe(24 * 25);

    const sql = postgres(db.url, { max: 1, onnotice: () => {} });
    try {
      const [{ n, distinct }] = await sql`SELECT count(*)::int AS n, count(DISTINCT id)::int AS distinct FROM records`;
      expect(n).toBe(24 * 25);
      expect(distinct).toBe(24 * 25);
      const ids = new Set((await sql`SELECT id FROM records`).map((r) => r.id as string));
      for (const id of acknowledged) expect(ids.has(id)).toBe(true);
      // The idea-assignment worker survived the outage too.
      for (let i = 0; i < 100; i++) {
        const [{ waiting }] = await sql`SELECT count(*)::int AS waiting FROM jobs`;
        if (waiting === 0) break;
        await new Promise((r) => setTimeout(r, 200));
      }
      const [{ unassigned }] = await sql`SELECT count(*)::int AS unassigned FROM records WHERE idea_id IS NULL`;
      expect(unassigned).toBe(0);
    } finally {
      await sql.end();
    }
  }, 120_000);
});
