// The change feed: a publish reaches this process's subscribers at once and every other
// process on the same PostgreSQL database through NOTIFY (never its own twice); bursts are
// coalesced; a dropped listening connection is re-established and subscribers hear that
// anything may have changed. On PGlite (one process) it is a local fan-out.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import postgres from 'postgres';
import { openDatabase, type Database } from '../../../server/db/client.ts';
import { freshPostgresUrl, nativePostgresUrl } from '../../helpers/db.ts';

describe('change feed on pglite', () => {
  it('delivers to local subscribers at once, and stops after unsubscribe', async () => {
    const database = await openDatabase({ dataDir: 'memory://' });
    try {
      const heard: string[] = [];
      const off = database.changes.subscribe('records', () => heard.push('records'));
      database.changes.subscribe('other', () => heard.push('other'));
      database.changes.publish('records');
      expect(heard).toEqual(['records']);
      off();
      database.changes.publish('records');
      database.changes.publish('nobody-listens');
      expect(heard).toEqual(['records']);
    } finally {
      await database.close();
    }
  });
});

describe.skipIf(!nativePostgresUrl)('change feed on postgres (LISTEN / NOTIFY)', () => {
  let fresh: { url: string; drop(): Promise<void> };
  let a: Database;
  let b: Database;
  beforeAll(async () => {
    fresh = await freshPostgresUrl();
    a = await openDatabase({ url: fresh.url, maxConnections: 2 });
    b = await openDatabase({ url: fresh.url, maxConnections: 2 });
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await fresh?.drop();
  });

  it('reaches the other process within milliseconds, and the publisher once', async () => {
    const inA: number[] = [];
    const inB: number[] = [];
    const offA = a.changes.subscribe('records', () => inA.push(performance.now()));
    const offB = b.changes.subscribe('records', () => inB.push(performance.now()));
    try {
      const t0 = performance.now();
      a.changes.publish('records');
      expect(inA).toHaveLength(1); // synchronous, locally
      await expect.poll(() => inB.length, { timeout: 2000, interval: 5 }).toBe(1);
      console.log(`[change feed] NOTIFY reached the other process in ${(inB[0] - t0).toFixed(1)} ms`);
      await new Promise((r) => setTimeout(r, 200));
      expect(inA).toHaveLength(1); // its own notification is not delivered again
      expect(inB).toHaveLength(1);
    } finally {
      offA();
      offB();
    }
  });

  it('coalesces a burst: at most one notification in flight per topic, the last one always sent', async () => {
    const inB: number[] = [];
    const off = b.changes.subscribe('burst', () => inB.push(1));
    try {
      for (let i = 0; i < 200; i++) a.changes.publish('burst');
      await expect.poll(() => inB.length, { timeout: 2000 }).toBeGreaterThan(0);
      await new Promise((r) => setTimeout(r, 300));
      expect(inB.length).toBeGreaterThanOrEqual(1);
      expect(inB.length).toBeLessThanOrEqual(2);
    } finally {
      off();
    }
  });

  it('listens again after its connection is killed, and tells subscribers to forget everything', async () => {
    const inB: string[] = [];
    const off = b.changes.subscribe('records', () => inB.push('records'));
    const admin = postgres(fresh.url, { max: 1, onnotice: () => {} });
    try {
      const killed = await admin`SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity
                                 WHERE datname = current_database() AND query ILIKE 'LISTEN crossfork_changes%' AND pid <> pg_backend_pid()`;
      expect(killed.length).toBe(2); // one listener per process
      await expect.poll(() => inB.length, { timeout: 5000 }).toBeGreaterThanOrEqual(1); // the resync
      inB.length = 0;
      a.changes.publish('records');
      await expect.poll(() => inB.length, { timeout: 2000 }).toBe(1);
    } finally {
      off();
      await admin.end();
    }
  });
});
