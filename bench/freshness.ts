// Freshness under steady ingest: records POSTed at a fixed rate (open loop) to a real server
// process; for a sample of them, the time from the acknowledgement until `check` can find them
// (the record has its idea: assignment writes the idea, its evidence and documents in one transaction).
//   npm run bench -- freshness [--rate 200] [--seconds 60] [--batch 20] [--sample 20] [--drivers postgres,pglite]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { benchDatabaseUrl } from './databases.ts';
import { startServer } from '../test/helpers/server-process.ts';
import { envelope, makePayload, newSigner } from '../test/helpers/records.ts';
import { syntheticRecordFields } from './synthetic.ts';

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
  console.log(
    `freshness bench: ${rate} records/s for ${seconds} s in batches of ${batch}; every ${sampleEvery}th record timed until it has its idea`,
  );
  const signers = Array.from({ length: 8 }, (_, i) => newSigner(`fresh${i}`));
  const envelopes = Array.from({ length: total }, (_, i) =>
    envelope(makePayload(syntheticRecordFields(i, signers.length)), signers[i % signers.length]),
  );
  const out: Record<string, unknown> = {};
  for (const driver of values.drivers!.split(',')) {
    const env: Record<string, string> =
      driver === 'postgres'
        ? { DATABASE_URL: await benchDatabaseUrl('crossfork_bench_fresh') }
        : { DATABASE_URL: '', CROSSFORK_DATA_DIR: mkdtempSync(join(tmpdir(), 'crossfork-fresh-')) };
    const server = await startServer({ ...env, LOG_LEVEL: 'warn', CROSSFORK_RATE_LIMIT_WRITES: '0' }, 60_000);
    try {
      // Warm-up (JIT, pool, first HNSW insert): one record, until it has its idea; not counted.
      const warm = envelope(makePayload({ description: 'freshness warm-up' }), signers[0]);
      const [w] = (await postBatch(server.url, [warm])).results;
      await timeUntilAssigned(server.url, w.id, performance.now());
      const latencies: number[] = [];
      const pending: Promise<void>[] = [];
      const posts: Promise<void>[] = [];
      const ackMs: number[] = [];
      const t0 = performance.now();
      let sent = 0;
      let late = 0;
      for (let start = 0; start < total; start += batch) {
        // Open loop: the i-th batch goes at i·batch/rate seconds whether or not the previous
        // ones were answered, so a slow acknowledgement does not lower the offered rate.
        const due = t0 + (start / rate) * 1000;
        const wait = due - performance.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        else if (wait < -50) late++;
        const chunk = envelopes.slice(start, start + batch);
        const posted = performance.now();
        posts.push(
          postBatch(server.url, chunk).then(({ results }) => {
            const acked = performance.now();
            ackMs.push(acked - posted);
            sent += results.filter((r) => r.status === 'created').length;
            results.forEach((r, j) => {
              if ((start + j) % sampleEvery === 0 && r.status === 'created')
                pending.push(timeUntilAssigned(server.url, r.id, acked).then((ms) => void latencies.push(ms)));
            });
          }),
        );
      }
      await Promise.all(posts);
      const sendS = (performance.now() - t0) / 1000;
      await Promise.all(pending);
      const timedOut = latencies.filter((x) => !Number.isFinite(x)).length;
      const r = {
        sent,
        achieved_rate: Math.round(sent / sendS),
        late_batches: late,
        ack_p50_ms: pct(ackMs, 0.5),
        ack_p99_ms: pct(ackMs, 0.99),
        sampled: latencies.length,
        timed_out: timedOut,
        p50_ms: pct(latencies, 0.5),
        p99_ms: pct(latencies, 0.99),
        max_ms: pct(latencies, 1),
      };
      out[driver] = r;
      console.log(
        `${driver.padEnd(9)} ${r.sent} records offered at ${rate}/s, acknowledged at ${r.achieved_rate}/s (${late} batches sent late; acknowledged p50 ${r.ack_p50_ms} ms, p99 ${r.ack_p99_ms} ms)`,
      );
      console.log(
        `${''.padEnd(9)} visible to check after the acknowledgement: p50 ${r.p50_ms} ms, p99 ${r.p99_ms} ms, max ${r.max_ms} ms over ${r.sampled} sampled records${timedOut ? ` (${timedOut} not within 120 s)` : ''}`,
      );
    } finally {
      await server.stop();
      if (env.CROSSFORK_DATA_DIR) rmSync(env.CROSSFORK_DATA_DIR, { recursive: true, force: true });
    }
  }
  console.log(JSON.stringify({ bench: 'freshness', rate, seconds, batch, results: out }));
}

async function postBatch(url: string, records: unknown[]) {
  const res = await fetch(`${url}/v1/records/batch`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ records }),
  });
  if (res.status !== 200) throw new Error(`batch answered ${res.status}: ${await res.text()}`);
  return (await res.json()) as { results: { id: string; status: string }[] };
}

/** The q-quantile (nearest rank), rounded to the millisecond; Infinity stays Infinity. */
function pct(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? Math.round(s[Math.min(s.length - 1, Math.floor(q * s.length))]) : NaN;
}

/** Milliseconds from `since` until the record's idea is set (polled every 100 ms, so up to 100 ms high; up to 120 s). */
async function timeUntilAssigned(url: string, id: string, since: number): Promise<number> {
  for (;;) {
    const res = await fetch(`${url}/v1/records/${id}`);
    const body = (await res.json()) as { idea_id: string | null };
    if (body.idea_id) return performance.now() - since;
    if (performance.now() - since > 120_000) return Infinity;
    await new Promise((r) => setTimeout(r, 100));
  }
}
