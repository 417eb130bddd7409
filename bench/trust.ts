// `npm run bench -- trust [--records 100000] [--replicated 0.1] [--sigma 0.003] [--drivers postgres,pglite]`:
// seeds N signed records straight into `records` (a share of them in replication groups of three,
// val_bpb drawn with a known σ), then times what trust costs: the noise snapshot (the index-only
// group-by and the estimate), a cold leaderboard, the replication queue, one record view.
import { performance } from 'node:perf_hooks';
import { sql } from 'drizzle-orm';
import { openDatabase, type Database } from '../server/db/client.ts';
import { createServices } from '../server/services/container.ts';
import { benchDatabaseUrl } from './databases.ts';

const arg = (args: string[], name: string, fallback: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};
const HARNESS = 'b'.repeat(64);
const CLASSES = ['H100 80GB', 'A100 80GB', 'RTX 4090 24GB', 'Apple M4 Max'];

async function seed(db: Database, n: number, replicated: number, sigma: number) {
  const grouped = Math.floor((n * replicated) / 3) * 3;
  await db.db.execute(sql`SELECT setseed(0.42)`);
  // Records 0 … grouped−1 come in threes (one train.py each, three keys); the rest are singletons.
  await db.db.execute(sql`
    INSERT INTO records (id, payload, signature, public_key, key_fingerprint, signed, harness_id, harness_name, harness_key,
                         hardware_class, hardware_family, accelerator_kind, status, description, val_bpb, parent_val_bpb,
                         delta_val_bpb, fork_id, created_at, replication_key, replicates)
    SELECT md5(i::text) || md5((i + 1)::text),
           '{"commit":null,"hardware":{"device_name":"bench"}}', 'sig', 'key', 'SHA256:k' || (i % 3)::text, true,
           ${HARNESS}, 'bench', ${HARNESS},
           (ARRAY[${sql.join(
             CLASSES.map((c) => sql`${c}`),
             sql`, `,
           )}])[1 + ((i / 3) % ${CLASSES.length})],
           CASE WHEN (i / 3) % ${CLASSES.length} < 2 THEN 'NVIDIA datacenter 40–80GB' WHEN (i / 3) % ${CLASSES.length} = 2 THEN 'NVIDIA consumer 20–24GB' ELSE 'Apple M-series' END,
           'cuda', CASE WHEN i % 5 = 0 THEN 'keep' ELSE 'discard' END, 'bench ' || i,
           v, 1.0, v - 1.0, 'fork-' || (i % 97)::text, now() - make_interval(secs => i),
           CASE WHEN i < ${grouped} THEN 's:' || md5('p' || (i / 3)::text) ELSE 's:' || md5('single' || i::text) END, NULL
    FROM (SELECT i, 0.98 + 0.01 * ((i / 3) % 5) + CASE WHEN i < ${grouped} THEN ${sigma} * sqrt(-2 * ln(1 - random())) * cos(2 * pi() * random()) ELSE 0.02 * random() END AS v
          FROM generate_series(0, ${n - 1}) i) s`);
  await db.db.execute(
    sql`UPDATE records SET replicated = true WHERE replication_key IN (SELECT replication_key FROM records GROUP BY 1 HAVING count(*) > 1)`,
  );
  await db.db.execute(sql`VACUUM ANALYZE records`);
  return grouped;
}

const time = async <T>(f: () => Promise<T>) => {
  const t0 = performance.now();
  const value = await f();
  return { ms: performance.now() - t0, value };
};

export async function run(args: string[]) {
  const n = Number(arg(args, 'records', '100000'));
  const replicated = Number(arg(args, 'replicated', '0.1'));
  const sigma = Number(arg(args, 'sigma', '0.003'));
  const drivers = arg(args, 'drivers', 'postgres').split(',');
  for (const driver of drivers) {
    const db =
      driver === 'pglite'
        ? await openDatabase({ dataDir: 'memory://' })
        : await openDatabase({ url: await benchDatabaseUrl('crossfork_bench_trust'), maxConnections: 4 });
    const seeding = await time(() => seed(db, n, replicated, sigma));
    const s = createServices({ database: db });
    const snap = await time(() => s.noise.snapshot(HARNESS));
    const again = await time(() => s.noise.snapshot(HARNESS));
    s.noise.invalidate();
    const board = await time(() => s.leaderboard.get(HARNESS));
    const queue = await time(() => s.replication.queue({ harnessId: HARNESS, limit: 20 }));
    const [one] = await s.repos.records.list({ limit: 1 });
    const view = await time(() => s.records.get(one.id));
    const h100 = snap.value.noise.classes.get('H100 80GB')!;
    console.log(
      `${driver}: ${n.toLocaleString('en-US')} records, ${seeding.value.toLocaleString('en-US')} in groups of 3 (seeded in ${(seeding.ms / 1000).toFixed(1)} s)`,
    );
    console.log(`  noise snapshot (group-by + estimate): ${snap.ms.toFixed(0)} ms cold, ${again.ms.toFixed(2)} ms cached`);
    console.log(`  H100 σ ${h100.sigma.toFixed(5)} (drawn with ${sigma}), ${h100.replications} replications, source ${h100.source}`);
    console.log(
      `  leaderboard (cold, fresh snapshot): ${board.ms.toFixed(0)} ms; ${board.value.classes.filter((c) => c.best?.confirmed).length}/${board.value.classes.length} classes with a confirmed best`,
    );
    console.log(
      `  replication queue: ${queue.ms.toFixed(0)} ms (${queue.value.items.length} items); one record view: ${view.ms.toFixed(1)} ms`,
    );
    await s.stop();
    await db.close();
  }
}
