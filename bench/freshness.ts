// Freshness under steady ingest: records POSTed at a fixed rate to a real server process; for a
// sample of them, the time from the acknowledgement until `check` can find them (the record has
// its idea: assignment writes the idea, its evidence and documents in one transaction).
//   npm run bench -- freshness [--rate 200] [--seconds 60] [--batch 20] [--sample 20] [--drivers postgres,pglite]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { benchDatabaseUrl } from './databases.ts';
import { startServer } from '../test/helpers/server-process.ts';
import { envelope, makePayload, newSigner } from '../test/helpers/records.ts';
import { syntheticExperiment } from './synthetic.ts';

export async function run(argv: string[]) {
  const { values } = parseArgs({
    args: argv,
    options: {
      rate: { type: 'string', default: '200' },
      seconds: { type: 'string', default: '60' },
      batch: { type: 'string', default: '20' },
      sample: { type: 'string', default: '20' },
      drivers: { type: 'string', default: 'postgres,pglite' },
    },
  });
  const rate = Number(values.rate);
  const seconds = Number(values.seconds);
  const batch = Number(values.batch);
  const sampleEvery = Number(values.sample);
  const total = Math.round(rate * seconds);
  console.log(`freshness bench: ${rate} records/s for ${seconds} s in batches of ${batch}; every ${sampleEvery}th record timed until it has its idea`);
  const signers = Array.from({ length: 8 }, (_, i) => newSigner(`fresh${i}`));
  const envelopes = Array.from({ length: total }, (_, i) => {
    const e = syntheticExperiment(i);
    return envelope(makePayload({ description: e.description, diff: null, status: e.status, metrics: { val_bpb: e.valBpb }, hardware: { ...e.hardware, driver: null, runtime: null } }), signers[i % signers.length]);
  });
  const out: Record<string, unknown> = {};
  for (const driver of values.drivers!.split(',')) {
    const env: Record<string, string> =
      driver === 'postgres'
        ? { DATABASE_URL: await benchDatabaseUrl('crossfork_bench_fresh') }
        : { DATABASE_URL: '', CROSSFORK_DATA_DIR: mkdtempSync(join(tmpdir(), 'crossfork-fresh-')) };
    const server = await startServer({ ...env, LOG_LEVEL: 'warn', CROSSFORK_RATE_LIMIT_WRITES: '0' }, 60_000);
    try {
      const latencies: number[] = [];
      const pending: Promise<void>[] = [];
      const t0 = performance.now();
      let sent = 0;
      let late = 0;
      for (let start = 0; start < total; start += batch) {
        // Pace the batches: the i-th is due at i·batch/rate seconds.
        const due = t0 + (start / rate) * 1000;
        const wait = due - performance.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        else late++;
        const chunk = envelopes.slice(start, start + batch);
        const res = await fetch(`${server.url}/v1/records/batch`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ records: chunk }) });
        if (res.status !== 200) throw new Error(`batch answered ${res.status}`);
        const acked = performance.now();
        const results = ((await res.json()) as { results: { id: string; status: string }[] }).results;
        sent += results.filter((r) => r.status === 'created').length;
        results.forEach((r, j) => {
          if ((start + j) % sampleEvery === 0 && r.status === 'created') pending.push(timeUntilAssigned(server.url, r.id, acked).then((ms) => void latencies.push(ms)));
        });
      }
      const sendS = (performance.now() - t0) / 1000;
      await Promise.all(pending);
      const p = (q: number) => {
        const s = [...latencies].sort((a, b) => a - b);
        return Math.round(s[Math.min(s.length - 1, Math.floor(q * s.length))]);
      };
      const r = { sent, achieved_rate: Math.round(sent / sendS), late_batches: late, sampled: latencies.length, p50_ms: p(0.5), p99_ms: p(0.99), max_ms: p(1) };
      out[driver] = r;
      console.log(`${driver.padEnd(9)} ${r.sent} records at ${r.achieved_rate}/s (${late} batches late): visible to check p50 ${r.p50_ms} ms, p99 ${r.p99_ms} ms, max ${r.max_ms} ms over ${r.sampled} sampled records`);
    } finally {
      await server.stop();
      if (env.CROSSFORK_DATA_DIR) rmSync(env.CROSSFORK_DATA_DIR, { recursive: true, force: true });
    }
  }
  console.log(JSON.stringify({ bench: 'freshness', rate, seconds, batch, results: out }));
}

/** Milliseconds from `since` until the record's idea is set (polled every 100 ms, up to 120 s). */
async function timeUntilAssigned(url: string, id: string, since: number): Promise<number> {
  for (;;) {
    const res = await fetch(`${url}/v1/records/${id}`);
    const body = (await res.json()) as { idea_id: string | null };
    if (body.idea_id) return performance.now() - since;
    if (performance.now() - since > 120_000) return Infinity;
    await new Promise((r) => setTimeout(r, 100));
  }
}
