// A postgres:// URL naming a Unix socket directory the libpq way (`?host=/dir`) connects through
// that socket; any other URL goes to postgres.js as it is.
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { postgresTarget } from '../../../server/db/postgres-url.ts';
import { openDatabase } from '../../../server/db/client.ts';
import { queryRows } from '../../../server/db/rows.ts';
import { nativePostgresUrl } from '../../helpers/db.ts';

describe('postgresTarget', () => {
  it('takes a socket directory out of the query and passes it as the host', () => {
    expect(postgresTarget('postgres://u:p@localhost:5433/db?host=/var/run/postgresql&sslmode=disable')).toEqual({
      url: 'postgres://u:p@localhost:5433/db?sslmode=disable',
      options: { host: '/var/run/postgresql' },
    });
  });

  it('leaves every other URL alone', () => {
    for (const url of ['postgres://u:p@127.0.0.1:5432/db', 'postgres://u@db.example.com/db?host=db2.example.com', 'not a url'])
      expect(postgresTarget(url)).toEqual({ url, options: {} });
  });
});

const SOCKET_DIR = '/var/run/postgresql';
describe.skipIf(!nativePostgresUrl || !existsSync(`${SOCKET_DIR}/.s.PGSQL.${new URL(nativePostgresUrl ?? 'postgres://x').port || 5432}`))(
  'a socket URL on the native PostgreSQL',
  () => {
    it('connects through the socket (no server address), or is refused by its peer authentication', async () => {
      const url = new URL(nativePostgresUrl!);
      url.searchParams.set('host', SOCKET_DIR);
      try {
        const database = await openDatabase({ url: url.toString(), maxConnections: 1 });
        try {
          const [row] = await queryRows<{ addr: string | null }>(database.db, sql`SELECT inet_server_addr()::text AS addr`);
          expect(row.addr).toBeNull();
        } finally {
          await database.close();
        }
      } catch (err) {
        // Debian's default pg_hba: sockets use peer authentication, which only a socket connection meets.
        expect((err as Error).message).toMatch(/peer authentication failed|role .* does not exist/i);
      }
    });
  },
);
