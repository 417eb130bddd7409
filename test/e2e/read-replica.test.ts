// Reads from a real streaming replica: pg_basebackup of the test cluster, started as a hot
// standby on its own port and data directory. Lists and the leaderboard come from the replica
// (proved by pausing its replay: they go stale there), a record just written is still fetched
// by id (a miss falls back to the primary), the leaderboard catches up once the replica replays
// the write even with a ten-minute cache, check answers from the replica too, and a replica
// lagging past CROSSFORK_READ_MAX_LAG_MS or one that is down hands reads to the primary until
// it is back.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshPostgresUrl, nativePostgresUrl } from '../helpers/db.ts';
import { freePort, startServer, type ServerProcess } from '../helpers/server-process.ts';
import { envelope, HARNESS_ID, makePayload, newSigner } from '../helpers/records.ts';

const pgVersion = existsSync('/usr/lib/postgresql')
  ? readdirSync('/usr/lib/postgresql')
      .sort((a, b) => Number(a) - Number(b))
      .at(-1)
  : undefined;
const bin = (name: string) => `/usr/lib/postgresql/${pgVersion}/bin/${name}`;
const primaryUrl = nativePostgresUrl ? new URL(nativePostgresUrl) : undefined;
const canReplicate = Boolean(
  primaryUrl &&
  ['127.0.0.1', 'localhost'].includes(primaryUrl.hostname) &&
  process.getuid?.() === 0 &&
  pgVersion &&
  existsSync(bin('pg_basebackup')) &&
  existsSync('/usr/sbin/runuser'),
);
if (!canReplicate) {
  const why = 'the read-replica test needs root, PostgreSQL server binaries (pg_basebackup, pg_ctl) and a local TEST_DATABASE_URL';
  if (process.env.CI) throw new Error(`${why} (CI must run it)`);
  console.warn(`[test] ${why}: skipped`);
}

/** Runs a command as the postgres user; rejects with its stderr. stdout is discarded (a daemon may hold it). */
function asPostgres(args: string[], env: Record<string, string> = {}): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      '/usr/sbin/runuser',
      ['-u', 'postgres', '--', 'env', ...Object.entries(env).map(([k, v]) => `${k}=${v}`), ...args],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let err = '';
    child.stderr!.on('data', (d) => (err += d));
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${args.join(' ')} exited ${code}: ${err.trim()}`))));
  });
}

async function metric(url: string, name: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  return Number(new RegExp(`^${name} (\\S+)`, 'm').exec(text)?.[1] ?? NaN);
}

async function within(ms: number, fn: () => Promise<boolean>): Promise<number> {
  const t0 = performance.now();
  for (;;) {
    if (await fn().catch(() => false)) return performance.now() - t0;
    if (performance.now() - t0 > ms) throw new Error(`not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe.skipIf(!canReplicate)('reads from a streaming replica of the test cluster', () => {
  // Created by pg_basebackup itself (as postgres, mode 0700).
  const dir = join(tmpdir(), `crossfork-replica-${randomBytes(4).toString('hex')}`);
  let port = 0;
  let db: { url: string; drop(): Promise<void> };
  let replicaDbUrl: string;
  /** Reads from the replica whatever its lag (10 min): what it serves shows where reads go. */
  let patient: ServerProcess;
  /** Leaves the replica once it trails by more than 500 ms. */
  let strict: ServerProcess;
  let replica: postgres.Sql;
  let primary: postgres.Sql;
  const alice = newSigner('alice-replica');
  const pgctl = (...a: string[]) => asPostgres([bin('pg_ctl'), '-D', dir, ...a]);

  beforeAll(async () => {
    port = await freePort();
    const t0 = Date.now();
    await asPostgres(
      [
        bin('pg_basebackup'),
        '-h',
        primaryUrl!.hostname,
        '-p',
        primaryUrl!.port || '5432',
        '-U',
        decodeURIComponent(primaryUrl!.username),
        '-D',
        dir,
        '-R',
        '-X',
        'stream',
        '-c',
        'fast',
      ],
      { PGPASSWORD: decodeURIComponent(primaryUrl!.password) },
    );
    // Debian keeps the configuration outside the data directory: give the copy its own.
    writeFileSync(
      join(dir, 'postgresql.conf'),
      `port = ${port}\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = '${dir}'\nhot_standby = on\nhot_standby_feedback = on\nmax_connections = 200\n`,
    );
    writeFileSync(join(dir, 'pg_hba.conf'), 'local all all trust\nhost all all 127.0.0.1/32 scram-sha-256\n');
    writeFileSync(join(dir, 'pg_ident.conf'), '');
    await asPostgres([bin('pg_ctl'), '-D', dir, '-l', join(dir, 'log'), '-w', '-t', '60', 'start']);
    console.log(`[replica] pg_basebackup + start: ${Date.now() - t0} ms, port ${port}`);

    db = await freshPostgresUrl(); // created on the primary, replayed by the standby
    const u = new URL(db.url);
    u.port = String(port);
    replicaDbUrl = u.toString();
    replica = postgres(replicaDbUrl, { max: 1, onnotice: () => {} });
    primary = postgres(db.url, { max: 1, onnotice: () => {} });
    await within(30_000, async () => (await replica`SELECT pg_is_in_recovery() AS r`)[0].r === true);
    const env = {
      DATABASE_URL: db.url,
      DATABASE_READ_URL: replicaDbUrl,
      CROSSFORK_RATE_LIMIT_WRITES: '0',
      CROSSFORK_STALENESS_MS: '500',
      CROSSFORK_VERIFY_THREADS: '1',
    };
    patient = await startServer({ ...env, CROSSFORK_READ_MAX_LAG_MS: '600000' }, 90_000);
    strict = await startServer({ ...env, CROSSFORK_READ_MAX_LAG_MS: '500' }, 90_000);
  }, 180_000);

  afterAll(async () => {
    await patient?.stop();
    await strict?.stop();
    await replica?.end();
    await primary?.end();
    await pgctl('-m', 'immediate', 'stop').catch(() => {});
    await db?.drop();
    rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  const write = async (url: string, overrides: Parameters<typeof makePayload>[0]) => {
    const res = await fetch(`${url}/v1/records`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(envelope(makePayload(overrides), alice)),
    });
    expect(res.status).toBe(201);
    return ((await res.json()) as any).id as string;
  };
  const listed = async (url: string) =>
    ((await (await fetch(`${url}/v1/records?limit=200`)).json()) as any).records.map((r: any) => r.id) as string[];
  const best = async (url: string) =>
    ((c) => (c?.best ?? c?.best_claim)?.id ?? null)(
      ((await (await fetch(`${url}/v1/leaderboard?harness=${HARNESS_ID}`)).json()) as any).classes?.[0],
    );

  it('serves lists and the leaderboard from the replica, fetches a just-written record from the primary, and catches up when replay resumes', async () => {
    const tag = randomBytes(3).toString('hex');
    const first = await write(patient.url, { description: `replica seed ${tag}`, status: 'keep', metrics: { val_bpb: 0.99 } });
    await within(5000, async () => (await listed(patient.url)).includes(first) && (await best(patient.url)) === first);
    expect(await metric(patient.url, 'crossfork_read_replica_in_use')).toBe(1);

    await replica`SELECT pg_wal_replay_pause()`;
    try {
      const id = await write(patient.url, { description: `replica paused ${tag}`, status: 'keep', metrics: { val_bpb: 0.95 } });
      // The write answered (the primary); the replica has not replayed it, so lists there are stale…
      await new Promise((r) => setTimeout(r, 300));
      expect(await listed(patient.url)).not.toContain(id);
      expect(await best(patient.url)).toBe(first);
      // …but the record itself is found: a miss on the replica is retried on the primary.
      const got = await fetch(`${patient.url}/v1/records/${id}`);
      expect(got.status).toBe(200);
      expect(((await got.json()) as any).id).toBe(id);
      // Meanwhile the strict server notices the lag and reads from the primary.
      const ms = await within(
        5000,
        async () => (await metric(strict.url, 'crossfork_read_replica_in_use')) === 0 && (await listed(strict.url)).includes(id),
      );
      console.log(
        `[replica] strict server left the paused replica ${ms.toFixed(0)} ms after the write (lag ${(await metric(strict.url, 'crossfork_read_replica_lag_seconds')).toFixed(2)} s)`,
      );
      expect(await best(strict.url)).toBe(id);

      await replica`SELECT pg_wal_replay_resume()`;
      // Replayed: the list shows it, and the ten-minute leaderboard cache is dropped again.
      const caught = await within(5000, async () => (await listed(patient.url)).includes(id) && (await best(patient.url)) === id);
      console.log(`[replica] patient server saw the write ${caught.toFixed(0)} ms after replay resumed`);
      await within(5000, async () => (await metric(strict.url, 'crossfork_read_replica_in_use')) === 1);
    } finally {
      await replica`SELECT pg_wal_replay_resume()`.catch(() => {});
    }
  }, 60_000);

  it('answers check from the replica: an idea assigned while replay is paused is found there only once replayed', async () => {
    const description = `halve WARMDOWN_RATIO replica ${randomBytes(2).toString('hex')}`;
    const checkOn = async (url: string) =>
      (await (
        await fetch(`${url}/v1/ideas/check`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ description }),
        })
      ).json()) as any;
    await replica`SELECT pg_wal_replay_pause()`;
    try {
      const id = await write(patient.url, { description, status: 'discard', metrics: { val_bpb: 1.01 } });
      // Assigned on the primary (whichever server's worker took the job)…
      let ideaId: string | null = null;
      await within(
        30_000,
        async () => (ideaId = (await primary`SELECT idea_id FROM records WHERE id = ${id}`)[0]?.idea_id ?? null) !== null,
      );
      // …invisible to check on the replica, visible through the server that left it.
      expect((await checkOn(patient.url)).matches.map((m: any) => m.id)).not.toContain(ideaId);
      await within(5000, async () => (await checkOn(strict.url)).matches.some((m: any) => m.id === ideaId));
      await replica`SELECT pg_wal_replay_resume()`;
      await within(5000, async () => (await checkOn(patient.url)).matches.some((m: any) => m.id === ideaId));
    } finally {
      await replica`SELECT pg_wal_replay_resume()`.catch(() => {});
    }
    expect((await fetch(`${patient.url}/v1/ideas?q=${encodeURIComponent(description)}`)).status).toBe(200);
  }, 60_000);

  it('reads go to the primary while the replica is down, and back once it is up', async () => {
    const id = await write(strict.url, {
      description: `replica down ${randomBytes(2).toString('hex')}`,
      status: 'discard',
      metrics: { val_bpb: 1.0 },
    });
    await pgctl('-m', 'fast', '-w', 'stop');
    const ms = await within(5000, async () => (await metric(strict.url, 'crossfork_read_replica_in_use')) === 0);
    // Once the poll has seen it gone, every read answers from the primary.
    for (let i = 0; i < 10; i++) {
      const res = await fetch(`${strict.url}/v1/records?limit=200`);
      expect(res.status).toBe(200);
      expect(((await res.json()) as any).records.map((r: any) => r.id)).toContain(id);
    }
    expect((await fetch(`${strict.url}/v1/leaderboard`)).status).toBe(200);
    console.log(`[replica] replica stopped: reads on the primary within ${ms.toFixed(0)} ms`);
    await pgctl('-l', join(dir, 'log'), '-w', '-t', '60', 'start');
    await within(20_000, async () => (await metric(strict.url, 'crossfork_read_replica_in_use')) === 1);
    expect(await listed(strict.url)).toContain(id);
  }, 90_000);
});
