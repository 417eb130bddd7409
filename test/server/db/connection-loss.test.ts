// Losing the database's TCP connection mid-query: every query waiting on the lost connection
// fails promptly (no request hangs until the database returns), and after it returns each
// query gets its own answer. Guards the crossfork patch to postgres.js (patches/) and the
// pool's reconnect backoff (server/db/client.ts).
import postgres from 'postgres';
import { afterEach, describe, expect, it } from 'vitest';
import { reconnectBackoff } from '../../../server/db/client.ts';
import { nativePostgresUrl } from '../../helpers/db.ts';
import { startTcpProxy, type TcpProxy } from '../../helpers/tcp-proxy.ts';

/** Settles `p`, or says it was still waiting after `ms`. */
function within<T>(p: Promise<T>, ms: number): Promise<{ value?: T; error?: Error; hung?: true }> {
  return Promise.race([
    p.then(
      (value) => ({ value }),
      (error: Error) => ({ error }),
    ),
    new Promise<{ hung: true }>((r) => setTimeout(() => r({ hung: true }), ms).unref()),
  ]);
}

describe('reconnectBackoff', () => {
  it('starts in tens of milliseconds and never waits more than a second', () => {
    for (let failures = 0; failures < 40; failures++) {
      const s = reconnectBackoff(failures);
      expect(s).toBeGreaterThan(0);
      expect(s).toBeLessThanOrEqual(1);
    }
    expect(reconnectBackoff(0)).toBeLessThanOrEqual(0.05);
  });
});

describe.skipIf(!nativePostgresUrl)('a connection lost mid-query (native PostgreSQL behind a TCP proxy)', () => {
  let proxy: TcpProxy | undefined;
  let sql: ReturnType<typeof postgres> | undefined;
  afterEach(async () => {
    await sql?.end({ timeout: 1 });
    await proxy?.close();
  });

  it('a query issued from the failed query’s handler fails too, and the next one after the return gets its own rows', async () => {
    const target = new URL(nativePostgresUrl!);
    proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 5432) });
    const via = new URL(nativePostgresUrl!);
    via.host = `127.0.0.1:${proxy.port}`;
    sql = postgres(via.toString(), { max: 1, onnotice: () => {}, backoff: reconnectBackoff, connect_timeout: 5 });
    const db = sql;
    expect((await db`SELECT 1 AS n`)[0].n).toBe(1);

    // The retry runs in the rejection's handler: after the socket's 'error', before its 'close'.
    const retried = db`SELECT pg_sleep(5)`.then(
      () => {
        throw new Error('the long query should have failed');
      },
      () => db`SELECT 2 AS n`,
    );
    await new Promise((r) => setTimeout(r, 200));
    proxy.cut();
    const during = await within(retried, 3_000);
    expect(during.hung, 'the retry waited on the closed connection').toBeUndefined();
    expect(during.error).toBeInstanceOf(Error);

    proxy.restore();
    const after = await within(db`SELECT 3 AS n`, 5_000);
    expect(after.error).toBeUndefined();
    expect(after.value?.[0].n).toBe(3);
  });
});
