// Export benchmark: GET /v1/export of N records from a real server process on native PostgreSQL,
// its time and the server's peak RSS (VmHWM), at each size in --records (memory must stay flat).
//   npm run bench -- export [--records 10000,100000]
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { benchDatabaseUrl } from './databases.ts';
import { startServer } from '../test/helpers/server-process.ts';
import { envelope, makePayload, newSigner } from '../test/helpers/records.ts';
import { canonicalJson, contentId } from '../server/protocol/canonical.ts';
import { describeHardware } from '../server/protocol/hardware-class.ts';
import { hardwareProximity } from '../server/protocol/hardware-family.ts';
import { recordFacts } from '../server/protocol/record-facts.ts';
import { parsePublicKey } from '../server/protocol/ssh-keys.ts';
import { openDatabase, type Database } from '../server/db/client.ts';
import { records } from '../server/db/schema/records.ts';
import type { RecordPayload } from '../server/protocol/record.schema.ts';

const DEVICES = [
  { accelerator: 'cuda', device_name: 'NVIDIA H100 80GB HBM3', device_count: 1, memory_mb: 81559, driver: '550', runtime: 'CUDA 12.4' },
  { accelerator: 'cuda', device_name: 'NVIDIA GeForce RTX 4090', device_count: 1, memory_mb: 24564, driver: '550', runtime: 'CUDA 12.4' },
  { accelerator: 'cuda', device_name: 'NVIDIA A100-SXM4-80GB', device_count: 1, memory_mb: 81920, driver: '550', runtime: 'CUDA 12.4' },
] as const;

type Signer = ReturnType<typeof newSigner>;

export async function run(argv: string[]) {
  const { values } = parseArgs({ args: argv, options: { records: { type: 'string', default: '10000,100000' } } });
  const sizes = values.records!.split(',').map(Number);
  const url = await benchDatabaseUrl('crossfork_bench_export');
  const database = await openDatabase({ url, maxConnections: 4 });
  const signers = Array.from({ length: 8 }, (_, i) => newSigner(`bench${i}`));
  const fingerprints = signers.map((s) => parsePublicKey(s.publicKey).fingerprint);
  let stored = 0;
  const out: Record<string, unknown>[] = [];
  try {
    for (const n of sizes) {
      const t0 = performance.now();
      stored = await seedRecords(database, { signers, fingerprints }, stored, n);
      console.log(`seeded ${n} records in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
      out.push(await measureExport(url, n));
    }
  } finally {
    await database.close();
  }
  console.log(JSON.stringify({ bench: 'export', driver: 'postgres', runs: out }));
}

/** Signed records straight into the table (the export reads what ingest stores), in batches, up to `n`; returns `n`. */
async function seedRecords(
  database: Database,
  { signers, fingerprints }: { signers: Signer[]; fingerprints: string[] },
  from: number,
  n: number,
): Promise<number> {
  let stored = from;
  while (stored < n) {
    const rows = [];
    for (let j = 0; j < 1000 && stored < n; j++, stored++) {
      const k = stored % signers.length;
      const payload = makePayload({
        description: `bench experiment ${stored}: raise MATRIX_LR to 0.0${(stored % 9) + 1}`,
        hardware: DEVICES[stored % DEVICES.length],
        metrics: { val_bpb: 0.95 + (stored % 1000) / 10_000 },
      }) as RecordPayload;
      const env = envelope(payload, signers[k]);
      const hw = describeHardware(payload.hardware);
      const near = hardwareProximity(payload.hardware);
      rows.push({
        ...recordFacts(payload),
        id: contentId(payload),
        payload: canonicalJson(payload),
        signature: env.signature,
        publicKey: env.public_key,
        keyFingerprint: fingerprints[k],
        hardwareClass: hw.class,
        hardwareFamily: near.family,
        acceleratorKind: near.kind,
        memoryGb: hw.memory_gb,
      });
    }
    await database.db.insert(records).values(rows).onConflictDoNothing();
  }
  return stored;
}

/** GET /v1/export of all `n` records from a fresh server process: its time and the server's peak RSS. */
async function measureExport(url: string, n: number) {
  // A fresh server process per size: its peak RSS is the export's, not an earlier run's.
  const server = await startServer({ DATABASE_URL: url, LOG_LEVEL: 'warn' }, 60_000);
  try {
    const status = () => readFileSync(`/proc/${server.child.pid}/status`, 'utf8');
    const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status())![1]);
    const before = kb('VmHWM');
    const t1 = performance.now();
    const res = await fetch(`${server.url}/v1/export`);
    let bytes = 0;
    let lines = 0;
    let sampled = 0;
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      bytes += chunk.length;
      for (const b of chunk) if (b === 10) lines++;
      if (++sampled % 50 === 0) kb('VmRSS');
    }
    const secs = (performance.now() - t1) / 1000;
    const peak = kb('VmHWM');
    if (lines !== n) throw new Error(`exported ${lines} lines of ${n}`);
    const row = {
      records: n,
      seconds: Number(secs.toFixed(2)),
      records_per_s: Math.round(n / secs),
      megabytes: Number((bytes / 1e6).toFixed(1)),
      server_peak_rss_mb_before: Math.round(before / 1024),
      server_peak_rss_mb: Math.round(peak / 1024),
    };
    console.log(
      `export ${n} records: ${row.seconds} s (${row.records_per_s} records/s, ${row.megabytes} MB); server peak RSS ${row.server_peak_rss_mb} MB (${row.server_peak_rss_mb_before} MB before the export)`,
    );
    return row;
  } finally {
    await server.stop();
  }
}
