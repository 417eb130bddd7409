// TEMP (not part of the project): leaderboard compute, counts table vs scans, same database.
import postgres from 'postgres';
import { openDatabase } from '../server/db/client.ts';
import { createServices } from '../server/services/container.ts';
import { createApp } from '../server/app.ts';
import { benchDatabaseUrl } from './databases.ts';
import { envelope, makePayload, newSigner } from '../test/helpers/records.ts';
import { syntheticExperiment } from './synthetic.ts';
const N = Number(process.argv[2] ?? 20000);
const url = await benchDatabaseUrl('crossfork_bench_board');
const database = await openDatabase({ url });
const services = createServices({ database, rateLimitWrites: 0 });
const app = createApp({ services, config: { maxBodyBytes: 1 << 20, maxBatchBodyBytes: 1 << 26 } });
const signers = Array.from({ length: 16 }, (_, i) => newSigner(`b${i}`));
let harness = '';
for (let i = 0; i < N; i += 500) {
  const recs = Array.from({ length: Math.min(500, N - i) }, (_, j) => {
    const e = syntheticExperiment(i + j);
    const p = makePayload({ description: e.description, hardware: e.hardware, status: e.status, metrics: { val_bpb: e.valBpb } });
    harness = p.harness.id;
    return envelope(p, signers[(i + j) % 16]);
  });
  const r = await app.request('/v1/records/batch', {
    method: 'POST',
    body: JSON.stringify({ records: recs }),
    headers: { 'content-type': 'application/json' },
  });
  if (r.status !== 200) throw new Error(String(r.status));
}
await database.close();
const sql = postgres(url, { max: 1, onnotice: () => {} });
await sql`VACUUM ANALYZE records`;
const key = (await sql`SELECT coalesce(harness_key, harness_id) AS k FROM records LIMIT 1`)[0].k;
const where = sql`coalesce(harness_key, harness_id) = ${key} AND status = 'keep' AND val_bpb IS NOT NULL AND NOT flagged AND NOT hidden AND signed`;
const history = () =>
  sql`SELECT hardware_class, id, val_bpb, created_at FROM (SELECT hardware_class, id, val_bpb, created_at, seq, min(val_bpb) OVER (PARTITION BY hardware_class ORDER BY created_at, seq ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS best_before FROM records WHERE ${where}) k WHERE best_before IS NULL OR val_bpb < best_before ORDER BY hardware_class, created_at, seq`;
const scans = async () =>
  Promise.all([
    sql`SELECT coalesce(harness_key, harness_id), max(harness_name), count(*), count(DISTINCT key_fingerprint), array_agg(DISTINCT harness_id) FROM records WHERE signed AND NOT hidden GROUP BY 1`,
    sql`SELECT hardware_class, count(*), count(DISTINCT key_fingerprint), count(*) FILTER (WHERE status = 'keep') FROM records WHERE coalesce(harness_key, harness_id) = ${key} AND signed AND NOT hidden GROUP BY 1`,
    sql`SELECT DISTINCT ON (hardware_class) * FROM records WHERE ${where} ORDER BY hardware_class, val_bpb, created_at, seq`,
    history(),
  ]);
const counts = async () =>
  Promise.all([
    sql`SELECT harness_key, max(harness_name), sum(records), count(DISTINCT key_fingerprint), array_agg(DISTINCT harness_id) FROM board_counts GROUP BY 1`,
    sql`SELECT hardware_class, sum(records), count(DISTINCT key_fingerprint), sum(keeps) FROM board_counts WHERE harness_key = ${key} GROUP BY 1`,
    sql`SELECT r.* FROM records r WHERE r.id IN (SELECT best.id FROM (SELECT DISTINCT hardware_class FROM board_counts WHERE harness_key = ${key} AND keeps > 0) c CROSS JOIN LATERAL (SELECT id FROM records WHERE coalesce(harness_key, harness_id) = ${key} AND hardware_class = c.hardware_class AND status = 'keep' AND val_bpb IS NOT NULL AND NOT flagged AND NOT hidden AND signed ORDER BY val_bpb, created_at, seq LIMIT 1) best)`,
    history(),
  ]);
const time = async (f: () => Promise<unknown>) => {
  const xs: number[] = [];
  for (let i = 0; i < 40; i++) {
    const t = performance.now();
    await f();
    xs.push(performance.now() - t);
  }
  xs.sort((a, b) => a - b);
  return xs[20].toFixed(1);
};
for (let round = 0; round < 2; round++)
  console.log(`N=${N}: scans ${await time(scans)} ms, counts ${await time(counts)} ms (median of 40, 4 queries each)`);
const [{ c }] = await sql`SELECT count(*)::int AS c FROM board_counts`;
console.log(`board_counts rows: ${c}`);
await sql.end();
