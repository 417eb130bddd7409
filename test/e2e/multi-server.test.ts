// Three real server processes on one PostgreSQL database, as behind a load balancer: a record
// written through one is ranked, listed and fetched through the others at once (their
// leaderboard caches are dropped by NOTIFY, not by a TTL) and, once assigned, checked through
// them; the write limit holds across all three; and kill -9 of one while it holds idea jobs
// loses and duplicates nothing (its leases lapse and the others finish the work).
import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshPostgresUrl, nativePostgresUrl } from '../helpers/db.ts';
import { startServer, type ServerProcess } from '../helpers/server-process.ts';
import { envelope, HARNESS_ID, makePayload, newSigner } from '../helpers/records.ts';

const H100 = { accelerator: 'cuda', device_name: 'NVIDIA H100 80GB HBM3', device_count: 1, memory_mb: 81559 } as const;

if (!nativePostgresUrl) {
  if (process.env.CI) throw new Error('the multi-server tests need TEST_DATABASE_URL (CI must run them)');
  console.warn('[test] TEST_DATABASE_URL is not set: the multi-server tests are skipped');
}

/** N server processes on one fresh database, started together. */
async function cluster(n: number, env: Record<string, string>) {
  const db = await freshPostgresUrl();
  // The first one migrates alone (the others would wait on the advisory lock anyway).
  const first = await startServer({ DATABASE_URL: db.url, CROSSFORK_VERIFY_THREADS: '1', ...env }, 90_000);
  const rest = await Promise.all(
    Array.from({ length: n - 1 }, () => startServer({ DATABASE_URL: db.url, CROSSFORK_VERIFY_THREADS: '1', ...env }, 90_000)),
  );
  const servers = [first, ...rest];
  const sql = postgres(db.url, { max: 2, onnotice: () => {} });
  return {
    servers,
    sql,
    async close() {
      await Promise.all(servers.map((s) => s.stop('SIGKILL')));
      await sql.end();
      await db.drop();
    },
  };
}

const post = (url: string, path: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
const getJson = async (url: string, path: string) => (await (await fetch(`${url}${path}`)).json()) as any;

/** Polls `fn` until it returns true; resolves to the milliseconds it took. */
async function within(ms: number, fn: () => Promise<boolean>): Promise<number> {
  const t0 = performance.now();
  for (;;) {
    if (await fn()) return performance.now() - t0;
    if (performance.now() - t0 > ms) throw new Error(`not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe.skipIf(!nativePostgresUrl)('three servers on one database: fresh answers through every one', () => {
  let c: Awaited<ReturnType<typeof cluster>>;
  // Read state is kept until a change is announced (no expiry): only the change feed can make it fresh.
  beforeAll(async () => {
    c = await cluster(3, { CROSSFORK_RATE_LIMIT_WRITES: '0', CROSSFORK_STALENESS_MS: '500' });
  }, 180_000);
  afterAll(async () => c?.close(), 60_000);

  it('a record written through one is ranked, listed and fetched through the others at once, then checked once assigned', async () => {
    const [a, b, d] = c.servers.map((s) => s.url);
    const alice = newSigner('alice');
    const tag = randomBytes(3).toString('hex');
    const board = (url: string) => getJson(url, `/v1/leaderboard?harness=${HARNESS_ID}`);
    // The class's leading result: its confirmed best, or (nothing confirmed yet) its best claim.
    const bestOf = async (url: string) => {
      const c = (await board(url)).classes?.[0];
      return (c?.best ?? c?.best_claim)?.id ?? null;
    };

    // Seed a board and let every server cache it.
    const first = await post(
      a,
      '/v1/records',
      envelope(makePayload({ description: `seed ${tag}`, status: 'keep', metrics: { val_bpb: 0.99 }, hardware: H100 }), alice),
    );
    expect(first.status).toBe(201);
    const seedId = ((await first.json()) as any).id;
    for (const url of [a, b, d]) await within(2000, async () => (await bestOf(url)) === seedId);

    // A better keep through b: a and d rank it, list it and serve it without waiting for their cache.
    const diff =
      '--- a/train.py\n+++ b/train.py\n@@ -40,3 +40,3 @@\n # hyperparameters\n-MATRIX_LR = 0.04\n+MATRIX_LR = 0.06\n BATCH = 8\n';
    const description = `raise MATRIX_LR from 0.04 to 0.06 ${tag}`;
    const res = await post(
      b,
      '/v1/records',
      envelope(makePayload({ description, diff, status: 'keep', metrics: { val_bpb: 0.95 }, hardware: H100 }), alice),
    );
    expect(res.status).toBe(201);
    const id = ((await res.json()) as any).id as string;
    const ranked = await Promise.all([a, d].map((url) => within(1000, async () => (await bestOf(url)) === id)));
    console.log(
      `[multi-server] ranked through the other servers ${ranked.map((ms) => `${ms.toFixed(0)} ms`).join(', ')} after the 201 (staleness bound 500 ms)`,
    );
    for (const url of [a, d]) {
      expect((await getJson(url, '/v1/records?limit=5')).records.map((r: any) => r.id)).toContain(id);
      expect((await getJson(url, `/v1/records/${id}`)).id).toBe(id);
    }

    // Once assignment has run (on whichever server leased the job), the others check it.
    let ideaId: string | null = null;
    const assignedMs = await within(30_000, async () => (ideaId = (await getJson(d, `/v1/records/${id}`)).idea_id) !== null);
    console.log(`[multi-server] assigned an idea ${assignedMs.toFixed(0)} ms later`);
    for (const url of [a, d]) {
      const checked = await post(url, '/v1/ideas/check', { description, diff, harness_id: HARNESS_ID, hardware: H100 });
      expect(checked.status).toBe(200);
      const body = (await checked.json()) as any;
      expect(body.verdict).not.toBe('novel');
      expect(body.matches.map((m: any) => m.id)).toContain(ideaId);
    }
  }, 90_000);
});

describe.skipIf(!nativePostgresUrl)('three servers on one database: one write limit', () => {
  let c: Awaited<ReturnType<typeof cluster>>;
  beforeAll(async () => {
    c = await cluster(3, { CROSSFORK_RATE_LIMIT_WRITES: '6', CROSSFORK_TRUST_PROXY: '1' });
  }, 180_000);
  afterAll(async () => c?.close(), 60_000);

  const ip = () => `198.51.100.${Math.floor(Math.random() * 250)}, 10.0.0.${Math.floor(Math.random() * 250)}`;

  it('a key gets 6 writes a minute across all three, not 6 per server', async () => {
    const urls = c.servers.map((s) => s.url);
    const alice = newSigner('alice-limit');
    const statuses: number[] = [];
    for (let i = 0; i < 9; i++) {
      const res = await post(urls[i % 3], '/v1/records', envelope(makePayload({ description: `limited ${i}` }), alice), {
        'x-forwarded-for': `203.0.113.${i}`,
      });
      statuses.push(res.status);
      if (res.status === 429) {
        expect(res.headers.get('retry-after')).toMatch(/^\d+$/);
        expect(((await res.json()) as any).detail).toMatch(/more than 6 write requests a minute from this key/);
      } else await res.arrayBuffer();
    }
    expect(statuses).toEqual([201, 201, 201, 201, 201, 201, 429, 429, 429]);
    const [{ n }] = await c.sql`SELECT count(*)::int AS n FROM records`;
    expect(n).toBe(6);
  });

  it('an IP gets 6 writes a minute across all three, whatever the keys; concurrent requests too', async () => {
    const urls = c.servers.map((s) => s.url);
    const statuses = await Promise.all(
      Array.from({ length: 24 }, (_, i) =>
        post(urls[i % 3], '/v1/records', envelope(makePayload({ description: `ip ${i}` }), newSigner(`ip${i}`)), {
          'x-forwarded-for': '192.0.2.77',
        }).then(async (r) => (await r.arrayBuffer(), r.status)),
      ),
    );
    expect(statuses.filter((s) => s === 201)).toHaveLength(6);
    expect(statuses.filter((s) => s === 429)).toHaveLength(18);
    // Another IP and key are unaffected.
    expect(
      (await post(urls[1], '/v1/records', envelope(makePayload({ description: 'other' }), newSigner('other')), { 'x-forwarded-for': ip() }))
        .status,
    ).toBe(201);
  });
});

describe.skipIf(!nativePostgresUrl)('three servers on one database: kill -9 of one mid-job', () => {
  let c: Awaited<ReturnType<typeof cluster>>;
  beforeAll(async () => {
    c = await cluster(3, { CROSSFORK_RATE_LIMIT_WRITES: '0', CROSSFORK_JOB_LEASE_S: '2' });
  }, 180_000);
  afterAll(async () => c?.close(), 60_000);

  it('loses and duplicates nothing: acknowledged records stored once, every record gets exactly one idea', async () => {
    const servers = c.servers;
    const signers = Array.from({ length: 12 }, (_, i) => newSigner(`kill${i}`));
    const tag = randomBytes(3).toString('hex');
    let n = 0;
    const batch = () =>
      Array.from({ length: 40 }, () => {
        n += 1;
        const k = n % 37;
        return envelope(
          makePayload({
            description: `kill ${tag} ${n}: MATRIX_LR 0.0${k % 9} -> 0.0${(k + 1) % 9}`,
            diff: null,
            status: n % 4 ? 'discard' : 'keep',
            metrics: { val_bpb: 1 - n / 1e5 },
          }),
          signers[n % signers.length],
        );
      });
    const acknowledged = new Set<string>();
    const alive = new Set(servers);
    /** Posts a batch to a live server, moving on to the next one when a server dies under it. */
    const deliver = async (records: ReturnType<typeof batch>, start: number) => {
      for (let attempt = 0; ; attempt++) {
        const live = [...alive];
        const server = live[(start + attempt) % live.length];
        const res = await post(server.url, '/v1/records/batch', { records }).catch(() => null);
        if (res?.status === 200) {
          for (const r of ((await res.json()) as any).results) {
            expect(['created', 'duplicate']).toContain(r.status);
            acknowledged.add(r.id);
          }
          return;
        }
        await res?.arrayBuffer();
        expect(attempt).toBeLessThan(20);
        await new Promise((r) => setTimeout(r, 50));
      }
    };

    // Keep writing through all three until one of them holds leased idea jobs; kill that one
    // with writes still in flight.
    let victim: ServerProcess | undefined;
    let held: string[] = [];
    let writes = 0;
    const writers: Promise<void>[] = [];
    for (let round = 0; !victim && round < 400; round++) {
      const records = batch();
      writers.push(deliver(records, writes++));
      if (writers.length >= 3) await writers.shift();
      const leases = await c.sql`SELECT subject, split_part(lease, ':', 2)::int AS pid FROM jobs
                                 WHERE kind = 'assign-idea' AND locked_until > now() AND lease IS NOT NULL`;
      const byPid = new Map<number, string[]>();
      for (const l of leases) byPid.set(l.pid, [...(byPid.get(l.pid) ?? []), l.subject]);
      victim = servers.find((s) => (byPid.get(s.child.pid!)?.length ?? 0) > 0);
      if (victim) {
        held = byPid.get(victim.child.pid!)!;
        victim.child.kill('SIGKILL');
        alive.delete(victim);
      }
    }
    expect(victim, 'no server was ever seen holding a lease').toBeDefined();
    await victim!.stop();
    // Writing goes on through the survivors.
    for (let i = 0; i < 5; i++) writers.push(deliver(batch(), writes++));
    await Promise.all(writers);
    console.log(`[kill -9] killed pid ${victim!.child.pid} holding ${held.length} idea jobs; ${acknowledged.size} records acknowledged`);

    // The dead server's leases lapse (2 s) and the survivors finish its jobs.
    await within(90_000, async () => (await c.sql`SELECT count(*)::int AS n FROM jobs WHERE kind = 'assign-idea'`)[0].n === 0);
    const [{ total, distinct }] = await c.sql`SELECT count(*)::int AS total, count(DISTINCT id)::int AS distinct FROM records`;
    expect(total).toBe(acknowledged.size);
    expect(distinct).toBe(total);
    const stored = new Set((await c.sql`SELECT id FROM records`).map((r) => r.id as string));
    for (const id of acknowledged) expect(stored.has(id)).toBe(true);
    // Every record has an idea, including those whose jobs the dead server held.
    expect((await c.sql`SELECT count(*)::int AS n FROM records WHERE idea_id IS NULL`)[0].n).toBe(0);
    const heldRows = await c.sql`SELECT count(*)::int AS n FROM records WHERE id = ANY(${held}) AND idea_id IS NOT NULL`;
    expect(heldRows[0].n).toBe(held.length);
    // Nothing doubled by a job that ran again: no idea without records, no record founding two.
    expect(
      (await c.sql`SELECT count(*)::int AS n FROM ideas i WHERE NOT EXISTS (SELECT 1 FROM records r WHERE r.idea_id = i.id)`)[0].n,
    ).toBe(0);
    expect((await c.sql`SELECT count(*)::int AS n FROM (SELECT founding_record_id FROM ideas GROUP BY 1 HAVING count(*) > 1) x`)[0].n).toBe(
      0,
    );
    // The survivors still answer.
    for (const s of alive) expect((await fetch(`${s.url}/healthz`)).status).toBe(200);
  }, 240_000);
});
