// Load benchmark: D seconds of mixed traffic (ingest, check, leaderboard, lists, ideas, pages)
// from C concurrent clients against N real server processes on one native PostgreSQL (client i
// talks to server i mod N). For each N: throughput, p50 / p99 per endpoint, errors (target 0),
// each server's peak RSS and where the CPU went (servers, PostgreSQL, this client), beside a
// baseline measured in the same run: the same clients on GET /healthz alone.
//   npm run bench -- load [--seconds 60] [--concurrency 16] [--seed-records 5000] [--processes 2] [--sql-profile] [--per-endpoint 5]
// --per-endpoint S then drives each endpoint alone for S seconds and prints its CPU per request
// (servers and PostgreSQL; for writes, until every idea is assigned, so background work counts).
// --sql-profile prints PostgreSQL's top statements over the mixed window (pg_stat_statements);
// BENCH_SERVER_NODE_ARGS="--cpu-prof --cpu-prof-dir=DIR" writes the servers' V8 profiles
// (read them with `npx tsx bench/profile/cpu-top.ts DIR --last <seconds>`).
// `--processes 2` runs N = 1, then N = 2 (a list such as `1,2,4` runs exactly those).
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { benchDatabaseUrl } from './databases.ts';
import { startServer, type ServerProcess } from '../test/helpers/server-process.ts';
import { envelope, HARNESS_ID, makePayload, newSigner } from '../test/helpers/records.ts';
import { parsePublicKey } from '../server/protocol/ssh-keys.ts';
import { syntheticExperiment, syntheticRecordFields } from './synthetic.ts';
import { waitForIdeas } from './idea-queue.ts';
import { measureCpu, type CpuSplit } from './cpu-split.ts';
import { sqlProfile } from './profile/sql-top.ts';

interface Op {
  name: string;
  weight: number;
  run(url: string): Promise<Response>;
}
interface Endpoint {
  name: string;
  count: number;
  p50: number | null;
  p99: number | null;
  errors: number;
}
interface Result {
  processes: number;
  baseline_rps: number;
  rps: number;
  errors: number;
  peak_rss_mb: (number | null)[];
  cpu_s: CpuSplit | null;
  event_loop_ms: { p50: number | null; p99: number | null }[];
  endpoints: Endpoint[];
}

export async function run(argv: string[]) {
  const { values } = parseArgs({
    args: argv,
    options: {
      seconds: { type: 'string', default: '60' },
      concurrency: { type: 'string', default: '16' },
      'seed-records': { type: 'string', default: '5000' },
      processes: { type: 'string', default: '1' },
      'sql-profile': { type: 'boolean', default: false },
      'per-endpoint': { type: 'string' },
    },
  });
  const seconds = Number(values.seconds);
  const concurrency = Number(values.concurrency);
  const seedN = Number(values['seed-records']);
  const counts = processCounts(values.processes!);

  const signers = Array.from({ length: 16 }, (_, i) => newSigner(`load${i}`));
  const callers = signers.map((s) => parsePublicKey(s.publicKey).fingerprint);
  let counter = 0;
  // Each record its own experiment: its change (diff), the train.py it started from and its fork,
  // so the store holds many ideas and a few replication groups, as a hub does.
  const record = () => {
    const i = counter++;
    return envelope(makePayload(syntheticRecordFields(i, signers.length)), signers[i % signers.length]);
  };
  console.log(`load: signing ${seedN} seed records and a pool for ${counts.length} × ${seconds} s of ingest…`);
  const seed = Array.from({ length: seedN }, record);
  const pool = Array.from({ length: Math.max(20_000, seconds * 400) * counts.length }, record);

  const results: Result[] = [];
  for (const n of counts) {
    let poolNext = 0;
    const take = (k: number) => {
      const out = pool.slice(poolNext, poolNext + k);
      poolNext += k;
      return out.length === k ? out : Array.from({ length: k }, record);
    };
    // Each N on a fresh database with the same seed, so the runs compare.
    const databaseUrl = await benchDatabaseUrl('crossfork_bench_load');
    const env = { DATABASE_URL: databaseUrl, LOG_LEVEL: 'warn', CROSSFORK_RATE_LIMIT_WRITES: '0' };
    const servers: ServerProcess[] = [await startServer(env, 60_000)];
    servers.push(...(await Promise.all(Array.from({ length: n - 1 }, () => startServer(env, 60_000)))));
    try {
      const first = servers[0].url;
      for (let i = 0; i < seed.length; i += 500) await post(first, '/v1/records/batch', { records: seed.slice(i, i + 500) });
      await waitForIdeas(first);
      const someId = ((await (await fetch(`${first}/v1/records?limit=1`)).json()) as any).records[0].id as string;
      const ideaId = ((await (await fetch(`${first}/v1/ideas?limit=1`)).json()) as any).ideas[0]?.id as string;
      const web = (await fetch(`${first}/`)).headers.get('content-type')?.includes('text/html') ?? false;
      const ops = mixedOps(take, someId, ideaId, web, callers);

      const urls = servers.map((s) => s.url);
      const baseline = await drive(
        urls,
        [{ name: 'GET /healthz', weight: 1, run: (u) => fetch(`${u}/healthz`) }],
        Math.min(10, seconds),
        concurrency,
      );
      const sqlTop = values['sql-profile'] ? await sqlProfile(databaseUrl) : null;
      await Promise.all(urls.map(eventLoopDelay)); // a scrape resets the servers' delay histograms
      const cpu = measureCpu(servers.map((s) => s.child.pid!));
      const mixed = await drive(urls, ops, seconds, concurrency);
      const cpuS = cpu();
      const rss = servers.map(peakRssMb);
      const loops = await Promise.all(urls.map(eventLoopDelay));

      printRun(n, seconds, baseline, mixed, cpuS, rss);
      console.log(
        `event loop delay over the mix (each server's main thread: what a request waits before it runs): ${loops.map((l) => `p50 ${l.p50} ms, p99 ${l.p99} ms`).join('; ')}`,
      );
      await sqlTop?.print();
      let ingested = 0;
      for (const u of urls)
        ingested += Number(((await (await fetch(`${u}/metrics`)).text()).match(/^crossfork_records_ingested_total (\S+)/m) ?? [])[1] ?? 0);
      console.log(`  records ingested (from /metrics, all servers): ${ingested}`);
      if (values['per-endpoint']) await perEndpoint(servers, ops, Number(values['per-endpoint']), concurrency);
      results.push({
        processes: n,
        baseline_rps: Math.round(baseline.rps),
        rps: Math.round(mixed.rps),
        errors: mixed.errors,
        peak_rss_mb: rss,
        cpu_s: cpuS,
        event_loop_ms: loops,
        endpoints: mixed.byOp,
      });
    } finally {
      await Promise.all(servers.map((s) => s.stop()));
    }
  }

  if (results.length > 1) {
    console.log(`\n== by process count (req/s; p50 / p99 ms) ==`);
    console.log(`  ${'endpoint'.padEnd(32)} ${results.map((r) => `N=${r.processes}`.padStart(16)).join('')}`);
    console.log(`  ${'all (req/s)'.padEnd(32)} ${results.map((r) => String(r.rps).padStart(16)).join('')}`);
    for (const [i, e] of results[0].endpoints.entries())
      console.log(`  ${e.name.padEnd(32)} ${results.map((r) => `${r.endpoints[i].p50} / ${r.endpoints[i].p99}`.padStart(16)).join('')}`);
  }
  console.log(JSON.stringify({ bench: 'load', seconds, concurrency, runs: results }));
  if (results.some((r) => r.errors)) process.exitCode = 1;
}

/** The mixed traffic: writes (single and batched), checks, boards, lists, idea pages and the web page, by weight. */
function mixedOps(take: (k: number) => unknown[], someId: string, ideaId: string, web: boolean, callers: string[]): Op[] {
  let q = 0;
  return [
    { name: 'POST /v1/records/batch (10)', weight: 10, run: (u) => post(u, '/v1/records/batch', { records: take(10) }) },
    { name: 'POST /v1/records', weight: 10, run: (u) => post(u, '/v1/records', take(1)[0]) },
    {
      name: 'POST /v1/ideas/check',
      weight: 30,
      run: (u) => {
        const e = syntheticExperiment(5_000_000 + q);
        // As `crossfork check` asks: with the caller's key (one of the publishing forks).
        const key_fingerprint = callers[q++ % callers.length];
        return post(u, '/v1/ideas/check', { description: e.description, hardware: e.hardware, harness_id: HARNESS_ID, key_fingerprint });
      },
    },
    { name: 'GET /v1/leaderboard', weight: 15, run: (u) => fetch(`${u}/v1/leaderboard?harness=${HARNESS_ID}`) },
    { name: 'GET /v1/records', weight: 10, run: (u) => fetch(`${u}/v1/records?limit=50`) },
    { name: 'GET /v1/records/{id}', weight: 5, run: (u) => fetch(`${u}/v1/records/${someId}`) },
    {
      name: 'GET /v1/ideas?q=',
      weight: 5,
      run: (u) => fetch(`${u}/v1/ideas?q=${encodeURIComponent('raise the matrix learning rate')}`),
    },
    { name: 'GET /v1/ideas/{id}', weight: 5, run: (u) => fetch(`${u}/v1/ideas/${ideaId}`) },
    {
      name: 'GET /v1/known-bad (md)',
      weight: 5,
      run: (u) => fetch(`${u}/v1/known-bad?harness=${HARNESS_ID}`, { headers: { accept: 'text/markdown' } }),
    },
    ...(web ? [{ name: 'GET / (page)', weight: 5, run: (u: string) => fetch(`${u}/`) }] : []),
  ];
}

/** One process count's figures: the baseline, the mix, where the CPU went and each endpoint. */
function printRun(
  n: number,
  seconds: number,
  baseline: Awaited<ReturnType<typeof drive>>,
  mixed: Awaited<ReturnType<typeof drive>>,
  cpuS: CpuSplit | null,
  rss: (number | null)[],
) {
  console.log(`\n== ${n} server process${n > 1 ? 'es' : ''} ==`);
  console.log(`baseline GET /healthz: ${baseline.rps.toFixed(0)} req/s, p50 ${baseline.byOp[0].p50} ms, p99 ${baseline.byOp[0].p99} ms`);
  console.log(
    `mixed: ${mixed.total} requests in ${seconds} s = ${mixed.rps.toFixed(0)} req/s (${(mixed.rps / baseline.rps).toFixed(2)}× the healthz baseline), errors ${mixed.errors}, peak RSS ${rss.map((r) => r ?? '?').join(' + ')} MB`,
  );
  if (cpuS)
    console.log(
      `CPU over the mixed run (${seconds} s wall): servers ${cpuS.servers} s, PostgreSQL ${cpuS.postgres} s, bench client ${cpuS.bench} s`,
    );
  console.log('  endpoint                          count    p50 ms   p99 ms  errors');
  for (const o of mixed.byOp)
    console.log(
      `  ${o.name.padEnd(32)} ${String(o.count).padStart(6)}  ${String(o.p50).padStart(7)}  ${String(o.p99).padStart(7)}  ${String(o.errors).padStart(6)}`,
    );
}

/** `2` → [1, 2]; `1,2,4` → [1, 2, 4]. */
function processCounts(spec: string): number[] {
  const list = spec.split(',').map((s) => Number(s.trim()));
  if (list.some((n) => !Number.isInteger(n) || n < 1 || n > 16))
    throw new Error(`--processes takes N (1–16) or a list such as 1,2, got "${spec}"`);
  return list.length === 1 && list[0] > 1 ? [1, list[0]] : list;
}

async function post(url: string, path: string, body: unknown): Promise<Response> {
  return fetch(`${url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
}

/** C clients for D seconds, client i on urls[i mod N], each picking the next op of a fixed weighted mix. */
async function drive(urls: string[], ops: Op[], seconds: number, concurrency: number) {
  const total = ops.reduce((s, o) => s + o.weight, 0);
  const lat = new Map(ops.map((o) => [o.name, [] as number[]]));
  const errs = new Map(ops.map((o) => [o.name, 0]));
  let i = 0;
  const pick = () => {
    // Deterministic weighted round robin: the mix is the same every run.
    let x = (i++ * 7919) % total;
    for (const o of ops) if ((x -= o.weight) < 0) return o;
    return ops[0];
  };
  const end = performance.now() + seconds * 1000;
  await Promise.all(
    Array.from({ length: concurrency }, async (_, client) => {
      const url = urls[client % urls.length];
      while (performance.now() < end) {
        const op = pick();
        const s = performance.now();
        try {
          const res = await op.run(url);
          await res.arrayBuffer();
          if (!res.ok) errs.set(op.name, errs.get(op.name)! + 1);
        } catch {
          errs.set(op.name, errs.get(op.name)! + 1);
        }
        lat.get(op.name)!.push(performance.now() - s);
      }
    }),
  );
  const byOp: Endpoint[] = ops.map((o) => {
    const xs = lat.get(o.name)!.sort((a, b) => a - b);
    const at = (p: number) => (xs.length ? Number(xs[Math.min(xs.length - 1, Math.floor(p * xs.length))].toFixed(1)) : null);
    return { name: o.name, count: xs.length, p50: at(0.5), p99: at(0.99), errors: errs.get(o.name)! };
  });
  const count = byOp.reduce((s, o) => s + o.count, 0);
  return { total: count, rps: count / seconds, errors: byOp.reduce((s, o) => s + o.errors, 0), byOp };
}

/** Each endpoint alone for `seconds`: requests, and CPU milliseconds per request in the servers and PostgreSQL. */
async function perEndpoint(servers: ServerProcess[], ops: Op[], seconds: number, concurrency: number) {
  const urls = servers.map((s) => s.url);
  console.log(`  each endpoint alone for ${seconds} s (CPU per request; writes until their ideas are assigned):`);
  console.log('  endpoint                          req/s  server ms  PostgreSQL ms');
  for (const op of ops) {
    const cpu = measureCpu(servers.map((s) => s.child.pid!));
    const r = await drive(urls, [op], seconds, concurrency);
    if (op.name.startsWith('POST /v1/records')) await waitForIdeas(urls[0]);
    const c = cpu();
    const per = (x: number | undefined) => (c && r.total ? ((1000 * x!) / r.total).toFixed(2) : '?');
    console.log(
      `  ${op.name.padEnd(32)} ${r.rps.toFixed(0).padStart(6)}  ${per(c?.servers).padStart(9)}  ${per(c?.postgres).padStart(13)}`,
    );
  }
}

/** The main thread's event loop delay since the last scrape, from the server's /metrics (prom-client resets it per scrape). */
async function eventLoopDelay(url: string): Promise<{ p50: number | null; p99: number | null }> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const ms = (name: string) => {
    const v = new RegExp(`^crossfork_nodejs_eventloop_lag_${name}_seconds (\\S+)`, 'm').exec(text)?.[1];
    return v === undefined ? null : Number((Number(v) * 1000).toFixed(1));
  };
  return { p50: ms('p50'), p99: ms('p99') };
}

/** A server process's peak resident set (VmHWM), Linux only. */
function peakRssMb(server: ServerProcess): number | null {
  try {
    const kb = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${server.child.pid}/status`, 'utf8'))?.[1];
    return kb ? Math.round(Number(kb) / 1024) : null;
  } catch {
    return null;
  }
}
