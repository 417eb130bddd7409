// Ingest benchmark: N pre-signed records POSTed in batches over HTTP to a real server process,
// on native PostgreSQL and on PGlite, against node:crypto's single-core Ed25519 verify rate
// measured in the same run, and where the CPU went until the last acknowledgement (server, PostgreSQL, client).
//   npm run bench -- ingest [--records 20000] [--batch 500] [--concurrency 4] [--drivers postgres,pglite,postgres-inline] [--sql-profile]
// --sql-profile prints PostgreSQL's top statements over ingest and assignment (pg_stat_statements).
// `postgres-inline` is the native run with batch verification on the main thread (no workers).
import { generateKeyPairSync, sign as edSign, verify as edVerify } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { benchDatabaseUrl } from './databases.ts';
import { waitForIdeas } from './idea-queue.ts';
import { measureCpu, type CpuSplit } from './cpu-split.ts';
import { sqlProfile } from './profile/sql-top.ts';
import { syntheticRecordFields } from './synthetic.ts';
import { startServer } from '../test/helpers/server-process.ts';
import { envelope, makePayload, newSigner } from '../test/helpers/records.ts';
import { canonicalBytes } from '../server/protocol/canonical.ts';
import { verifySshsig } from '../server/protocol/sshsig.ts';

export async function run(argv: string[]) {
  const { values } = parseArgs({
    args: argv,
    options: {
      records: { type: 'string', default: '20000' },
      batch: { type: 'string', default: '500' },
      concurrency: { type: 'string', default: '4' },
      drivers: { type: 'string', default: 'postgres,pglite,postgres-inline' },
      'sql-profile': { type: 'boolean', default: false },
    },
  });
  const n = Number(values.records);
  const batch = Number(values.batch);
  const concurrency = Number(values.concurrency);

  console.log(`ingest bench: ${n} records, batches of ${batch}, ${concurrency} in flight`);
  const verifyRaw = ed25519VerifyRate();
  console.log(`baseline  node:crypto Ed25519 verify, one core, 2 KB message: ${fmt(verifyRaw)} /s`);

  console.log('signing records…');
  const signers = Array.from({ length: 8 }, (_, i) => newSigner(`bench${i}`));
  // Each record its own experiment (its change as a diff, the train.py it started from, its fork):
  // many ideas and a few replication groups, as a hub's imports hold.
  const envelopes = Array.from({ length: n }, (_, i) =>
    envelope(makePayload(syntheticRecordFields(i, signers.length)), signers[i % signers.length]),
  );
  const sshsigRate = sshsigVerifyRate(envelopes.slice(0, 2000));
  console.log(`baseline  verifySshsig (parse + canonical bytes + verify), one core: ${fmt(sshsigRate)} /s`);

  const results: Record<string, number> = {};
  const assigned: Record<string, number | null> = {};
  const backlogs: Record<string, number | null> = {};
  const cpuSplits: Record<string, CpuSplit> = {};
  for (const driver of values.drivers!.split(',')) {
    const env: Record<string, string> = driver.startsWith('postgres')
      ? {
          DATABASE_URL: await benchDatabaseUrl('crossfork_bench'),
          ...(driver === 'postgres-inline' ? { CROSSFORK_VERIFY_THREADS: '0' } : {}),
        }
      : { DATABASE_URL: '', CROSSFORK_DATA_DIR: mkdtempSync(join(tmpdir(), 'crossfork-bench-')) };
    const server = await startServer({ ...env, LOG_LEVEL: 'warn' }, 60_000);
    try {
      const chunks: string[] = [];
      for (let i = 0; i < n; i += batch) chunks.push(JSON.stringify({ records: envelopes.slice(i, i + batch) }));
      // Warm-up: one small batch (JIT, connection pool), not counted and not part of the N.
      await postBatch(server.url, JSON.stringify({ records: [envelope(makePayload(), signers[0])] }));
      const sqlTop = values['sql-profile'] && env.DATABASE_URL ? await sqlProfile(env.DATABASE_URL) : null;
      const cpu = measureCpu([server.child.pid!]);
      const t0 = performance.now();
      let created = 0;
      let next = 0;
      await Promise.all(
        Array.from({ length: concurrency }, async () => {
          while (next < chunks.length) {
            const body = chunks[next++];
            const res = await postBatch(server.url, body);
            created += res.results.filter((r: { status: string }) => r.status === 'created').length;
          }
        }),
      );
      const secs = (performance.now() - t0) / 1000;
      const split = cpu();
      if (split) cpuSplits[driver] = split;
      if (created !== n) throw new Error(`${driver}: ${created} of ${n} records created`);
      results[driver] = n / secs;
      console.log(
        `${driver.padEnd(16)} ${fmt(n / secs)} records/s acknowledged (${n} in ${secs.toFixed(1)} s) = ${(n / secs / verifyRaw).toFixed(2)}× the verify rate`,
      );
      if (split)
        console.log(
          `${''.padEnd(16)} CPU until the last acknowledgement: server ${split.servers.toFixed(1)} s, PostgreSQL ${split.postgres.toFixed(1)} s, this client ${split.bench.toFixed(1)} s (${secs.toFixed(1)} s × ${availableParallelism()} cores)`,
        );
      // Idea assignment yields to writes, so it catches up after the burst: how long it takes,
      // and how fast it drained what was left at the last acknowledgement.
      const backlog = await queueDepth(server.url);
      const caughtUp = await waitForIdeas(server.url, 600);
      assigned[driver] = caughtUp;
      backlogs[driver] = backlog;
      const drain =
        caughtUp && backlog ? ` (${backlog} left at the last acknowledgement, drained at ${fmt(backlog / caughtUp)} records/s)` : '';
      console.log(
        `${''.padEnd(16)} every record had its idea ${caughtUp === null ? 'not within 600 s' : `${caughtUp.toFixed(1)} s after the last acknowledgement${drain}`}`,
      );
      await sqlTop?.print();
    } finally {
      await server.stop();
      if (env.CROSSFORK_DATA_DIR) rmSync(env.CROSSFORK_DATA_DIR, { recursive: true, force: true });
    }
  }
  console.log(
    JSON.stringify({
      bench: 'ingest',
      records: n,
      batch,
      concurrency,
      ed25519_verify_per_s: Math.round(verifyRaw),
      sshsig_verify_per_s: Math.round(sshsigRate),
      records_per_s: mapRound(results),
      ideas_assigned_after_s: assigned,
      cpu_s_until_last_ack: cpuSplits,
      backlog_at_last_ack: backlogs,
    }),
  );
}

/** Jobs in the assign-idea queue (one per record), from /metrics. */
async function queueDepth(url: string): Promise<number | null> {
  const m = (await (await fetch(`${url}/metrics`)).text()).match(/^crossfork_job_queue_depth\{kind="assign-idea"\} (\S+)/m);
  return m ? Number(m[1]) : null;
}

async function postBatch(url: string, body: string) {
  const res = await fetch(`${url}/v1/records/batch`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  if (res.status !== 200) throw new Error(`batch answered ${res.status}: ${await res.text()}`);
  return (await res.json()) as { results: { status: string }[] };
}

function ed25519VerifyRate(): number {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const msg = Buffer.alloc(2048, 7);
  const sig = edSign(null, msg, privateKey);
  return rate(() => edVerify(null, msg, publicKey, sig));
}

function sshsigVerifyRate(envs: { payload: unknown; signature: string; public_key: string }[]): number {
  let i = 0;
  return rate(() => {
    const e = envs[i++ % envs.length];
    verifySshsig(canonicalBytes(e.payload), e.signature, e.public_key);
  });
}

function rate(fn: () => void, ms = 1500): number {
  for (let i = 0; i < 200; i++) fn();
  let count = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < ms) {
    for (let i = 0; i < 100; i++) fn();
    count += 100;
  }
  return count / ((performance.now() - t0) / 1000);
}

const fmt = (x: number) => Math.round(x).toLocaleString('en-US');
const mapRound = (o: Record<string, number>) => Object.fromEntries(Object.entries(o).map(([k, v]) => [k, Math.round(v)]));
