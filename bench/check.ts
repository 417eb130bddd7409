// Check benchmark: p50 / p99 latency of POST /v1/ideas/check over N stored records, and
// recall@10 of the HNSW index against an exact scan, measured in the same run.
//   npm run bench -- check [--sizes 10000,100000] [--drivers postgres,pglite] [--pglite-max 10000] [--queries 300] [--sql-profile]
// --sql-profile prints PostgreSQL's top statements over the latency loop (pg_stat_statements).
// Records are seeded straight into the tables (already assigned, with embeddings), so the
// bench measures queries, not ingest; the HNSW index is built after the load (maintenance_work_mem
// 4GB for that build, BENCH_MAINTENANCE_WORK_MEM to change it). At 1M: --sizes 1000000 --drivers postgres.
import { parseArgs } from 'node:util';
import { sql } from 'drizzle-orm';
import { createHash, randomUUID } from 'node:crypto';
import { openDatabase, type Database } from '../server/db/client.ts';
import { createServices } from '../server/services/container.ts';
import { createApp } from '../server/app.ts';
import { ideas, recordEmbeddings } from '../server/db/schema/ideas.ts';
import { records } from '../server/db/schema/records.ts';
import { ideaFeatures } from '../server/services/ideas/features.ts';
import { localEmbedder } from '../server/services/ideas/local-embedder.ts';
import { IdeaRepository, vectorKey } from '../server/repositories/idea.repository.ts';
import { hardwareProximity } from '../server/protocol/hardware-family.ts';
import { understand } from '../server/catalogue/understand.ts';
import { DERIVATION_VERSION } from '../server/services/ideas/derive.ts';
import { benchDatabaseUrl } from './databases.ts';
import { syntheticExperiment } from './synthetic.ts';
import { seedKey, seedRow } from './seed-row.ts';
import { sqlProfile } from './profile/sql-top.ts';

export async function run(argv: string[]) {
  const { values } = parseArgs({
    args: argv,
    options: {
      sizes: { type: 'string', default: '10000,100000' },
      drivers: { type: 'string', default: 'postgres,pglite' },
      'pglite-max': { type: 'string', default: '10000' },
      queries: { type: 'string', default: '300' },
      'sql-profile': { type: 'boolean', default: false },
    },
  });
  const sizes = values.sizes!.split(',').map(Number);
  const queries = Number(values.queries);
  const out: unknown[] = [];
  for (const driver of values.drivers!.split(',')) {
    for (const n of sizes) {
      if (driver === 'pglite' && n > Number(values['pglite-max'])) continue;
      const url = driver === 'postgres' ? await benchDatabaseUrl('crossfork_bench_check') : null;
      const database = url ? await openDatabase({ url, maxConnections: 4 }) : await openDatabase({ dataDir: 'memory://' });
      try {
        const profile = values['sql-profile'] && url ? () => sqlProfile(url) : null;
        out.push({ driver, records: n, ...(await measure(database, n, queries, profile)) });
      } finally {
        await database.close();
      }
      const r = out[out.length - 1] as any;
      console.log(
        `${driver.padEnd(8)} ${String(n).padStart(7)} records: load ${r.seed_s} s + HNSW build ${r.index_s} s · check p50 ${r.p50_ms} ms, p99 ${r.p99_ms} ms · nearest p50 ${r.nearest_p50_ms} ms vs exact ${r.exact_p50_ms} ms · recall@10 ${r.recall_at_10}`,
      );
    }
  }
  console.log(JSON.stringify({ bench: 'check', results: out }));
}

async function measure(
  database: Database,
  n: number,
  queries: number,
  profile: (() => Promise<Awaited<ReturnType<typeof sqlProfile>>>) | null,
) {
  const embedder = localEmbedder();
  const services = createServices({ database, embedder });
  // Loaded first, indexed after (as a bulk import would be): building the HNSW graph once over
  // all the vectors is several times faster than growing it row by row.
  const t0 = performance.now();
  const vectors = await seed(database, n, embedder, services);
  const seedS = ((performance.now() - t0) / 1000).toFixed(1);
  const t1 = performance.now();
  await buildVectorIndex(database, embedder);
  const indexS = ((performance.now() - t1) / 1000).toFixed(1);
  process.stderr.write(`  loaded in ${seedS} s, HNSW index built in ${indexS} s\n`);
  const app = createApp({ services, config: { maxBodyBytes: 1 << 20, maxBatchBodyBytes: 1 << 25 } });

  // Latency of the whole endpoint (validation, features, embedding, lookups, evidence, verdict).
  const sqlTop = profile ? await profile() : null;
  const lat: number[] = [];
  for (let i = 0; i < queries + 20; i++) {
    const e = syntheticExperiment(1_000_000 + i);
    // As `crossfork check` asks: with the caller's key (one of the ~1,000-record signers of the store).
    const body = JSON.stringify({ description: e.description, hardware: e.hardware, harness_id: e.harnessId, key_fingerprint: seedKey(i) });
    const s = performance.now();
    const res = await app.request('/v1/ideas/check', { method: 'POST', body, headers: { 'content-type': 'application/json' } });
    await res.json();
    if (res.status !== 200) throw new Error(`check answered ${res.status}`);
    if (i >= 20) lat.push(performance.now() - s);
  }
  await sqlTop?.print();

  // Recall@10 of the HNSW index against the exact scan, on the same query vectors.
  const repo = new IdeaRepository(database.db);
  const space = { model: embedder.model, dimensions: embedder.dimensions };
  let hits = 0;
  const nearestMs: number[] = [];
  const exactMs: number[] = [];
  const recallQueries = Math.min(100, queries);
  for (let i = 0; i < recallQueries; i++) {
    const e = syntheticExperiment(2_000_000 + i);
    const [v] = await embedder.embed([ideaFeatures({ description: e.description, diff: null }).text]);
    let s = performance.now();
    const approx = await repo.nearest(space, v, 10);
    nearestMs.push(performance.now() - s);
    s = performance.now();
    const exact = await repo.nearestExact(space, v, 10);
    exactMs.push(performance.now() - s);
    // Tie-aware: synthetic records repeat phrasings, so many vectors are identical and the
    // exact top 10 is one arbitrary pick among equals. A result counts when it is as near as
    // the exact 10th.
    const bound = exact.length ? exact[exact.length - 1].similarity - 1e-6 : 1;
    hits += Math.min(exact.length, approx.filter((x) => x.similarity >= bound).length) / Math.max(1, exact.length);
  }
  return {
    seed_s: Number(seedS),
    index_s: Number(indexS),
    vectors,
    p50_ms: pct(lat, 0.5),
    p99_ms: pct(lat, 0.99),
    nearest_p50_ms: pct(nearestMs, 0.5),
    exact_p50_ms: pct(exactMs, 0.5),
    recall_at_10: Number((hits / recallQueries).toFixed(3)),
  };
}

/**
 * The model's HNSW index over everything loaded. On PostgreSQL with maintenance_work_mem large
 * enough for the graph (else the build slows down many times once it spills) and the parallel
 * workers the server allows.
 */
async function buildVectorIndex(database: Database, embedder: ReturnType<typeof localEmbedder>) {
  const space = { model: embedder.model, dimensions: embedder.dimensions };
  if (database.driver !== 'postgres') return new IdeaRepository(database.db).ensureVectorIndex(space);
  await database.db.transaction(async (tx) => {
    await tx.execute(sql.raw(`SET LOCAL maintenance_work_mem = '${process.env.BENCH_MAINTENANCE_WORK_MEM ?? '4GB'}'`));
    await new IdeaRepository(tx as unknown as Database['db']).ensureVectorIndex(space);
  });
  await database.db.execute(sql`ANALYZE record_embeddings`);
  await database.db.execute(sql`ANALYZE records`);
}

/** Inserts n assigned records with their embeddings, in chunks (ideas: one per distinct change). */
async function seed(
  database: Database,
  n: number,
  embedder: ReturnType<typeof localEmbedder>,
  services: ReturnType<typeof createServices>,
) {
  const db = database.db;
  const ideaOf = new Map<string, string>();
  const indexed = new Set<string>();
  let embedded = 0;
  const chunk = 1000;
  for (let start = 0; start < n; start += chunk) {
    const exps = Array.from({ length: Math.min(chunk, n - start) }, (_, i) => syntheticExperiment(start + i));
    const feats = exps.map((e) => ideaFeatures({ description: e.description, diff: null }));
    const vectors = await embedder.embed(feats.map((f) => f.text));
    const newIdeas: (typeof ideas.$inferInsert)[] = [];
    const rows = exps.map((e, i) => {
      const id = createHash('sha256')
        .update(`bench-${start + i}`)
        .digest('hex');
      let ideaId = ideaOf.get(e.ideaLabel);
      if (!ideaId) {
        ideaId = randomUUID();
        ideaOf.set(e.ideaLabel, ideaId);
        newIdeas.push({ id: ideaId, description: e.description, paramKey: feats[i].paramKey, foundingRecordId: id });
      }
      const proximity = hardwareProximity(e.hardware);
      return {
        ...seedRow(e, {
          id,
          payload: JSON.stringify({ description: e.description, diff: null }),
          key: start + i,
          harnessId: e.harnessId,
          forkId: 'bench',
          createdAt: new Date(Date.UTC(2026, 0, 1) + (start + i) * 1000),
        }),
        ideaId,
        paramKey: feats[i].paramKey,
        diffKey: null,
        changes: understand({ description: e.description, diff: null }).changes,
        derivedVersion: DERIVATION_VERSION,
        hardwareFamily: proximity.family,
        acceleratorKind: proximity.kind,
        harnessKey: e.harnessId,
      };
    });
    if (newIdeas.length) await db.insert(ideas).values(newIdeas);
    await db.insert(records).values(rows);
    // As IdeaRepository.assign does: a vector already indexed for its idea is not indexed again.
    const fresh = rows.flatMap((r, i) => {
      const key = vectorKey(vectors[i], r.paramKey);
      if (indexed.has(`${r.ideaId}|${key}`)) return [];
      indexed.add(`${r.ideaId}|${key}`);
      return [{ recordId: r.id, model: embedder.model, ideaId: r.ideaId, paramKey: r.paramKey, embedding: vectors[i], vectorKey: key }];
    });
    if (fresh.length) await db.insert(recordEmbeddings).values(fresh);
    embedded += fresh.length;
    if ((start / chunk) % 10 === 9) process.stderr.write(`  seeded ${start + chunk}/${n}\r`);
  }
  // As the assignment job does: the evidence and retrieval documents of every idea, once here.
  const ideaIds = [...ideaOf.values()];
  for (let i = 0; i < ideaIds.length; i += 200) await services.ideas.refreshIdeas(ideaIds.slice(i, i + 200));
  process.stderr.write(`\n  ${embedded} distinct vectors indexed for ${n} records in ${ideaIds.length} ideas\n`);
  return embedded;
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return Number(s[Math.min(s.length - 1, Math.floor(p * s.length))].toFixed(2));
};
